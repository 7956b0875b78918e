import { defineRule, everyResource } from '../rule';

export const snsEncryption = defineRule(__filename, {
  description: 'SNS topics are encrypted',
  scannerIds: ['CKV_AWS_26'],
  scope: 'all',
  fix: 'give the topic kms_master_key_id (the alert topic module does)',
  check: (stack) => everyResource(stack, 'aws_sns_topic', (t) => Boolean(t.kms_master_key_id), 'the topic is not encrypted'),
});
