/**
 * The controller applying for real: started as its container starts it
 * (`node bin/platform.js serve`), against the AWS API emulator (moto, from
 * .venv) with the S3 backend on it too. A push to dev plans and auto-applies
 * and the resources exist in the emulator; a change made behind Terraform's
 * back through the AWS SDK is found by the drift check and shown on the
 * status page; `platform status` and `platform scale` read and change the
 * service in the emulator.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { createTable } from '../../src/verification/backend-servers';
import { startEmulator, type Emulator } from '../../src/verification/emulator';
import {
  API_TOKEN,
  ConfigRemote,
  REPOSITORY,
  api,
  deliver,
  startController,
  waitForRun,
  type Started,
} from '../support/controller-harness';
import { MINIMAL_ENVIRONMENT } from '../support/helpers';

const REGION = 'eu-west-1';
/** The minimal environment (state in shop-tf-state, locks in shop-tf-locks, in eu-west-1) with one service and no load balancer. */
const DEV = `${MINIMAL_ENVIRONMENT}gitops:
  autoApply: true
services:
  worker:
    image: public.ecr.aws/nginx/nginx:1.27.3
    cpu: 256
    memory: 512
    egress:
      - { cidr: 0.0.0.0/0, ports: [443] }
`;
const ALARM = 'shop-dev-service-worker-cpu-high';
const APPLY_TIMEOUT_MS = 600_000;

jest.setTimeout(20 * 60_000);

describe('the controller against the AWS API emulator, started through bin/platform.js', () => {
  let emulator: Emulator;
  let controller: Started;
  const remote = new ConfigRemote({ 'environments/dev.yaml': DEV });
  const dataDir = mkdtempSync(join(tmpdir(), 'controller-emulator-'));
  const clients = () => emulator.clientSettings(REGION);

  beforeAll(async () => {
    // The state bucket and lock table exist before the environment, as a bootstrap stack would have made them.
    emulator = await startEmulator({ account: '123456789012', buckets: [`${REGION}/shop-tf-state`] });
    const dynamodb = new DynamoDBClient(clients());
    await createTable(dynamodb, { name: 'shop-tf-locks', hashKey: 'LockID', attributes: [{ name: 'LockID', type: 'S' }] });
    dynamodb.destroy();
    controller = await startController(
      ['--repo', remote.bare, '--data-dir', dataDir, '--github-repository', REPOSITORY, '--drift-minutes', '0.25'],
      { PLATFORM_AWS_ENDPOINT: emulator.endpoint },
    );
  });

  afterAll(async () => {
    await controller?.stop();
    await emulator?.stop();
    remote.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a push to dev plans and auto-applies, and the service and its alarms exist in the emulator', async () => {
    expect(controller.output()).toContain(`AWS API emulator at ${emulator.endpoint}`);
    remote.write('environments/dev.yaml', DEV.replace('memory: 512', 'memory: 512\n    environment: { RELEASE: "1" }'));
    remote.commit('dev: release 1');
    const answer = await deliver(controller.url, 'push', remote.push());
    expect(answer.status).toBe(202);
    const run = await waitForRun(controller.url, answer.body.runs[0]!, (r) => ['applied', 'failed'].includes(r.status), APPLY_TIMEOUT_MS);
    expect({ status: run.status, error: run.error }).toEqual({ status: 'applied', error: undefined });

    const ecs = new ECSClient(clients());
    const service = (await ecs.send(new DescribeServicesCommand({ cluster: 'shop-dev', services: ['worker'] }))).services?.[0];
    ecs.destroy();
    expect(service?.status).toBe('ACTIVE');
    const cloudwatch = new CloudWatchClient(clients());
    const alarm = (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [ALARM] }))).MetricAlarms?.[0];
    cloudwatch.destroy();
    expect(alarm?.AlarmName).toBe(ALARM);
  });

  it('an alarm threshold changed through the SDK is drift: the drift check reports it, and the status page shows it', async () => {
    const cloudwatch = new CloudWatchClient(clients());
    const alarm = (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [ALARM] }))).MetricAlarms![0]!;
    const changedAt = new Date().toISOString();
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: alarm.AlarmName,
        Namespace: alarm.Namespace,
        MetricName: alarm.MetricName,
        Dimensions: alarm.Dimensions,
        Statistic: alarm.Statistic,
        Period: alarm.Period,
        EvaluationPeriods: alarm.EvaluationPeriods,
        ComparisonOperator: alarm.ComparisonOperator,
        AlarmActions: alarm.AlarmActions,
        OKActions: alarm.OKActions,
        TreatMissingData: alarm.TreatMissingData,
        DatapointsToAlarm: alarm.DatapointsToAlarm,
        Threshold: (alarm.Threshold ?? 0) + 7,
      }),
    );
    cloudwatch.destroy();
    const started = Date.now();
    let drifted: any;
    while (!drifted && Date.now() - started < APPLY_TIMEOUT_MS) {
      const runs = (await api(controller.url, '/api/runs?environment=dev&limit=20')).body.runs as any[];
      drifted = runs.find((r) => r.trigger === 'drift' && r.createdAt > changedAt && r.status === 'planned' && r.drift === true);
      if (!drifted) await new Promise((r) => setTimeout(r, 1000));
    }
    expect(drifted).toBeDefined();
    const environments = (await api(controller.url, '/api/environments')).body.environments as any[];
    expect(environments.find((e) => e.name === 'dev')?.drift).toBe('drifted');
    const page = await (await fetch(`${controller.url}/`, { headers: { authorization: `Bearer ${API_TOKEN}` } })).text();
    expect(page).toMatch(/drifted/);
  });

  it('platform status and platform scale read and change the service in the emulator', async () => {
    const env = {
      ...process.env,
      CHECKPOINT_DISABLE: '1',
      PLATFORM_AWS_ENDPOINT: emulator.endpoint,
      AWS_ACCESS_KEY_ID: 'emulator',
      AWS_SECRET_ACCESS_KEY: 'emulator',
    };
    const config = join(remote.work, 'environments');
    const status = execFileSync(process.execPath, ['bin/platform.js', 'status', '--env', 'dev', '--config', config], {
      encoding: 'utf8',
      env,
    });
    expect(status).toMatch(/worker/);
    execFileSync(
      process.execPath,
      ['bin/platform.js', 'scale', '--env', 'dev', '--config', config, '--service', 'worker', '--count', '3'],
      { encoding: 'utf8', env },
    );
    const ecs = new ECSClient(clients());
    const service = (await ecs.send(new DescribeServicesCommand({ cluster: 'shop-dev', services: ['worker'] }))).services?.[0];
    ecs.destroy();
    expect(service?.desiredCount).toBe(3);
  });
});
