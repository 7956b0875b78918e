/** Cost lines and diagram edges of jobs and queues (docs/jobs-and-queues.md), on the jobs fixture's stacks. */
import { loadEnvironments } from '../../src/core/index';
import { estimateStack } from '../../src/cost/estimate';
import { diagramOf } from '../../src/diagram/model';
import { toMermaid } from '../../src/diagram/mermaid';
import { synthEnvironment } from '../support/helpers';

const configs = loadEnvironments('test/fixtures/jobs').map((e) => e.config);
const dev = synthEnvironment(configs.find((c) => c.environment === 'dev')!);
const production = synthEnvironment(configs.find((c) => c.environment === 'production')!);

describe('the cost of jobs and queues', () => {
  const lines = estimateStack(dev, 'dev').lines;
  const of = (prefix: string) => lines.filter((l) => l.address.startsWith(prefix));

  it("prices each queue's requests by the assumption (FIFO dearer), dead-letter queues at none", () => {
    expect(of('aws_sqs_queue.queue-orders_queue_')).toEqual([
      expect.objectContaining({ quantity: 1, unit: 'million requests', unitPrice: 0.4, monthly: 0.4 }),
    ]);
    expect(of('aws_sqs_queue.queue-invoices_queue_')).toEqual([
      expect.objectContaining({ item: 'FIFO requests (1 million a month)', unitPrice: 0.5, monthly: 0.5 }),
    ]);
    for (const dlq of [...of('aws_sqs_queue.queue-orders_dead-letter-queue_'), ...of('aws_sqs_queue.job-reindex_dead-letter-queue_')])
      expect(dlq.monthly).toBe(0);
    const more = estimateStack(dev, 'dev', { assumptions: { sqsRequestsMillionPerQueue: 50 } }).lines.filter((l) =>
      l.address.startsWith('aws_sqs_queue.queue-orders_queue_'),
    );
    expect(more[0]!.monthly).toBe(20);
  });

  it("prices a job's runs: Scheduler invocations, and Fargate time of each run on its capacity (daily, Spot)", () => {
    const job = of('aws_scheduler_schedule.job-reindex_schedule_');
    expect(job.map((l) => l.item)).toEqual([
      expect.stringMatching(/^Scheduler invocations \(30\.41\d+ run\(s\) a month\)$/),
      expect.stringMatching(
        /^Fargate Spot vCPU \(30\.4\d+ run\(s\) of 10 min, 0\.5 vCPU, 1 GB, Spot share 1, 67\.04% off \(cost\.spotDiscount\)\)$/,
      ),
      expect.stringMatching(/^Fargate Spot memory /),
    ]);
    // 365 runs a year / 12, 10 minutes each, 0.5 vCPU.
    expect(job[1]!.quantity).toBeCloseTo((365 / 12) * (10 / 60) * 0.5, 3);
    // Spot runs follow cost.spotDiscount like services do.
    const halfOff = estimateStack(dev, 'dev', { assumptions: { spotDiscount: 0.5 } }).lines.filter((l) =>
      l.address.startsWith('aws_scheduler_schedule.job-reindex_schedule_'),
    );
    expect(halfOff[1]!.unitPrice).toBeCloseTo(job[1]!.unitPrice! * (0.5 / (1 - 0.6704)), 5);
    expect(halfOff[1]!.item).toContain('50% off (cost.spotDiscount)');
    // A disabled schedule runs nothing.
    expect(of('aws_scheduler_schedule.job-report_schedule_').map((l) => l.monthly)).toEqual([0]);
    // Production's mixed strategy splits on-demand and Spot 1:3; an hourly job runs 730 times a month.
    const prodLines = estimateStack(production, 'production').lines;
    expect(prodLines.filter((l) => l.address.startsWith('aws_scheduler_schedule.job-reindex_')).map((l) => l.item.split(' (')[0])).toEqual([
      'Scheduler invocations',
      'Fargate vCPU',
      'Fargate memory',
      'Fargate Spot vCPU',
      'Fargate Spot memory',
    ]);
    expect(
      prodLines.find((l) => l.address.startsWith('aws_scheduler_schedule.job-report_') && l.item.startsWith('Fargate vCPU'))!.quantity,
    ).toBeCloseTo(730 * (10 / 60) * 0.25, 3);
  });

  it("prices the queue worker's target-tracking alarms per metric they read: two alarms of two metrics (visible messages, running tasks)", () => {
    const tracking = of('aws_appautoscaling_policy.service-worker_autoscaling_queue_');
    expect(tracking).toEqual([
      expect.objectContaining({
        item: 'alarms Application Auto Scaling creates (target tracking: scale out and scale in), each reading the 2 metrics of its metric math',
        quantity: 4,
        unit: 'alarm metric-month',
        unitPrice: 0.1,
        monthly: 0.4,
      }),
    ]);
    // The step policy that starts the first task from zero has no alarms of its own (its alarm is an aws_cloudwatch_metric_alarm);
    // a policy on a predefined metric reads one, two alarm metrics (test/unit/cost.test.ts).
    expect(of('aws_appautoscaling_policy.service-worker_autoscaling_queue-from-zero_')).toEqual([]);
  });

  it('leaves nothing of them unpriced', () => {
    expect(lines.filter((l) => !l.priced)).toEqual([]);
  });
});

describe('the diagram of jobs and queues', () => {
  const diagram = diagramOf(dev, 'dev');
  const edge = (from: string, to: string) => diagram.edges.filter((e) => e.from === from && e.to === to).map((e) => e.label);

  it('draws jobs with their schedule and queues with their dead-letter queue', () => {
    expect(diagram.nodes.find((n) => n.id === 'job_reindex')).toMatchObject({
      kind: 'job',
      label: ['job reindex', 'cron(0 3 * * ? *) Europe/Berlin', '0.5 vCPU, 1 GB, Spot'],
    });
    expect(diagram.nodes.find((n) => n.id === 'queue_invoices')).toMatchObject({
      kind: 'queue',
      label: ['queue invoices', 'SQS FIFO, dead letters to shop-dev-invoices-dlq.fifo'],
    });
    expect(diagram.nodes.filter((n) => n.kind === 'queue')).toHaveLength(2);
  });

  it('draws an edge for each grant: senders to the queue, the queue to its receivers, a job to the service it reaches', () => {
    expect(edge('service_api', 'queue_orders')).toEqual(['IAM send']);
    expect(edge('job_report', 'queue_orders')).toEqual(['IAM send']);
    expect(edge('queue_orders', 'service_worker')).toEqual(['IAM receive']);
    expect(edge('job_reindex', 'queue_invoices')).toEqual(['IAM send']);
    expect(edge('job_report', 'service_api')).toEqual(['port 8080']);
    // No edge without its grant: the worker sends nowhere.
    expect(diagram.edges.filter((e) => e.from === 'service_worker' && e.to.startsWith('queue_'))).toEqual([]);
    for (const e of diagram.edges.filter((x) => x.label.startsWith('IAM')))
      expect(e.grant).toMatch(/^aws_iam_role_policy\.queue-\w+_grant-/);
    expect(toMermaid(diagram)).toContain('queue_orders -->|"IAM receive"| service_worker');
  });
});
