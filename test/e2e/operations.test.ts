/**
 * The operations commands' core (status, logs, exec, scale, rollout,
 * ci-info) against a local stand-in of the ECS and CloudWatch Logs APIs
 * (test/support/aws-standin.ts says what it cannot prove), and the names
 * they resolve against what the stacks synthesize.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  awsClients,
  ciInfo,
  closeClients,
  containerOf,
  deploymentOutcome,
  environmentStatus,
  execTarget,
  fetchLogs,
  followLogs,
  loadEnvironmentTarget,
  OperationError,
  parseSince,
  RolloutError,
  rolloutImage,
  rolloutImageProblem,
  runExecSession,
  scaleService,
  serviceTarget,
  withImage,
  type AwsClients,
  type EnvironmentTarget,
  type LogEvent,
} from '../../src/core/index';
import { AwsStandIn, type StandInTask } from '../support/aws-standin';
import { EXAMPLES_DIR, exampleConfig, MINIMAL_ENVIRONMENT, resourcesOf, synthEnvironment, writeConfig } from '../support/helpers';

const ACCOUNT = '123456789012';
const REPOSITORY = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/shop/dev/api`;

let standIn: AwsStandIn;
let clients: AwsClients;
const dev = () => loadEnvironmentTarget(EXAMPLES_DIR, 'dev');

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

/** The api service of dev as Terraform would have left it: one revision, one running task with its exec agent. */
function devApi(tasks: StandInTask[] = []) {
  const arn = standIn.addTaskDefinition(
    'shop-dev-api',
    [
      {
        name: 'api',
        image: `${REPOSITORY}:1.4.2`,
        essential: true,
        portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
        environment: [{ name: 'LOG_LEVEL', value: 'info' }],
      },
    ],
    {
      cpu: '512',
      memory: '1024',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/shop-dev-api-execution`,
      taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/shop-dev-api-task`,
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      volumes: [{ name: 'tmp' }],
    },
    [{ key: 'Project', value: 'shop' }],
  );
  standIn.addService('shop-dev', 'api', arn, 1, tasks);
  return arn;
}

describe('targets: the names the stacks give', () => {
  test('cluster, services, containers and log groups are the ones staging synthesizes', () => {
    const target = loadEnvironmentTarget(EXAMPLES_DIR, 'staging');
    const json = synthEnvironment(exampleConfig('staging'));
    const clusters = Object.values(resourcesOf(json, 'aws_ecs_cluster'));
    expect(clusters.map((c) => c.name)).toEqual([target.cluster]);
    const services = Object.values(resourcesOf(json, 'aws_ecs_service')).map((s) => s.name);
    expect(services).toEqual(expect.arrayContaining(Object.values(target.services).map((s) => s.serviceName)));
    const logGroups = Object.values(resourcesOf(json, 'aws_cloudwatch_log_group')).map((g) => g.name);
    const api = serviceTarget(target, 'api');
    expect(Object.keys(api.containers)).toEqual(['app', 'otel']);
    for (const group of Object.values(api.logGroups)) expect(logGroups).toContain(group);
    const definition = Object.values(resourcesOf(json, 'aws_ecs_task_definition')).find((d) => d.family === 'shop-staging-api');
    const names = JSON.parse(definition.container_definitions).map((c: { name: string }) => c.name);
    expect(names).toEqual(expect.arrayContaining(Object.values(api.containers)));
    expect(api.autoscaling).toEqual({ min: 2, max: 4 });
  });

  test('an unknown service or container names the file and lists what there is', () => {
    const target = dev();
    expect(() => serviceTarget(target, 'nope')).toThrow(
      /examples\/dev\.yaml:\d+:\d+ services: no service "nope" in dev; its services are web, api, worker/,
    );
    expect(() => containerOf(target, serviceTarget(target, 'api'), 'otel')).toThrow(
      /no container "otel" in service api; its containers are app/,
    );
  });
});

describe('status', () => {
  test('counts, task definition and last deployment; a service not created yet is missing', async () => {
    const arn = devApi();
    standIn.addService('shop-dev', 'web', arn.replace('api', 'web'), 2).runningCount = 1;
    const status = await environmentStatus(dev(), clients);
    expect(status.clusterFound).toBe(true);
    expect(status.services.map((s) => [s.name, s.state, s.desired, s.running])).toEqual([
      ['web', 'active', 2, 1],
      ['api', 'active', 1, 1],
      ['worker', 'missing', 0, 0],
    ]);
    const api = status.services[1]!;
    expect(api.taskDefinition).toBe('shop-dev-api:1');
    expect(api.lastDeployment).toEqual(
      expect.objectContaining({ status: 'PRIMARY', rolloutState: 'COMPLETED', taskDefinition: 'shop-dev-api:1' }),
    );
    expect(api.lastDeployment!.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const calls = standIn.callsOf('DescribeServices');
    expect(calls.map((c) => c.body)).toEqual([{ cluster: 'shop-dev', services: ['web', 'api', 'worker'] }]);
    expect(calls[0]!.accessKeyId).toBe('AKIDSTANDIN');
  });

  test('asks ten services at a time', async () => {
    const services = Array.from(
      { length: 12 },
      (_, i) => `  s${String(i).padStart(2, '0')}:\n    image: { repository: app, tag: "1" }\n    cpu: 256\n    memory: 512\n`,
    ).join('');
    const dir = writeConfig({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}services:\n${services}` });
    try {
      standIn.addService('shop-dev', 's11', 'arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-dev-s11:3');
      const status = await environmentStatus(loadEnvironmentTarget(dir, 'dev'), clients);
      expect(standIn.callsOf('DescribeServices').map((c) => c.body.services.length)).toEqual([10, 2]);
      expect(status.services.filter((s) => s.state === 'active').map((s) => s.name)).toEqual(['s11']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a cluster that does not exist: every service missing, not a crash', async () => {
    const status = await environmentStatus(dev(), clients);
    expect(status.clusterFound).toBe(false);
    expect(status.services.every((s) => s.state === 'missing')).toBe(true);
  });
});

describe('logs', () => {
  const events = (group: string, times: number[]) =>
    times.map((t, i) => ({ eventId: `${group}-${t}-${i}`, timestamp: t, logStreamName: 'api/api/abc', message: `line at ${t}\n` }));

  test("every page of the main container's group, oldest first; a sidecar has its own group", async () => {
    standIn.addLogEvents('/ecs/shop-dev/api', events('api', [5000, 1000, 3000, 4000, 2000]));
    const got = await fetchLogs(clients, { logGroup: containerOf(dev(), serviceTarget(dev(), 'api'), 'app').logGroup, startTime: 2000 });
    expect(got.map((e) => e.timestamp)).toEqual([2000, 3000, 4000, 5000]);
    expect(got[0]!.message).toBe('line at 2000');
    expect(standIn.callsOf('FilterLogEvents').map((c) => c.body.nextToken ?? null)).toEqual([null, '2']);
    const staging = loadEnvironmentTarget(EXAMPLES_DIR, 'staging');
    expect(containerOf(staging, serviceTarget(staging, 'api'), 'otel').logGroup).toBe('/ecs/shop-staging/api/otel');
  });

  test('a missing log group says the service is not applied', async () => {
    await expect(fetchLogs(clients, { logGroup: '/ecs/shop-dev/worker', startTime: 0 })).rejects.toThrow(
      /log group \/ecs\/shop-dev\/worker does not exist: the service has not been applied yet/,
    );
  });

  test('--follow passes each event on once, also events sharing the last timestamp, until stopped', async () => {
    standIn.addLogEvents('/ecs/shop-dev/api', events('a', [1000, 2000]));
    const seen: LogEvent[] = [];
    const stop = new AbortController();
    const following = followLogs(
      clients,
      { logGroup: '/ecs/shop-dev/api', startTime: 0 },
      (event) => {
        seen.push(event);
        // New events arrive while following: one at the last timestamp seen, one later.
        if (seen.length === 2) standIn.addLogEvents('/ecs/shop-dev/api', events('b', [2000, 3000]));
        if (seen.length === 4) stop.abort();
      },
      { pollMs: 20, signal: stop.signal },
    );
    await following;
    expect(seen.map((e) => e.eventId)).toEqual(['a-1000-0', 'a-2000-1', 'b-2000-0', 'b-3000-1']);
    expect(standIn.callsOf('FilterLogEvents').length).toBeGreaterThanOrEqual(2);
    // Each poll reaches the lookback window (30 s) back before the newest event, never before the start asked for.
    expect(standIn.callsOf('FilterLogEvents').at(-1)!.body.startTime).toBe(0);
  });

  test('--follow shows a late event with an earlier timestamp (another stream) once, and forgets ids outside the window', async () => {
    standIn.addLogEvents('/ecs/shop-dev/api', events('a', [100_000, 105_000]));
    const seen: LogEvent[] = [];
    const stop = new AbortController();
    let polls = 0;
    const following = followLogs(
      clients,
      { logGroup: '/ecs/shop-dev/api', startTime: 50_000 },
      (event) => {
        seen.push(event);
        // Another task's event, 2 s older than the newest one shown, reaches CloudWatch only now.
        if (event.eventId === 'a-105000-1')
          standIn.addLogEvents('/ecs/shop-dev/api', [
            { eventId: 'late', timestamp: 103_000, logStreamName: 'api/api/def', message: 'late\n' },
          ]);
        if (event.eventId === 'late') standIn.addLogEvents('/ecs/shop-dev/api', events('b', [140_000]));
      },
      { pollMs: 20, lookbackMs: 10_000, signal: stop.signal },
    );
    // Let a few polls go by after the last event, then stop.
    while (seen.length < 4 || polls < 3) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (seen.length >= 4) polls++;
    }
    stop.abort();
    await following;
    expect(seen.map((e) => e.eventId)).toEqual(['a-100000-0', 'a-105000-1', 'late', 'b-140000-0']);
    const starts = standIn.callsOf('FilterLogEvents').map((c) => c.body.startTime);
    // From the start asked for, then 10 s before the newest event shown: 105 000 - 10 000, then 140 000 - 10 000.
    expect(starts[0]).toBe(50_000);
    expect(starts).toContain(95_000);
    expect(starts.at(-1)).toBe(130_000);
  });

  test('--follow with a window of 0 polls from the newest timestamp: events sharing it are shown once', async () => {
    standIn.addLogEvents('/ecs/shop-dev/api', events('a', [1000, 2000]));
    const seen: string[] = [];
    const stop = new AbortController();
    const following = followLogs(
      clients,
      { logGroup: '/ecs/shop-dev/api', startTime: 0 },
      (event) => {
        seen.push(event.eventId);
        if (seen.length === 2) standIn.addLogEvents('/ecs/shop-dev/api', events('b', [2000, 3000]));
        if (seen.length === 4) stop.abort();
      },
      { pollMs: 20, lookbackMs: 0, signal: stop.signal },
    );
    await following;
    expect(seen).toEqual(['a-1000-0', 'a-2000-1', 'b-2000-0', 'b-3000-1']);
    expect(standIn.callsOf('FilterLogEvents').at(-1)!.body.startTime).toBe(2000);
  });

  test('--since reads relative and absolute times', () => {
    expect(parseSince('10m', 1_000_000)).toBe(400_000);
    expect(parseSince('2h', 10_000_000)).toBe(2_800_000);
    expect(parseSince('2026-12-01T00:00:00Z')).toBe(Date.UTC(2026, 11, 1));
    expect(parseSince('ten minutes')).toBeUndefined();
  });
});

describe('exec', () => {
  const task = (id: string, agent: string, startedAt: number): StandInTask => ({
    taskArn: `arn:aws:ecs:eu-west-1:${ACCOUNT}:task/shop-dev/${id}`,
    lastStatus: 'RUNNING',
    enableExecuteCommand: true,
    containers: [{ name: 'api', execAgent: agent }],
    startedAt,
  });

  test('the execute-command line for the newest running task whose agent runs', async () => {
    devApi([task('old', 'RUNNING', 1000), task('newest', 'RUNNING', 3000), task('agentless', 'PENDING', 5000)]);
    const exec = await execTarget(dev(), serviceTarget(dev(), 'api'), clients, { env: {} });
    expect(exec.line).toBe(
      `aws ecs execute-command --region eu-west-1 --cluster shop-dev --task arn:aws:ecs:eu-west-1:${ACCOUNT}:task/shop-dev/newest --container api --interactive --command /bin/sh`,
    );
    expect(standIn.callsOf('ListTasks')[0]!.body).toEqual({ cluster: 'shop-dev', serviceName: 'api', desiredStatus: 'RUNNING' });
    const quoted = await execTarget(dev(), serviceTarget(dev(), 'api'), clients, {
      command: "sh -c 'echo hi'",
      env: { PLATFORM_AWS_ENDPOINT: 'http://127.0.0.1:1' },
    });
    expect(quoted.line).toContain(`--endpoint-url http://127.0.0.1:1 `);
    expect(quoted.line).toMatch(/--command 'sh -c '\\''echo hi'\\'''$/);
  });

  test('refused, naming the key, when the service has exec off; no AWS call', async () => {
    const target = dev();
    await expect(execTarget(target, serviceTarget(target, 'worker'), clients)).rejects.toThrow(
      /examples\/dev\.yaml:\d+:\d+ services\.worker\.exec: ECS Exec is off for worker in dev: set services\.worker\.exec: true and apply/,
    );
    expect(standIn.calls).toHaveLength(0);
  });

  test('no running task, or none with its agent, is a clear error', async () => {
    devApi([]);
    await expect(execTarget(dev(), serviceTarget(dev(), 'api'), clients)).rejects.toThrow(/no running task of api in cluster shop-dev/);
    standIn.clusters
      .get('shop-dev')!
      .get('api')!
      .tasks.push(task('x', 'STOPPED', 1));
    await expect(execTarget(dev(), serviceTarget(dev(), 'api'), clients)).rejects.toThrow(
      /exec agent running in container api: tasks started before exec was turned on need a new deployment/,
    );
  });
});

describe('exec --run', () => {
  test("a missing AWS CLI or Session Manager plugin is a clear error; with both, aws runs with the line's arguments", async () => {
    devApi([
      {
        taskArn: `arn:aws:ecs:eu-west-1:${ACCOUNT}:task/shop-dev/t1`,
        lastStatus: 'RUNNING',
        enableExecuteCommand: true,
        containers: [{ name: 'api', execAgent: 'RUNNING' }],
      },
    ]);
    const exec = await execTarget(dev(), serviceTarget(dev(), 'api'), clients, { env: {} });
    const bin = mkdtempSync(join(tmpdir(), 'platform-exec-bin-'));
    try {
      await expect(runExecSession(exec, { PATH: bin })).rejects.toThrow(/the AWS CLI \(aws\) is not on the PATH: install AWS CLI v2/);
      writeFileSync(join(bin, 'aws'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${bin}/args"\nexit 7\n`);
      chmodSync(join(bin, 'aws'), 0o755);
      await expect(runExecSession(exec, { PATH: bin })).rejects.toThrow(
        /the Session Manager plugin \(session-manager-plugin\) is not on the PATH/,
      );
      writeFileSync(join(bin, 'session-manager-plugin'), '#!/bin/sh\n');
      chmodSync(join(bin, 'session-manager-plugin'), 0o755);
      expect(await runExecSession(exec, { PATH: `${bin}:/usr/bin:/bin` })).toBe(7);
      expect(readFileSync(join(bin, 'args'), 'utf8').trimEnd().split('\n')).toEqual(exec.args);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});

describe('scale', () => {
  test('refused when autoscaling owns the count (pointing at it), with no UpdateService; --force scales', async () => {
    devApi();
    const target = dev();
    const api = serviceTarget(target, 'api');
    await expect(scaleService(target, api, clients, 3)).rejects.toThrow(
      /dev\.yaml:\d+:\d+ services\.api\.autoscaling: autoscaling owns the desired count of api \(min 1, max 2\), so scale is refused/,
    );
    expect(standIn.callsOf('UpdateService')).toHaveLength(0);
    const forced = await scaleService(target, api, clients, 3, true);
    expect(standIn.callsOf('UpdateService').map((c) => c.body)).toEqual([{ cluster: 'shop-dev', service: 'api', desiredCount: 3 }]);
    expect(forced.desired).toBe(3);
    expect(forced.notes.join()).toMatch(/between 1 and 2 tasks.*\(3 is outside that range\)/);
  });

  test('a service Terraform counts: scaled, with the note that the next apply sets it back', async () => {
    standIn.addService('shop-dev', 'worker', 'arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-dev-worker:1');
    const target = dev();
    const result = await scaleService(target, serviceTarget(target, 'worker'), clients, 0);
    expect(result.desired).toBe(0);
    expect(result.notes).toEqual([
      'Terraform manages the count: the next apply sets it back to desiredCount 1 from config; change services.worker.desiredCount to keep 0',
    ]);
    await expect(scaleService(target, serviceTarget(target, 'worker'), clients, -1)).rejects.toThrow(OperationError);
  });
});

describe('rollout', () => {
  const image = `${REPOSITORY}:9f1c2ab`;
  const fast = { pollMs: 10 };

  test('registers the same task definition with only the image changed, updates the service, waits until stable', async () => {
    const previous = devApi();
    const target = dev();
    const result = await rolloutImage(target, serviceTarget(target, 'api'), clients, { image, ...fast });
    const original = standIn.taskDefinitions.get(previous)!;
    const registered = standIn.callsOf('RegisterTaskDefinition')[0]!.body;
    const { taskDefinitionArn, revision, status, requiresAttributes, compatibilities, registeredAt, registeredBy, ...settings } = original;
    expect(registered).toEqual({
      ...settings,
      containerDefinitions: [{ ...original.containerDefinitions[0], image }],
      tags: [{ key: 'Project', value: 'shop' }],
    });
    expect(standIn.callsOf('DescribeTaskDefinition')[0]!.body).toEqual({ taskDefinition: previous, include: ['TAGS'] });
    expect(standIn.callsOf('UpdateService').map((c) => c.body)).toEqual([
      { cluster: 'shop-dev', service: 'api', taskDefinition: previous.replace(/:1$/, ':2') },
    ]);
    expect(result).toEqual(
      expect.objectContaining({ outcome: 'completed', previousTaskDefinition: previous, taskDefinition: previous.replace(/:1$/, ':2') }),
    );
    expect(result.notes[0]).toMatch(/Terraform manages the task definition of api: the next apply goes back to the image in config/);
  });

  test('a FAILED rollout updates the service back to the previous task definition', async () => {
    const previous = devApi();
    standIn.rollout = 'fail';
    const target = dev();
    const failure = await rolloutImage(target, serviceTarget(target, 'api'), clients, { image, ...fast }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RolloutError);
    expect((failure as RolloutError).outcome).toBe('failed');
    expect((failure as Error).message).toMatch(
      /rollout of .*:9f1c2ab to api in cluster shop-dev failed \(rollout state FAILED: ECS deployment circuit breaker: tasks failed to start\.\); updated the service back to shop-dev-api:1/,
    );
    expect(standIn.callsOf('UpdateService').map((c) => c.body.taskDefinition)).toEqual([previous.replace(/:1$/, ':2'), previous]);
  });

  test('a rollout not stable within the timeout is rolled back too', async () => {
    const previous = devApi();
    standIn.rollout = 'stuck';
    const target = dev();
    const failure = await rolloutImage(target, serviceTarget(target, 'api'), clients, { image, timeoutSeconds: 1, pollMs: 100 }).catch(
      (error: unknown) => error,
    );
    expect((failure as RolloutError).outcome).toBe('timeout');
    expect((failure as Error).message).toMatch(
      /not stable after 1 s \(1\/1 running, 2 deployment\(s\), IN_PROGRESS\); updated the service back to shop-dev-api:1/,
    );
    expect(standIn.callsOf('UpdateService').at(-1)!.body.taskDefinition).toBe(previous);
  });

  test('losing AWS while watching: tries to roll back, and when that fails too, prints the command that does', async () => {
    const previous = devApi();
    standIn.rollout = 'stuck';
    const target = dev();
    const failure = await rolloutImage(target, serviceTarget(target, 'api'), clients, {
      image,
      pollMs: 50,
      onEvent: (event) => {
        if (event.type === 'note' && event.message.includes('running')) void standIn.stop();
      },
    }).catch((error: unknown) => error);
    expect((failure as Error).message).toMatch(
      /could not be watched \(DescribeServices api in cluster shop-dev: cannot reach .*\); updating the service back failed too \(UpdateService .*\): run aws ecs update-service --region eu-west-1 --cluster shop-dev --service api --task-definition arn:aws:ecs:eu-west-1:123456789012:task-definition\/shop-dev-api:1$/,
    );
    expect(previous).toMatch(/shop-dev-api:1$/);
  });

  test('moving tags are refused in production before any call; elsewhere they pass', async () => {
    const prod = loadEnvironmentTarget(EXAMPLES_DIR, 'prod');
    await expect(rolloutImage(prod, serviceTarget(prod, 'api'), clients, { image: `${REPOSITORY}:latest` })).rejects.toThrow(
      /"latest" is a moving tag, refused in production/,
    );
    await expect(rolloutImage(prod, serviceTarget(prod, 'api'), clients, { image: REPOSITORY })).rejects.toThrow(
      /needs a registry and a tag or digest/,
    );
    expect(standIn.calls).toHaveLength(0);
    expect(rolloutImageProblem(`${REPOSITORY}@sha256:${'a'.repeat(64)}`, true)).toBeUndefined();
    expect(rolloutImageProblem(`${REPOSITORY}:latest`, false)).toBeUndefined();
    expect(rolloutImageProblem('api:1.0', false)).toMatch(/names no registry/);
  });

  test('the image it already runs: nothing registered', async () => {
    devApi();
    const target = dev();
    const result = await rolloutImage(target, serviceTarget(target, 'api'), clients, { image: `${REPOSITORY}:1.4.2` });
    expect(result.outcome).toBe('unchanged');
    expect(standIn.callsOf('RegisterTaskDefinition')).toHaveLength(0);
  });

  test('a service that does not exist yet is a clear error', async () => {
    const target = dev();
    await expect(rolloutImage(target, serviceTarget(target, 'api'), clients, { image })).rejects.toThrow(
      /service api does not exist in cluster shop-dev \(eu-west-1, account 123456789012\): apply the environment first/,
    );
  });

  test("the waiter's test: one deployment, running == desired", () => {
    const arn = 'td:2';
    const deployment = { status: 'PRIMARY', taskDefinition: arn, rolloutState: 'COMPLETED' as const };
    expect(deploymentOutcome({ deployments: [deployment], runningCount: 2, desiredCount: 2 }, arn)).toEqual({ done: 'stable' });
    expect(
      deploymentOutcome({ deployments: [deployment, { status: 'ACTIVE', taskDefinition: 'td:1' }], runningCount: 2, desiredCount: 2 }, arn)
        .done,
    ).toBeUndefined();
    expect(
      deploymentOutcome({ deployments: [{ status: 'PRIMARY', taskDefinition: 'td:1' }], runningCount: 2, desiredCount: 2 }, arn).done,
    ).toBe('failed');
    expect(withImage({ family: 'f', containerDefinitions: [{ name: 'other' }] }, [], 'api', 'x')).toBeUndefined();
  });
});

describe('ci-info', () => {
  test('roles, cluster, repositories and image platforms from config alone', () => {
    const info = ciInfo(loadEnvironmentTarget(EXAMPLES_DIR, 'prod'));
    expect(info).toEqual({
      environment: 'prod',
      region: 'eu-west-1',
      accountId: ACCOUNT,
      deployRoleArn: `arn:aws:iam::${ACCOUNT}:role/shop-prod-gh-deploy`,
      applyRoleArn: `arn:aws:iam::${ACCOUNT}:role/shop-prod-gh-apply`,
      githubEnvironment: 'production',
      cluster: 'shop-prod',
      services: {
        web: { serviceName: 'web', repositoryUrl: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/shop/prod/web`, platform: 'linux/amd64' },
        api: { serviceName: 'api', repositoryUrl: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/shop/prod/api`, platform: 'linux/amd64' },
        // cpuArchitecture: ARM64 in prod.yaml: the image workflow builds it for linux/arm64.
        worker: {
          serviceName: 'worker',
          repositoryUrl: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/shop/prod/worker`,
          platform: 'linux/arm64',
        },
      },
    });
  });

  test('an image of another registry has no repository URL, no ci.github no roles; --service picks one', () => {
    const dir = writeConfig({
      'dev.yaml': `${MINIMAL_ENVIRONMENT}services:\n  proxy:\n    image: public.ecr.aws/nginx/nginx:1.27\n    cpu: 256\n    memory: 512\n`,
    });
    try {
      const target: EnvironmentTarget = loadEnvironmentTarget(dir, 'dev');
      const info = ciInfo(target, 'proxy');
      expect(info.services).toEqual({ proxy: { serviceName: 'proxy', repositoryUrl: null, platform: 'linux/amd64' } });
      // No ci.github: the bootstrap creates no roles to name.
      expect([info.deployRoleArn, info.applyRoleArn, info.githubEnvironment]).toEqual([null, null, null]);
      expect(() => ciInfo(target, 'api')).toThrow(/no service "api" in dev; its services are proxy/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('AWS failures are one line with the fix', () => {
  test('an endpoint that is not a URL', () => {
    expect(() => awsClients('eu-west-1', { env: { PLATFORM_AWS_ENDPOINT: 'localhost:4566' } })).toThrow(
      /PLATFORM_AWS_ENDPOINT=localhost:4566 is not an http\(s\) URL/,
    );
  });

  test('an unreachable endpoint', async () => {
    const port = Number(new URL(standIn.url).port);
    await standIn.stop();
    const unreachable = awsClients('eu-west-1', {
      env: { PLATFORM_AWS_ENDPOINT: `http://127.0.0.1:${port}` },
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
    });
    try {
      await expect(environmentStatus(dev(), unreachable)).rejects.toThrow(
        `DescribeServices in cluster shop-dev: cannot reach http://127.0.0.1:${port} (ECONNREFUSED); check the network, or PLATFORM_AWS_ENDPOINT when it is set`,
      );
    } finally {
      closeClients(unreachable);
    }
  });

  test("an API error the user can act on keeps AWS's words and its name", async () => {
    standIn.addService('shop-dev', 'web', 'td');
    const failure = await scaleService(dev(), serviceTarget(dev(), 'worker'), clients, 1).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OperationError);
    expect((failure as OperationError).awsName).toBe('ServiceNotFoundException');
    expect((failure as Error).message).toBe('UpdateService worker in cluster shop-dev: ServiceNotFoundException: Service not found.');
  });
});
