/** CloudWatch alarms and the dashboard, the alert topic and the cost budget, by name. */
import type { EnvironmentConfig } from '../../config/resolve';
import { NAME_LIMITS, fitName } from '../../naming';
import { type ReasonedStatement, arns } from './common';

export function monitoringStatements(config: EnvironmentConfig): ReasonedStatement[] {
  const { arn, prefix } = arns(config);
  const statements: ReasonedStatement[] = [];
  const add = (s: ReasonedStatement) => statements.push(s);

  // Alarms and the dashboard, by name.
  if (config.monitoring.alarms.enabled) {
    add({
      Sid: 'Alarms',
      Effect: 'Allow',
      Action: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:TagResource', 'cloudwatch:UntagResource'],
      Resource: arn('cloudwatch', `alarm:${prefix}-*`),
    });
  }
  if (config.monitoring.dashboard) {
    add({
      Sid: 'Dashboard',
      Effect: 'Allow',
      Action: ['cloudwatch:GetDashboard', 'cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards'],
      Resource: arn('cloudwatch', `dashboard/${prefix}*`, ''),
    });
  }
  if (config.monitoring.alarms.enabled && config.monitoring.topicArn === undefined) {
    const topic = arn('sns', fitName(`${prefix}-alerts`, NAME_LIMITS.snsTopic));
    add({
      Sid: 'AlertTopic',
      Effect: 'Allow',
      Action: [
        'sns:CreateTopic',
        'sns:DeleteTopic',
        'sns:GetTopicAttributes',
        'sns:SetTopicAttributes',
        'sns:Subscribe',
        'sns:Unsubscribe',
        'sns:GetSubscriptionAttributes',
        'sns:ListSubscriptionsByTopic',
        'sns:TagResource',
        'sns:UntagResource',
        'sns:ListTagsForResource',
      ],
      Resource: [topic, `${topic}:*`],
    });
  } else if (config.monitoring.alarms.enabled && config.monitoring.topicArn !== undefined && config.monitoring.alarmEmails.length > 0) {
    add({
      Sid: 'AlertSubscriptions',
      Effect: 'Allow',
      Action: ['sns:Subscribe', 'sns:Unsubscribe', 'sns:GetSubscriptionAttributes'],
      Resource: [config.monitoring.topicArn, `${config.monitoring.topicArn}:*`],
    });
  }
  // The cost budget, by name (budgets have no region).
  if (config.cost.monthlyBudget !== undefined) {
    add({
      Sid: 'CostBudget',
      Effect: 'Allow',
      Action: ['budgets:ModifyBudget', 'budgets:ViewBudget', 'budgets:ListTagsForResource', 'budgets:TagResource', 'budgets:UntagResource'],
      Resource: arn('budgets', `budget/${prefix}`, ''),
    });
  }
  return statements;
}
