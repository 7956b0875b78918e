/**
 * `platform run --env E JOB` against the local stand-in of the ECS and
 * Scheduler APIs (test/support/aws-standin.ts says what it cannot prove):
 * the schedule the stand-in holds is the one the jobs fixture synthesizes,
 * with IDs in place of Terraform's references, and the task RunTask starts
 * must carry its task definition revision, subnets, security group and
 * capacity. The CLI runs as a child process through PLATFORM_AWS_ENDPOINT.
 */
import { spawn } from 'node:child_process';
import { awsClients, closeClients, jobTarget, loadEnvironmentTarget, OperationError, runJob, type AwsClients } from '../../src/core/index';
import { loadEnvironments } from '../../src/core/index';
import { AwsStandIn } from '../support/aws-standin';
import { resourcesOf, runCli, synthEnvironment } from '../support/helpers';

const JOBS_DIR = 'test/fixtures/jobs';
const SUBNETS = ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'];
const GROUP = 'sg-0bbbbbbbbbbbbbbb1';

let standIn: AwsStandIn;
let clients: AwsClients;

beforeEach(async () => {
  standIn = new AwsStandIn();
  const url = await standIn.start();
  clients = awsClients('eu-west-1', {
    env: { PLATFORM_AWS_ENDPOINT: url },
    credentials: { accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'not-a-secret' },
    maxAttempts: 1,
  });
});

afterEach(async () => {
  closeClients(clients);
  await standIn.stop();
});

/** The job's schedule as Terraform created it, as GetSchedule returns it: the synthesized one with IDs for references. */
function scheduleAsApplied(environment: string, job: string) {
  const config = loadEnvironments(JOBS_DIR)
    .map((e) => e.config)
    .find((c) => c.environment === environment)!;
  const stack = synthEnvironment(config);
  const [schedule] = Object.entries(resourcesOf(stack, 'aws_scheduler_schedule'))
    .filter(([name]) => name.startsWith(`job-${job}_schedule_`))
    .map(([, s]) => s);
  const ecs = schedule.target.ecs_parameters;
  const family = `shop-${environment}-${job}`;
  const taskDefinitionArn = standIn.addTaskDefinition(family, [{ name: job, image: 'x', essential: true }], {
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
  });
  standIn.schedules.set(schedule.name, {
    Name: schedule.name,
    GroupName: 'default',
    ScheduleExpression: schedule.schedule_expression,
    Target: {
      Arn: `arn:aws:ecs:eu-west-1:123456789012:cluster/shop-${environment}`,
      RoleArn: `arn:aws:iam::123456789012:role/shop-${environment}-${job}-scheduler`,
      EcsParameters: {
        TaskDefinitionArn: taskDefinitionArn,
        TaskCount: ecs.task_count,
        CapacityProviderStrategy: ecs.capacity_provider_strategy.map((s: any) => ({
          capacityProvider: s.capacity_provider,
          weight: s.weight,
          base: s.base,
        })),
        PlatformVersion: ecs.platform_version,
        EnableECSManagedTags: ecs.enable_ecs_managed_tags,
        PropagateTags: ecs.propagate_tags,
        NetworkConfiguration: {
          awsvpcConfiguration: {
            Subnets: SUBNETS,
            SecurityGroups: [GROUP],
            AssignPublicIp: ecs.network_configuration.assign_public_ip ? 'ENABLED' : 'DISABLED',
          },
        },
      },
    },
  });
  return { taskDefinitionArn, synthesized: ecs };
}

describe('run', () => {
  test("starts the job's task now with its schedule's task definition, subnets, security group and Spot capacity", async () => {
    const { taskDefinitionArn, synthesized } = scheduleAsApplied('dev', 'reindex');
    expect(synthesized.capacity_provider_strategy).toEqual([{ capacity_provider: 'FARGATE_SPOT', weight: 1, base: 0 }]);
    const target = loadEnvironmentTarget(JOBS_DIR, 'dev');
    const result = await runJob(target, jobTarget(target, 'reindex'), clients);
    expect(standIn.callsOf('GetSchedule').map((c) => c.body)).toEqual([{ name: 'shop-dev-reindex', group: 'default' }]);
    expect(standIn.callsOf('RunTask').map((c) => c.body)).toEqual([
      {
        cluster: 'shop-dev',
        taskDefinition: taskDefinitionArn,
        count: 1,
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }],
        platformVersion: 'LATEST',
        networkConfiguration: { awsvpcConfiguration: { subnets: SUBNETS, securityGroups: [GROUP], assignPublicIp: 'DISABLED' } },
        enableECSManagedTags: true,
        propagateTags: 'TASK_DEFINITION',
        startedBy: 'platform-run',
        // The SDK's idempotency token: a retried RunTask starts one task, not two.
        clientToken: expect.any(String),
      },
    ]);
    expect(standIn.runTasks).toEqual([
      expect.objectContaining({
        cluster: 'shop-dev',
        taskDefinitionArn,
        capacityProviderName: 'FARGATE_SPOT',
        subnets: SUBNETS,
        securityGroups: [GROUP],
        assignPublicIp: 'DISABLED',
        startedBy: 'platform-run',
      }),
    ]);
    expect(result).toMatchObject({ job: 'reindex', taskArn: standIn.runTasks[0]!.taskArn, taskDefinitionArn, cluster: 'shop-dev' });
    // Same credentials on every call: the SDK's signature reached both APIs.
    expect(new Set(standIn.calls.map((c) => c.accessKeyId))).toEqual(new Set(['AKIDSTANDIN']));
  });

  test('a mixed strategy is passed on whole; a disabled schedule still runs on demand', async () => {
    scheduleAsApplied('production', 'reindex');
    const production = loadEnvironmentTarget(JOBS_DIR, 'production');
    await runJob(production, jobTarget(production, 'reindex'), clients);
    expect(standIn.callsOf('RunTask')[0]!.body.capacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE', weight: 1, base: 0 },
      { capacityProvider: 'FARGATE_SPOT', weight: 3, base: 0 },
    ]);
    scheduleAsApplied('dev', 'report');
    const dev = loadEnvironmentTarget(JOBS_DIR, 'dev');
    await runJob(dev, jobTarget(dev, 'report'), clients);
    expect(standIn.callsOf('RunTask')[1]!.body.capacityProviderStrategy).toEqual([{ capacityProvider: 'FARGATE', weight: 1, base: 0 }]);
  });

  test('no schedule in AWS yet, or an unknown job: one line that says what to do, and no RunTask', async () => {
    const target = loadEnvironmentTarget(JOBS_DIR, 'dev');
    await expect(runJob(target, jobTarget(target, 'reindex'), clients)).rejects.toThrow(/GetSchedule shop-dev-reindex.*does not exist/);
    expect(() => jobTarget(target, 'reindx')).toThrow(OperationError);
    expect(() => jobTarget(target, 'reindx')).toThrow(/dev\.yaml:\d+:\d+ jobs: no job "reindx" in dev; its jobs are reindex, report/);
    expect(standIn.callsOf('RunTask')).toHaveLength(0);
  });

  test('the CLI: --help, then a run through PLATFORM_AWS_ENDPOINT, as text and --json', async () => {
    const help = runCli(['run', '--env', 'dev', 'reindex', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: platform run \[options\] <job>/);
    scheduleAsApplied('dev', 'reindex');
    const env = {
      PLATFORM_AWS_ENDPOINT: standIn.url,
      AWS_ACCESS_KEY_ID: 'AKIDCLI',
      AWS_SECRET_ACCESS_KEY: 'not-a-secret',
      AWS_MAX_ATTEMPTS: '1',
    };
    const text = await cli(['run', '--config', JOBS_DIR, '--env', 'dev', 'reindex'], env);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(
      /^reindex: started arn:aws:ecs:eu-west-1:123456789012:task\/shop-dev\/\w+\n  task definition arn:aws:ecs:eu-west-1:123456789012:task-definition\/shop-dev-reindex:1, cluster shop-dev, FARGATE_SPOT\n/,
    );
    const json = await cli(['run', '--config', JOBS_DIR, '--env', 'dev', 'reindex', '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, job: 'reindex', subnets: SUBNETS, securityGroups: [GROUP] });
    expect(standIn.runTasks).toHaveLength(2);
    expect(standIn.callsOf('RunTask').every((c) => c.accessKeyId === 'AKIDCLI')).toBe(true);
  }, 60_000);
});

/** The CLI as a child process, without blocking this process (the stand-in answers from here). */
function cli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/platform.js', ...args], {
      env: { ...process.env, CHECKPOINT_DISABLE: '1', AWS_PROFILE: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
