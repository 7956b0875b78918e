import { defineRule, everyResource } from '../rule';

export const rdsEncrypted = defineRule(__filename, {
  description: 'Database storage is encrypted',
  scannerIds: ['CKV_AWS_16'],
  scope: 'all',
  fix: 'keep storage_encrypted on (the database module sets it)',
  check: (stack) => everyResource(stack, 'aws_db_instance', (db) => db.storage_encrypted === true, 'storage is not encrypted'),
});
