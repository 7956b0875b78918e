/**
 * Scheduled jobs (docs/jobs-and-queues.md), on the synthesized JSON of the
 * jobs fixture: the task as a service's, the schedule with its time zone,
 * capacity, network, retries and dead-letter queue, the Scheduler role's
 * exact permissions, the failed-runs rule and alarms; and the problems of
 * jobs that cannot work.
 */
import { loadEnvironments } from '../../src/core/index';
import { failedRunPattern } from '../../src/modules/job/scheduled-job';
import { MINIMAL_ENVIRONMENT, problemsOf, resourcesOf, synthEnvironment } from '../support/helpers';

const JOBS_DIR = 'test/fixtures/jobs';
const configs = loadEnvironments(JOBS_DIR).map((e) => e.config);
const dev = synthEnvironment(configs.find((c) => c.environment === 'dev')!);
const production = synthEnvironment(configs.find((c) => c.environment === 'production')!);

const one = (stack: string, type: string, match: RegExp) => {
  const found = Object.entries(resourcesOf(stack, type)).filter(([name]) => match.test(name));
  expect(found).toHaveLength(1);
  return found[0]![1];
};
const policyOf = (resource: { policy: string }) => JSON.parse(resource.policy) as { Statement: any[] };

describe('a scheduled job', () => {
  const schedule = one(dev, 'aws_scheduler_schedule', /^job-reindex_schedule_/);

  it('runs its own task definition on its cron schedule in its time zone, on Fargate Spot in the private subnets with its security group', () => {
    expect(schedule).toMatchObject({
      name: 'shop-dev-reindex',
      schedule_expression: 'cron(0 3 * * ? *)',
      schedule_expression_timezone: 'Europe/Berlin',
      state: 'ENABLED',
      flexible_time_window: { mode: 'OFF' },
    });
    const ecs = schedule.target.ecs_parameters;
    expect(ecs.task_definition_arn).toMatch(/^\$\{aws_ecs_task_definition\.job-reindex_task-definition_\w+\.arn\}$/);
    expect(ecs.capacity_provider_strategy).toEqual([{ capacity_provider: 'FARGATE_SPOT', weight: 1, base: 0 }]);
    expect(ecs.launch_type).toBeUndefined();
    expect(ecs.network_configuration.subnets.join()).toMatch(/private/);
    expect(ecs.network_configuration.subnets.join()).not.toMatch(/public/);
    expect(ecs.network_configuration.security_groups).toEqual([expect.stringMatching(/aws_security_group\.job-reindex_security-group_/)]);
    expect(ecs.network_configuration.assign_public_ip).toBe(false);
    expect(schedule.target.arn).toMatch(/aws_ecs_cluster\.cluster_\w+\.arn/);
  });

  it('retries, then sends the invocation to its own encrypted dead-letter queue', () => {
    expect(schedule.target.retry_policy).toEqual({ maximum_retry_attempts: 2, maximum_event_age_in_seconds: 3600 });
    expect(schedule.target.dead_letter_config.arn).toMatch(/aws_sqs_queue\.job-reindex_dead-letter-queue_\w+\.arn/);
    expect(one(dev, 'aws_sqs_queue', /^job-reindex_dead-letter-queue_/)).toMatchObject({
      name: 'shop-dev-reindex-job-dlq',
      sqs_managed_sse_enabled: true,
    });
    expect(one(production, 'aws_sqs_queue', /^job-reindex_dead-letter-queue_/).kms_master_key_id).toMatch(/aws_kms_key\.queues-key_/);
  });

  it('has a Scheduler role that may run exactly its family in its cluster and pass exactly its two roles', () => {
    const role = one(dev, 'aws_iam_role', /^job-reindex_scheduler-role_/);
    expect(JSON.parse(role.assume_role_policy).Statement[0]).toMatchObject({
      Principal: { Service: 'scheduler.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
    });
    const statements = policyOf(one(dev, 'aws_iam_role_policy', /^job-reindex_scheduler-policy_/)).Statement;
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(bySid.RunTask).toEqual({
      Sid: 'RunTask',
      Effect: 'Allow',
      Action: 'ecs:RunTask',
      Resource: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-dev-reindex:*',
      Condition: { ArnEquals: { 'ecs:cluster': expect.stringMatching(/aws_ecs_cluster\.cluster_\w+\.arn/) } },
    });
    expect(bySid.PassTaskRoles.Resource).toEqual([
      expect.stringMatching(/aws_iam_role\.job-reindex_roles_execution-role_\w+\.arn/),
      expect.stringMatching(/aws_iam_role\.job-reindex_roles_task-role_\w+\.arn/),
    ]);
    expect(bySid.PassTaskRoles.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
    expect(bySid.DeadLetters).toMatchObject({
      Action: 'sqs:SendMessage',
      Resource: expect.stringMatching(/job-reindex_dead-letter-queue/),
    });
    expect(statements.flatMap((s) => [s.Resource].flat()).filter((r) => r === '*')).toEqual([]);
    // Production: the dead-letter queue's key too.
    const prodSids = policyOf(one(production, 'aws_iam_role_policy', /^job-reindex_scheduler-policy_/)).Statement.map((s) => s.Sid);
    expect(prodSids).toContain('DeadLetterKey');
  });

  it('has the container features of a service: image from its ECR repository, secrets read by the execution role, sidecar with its log group, task role', () => {
    const definition = one(dev, 'aws_ecs_task_definition', /^job-reindex_task-definition_/);
    expect(definition).toMatchObject({ family: 'shop-dev-reindex', cpu: '512', memory: '1024', requires_compatibilities: ['FARGATE'] });
    const [main, otel] = JSON.parse(definition.container_definitions);
    expect(main).toMatchObject({
      name: 'reindex',
      image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/dev/reindexer:1.2.0',
      command: ['node', 'reindex.js'],
      readonlyRootFilesystem: true,
      secrets: [{ name: 'SEARCH_KEY', valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/search:apiKey::' }],
      logConfiguration: { options: { 'awslogs-group': '/ecs/shop-dev/reindex' } },
    });
    expect(main.environment).toContainEqual({
      name: 'QUEUE_INVOICES_URL',
      value: expect.stringMatching(/aws_sqs_queue\.queue-invoices_queue_\w+\.url/),
    });
    expect(otel).toMatchObject({
      name: 'otel',
      essential: false,
      logConfiguration: { options: { 'awslogs-group': '/ecs/shop-dev/reindex/otel' } },
    });
    expect(Object.keys(resourcesOf(dev, 'aws_ecr_repository')).some((n) => n.startsWith('repository-reindexer_'))).toBe(true);
    const execution = policyOf(one(dev, 'aws_iam_role_policy', /^job-reindex_roles_execution-policy_/)).Statement;
    expect(execution.find((s) => s.Sid === 'ReadSecrets').Resource).toEqual([
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/search-??????',
    ]);
    const task = policyOf(one(dev, 'aws_iam_role_policy', /^job-reindex_roles_task-policy_/)).Statement;
    expect(task.map((s) => s.Sid)).toEqual(['S3ReadBuckets', 'S3ReadObjects']);
  });

  it('a disabled job keeps its schedule, DISABLED; a rate schedule takes no time zone of its own', () => {
    expect(one(dev, 'aws_scheduler_schedule', /^job-report_schedule_/)).toMatchObject({
      state: 'DISABLED',
      schedule_expression: 'rate(1 hour)',
      schedule_expression_timezone: 'UTC',
    });
    expect(one(production, 'aws_scheduler_schedule', /^job-report_schedule_/).state).toBe('ENABLED');
  });

  it("a mixed capacity becomes the same strategy as a service's", () => {
    expect(one(production, 'aws_scheduler_schedule', /^job-reindex_schedule_/).target.ecs_parameters.capacity_provider_strategy).toEqual([
      { capacity_provider: 'FARGATE', weight: 1, base: 0 },
      { capacity_provider: 'FARGATE_SPOT', weight: 3, base: 0 },
    ]);
  });

  it('reaches the service it names in egress, and that service admits it', () => {
    const egress = Object.entries(resourcesOf(dev, 'aws_vpc_security_group_egress_rule')).filter(([n]) =>
      n.startsWith('job-report_to-service-api'),
    );
    expect(egress).toHaveLength(1);
    expect(egress[0]![1]).toMatchObject({ from_port: 8080, to_port: 8080, ip_protocol: 'tcp' });
    const ingress = Object.entries(resourcesOf(dev, 'aws_vpc_security_group_ingress_rule')).filter(([n]) =>
      n.startsWith('service-api_from-job-report'),
    );
    expect(ingress).toHaveLength(1);
  });

  it("alarms on failed runs (its rule's matched events) and on invocations the Scheduler gave up on", () => {
    const rule = one(dev, 'aws_cloudwatch_event_rule', /^job-reindex_failed-runs_/);
    expect(rule.name).toBe('shop-dev-reindex-failed-runs');
    const pattern = JSON.parse(rule.event_pattern);
    expect(pattern.detail.group).toEqual(['family:shop-dev-reindex']);
    expect(pattern.detail.$or[0]).toEqual({ containers: { name: ['reindex'], exitCode: [{ 'anything-but': 0 }] } });
    const alarms = Object.entries(resourcesOf(dev, 'aws_cloudwatch_metric_alarm'))
      .filter(([n]) => n.startsWith('monitoring-jobs_job-reindex_'))
      .map(([, a]) => a);
    expect(alarms.map((a) => [a.namespace, a.metric_name, a.dimensions]).sort()).toEqual([
      ['AWS/Events', 'MatchedEvents', { RuleName: 'shop-dev-reindex-failed-runs' }],
      ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: 'shop-dev-reindex-job-dlq' }],
    ]);
    for (const alarm of alarms)
      expect(alarm).toMatchObject({
        comparison_operator: 'GreaterThanThreshold',
        threshold: 0,
        alarm_actions: [expect.stringMatching(/aws_sns_topic/)],
      });
  });

  it('has a dashboard row', () => {
    const body = JSON.parse(Object.values(resourcesOf(dev, 'aws_cloudwatch_dashboard'))[0].dashboard_body);
    expect(JSON.stringify(body)).toContain('Job reindex');
    expect(JSON.stringify(body)).toContain('shop-dev-reindex-failed-runs');
  });
});

describe('the failed-runs pattern', () => {
  // EventBridge's matching, for the fields used: every key of the pattern present with an allowed value.
  const matches = (event: any) => {
    const p = failedRunPattern('arn:c', 'fam', 'job');
    const allowed = (values: any[], v: unknown) =>
      values.some((x) => (typeof x === 'object' ? v !== undefined && v !== x['anything-but'] : x === v));
    if (!allowed(p.source, event.source) || !allowed(p['detail-type'], event['detail-type'])) return false;
    const d = event.detail;
    if (!allowed(p.detail.clusterArn, d.clusterArn) || !allowed(p.detail.lastStatus, d.lastStatus) || !allowed(p.detail.group, d.group))
      return false;
    const [exit, start] = p.detail.$or as any[];
    return (
      d.containers.some((c: any) => allowed(exit.containers.name, c.name) && allowed(exit.containers.exitCode, c.exitCode)) ||
      allowed(start.stopCode, d.stopCode)
    );
  };
  const event = (detail: object) => ({
    source: 'aws.ecs',
    'detail-type': 'ECS Task State Change',
    detail: { clusterArn: 'arn:c', lastStatus: 'STOPPED', group: 'family:fam', stopCode: 'EssentialContainerExited', ...detail },
  });

  it("matches a non-zero exit of the main container and a task that never started, not a clean exit or a sidecar's", () => {
    expect(matches(event({ containers: [{ name: 'job', exitCode: 1 }] }))).toBe(true);
    expect(matches(event({ containers: [{ name: 'job' }], stopCode: 'TaskFailedToStart' }))).toBe(true);
    expect(matches(event({ containers: [{ name: 'job', exitCode: 0 }] }))).toBe(false);
    expect(
      matches(
        event({
          containers: [
            { name: 'job', exitCode: 0 },
            { name: 'otel', exitCode: 143 },
          ],
        }),
      ),
    ).toBe(false);
    expect(matches(event({ containers: [{ name: 'job', exitCode: 1 }], group: 'family:other' }))).toBe(false);
  });
});

describe('jobs that cannot work', () => {
  const job = (more = '', name = 'reindex') => `${MINIMAL_ENVIRONMENT}jobs:
  ${name}:
    image: public.ecr.aws/nginx/nginx:1.27
    cpu: 256
    memory: 512
${more}`;

  it('are refused with their position and the fix', () => {
    expect(problemsOf({ 'dev.yaml': job('    schedule: at(2026-01-01T00:00:00)\n') })).toEqual([
      'cfg/dev.yaml:15:15 jobs.reindex.schedule: a job recurs: use cron(...) or rate(...); at(...) would run it once',
    ]);
    expect(problemsOf({ 'dev.yaml': job('    schedule: "cron(0 3 * * ? *)"\n    timezone: Europe/Berln\n') })).toEqual([
      'cfg/dev.yaml:16:15 jobs.reindex.timezone: unknown time zone "Europe/Berln"; did you mean "Europe/Berlin"?',
    ]);
    expect(problemsOf({ 'dev.yaml': job('    memory: 4096\n    schedule: rate(1 day)\n').replace('    memory: 512\n', '') })).toEqual([
      'cfg/dev.yaml:14:13 jobs.reindex.memory: 4096 is not a valid Fargate memory for cpu 256; use one of 512, 1024, 2048',
    ]);
    expect(problemsOf({ 'dev.yaml': job('    schedule: rate(1 day)\n    cpuArchitecture: ARM64\n    capacity: spot\n') })).toEqual([
      'cfg/dev.yaml:16:22 jobs.reindex.cpuArchitecture: Fargate Spot does not run ARM64 tasks; set capacity: onDemand for this job or use X86_64',
    ]);
    expect(problemsOf({ 'dev.yaml': job('    schedule: rate(1 day)\n    mountPoints: [{ volume: data, path: /data }]\n') })).toEqual([
      expect.stringMatching(/^cfg\/dev.yaml:16:5 jobs.reindex.mountPoints: unknown key "mountPoints"/),
    ]);
    expect(
      problemsOf({
        'dev.yaml': job(
          '    schedule: rate(1 day)\n    sidecars:\n      s: { image: public.ecr.aws/x/y:1, mountPoints: [{ volume: data, path: /data }] }\n',
        ),
      }),
    ).toEqual([expect.stringMatching(/^cfg\/dev.yaml:17:\d+ jobs.reindex.sidecars.s.mountPoints: a job has no volumes to mount/)]);
    expect(problemsOf({ 'dev.yaml': job('    schedule: rate(1 day)\n    scheduel: x\n') })).toEqual([
      'cfg/dev.yaml:16:5 jobs.reindex.scheduel: unknown key "scheduel"; did you mean \"schedule\"?',
    ]);
  });

  it('a job named like a service is refused (roles, log groups and families would meet)', () => {
    const text = `${job('    schedule: rate(1 day)\n', 'api')}services:\n  api: { image: public.ecr.aws/nginx/nginx:1.27, cpu: 256, memory: 512 }\n`;
    expect(problemsOf({ 'dev.yaml': text })).toEqual([
      expect.stringMatching(/^cfg\/dev.yaml:12:5 jobs.api: a service is also named api; jobs and services share/),
    ]);
  });
});
