/**
 * Queues and queue workers (docs/jobs-and-queues.md), on the synthesized
 * JSON of the jobs fixture: queues with dead-letter queues and redrive,
 * encryption (SSE-SQS, a customer key in production), FIFO names, grants
 * and QUEUE_<NAME>_URL to exactly the listed services and jobs, alarms,
 * and scaling on backlog per task, from zero; and the problems of queues
 * and queue scaling that cannot work.
 */
import { loadEnvironments } from '../../src/core/index';
import { queueName } from '../../src/config/jobs-resolve';
import { diffGapOf } from '../../src/verification/emulator-gaps';
import { MINIMAL_ENVIRONMENT, problemsOf, resourcesOf, synthEnvironment } from '../support/helpers';

const configs = loadEnvironments('test/fixtures/jobs').map((e) => e.config);
const dev = synthEnvironment(configs.find((c) => c.environment === 'dev')!);
const production = synthEnvironment(configs.find((c) => c.environment === 'production')!);

const named = (stack: string, type: string, prefix: string) =>
  Object.entries(resourcesOf(stack, type))
    .filter(([name]) => name.startsWith(prefix))
    .map(([, r]) => r);
const containerOf = (stack: string, service: string) =>
  JSON.parse(named(stack, 'aws_ecs_task_definition', `service-${service}_task-definition_`)[0].container_definitions)[0];

describe('a queue', () => {
  it('has a dead-letter queue <name>-dlq that takes its redrives, and both refuse requests without TLS', () => {
    const [queue] = named(dev, 'aws_sqs_queue', 'queue-orders_queue_');
    const [dlq] = named(dev, 'aws_sqs_queue', 'queue-orders_dead-letter-queue_');
    expect(queue).toMatchObject({
      name: 'shop-dev-orders',
      visibility_timeout_seconds: 60,
      receive_wait_time_seconds: 20,
      message_retention_seconds: 345600,
      sqs_managed_sse_enabled: true,
    });
    expect(dlq).toMatchObject({ name: 'shop-dev-orders-dlq', message_retention_seconds: 1209600, sqs_managed_sse_enabled: true });
    expect(JSON.parse(queue.redrive_policy)).toEqual({
      deadLetterTargetArn: expect.stringMatching(/queue-orders_dead-letter-queue_\w+\.arn/),
      maxReceiveCount: 5,
    });
    const [allow] = named(dev, 'aws_sqs_queue_redrive_allow_policy', 'queue-orders_');
    expect(JSON.parse(allow.redrive_allow_policy)).toEqual({
      redrivePermission: 'byQueue',
      sourceQueueArns: [expect.stringMatching(/queue-orders_queue_\w+\.arn/)],
    });
    const policies = named(dev, 'aws_sqs_queue_policy', 'queue-orders_').map((p) => JSON.parse(p.policy).Statement[0]);
    expect(policies).toHaveLength(2);
    for (const statement of policies)
      expect(statement).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });

  it('is FIFO when asked, with the .fifo suffix on both queues', () => {
    const [queue] = named(dev, 'aws_sqs_queue', 'queue-invoices_queue_');
    const [dlq] = named(dev, 'aws_sqs_queue', 'queue-invoices_dead-letter-queue_');
    expect(queue).toMatchObject({ name: 'shop-dev-invoices.fifo', fifo_queue: true, content_based_deduplication: true });
    expect(dlq).toMatchObject({ name: 'shop-dev-invoices-dlq.fifo', fifo_queue: true });
  });

  it("uses the environment's customer key in production, rotated", () => {
    const [key] = Object.values(resourcesOf(production, 'aws_kms_key')).filter((k) => /SQS queues/.test(k.description));
    expect(key.enable_key_rotation).toBe(true);
    for (const queue of named(production, 'aws_sqs_queue', 'queue-')) {
      expect(queue.kms_master_key_id).toMatch(/aws_kms_key\.queues-key_\w+\.arn/);
      expect(queue.sqs_managed_sse_enabled).toBeUndefined();
    }
    expect(Object.values(resourcesOf(dev, 'aws_kms_key')).filter((k) => /SQS queues/.test(k.description))).toEqual([]);
  });

  it("cannot be destroyed by a plan in production (its messages are data); dev's can", () => {
    const queues = named(production, 'aws_sqs_queue', 'queue-');
    expect(queues).toHaveLength(4);
    for (const queue of queues) expect(queue.lifecycle).toEqual({ prevent_destroy: true });
    for (const queue of named(dev, 'aws_sqs_queue', 'queue-')) expect(queue.lifecycle).toBeUndefined();
  });

  it('grants send and receive to exactly the task roles listed, with the key in production, and injects QUEUE_<NAME>_URL', () => {
    const grants = (stack: string) =>
      Object.entries(resourcesOf(stack, 'aws_iam_role_policy'))
        .filter(([n]) => n.startsWith('queue-orders_grant-'))
        .map(([n, p]) => [n.replace(/_\w+$/, ''), p.role, JSON.parse(p.policy).Statement] as const);
    const devGrants = grants(dev);
    expect(devGrants.map(([n, role]) => [n, String(role).replace(/^\$\{aws_iam_role\.(.+?)_[A-F0-9]+\.id\}$/, '$1')])).toEqual([
      ['queue-orders_grant-api-send', 'service-api_roles_task-role'],
      ['queue-orders_grant-report-send', 'job-report_roles_task-role'],
      ['queue-orders_grant-worker-receive', 'service-worker_roles_task-role'],
    ]);
    expect(devGrants[2]![2]).toEqual([
      {
        Sid: 'QueueReceive',
        Effect: 'Allow',
        Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
        Resource: expect.stringMatching(/queue-orders_queue_\w+\.arn/),
      },
    ]);
    expect(grants(production)[0]![2][1]).toMatchObject({ Sid: 'QueueKey', Action: ['kms:Decrypt', 'kms:GenerateDataKey'] });
    expect(containerOf(dev, 'worker').environment).toEqual(
      expect.arrayContaining([
        { name: 'QUEUE_ORDERS_URL', value: expect.stringMatching(/queue-orders_queue_\w+\.url/) },
        { name: 'QUEUE_INVOICES_URL', value: expect.stringMatching(/queue-invoices_queue_\w+\.url/) },
      ]),
    );
    expect(containerOf(dev, 'api').environment.map((e: { name: string }) => e.name)).toEqual(['QUEUE_ORDERS_URL']);
  });

  it("alarms on the oldest message's age and on any dead letter, to the topic", () => {
    const alarms = named(dev, 'aws_cloudwatch_metric_alarm', 'monitoring-jobs_queue-orders_');
    expect(alarms.map((a) => [a.metric_name, a.dimensions.QueueName, a.comparison_operator, a.threshold]).sort()).toEqual([
      ['ApproximateAgeOfOldestMessage', 'shop-dev-orders', 'GreaterThanThreshold', 900],
      ['ApproximateNumberOfMessagesVisible', 'shop-dev-orders-dlq', 'GreaterThanThreshold', 0],
    ]);
    const body = JSON.stringify(JSON.parse(Object.values(resourcesOf(dev, 'aws_cloudwatch_dashboard'))[0].dashboard_body));
    expect(body).toContain('Queue orders');
  });

  it("names fit SQS's 80 characters, .fifo included, the same every time", () => {
    const long = queueName('a'.repeat(20) + '-' + 'b'.repeat(20), 'c'.repeat(32), true, true);
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long.endsWith('.fifo')).toBe(true);
    expect(queueName('a'.repeat(20) + '-' + 'b'.repeat(20), 'c'.repeat(32), true, true)).toBe(long);
  });
});

describe('a queue worker', () => {
  const policies = named(dev, 'aws_appautoscaling_policy', 'service-worker_autoscaling_');

  it('tracks the backlog per task: visible messages / RunningTaskCount, held at messagesPerTask', () => {
    const tracking = policies.find((p) => p.policy_type === 'TargetTrackingScaling');
    const spec = tracking.target_tracking_scaling_policy_configuration;
    expect(spec.target_value).toBe(100);
    expect(spec.customized_metric_specification.metrics).toEqual([
      {
        id: 'visible',
        return_data: false,
        metric_stat: {
          metric: {
            namespace: 'AWS/SQS',
            metric_name: 'ApproximateNumberOfMessagesVisible',
            dimensions: [{ name: 'QueueName', value: 'shop-dev-orders' }],
          },
          stat: 'Sum',
        },
      },
      {
        id: 'running',
        return_data: false,
        metric_stat: {
          metric: {
            namespace: 'ECS/ContainerInsights',
            metric_name: 'RunningTaskCount',
            dimensions: [
              { name: 'ClusterName', value: 'shop-dev' },
              { name: 'ServiceName', value: expect.any(String) },
            ],
          },
          stat: 'Average',
        },
      },
      { id: 'backlog', expression: 'visible / running', label: 'Backlog per task', return_data: true },
    ]);
  });

  it('with min 0, starts the first task through a step policy on "messages waiting, no task running"', () => {
    const [target] = named(dev, 'aws_appautoscaling_target', 'service-worker_autoscaling_');
    expect(target.min_capacity).toBe(0);
    const step = policies.find((p) => p.policy_type === 'StepScaling');
    expect(step.step_scaling_policy_configuration).toMatchObject({
      adjustment_type: 'ChangeInCapacity',
      step_adjustment: [{ metric_interval_lower_bound: '0', scaling_adjustment: 1 }],
    });
    const [alarm] = named(dev, 'aws_cloudwatch_metric_alarm', 'service-worker_autoscaling_queue-from-zero-alarm_');
    expect(alarm.alarm_actions).toEqual([
      expect.stringMatching(/aws_appautoscaling_policy\.service-worker_autoscaling_queue-from-zero_\w+\.arn/),
    ]);
    expect(alarm.metric_query.find((q: { id: string }) => q.id === 'waiting').expression).toBe(
      'IF(visible > 0 AND FILL(running, 0) == 0, 1, 0)',
    );
    expect(alarm).toMatchObject({ comparison_operator: 'GreaterThanOrEqualToThreshold', threshold: 1 });
  });
});

describe('queues and queue scaling that cannot work', () => {
  const base = (more: string) => `${MINIMAL_ENVIRONMENT}services:
  worker:
    image: public.ecr.aws/nginx/nginx:1.27
    cpu: 256
    memory: 512
    autoscaling: { min: 0, max: 4, queue: { name: orders, messagesPerTask: 10 } }
${more}`;

  it('scaling on a queue that does not exist, or that the service may not receive from, or without Container Insights', () => {
    expect(problemsOf({ 'dev.yaml': base('') })).toEqual([
      'cfg/dev.yaml:15:51 services.worker.autoscaling.queue.name: no queue "orders" under queues; use one of (none defined)',
    ]);
    expect(problemsOf({ 'dev.yaml': base('queues:\n  orders: { allowedServices: { send: [worker] } }\n') })).toEqual([
      'cfg/dev.yaml:15:51 services.worker.autoscaling.queue.name: service worker scales on queue orders but may not receive from it; add worker to queues.orders.allowedServices.receive',
    ]);
    expect(
      problemsOf({
        'dev.yaml': base('queues:\n  orders: { allowedServices: { receive: [worker] } }\ncluster: { containerInsights: false }\n'),
      }),
    ).toEqual([
      'cfg/dev.yaml:15:43 services.worker.autoscaling.queue: the backlog per task divides by RunningTaskCount, a Container Insights metric; set cluster.containerInsights: true',
    ]);
  });

  it('a queue listing an unknown service, deduplicating without FIFO, or a variable the project sets', () => {
    expect(
      problemsOf({
        'dev.yaml': base('queues:\n  orders: { contentBasedDeduplication: true, allowedServices: { receive: [worker, wroker] } }\n'),
      }),
    ).toEqual([
      expect.stringMatching(/^cfg\/dev.yaml:17:\d+ queues.orders.contentBasedDeduplication: content-based deduplication is a FIFO queue's/),
      'cfg/dev.yaml:17:83 queues.orders.allowedServices.receive.1: no service or job "wroker" in this environment; use one of worker',
    ]);
    expect(problemsOf({ 'dev.yaml': base('queues:\n  orders: { allowedServices: { receive: [worker, wroker] } }\n') })).toEqual([
      'cfg/dev.yaml:17:50 queues.orders.allowedServices.receive.1: no service or job "wroker" in this environment; use one of worker',
    ]);
    expect(
      problemsOf({
        'dev.yaml': base('queues:\n  orders: { allowedServices: { receive: [worker] } }\n').replace(
          '    memory: 512\n',
          '    memory: 512\n    environment: { QUEUE_ORDERS_URL: x }\n',
        ),
      }),
    ).toEqual([
      expect.stringMatching(
        /services.worker.environment.QUEUE_ORDERS_URL: QUEUE_ORDERS_URL is set by the project from queues.orders; rename this variable$/,
      ),
    ]);
  });
});

describe("the emulator's redrive policy", () => {
  const change = (before: string, after: string) => ({
    address: 'aws_sqs_queue.q',
    type: 'aws_sqs_queue',
    mode: 'managed',
    change: { actions: ['update'], before: { redrive_policy: before }, after: { redrive_policy: after }, after_unknown: {} },
  });

  it("is moto's when it is the same JSON spaced otherwise, the project's when the policy differs", () => {
    const compact = '{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:123456789012:q-dlq","maxReceiveCount":5}';
    expect(
      diffGapOf(change('{"deadLetterTargetArn": "arn:aws:sqs:eu-west-1:123456789012:q-dlq", "maxReceiveCount": 5}', compact))?.attributes,
    ).toEqual(['redrive_policy']);
    expect(
      diffGapOf(change('{"deadLetterTargetArn": "arn:aws:sqs:eu-west-1:123456789012:q-dlq", "maxReceiveCount": 3}', compact)),
    ).toBeUndefined();
  });
});
