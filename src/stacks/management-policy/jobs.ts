/** Queues (the queues and their dead-letter queues), the jobs' schedules and failed-run rules, by name. */
import type { EnvironmentConfig } from '../../config/resolve';
import { fitName, NAME_LIMITS } from '../../naming';
import { type ReasonedStatement, arns } from './common';

export function jobStatements(config: EnvironmentConfig): ReasonedStatement[] {
  const { arn, prefix } = arns(config);
  const statements: ReasonedStatement[] = [];
  const add = (s: ReasonedStatement) => statements.push(s);
  const jobs = Object.keys(config.jobs).length > 0;

  // SQS queues named with the prefix: the configured queues, their dead-letter queues, the jobs' dead-letter queues.
  if (jobs || Object.keys(config.queues).length > 0) {
    add({
      Sid: 'Queues',
      Effect: 'Allow',
      Action: [
        'sqs:CreateQueue',
        'sqs:DeleteQueue',
        'sqs:GetQueueAttributes',
        'sqs:SetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ListQueueTags',
        'sqs:TagQueue',
        'sqs:UntagQueue',
      ],
      Resource: arn('sqs', `${prefix}-*`),
    });
  }
  if (jobs) {
    // EventBridge Scheduler schedules of the default group, and the EventBridge rules that match failed runs.
    add({
      Sid: 'JobSchedules',
      Effect: 'Allow',
      Action: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
      Resource: arn('scheduler', `schedule/default/${prefix}-*`),
    });
    add({
      Sid: 'JobRules',
      Effect: 'Allow',
      Action: [
        'events:PutRule',
        'events:DeleteRule',
        'events:DescribeRule',
        'events:EnableRule',
        'events:DisableRule',
        'events:ListTargetsByRule',
        'events:ListTagsForResource',
        'events:TagResource',
        'events:UntagResource',
      ],
      Resource: arn('events', `rule/${prefix}-*`),
    });
  }
  // The alarm that starts a queue worker from zero drives its scaling policy: it exists even where monitoring alarms are off.
  const fromZero = Object.values(config.services)
    .filter((s) => s.autoscaling?.queue && s.autoscaling.min === 0)
    .map((s) => arn('cloudwatch', `alarm:${fitName(`${prefix}-${s.name}-queue-from-zero`, NAME_LIMITS.alarm)}`));
  if (fromZero.length > 0)
    add({
      Sid: 'QueueScalingAlarms',
      Effect: 'Allow',
      Action: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:TagResource', 'cloudwatch:UntagResource'],
      Resource: fromZero,
    });
  return statements;
}
