/**
 * Alarms and dashboard rows of queues and scheduled jobs (docs/jobs-and-queues.md). A queue alarms when its oldest message is older than its
 * threshold and when any message is in its dead-letter queue. A job alarms
 * on what truly marks a failed run:
 * - `failed-runs`: its EventBridge rule's MatchedEvents (AWS/Events, by
 *   RuleName): a task of its family stopped with a non-zero exit code of the
 *   main container, or never started. Scheduler metrics cannot see this: to
 *   the Scheduler an invocation succeeded once RunTask accepted it.
 * - `dead-letters`: messages in its Scheduler dead-letter queue: invocations
 *   the Scheduler gave up on after its retries (RunTask refused: permissions,
 *   capacity, a deleted task definition).
 */
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/resolve';
import type { ScheduledJob } from '../modules/job/scheduled-job';
import { Alarm, type AlarmDefinition } from '../modules/monitoring/alarm';
import type { DashboardSection } from '../modules/monitoring/dashboard';
import type { Metric } from '../modules/monitoring/metrics';

const sqs = (queueName: string, metricName: string, statistic: Metric['statistic']): Metric => ({
  namespace: 'AWS/SQS',
  metricName,
  dimensions: { QueueName: queueName },
  statistic,
  periodSeconds: 60,
});

/** A queue's metrics: backlog, age of the oldest message, traffic, dead letters. */
export function queueMetrics(queueName: string, deadLetterQueueName: string) {
  return {
    visible: sqs(queueName, 'ApproximateNumberOfMessagesVisible', 'Maximum'),
    oldestAge: sqs(queueName, 'ApproximateAgeOfOldestMessage', 'Maximum'),
    sent: sqs(queueName, 'NumberOfMessagesSent', 'Sum'),
    deleted: sqs(queueName, 'NumberOfMessagesDeleted', 'Sum'),
    deadLetters: sqs(deadLetterQueueName, 'ApproximateNumberOfMessagesVisible', 'Maximum'),
  };
}

/** A job's metrics: failed runs (its rule's matches) and the Scheduler's dead letters. */
export function jobMetrics(ruleName: string, deadLetterQueueName: string) {
  return {
    failedRuns: {
      namespace: 'AWS/Events',
      metricName: 'MatchedEvents',
      dimensions: { RuleName: ruleName },
      statistic: 'Sum',
      periodSeconds: 60,
    } as Metric,
    deadLetters: sqs(deadLetterQueueName, 'ApproximateNumberOfMessagesVisible', 'Maximum'),
  };
}

export function queueAlarms(input: {
  prefix: string;
  name: string;
  queueName: string;
  deadLetterQueueName: string;
  oldestMessageAgeSeconds: number;
  deadLetterMessages: boolean;
}): AlarmDefinition[] {
  const metrics = queueMetrics(input.queueName, input.deadLetterQueueName);
  const name = `${input.prefix}-queue-${input.name}`;
  return [
    {
      id: 'oldest-message',
      name: `${name}-oldest-message`,
      description: `Queue ${input.name}: the oldest message waits more than ${input.oldestMessageAgeSeconds} s (consumers behind or stopped)`,
      metric: metrics.oldestAge,
      comparison: 'GreaterThanThreshold',
      threshold: input.oldestMessageAgeSeconds,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      missingData: 'notBreaching',
    },
    ...(input.deadLetterMessages
      ? [
          {
            id: 'dead-letters',
            name: `${name}-dead-letters`,
            description: `Queue ${input.name}: messages in the dead-letter queue (received too often without being deleted)`,
            metric: metrics.deadLetters,
            comparison: 'GreaterThanThreshold' as const,
            threshold: 0,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            missingData: 'notBreaching' as const,
          },
        ]
      : []),
  ];
}

export function jobAlarms(input: { prefix: string; name: string; ruleName: string; deadLetterQueueName: string }): AlarmDefinition[] {
  const metrics = jobMetrics(input.ruleName, input.deadLetterQueueName);
  const name = `${input.prefix}-job-${input.name}`;
  return [
    {
      id: 'failed-runs',
      name: `${name}-failed-run`,
      description: `Job ${input.name}: a run stopped with a non-zero exit code or did not start`,
      metric: metrics.failedRuns,
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      missingData: 'notBreaching',
    },
    {
      id: 'dead-letters',
      name: `${name}-not-started`,
      description: `Job ${input.name}: the Scheduler gave up starting a run (its dead-letter queue has messages)`,
      metric: metrics.deadLetters,
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      missingData: 'notBreaching',
    },
  ];
}

interface Monitored {
  readonly prefix: string;
  readonly jobs: Readonly<Record<string, ScheduledJob>>;
}

/** The alarms of every queue and job (under `monitoring-jobs/`), notifying the topic. */
export function addJobAndQueueAlarms(scope: Construct, config: EnvironmentConfig, env: Monitored, topicArn: string): void {
  if (Object.keys(config.queues).length + Object.keys(config.jobs).length === 0) return;
  const monitoring = new Construct(scope, 'monitoring-jobs');
  const add = (parent: Construct, definitions: readonly AlarmDefinition[]) => {
    for (const { id, ...definition } of definitions) new Alarm(parent, `alarm-${id}`, { ...definition, topicArn });
  };
  for (const queue of Object.values(config.queues)) {
    add(
      new Construct(monitoring, `queue-${queue.name}`),
      queueAlarms({
        prefix: env.prefix,
        name: queue.name,
        queueName: queue.queueName,
        deadLetterQueueName: queue.deadLetterQueueName,
        ...queue.alarms,
      }),
    );
  }
  for (const job of Object.values(config.jobs)) {
    if (!job.alarms.failedRuns) continue;
    const resource = env.jobs[job.name]!;
    add(
      new Construct(monitoring, `job-${job.name}`),
      jobAlarms({ prefix: env.prefix, name: job.name, ruleName: resource.ruleName, deadLetterQueueName: resource.deadLetterQueueName }),
    );
  }
}

/** Dashboard rows: one per queue (backlog, oldest message, traffic, dead letters), one per job (failed runs, not started). */
export function jobAndQueueSections(config: EnvironmentConfig, env: Monitored): DashboardSection[] {
  return [
    ...Object.values(config.queues).map((queue) => {
      const metrics = queueMetrics(queue.queueName, queue.deadLetterQueueName);
      return {
        heading: `Queue ${queue.name}`,
        graphs: [
          { title: `${queue.name} messages visible`, metrics: [metrics.visible] },
          { title: `${queue.name} oldest message (s)`, metrics: [metrics.oldestAge] },
          { title: `${queue.name} sent / deleted`, metrics: [metrics.sent, metrics.deleted] },
          { title: `${queue.name} dead letters`, metrics: [metrics.deadLetters] },
        ],
      };
    }),
    ...Object.values(config.jobs).map((job) => {
      const resource = env.jobs[job.name]!;
      const metrics = jobMetrics(resource.ruleName, resource.deadLetterQueueName);
      return {
        heading: `Job ${job.name}`,
        graphs: [
          { title: `${job.name} failed runs`, metrics: [metrics.failedRuns] },
          { title: `${job.name} runs not started`, metrics: [metrics.deadLetters] },
        ],
      };
    }),
  ];
}
