import { defineRule, everyResource } from '../rule';

export const rdsLogExports = defineRule(__filename, {
  description: 'Databases export their engine logs to CloudWatch',
  scannerIds: ['CKV_AWS_129'],
  scope: 'all',
  fix: 'keep enabled_cloudwatch_logs_exports (the database module sets it)',
  check: (stack) =>
    everyResource(stack, 'aws_db_instance', (db) => (db.enabled_cloudwatch_logs_exports ?? []).length > 0, 'no engine logs are exported'),
});
