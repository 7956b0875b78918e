import { defineRule, everyResource } from '../rule';

export const logRetention = defineRule(__filename, {
  description: 'Every log group expires its events',
  scannerIds: ['CKV_AWS_66'],
  scope: 'all',
  fix: 'set logRetentionDays (or the per-service logRetentionDays)',
  check: (stack) =>
    everyResource(stack, 'aws_cloudwatch_log_group', (g) => (g.retention_in_days ?? 0) > 0, 'no retention: events are kept forever'),
});
