import { defineRule, everyResource } from '../rule';

export const logEncryption = defineRule(__filename, {
  description: 'Production log groups are encrypted with a customer-managed key',
  scannerIds: ['CKV_AWS_158'],
  scope: 'production',
  fix: 'keep the environment logs key the project creates in production',
  check: (stack) => everyResource(stack, 'aws_cloudwatch_log_group', (g) => Boolean(g.kms_key_id), 'not encrypted with a customer key'),
});
