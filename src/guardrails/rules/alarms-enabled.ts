import { defineRule, resources } from '../rule';

/** What a production environment should be watched for. */
const WATCHED = ['aws_ecs_service', 'aws_lb', 'aws_db_instance', 'aws_dynamodb_table'];

export const alarmsEnabled = defineRule(__filename, {
  description: 'Production environments with services, load balancers, databases or tables have alarms',
  scannerIds: [],
  scope: 'production',
  fix: 'keep monitoring.alarms.enabled (the default), or waive this rule with the reason',
  check: (stack) => {
    if (resources(stack, 'aws_cloudwatch_metric_alarm').length > 0) return [];
    return WATCHED.flatMap((type) => resources(stack, type))
      .slice(0, 1)
      .map((r) => ({ address: r.address, message: 'nothing in this environment raises an alarm' }));
  },
});
