import { defineRule, everyResource } from '../rule';

export const kmsRotation = defineRule(__filename, {
  description: 'Customer-managed keys rotate yearly',
  scannerIds: ['CKV_AWS_7'],
  scope: 'all',
  fix: 'set enable_key_rotation on the key',
  check: (stack) => everyResource(stack, 'aws_kms_key', (k) => k.enable_key_rotation === true, 'key rotation is off'),
});
