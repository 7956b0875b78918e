import { everyResource, type GuardrailRule } from '../rule';

export const dynamodbPointInTimeRecovery: GuardrailRule = {
  id: 'dynamodb-point-in-time-recovery',
  description: 'Tables can be restored to any point in time',
  scannerIds: ['CKV_AWS_28'],
  scope: 'all',
  fix: 'set dynamodb.<name>.pointInTimeRecovery: true',
  check: (stack) => everyResource(stack, 'aws_dynamodb_table', (t) => t.point_in_time_recovery?.enabled === true, 'point-in-time recovery is off'),
};
