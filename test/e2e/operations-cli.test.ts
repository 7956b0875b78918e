/**
 * The operations commands as a user runs them (bin/platform.js, a child
 * process) against AWS's local stand-in (test/support/aws-standin.ts): output,
 * exit codes, a rollback, and logs --follow stopped by Ctrl-C. The answers that
 * need no server (no credentials, an unreachable endpoint, ci-info, refusals
 * and usage errors) are checked in-process: test/unit/operations-cli.test.ts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsStandIn } from '../support/aws-standin';
import { EXAMPLES_DIR } from '../support/helpers';

const ACCOUNT = '123456789012';
// Each CLI run starts Node and loads the project: about a second, more on a busy machine.
jest.setTimeout(60_000);

let standIn: AwsStandIn;
let home: string;

beforeAll(async () => {
  standIn = new AwsStandIn();
  await standIn.start();
  home = mkdtempSync(join(tmpdir(), 'platform-ops-home-'));
});

afterAll(async () => {
  await standIn.stop();
  rmSync(home, { recursive: true, force: true });
});

/**
 * Runs the CLI without blocking (the stand-in answers from this process),
 * with only PATH from this environment: no AWS_* variable, an empty HOME
 * (no ~/.aws), no instance metadata, one attempt per call.
 */
function platform(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/platform.js', ...args, '--config', EXAMPLES_DIR], {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        CHECKPOINT_DISABLE: '1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_MAX_ATTEMPTS: '1',
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const withStandIn = () => ({ PLATFORM_AWS_ENDPOINT: standIn.url, AWS_ACCESS_KEY_ID: 'AKIDSTANDIN', AWS_SECRET_ACCESS_KEY: 'not-a-secret' });

test('status: a table, and --json; a service not created yet is missing (exit 0)', async () => {
  const arn = standIn.addTaskDefinition('shop-dev-api', [
    { name: 'api', image: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/shop/dev/api:1.4.2` },
  ]);
  standIn.addService('shop-dev', 'api', arn, 1, [
    {
      taskArn: `arn:aws:ecs:eu-west-1:${ACCOUNT}:task/shop-dev/abc`,
      lastStatus: 'RUNNING',
      enableExecuteCommand: true,
      containers: [{ name: 'api', execAgent: 'RUNNING' }],
    },
  ]);
  const text = await platform(['status', '--env', 'dev'], withStandIn());
  expect(text.stderr).toBe('');
  expect(text.status).toBe(0);
  const lines = text.stdout.trimEnd().split('\n');
  expect(lines[0]).toBe('dev: cluster shop-dev (eu-west-1)');
  expect(lines[1]).toMatch(/^SERVICE\s+DESIRED\s+RUNNING\s+PENDING\s+TASK DEFINITION\s+LAST DEPLOYMENT$/);
  expect(lines.find((l) => l.startsWith('api'))).toMatch(/^api\s+1\s+1\s+0\s+shop-dev-api:1\s+PRIMARY COMPLETED \d{4}-/);
  expect(lines.find((l) => l.startsWith('worker'))).toMatch(/^worker\s+-\s+-\s+-\s+-\s+missing: not created yet/);
  const json = await platform(['status', '--env', 'dev', '--json'], withStandIn());
  const parsed = JSON.parse(json.stdout);
  expect(parsed.ok).toBe(true);
  expect(parsed.services.map((s: { name: string; state: string }) => `${s.name}:${s.state}`)).toEqual([
    'web:missing',
    'api:active',
    'worker:missing',
  ]);
});

test('exec prints the line', async () => {
  const exec = await platform(['exec', '--env', 'dev', '--service', 'api'], withStandIn());
  expect(exec.status).toBe(0);
  expect(exec.stdout).toBe(
    `aws ecs execute-command --region eu-west-1 --endpoint-url ${standIn.url} --cluster shop-dev --task arn:aws:ecs:eu-west-1:${ACCOUNT}:task/shop-dev/abc --container api --interactive --command /bin/sh\n`,
  );
});

test('rollout: a FAILED deployment is rolled back and exits 1 naming what happened', async () => {
  standIn.rollout = 'fail';
  standIn.settleAfter = 1;
  const result = await platform(
    ['rollout', '--env', 'dev', '--service', 'api', '--image', `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/shop/dev/api:9f1c2ab`],
    withStandIn(),
  );
  expect(result.status).toBe(1);
  expect(result.stdout).toMatch(/registered shop-dev-api:2 \(api: .*:9f1c2ab\)\nupdated api in cluster shop-dev to shop-dev-api:2/);
  expect(result.stderr).toMatch(
    /^rollout of .*:9f1c2ab to api in cluster shop-dev failed \(rollout state FAILED: .*\); updated the service back to shop-dev-api:1\n$/,
  );
  expect(
    standIn
      .callsOf('UpdateService')
      .map((c) => c.body.taskDefinition)
      .filter(Boolean)
      .slice(-2),
  ).toEqual([
    `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/shop-dev-api:2`,
    `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/shop-dev-api:1`,
  ]);
});

test('logs --follow prints events as they come and stops cleanly on Ctrl-C (exit 0)', async () => {
  const now = Date.now();
  standIn.addLogEvents('/ecs/shop-dev/api', [{ eventId: 'e1', timestamp: now - 1000, logStreamName: 'api/api/abc', message: 'first' }]);
  const child = spawn(
    process.execPath,
    ['bin/platform.js', 'logs', '--env', 'dev', '--service', 'api', '--follow', '--config', EXAMPLES_DIR],
    {
      env: { PATH: process.env.PATH, HOME: home, AWS_EC2_METADATA_DISABLED: 'true', ...withStandIn() },
    },
  );
  let stdout = '';
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  await new Promise<void>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('first')) {
        standIn.addLogEvents('/ecs/shop-dev/api', [{ eventId: 'e2', timestamp: now, logStreamName: 'api/api/abc', message: 'second' }]);
      }
      if (stdout.includes('second') && !stdout.includes('late')) {
        // Another task's event, stamped before "second", reaches CloudWatch after it was shown.
        standIn.addLogEvents('/ecs/shop-dev/api', [{ eventId: 'e3', timestamp: now - 500, logStreamName: 'api/api/def', message: 'late' }]);
      }
      if (stdout.includes('late')) resolve();
    }),
  );
  child.kill('SIGINT');
  expect(await closed).toBe(0);
  expect(
    stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.replace(/^\S+ /, '')),
  ).toEqual(['api/api/abc first', 'api/api/abc second', 'api/api/def late']);
});
