import { everyResource, type GuardrailRule } from '../rule';

export const rdsEncrypted: GuardrailRule = {
  id: 'rds-encrypted',
  description: 'Database storage is encrypted',
  scannerIds: ['CKV_AWS_16'],
  scope: 'all',
  fix: 'keep storage_encrypted on (the database module sets it)',
  check: (stack) => everyResource(stack, 'aws_db_instance', (db) => db.storage_encrypted === true, 'storage is not encrypted'),
};
