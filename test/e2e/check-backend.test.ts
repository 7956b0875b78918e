/**
 * `check-backend` on two environments of a new project sharing a bucket,
 * locked through the lock file alone (the examples keep their table; CI
 * runs them), with the table modes and the migration on a table of its own:
 * every part passes with real Terraform, each says what it proved, and the
 * servers it started are gone when it returns. And `plan --online` through
 * the PLATFORM_BACKEND_* overrides against the same servers.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  backendOverrides,
  BACKEND_CONFIG_VARIABLE,
  DYNAMODB_ENDPOINT_VARIABLE,
  planStack,
  S3_ENDPOINT_VARIABLE,
  terraformSettings,
  type CoreEvent,
} from '../../src/core/index';
import { checkBackend } from '../../src/verification/check-backend';
import { createTable, SERVER_CREDENTIALS, startBackendServers, type BackendServers } from '../../src/verification/backend-servers';
import { configsOf, MINIMAL_ENVIRONMENT } from '../support/helpers';

jest.setTimeout(180_000);

describe('check-backend', () => {
  const configs = configsOf({
    'defaults.yaml': `${MINIMAL_ENVIRONMENT.replace('  lockTable: shop-tf-locks\n', '  keyPrefix: shop/states\n')}`,
    'dev.yaml': 'tags: { Team: dev }\n',
    'qa.yaml': 'tags: { Team: qa }\n',
  });
  const outDir = `${process.cwd()}/cdktf.out/test-check-backend`;
  const notes: string[] = [];
  let results: Awaited<ReturnType<typeof checkBackend>>;

  beforeAll(async () => {
    results = await checkBackend(configs, {
      outDir,
      onEvent: (event: CoreEvent) => {
        if (event.type === 'note') notes.push(event.message);
      },
    });
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('passes every part, in order', () => {
    for (const result of results)
      expect({ summary: result.summary, failure: result.failure }).toEqual({
        summary: expect.not.stringContaining('FAILED'),
        failure: undefined,
      });
    expect(results.map((r) => r.stack)).toEqual([
      'backend dev',
      'backend qa',
      'backend keys',
      'locking dev (DynamoDB table)',
      'locking dev (lock file)',
      'locking dev (table and lock file)',
      'lock table migration dev',
      'bootstrap bootstrap-shop-tf-state',
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('stores each environment at <keyPrefix>/<environment>.tfstate, locked by the lock file alone while an apply waits, with no deprecation warning', () => {
    const dev = results.find((r) => r.stack === 'backend dev')!.summary;
    expect(dev).toContain('init ok (s3://shop-tf-state/shop/states/dev.tfstate, lock file, no dynamodb_table, no deprecation warning)');
    expect(dev).toMatch(/a concurrent plan failed in \d+\.\ds with the holder's lock \(ID [0-9a-f-]{36}, /);
    expect(dev).toMatch(/state stored at shop\/states\/dev\.tfstate \(\d+ resources\), lock released; a plan after it: no changes/);
    expect(
      notes.some((n) => n.startsWith('bootstrap-shop-tf-state: created bucket shop-tf-state (no lock table: S3-native locking)')),
    ).toBe(true);
    expect(notes).toContain('dev has no lock table: the table modes and the migration check lock with check-backend-locks, made for them');
    expect(results.find((r) => r.stack === 'backend keys')!.summary).toBe(
      'backend keys: s3://shop-tf-state: shop/states/dev.tfstate, shop/states/qa.tfstate (one key per environment, none shared)',
    );
  });

  it("shows the lock file refused through 412s, and force-unlock clearing a killed run's lock in every mode", () => {
    expect(results.find((r) => r.stack === 'locking dev (lock file)')!.summary).toMatch(
      /\(\d+ conditional PUT\(s\) of the lock file answered 412\)/,
    );
    for (const result of results.filter((r) => r.stack.startsWith('locking'))) {
      expect(result.summary).toMatch(
        /a SIGKILLed holder left lock ([0-9a-f-]{36}), which refused a plan until force-unlock with that ID, then a plan ran$/,
      );
    }
  });

  it('proves both migration steps: each re-initialised in place with no changes, and a runner one step behind refused', () => {
    const migration = results.find((r) => r.stack === 'lock table migration dev')!.summary;
    expect(migration).toMatch(
      /^lock table migration dev: state applied under the table alone, then step 1, both \(lock table check-backend-locks and lock file\): init in the same folder ok, a plan: no changes; its apply holds the lock and a runner still on "table only" is refused \(failed in \d+\.\ds with the holder's lock/,
    );
    expect(migration).toMatch(
      /then step 2, lock file only \(lock file\): init in the same folder ok \(no dynamodb_table, no deprecation warning\), a plan: no changes; its apply holds the lock and a runner still on "step 1, both" is refused \(failed in \d+\.\ds with the holder's lock/,
    );
  });

  it('migrates the bootstrap state into the bucket at bootstrap/terraform.tfstate', () => {
    expect(results.at(-1)!.summary).toMatch(
      /init -migrate-state -force-copy moved it to s3:\/\/shop-tf-state\/bootstrap\/terraform\.tfstate \(the same resources and IDs\), and terraform state list reads it from there$/,
    );
  });

  it('says what stands in, and stops the servers it started', async () => {
    expect(notes).toContain(
      'environment stacks: every resource stands in as terraform_data (the backend is what is checked; nothing is created anywhere)',
    );
    const endpoints = /at (http:\/\/127\.0\.0\.1:\d+).* at (http:\/\/127\.0\.0\.1:\d+)$/.exec(
      notes.find((n) => n.startsWith('S3 (s3rver'))!,
    )!;
    for (const endpoint of endpoints.slice(1)) await expect(fetch(endpoint)).rejects.toThrow();
  });
});

describe('an online plan with the PLATFORM_BACKEND_* overrides, against local servers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backend-overrides-'));
  let servers: BackendServers;
  beforeAll(async () => {
    servers = await startBackendServers();
    await servers.s3.createBucket('overrides-state');
    await createTable(servers.dynamodb.client, { name: 'overrides-locks', hashKey: 'LockID', attributes: [{ name: 'LockID', type: 'S' }] });
  });
  afterAll(async () => {
    await servers.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("initialises the stack's own backend block there, and plans", async () => {
    const settingsFile = join(dir, 'servers.s3.tfbackend');
    writeFileSync(
      settingsFile,
      [
        'use_path_style = true',
        'skip_credentials_validation = true',
        'skip_requesting_account_id = true',
        'skip_metadata_api_check = true',
        `access_key = "${SERVER_CREDENTIALS.accessKeyId}"`,
        `secret_key = "${SERVER_CREDENTIALS.secretAccessKey}"`,
        '',
      ].join('\n'),
    );
    const { backendConfig } = backendOverrides({
      [BACKEND_CONFIG_VARIABLE]: settingsFile,
      [S3_ENDPOINT_VARIABLE]: servers.s3.endpoint,
      [DYNAMODB_ENDPOINT_VARIABLE]: servers.dynamodb.endpoint,
    });
    const backend = {
      bucket: 'overrides-state',
      key: 'shop/dev.tfstate',
      region: 'eu-west-1',
      dynamodb_table: 'overrides-locks',
      encrypt: true,
    };
    const stack = {
      name: 'dev',
      environment: 'dev',
      json: JSON.stringify({ terraform: { backend: { s3: backend } }, resource: { terraform_data: { marker: { input: 'dev' } } } }),
    };
    const workDir = join(dir, 'work');
    const plan = await planStack(stack, { offline: false, workDir, settings: terraformSettings(join(dir, 'cli')), backendConfig });
    expect(plan.output).not.toMatch(/Error/);
    expect(plan.ok).toBe(true);
    expect(plan.summary).toMatchObject({ add: 1 });
    // The block in the folder is the generated one; the endpoints came from the overrides alone.
    expect(JSON.parse(readFileSync(join(workDir, 'cdk.tf.json'), 'utf8')).terraform.backend.s3).toEqual(backend);
    const recorded = JSON.parse(readFileSync(join(workDir, '.terraform', 'terraform.tfstate'), 'utf8')).backend;
    expect(recorded.type).toBe('s3');
    expect(recorded.config).toMatchObject({
      ...backend,
      endpoints: { s3: servers.s3.endpoint, dynamodb: servers.dynamodb.endpoint },
      use_path_style: true,
    });
  });
});
