import { defineRule, everyResource } from '../rule';

export const dynamodbPointInTimeRecovery = defineRule(__filename, {
  description: 'Tables can be restored to any point in time',
  scannerIds: ['CKV_AWS_28'],
  scope: 'all',
  fix: 'set dynamodb.<name>.pointInTimeRecovery: true',
  check: (stack) =>
    everyResource(stack, 'aws_dynamodb_table', (t) => t.point_in_time_recovery?.enabled === true, 'point-in-time recovery is off'),
});
