/**
 * The operations commands' answers that need no AWS server, in-process
 * (test/support/cli-in-process.ts): the one-line errors without credentials or
 * network, ci-info, the refusals and usage errors. The commands against the
 * AWS stand-in (a server), and logs --follow stopped by a real SIGINT, are
 * test/e2e/operations-cli.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, type CliResult } from '../support/cli-in-process';
import { EXAMPLES_DIR } from '../support/helpers';

const ACCOUNT = '123456789012';

let home: string;
/** The AWS_* variables of this environment, set aside so that no credential or endpoint of the machine is used. */
const aside: NodeJS.ProcessEnv = {};

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'platform-ops-home-'));
  for (const name of Object.keys(process.env).filter((n) => n.startsWith('AWS_') || n === 'PLATFORM_AWS_ENDPOINT')) {
    aside[name] = process.env[name];
    delete process.env[name];
  }
});

afterAll(() => {
  Object.assign(process.env, aside);
  rmSync(home, { recursive: true, force: true });
});

/**
 * Runs the CLI with no AWS_* variable of this environment, an empty HOME (no
 * ~/.aws), no instance metadata, one attempt per call.
 */
function platform(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return cli([...args, '--config', EXAMPLES_DIR], {
    HOME: home,
    CHECKPOINT_DISABLE: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    ...env,
  });
}

const withCredentials = { AWS_ACCESS_KEY_ID: 'AKIDSTANDIN', AWS_SECRET_ACCESS_KEY: 'not-a-secret' };

test('no credentials and no endpoint: one line saying how to provide them, exit 1', async () => {
  const started = Date.now();
  const result = await platform(['status', '--env', 'dev']);
  expect(result.status).toBe(1);
  expect(result.stderr).toBe(
    'DescribeServices in cluster shop-dev: no AWS credentials found; set AWS_PROFILE (after `aws sso login --profile NAME` for SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where a role is available\n',
  );
  expect(result.stdout).toBe('');
  // Not a speed target: it fails a credential chain that waits out the instance metadata service's retries (minutes).
  expect(Date.now() - started).toBeLessThan(45_000);
});

test('credentials but an unreachable endpoint: one line naming it, exit 1, no stack trace', async () => {
  const result = await platform(['scale', '--env', 'dev', '--service', 'worker', '--count', '2'], {
    ...withCredentials,
    PLATFORM_AWS_ENDPOINT: 'http://127.0.0.1:9',
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toBe(
    'UpdateService worker in cluster shop-dev: cannot reach http://127.0.0.1:9 (ECONNREFUSED); check the network, or PLATFORM_AWS_ENDPOINT when it is set\n',
  );
});

test('scale is refused where autoscaling owns the count, and a count that is not a number is a usage error', async () => {
  const scale = await platform(['scale', '--env', 'dev', '--service', 'api', '--count', '4'], {
    ...withCredentials,
    PLATFORM_AWS_ENDPOINT: 'http://127.0.0.1:9',
  });
  expect(scale.status).toBe(1);
  expect(scale.stderr).toMatch(
    /^test\/fixtures\/examples\/dev\.yaml:\d+:\d+ services\.api\.autoscaling: autoscaling owns the desired count of api \(min 1, max 2\), so scale is refused: .* or pass --force/,
  );
  expect(scale.stderr.trimEnd().split('\n')).toHaveLength(1);
  const usage = await platform(['scale', '--env', 'dev', '--service', 'api', '--count', 'four'], withCredentials);
  expect(usage.status).toBe(2);
});

test('ci-info: the JSON pipelines read, with no AWS call and no credentials', async () => {
  // No credentials and no endpoint: any AWS call would fail the command.
  const result = await platform(['ci-info', '--env', 'staging', '--service', 'api']);
  expect(result.status).toBe(0);
  expect(JSON.parse(result.stdout)).toEqual({
    environment: 'staging',
    region: 'eu-west-1',
    accountId: ACCOUNT,
    deployRoleArn: `arn:aws:iam::${ACCOUNT}:role/shop-staging-gh-deploy`,
    applyRoleArn: `arn:aws:iam::${ACCOUNT}:role/shop-staging-gh-apply`,
    githubEnvironment: null,
    cluster: 'shop-staging',
    services: {
      api: { serviceName: 'api', repositoryUrl: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/shop/staging/api`, platform: 'linux/amd64' },
    },
  });
  // prod's worker runs ARM64 tasks: its image is built for linux/arm64.
  const worker = await platform(['ci-info', '--env', 'prod', '--service', 'worker']);
  expect(JSON.parse(worker.stdout).services).toEqual({
    worker: {
      serviceName: 'worker',
      repositoryUrl: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/shop/prod/worker`,
      platform: 'linux/arm64',
    },
  });
  const unknown = await platform(['ci-info', '--env', 'staging', '--service', 'nope']);
  expect(unknown.status).toBe(1);
  expect(unknown.stderr).toMatch(/services: no service "nope" in staging; its services are web, api, worker\n$/);
});

test('logs --follow refuses a lookback that is not a whole number of seconds up to an hour (exit 2)', async () => {
  const refused = await platform(['logs', '--env', 'dev', '--service', 'api', '--follow', '--follow-lookback', '30s']);
  expect(refused.status).toBe(2);
  expect(refused.stderr).toContain('a whole number of seconds from 0 to 3600');
});
