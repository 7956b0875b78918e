/**
 * Crash safety with a real backend: the controller applies to the AWS API
 * emulator (moto) with the environment's S3 backend on it, locked with the
 * DynamoDB table and the lock file both. It is killed in the middle of an
 * apply (each apply first waits in a terraform_data that every resource
 * depends on, --apply-delay-seconds), twice:
 *
 * - with its Terraform (its process group, as a stopped task loses both):
 *   after a restart the run is interrupted, the lock Terraform left is
 *   released by the ID the controller recorded, and the environment is
 *   planned and applied again, each resource created once;
 * - its node process alone: Terraform outlives it, finishes the apply and
 *   releases its own lock; the restarted controller leaves the lock to it
 *   until it ended, then plans again and finds nothing to change.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DescribeSecurityGroupsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient, ListServicesCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { createTable } from '../../src/verification/backend-servers';
import { emulatorPython } from '../../src/terraform/emulator-server';
import { startEmulator, type Emulator } from '../../src/verification/emulator';
import { api, ConfigRemote, deliver, REPOSITORY, startController, waitForRun, type Started } from '../support/controller-harness';
import { MINIMAL_ENVIRONMENT, minimalService } from '../support/helpers';

const REGION = 'eu-west-1';
const BUCKET = 'shop-tf-state';
const TABLE = 'shop-tf-locks';
/** dev on the emulator, applied without approval, its state locked with the table and the lock file. */
const DEV = `${MINIMAL_ENVIRONMENT.replace(`lockTable: ${TABLE}\n`, `lockTable: ${TABLE}\n  useLockfile: true\n`)}gitops:
  autoApply: true
services:
${minimalService('worker')}`;
const APPLY_TIMEOUT_MS = 600_000;

jest.setTimeout(25 * 60_000);

describe('the controller killed mid-apply, with the S3 backend on the AWS API emulator', () => {
  let emulator: Emulator;
  let controller: Started | undefined;
  const remote = new ConfigRemote({ 'environments/dev.yaml': DEV });
  const dataDir = mkdtempSync(join(tmpdir(), 'controller-crash-'));
  const clients = () => emulator.clientSettings(REGION);
  /** The runs the first test's recovery queued. */
  const recovered: string[] = [];
  const start = () =>
    startController(['--repo', remote.bare, '--data-dir', dataDir, '--github-repository', REPOSITORY, '--apply-delay-seconds', '12'], {
      PLATFORM_AWS_ENDPOINT: emulator.endpoint,
    });

  beforeAll(async () => {
    emulator = await startEmulator({ account: '123456789012', buckets: [`${REGION}/${BUCKET}`] });
    const dynamodb = new DynamoDBClient(clients());
    await createTable(dynamodb, { name: TABLE, hashKey: 'LockID', attributes: [{ name: 'LockID', type: 'S' }] });
    dynamodb.destroy();
  });

  afterAll(async () => {
    await controller?.kill();
    await emulator?.stop();
    remote.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The lock IDs the backend holds: in the lock table (items with lock info) and in lock files (read with boto3, which moto installs). */
  async function heldLocks(): Promise<{ table: string[]; files: string[] }> {
    const dynamodb = new DynamoDBClient(clients());
    try {
      const items = (await dynamodb.send(new ScanCommand({ TableName: TABLE }))).Items ?? [];
      const table = items.filter((item) => item.Info?.S).map((item) => (JSON.parse(item.Info!.S!) as { ID: string }).ID);
      const { credentials } = clients();
      const read = [
        'import boto3, json, sys',
        `s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="${REGION}", aws_access_key_id="${credentials.accessKeyId}", aws_secret_access_key="${credentials.secretAccessKey}")`,
        `keys = [o["Key"] for o in s3.list_objects_v2(Bucket="${BUCKET}").get("Contents", []) if o["Key"].endswith(".tflock")]`,
        `print(json.dumps([json.loads(s3.get_object(Bucket="${BUCKET}", Key=k)["Body"].read())["ID"] for k in keys]))`,
      ].join('\n');
      const files = JSON.parse(execFileSync(emulatorPython(), ['-c', read, emulator.endpoint], { encoding: 'utf8' })) as string[];
      return { table, files };
    } finally {
      dynamodb.destroy();
    }
  }

  /** Whether `pid` runs (not ended, nor ended and waiting to be collected by its new parent). */
  function running(pid: number): boolean {
    try {
      return !/\)\s+Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  }

  /** Waits until the controller's output matches `pattern`, and returns the match. */
  async function outputMatching(started: Started, pattern: RegExp, timeoutMs = 120_000): Promise<RegExpExecArray> {
    const since = Date.now();
    for (;;) {
      const match = pattern.exec(started.output());
      if (match) return match;
      if (Date.now() - since > timeoutMs)
        throw new Error(`no ${pattern} in the controller's output within ${timeoutMs} ms:\n${started.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Pushes dev as `text` and returns the run, once it is applying and its state lock is recorded (with that lock's ID). */
  async function pushUntilLocked(text: string, message: string): Promise<{ id: string; lockId: string }> {
    remote.write('environments/dev.yaml', text);
    remote.commit(message);
    const answer = await deliver(controller!.url, 'push', remote.push());
    expect(answer.status).toBe(202);
    const id = answer.body.runs[0] as string;
    await waitForRun(controller!.url, id, (r) => r.status === 'applying', APPLY_TIMEOUT_MS);
    const lockId = (await outputMatching(controller!, new RegExp(`run ${id}: state lock (\\S+) of dev recorded`)))[1]!;
    return { id, lockId };
  }

  /** What dev made in moto: resources AWS would let one create twice (a second VPC, another task definition revision) are counted. */
  async function countsInEmulator(): Promise<{ vpcs: number; services: number; taskDefinitions: number; securityGroups: number }> {
    const ecs = new ECSClient(clients());
    const ec2 = new EC2Client(clients());
    try {
      const vpcs = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['false'] }] }))).Vpcs ?? [];
      const services = (await ecs.send(new ListServicesCommand({ cluster: 'shop-dev' }))).serviceArns ?? [];
      const taskDefinitions = (await ecs.send(new ListTaskDefinitionsCommand({}))).taskDefinitionArns ?? [];
      const groups = (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? [];
      return {
        vpcs: vpcs.length,
        services: services.length,
        taskDefinitions: taskDefinitions.length,
        securityGroups: groups.filter((g) => g.GroupName !== 'default').length,
      };
    } finally {
      ecs.destroy();
      ec2.destroy();
    }
  }

  it('killed with its Terraform: the run is interrupted, the lock left behind released by its recorded ID, dev planned and applied once again', async () => {
    controller = await start();
    const { id, lockId } = await pushUntilLocked(
      DEV.replace('memory: 512', 'memory: 512\n    environment: { RELEASE: "1" }'),
      'dev: release 1',
    );
    // Both locks are this apply's, one ID.
    expect(await heldLocks()).toEqual({ table: [lockId], files: [lockId] });
    await controller.kill();
    // Terraform died holding them.
    expect(await heldLocks()).toEqual({ table: [lockId], files: [lockId] });

    controller = await start();
    await outputMatching(controller, new RegExp(`state lock ${lockId} of dev \\(run ${id}\\): released`));
    const interrupted = (await api(controller.url, `/api/runs/${id}`)).body;
    expect({ status: interrupted.status, error: interrupted.error }).toEqual({
      status: 'interrupted',
      error: expect.stringContaining('was applying'),
    });
    const replan = ((await api(controller.url, '/api/runs?environment=dev')).body.runs as any[]).find((r) => r.id !== id);
    expect(replan).toMatchObject({ trigger: 'manual', requestedBy: 'recovery' });
    recovered.push(replan.id);
    const applied = await waitForRun(controller.url, replan.id, (r) => ['applied', 'failed'].includes(r.status), APPLY_TIMEOUT_MS);
    expect({ status: applied.status, error: applied.error }).toEqual({ status: 'applied', error: undefined });
    expect(await heldLocks()).toEqual({ table: [], files: [] });
    // Nothing was created before the kill, and everything once after it.
    const counts = await countsInEmulator();
    expect(counts).toEqual({ vpcs: 1, services: 1, taskDefinitions: 1, securityGroups: counts.securityGroups });
    // One group in moto per group in dev's Terraform (the controller's working folder).
    const stack = JSON.parse(readFileSync(join(dataDir, 'work', 'dev', 'cdk.tf.json'), 'utf8')) as {
      resource: Record<string, Record<string, unknown>>;
    };
    expect(counts.securityGroups).toBe(Object.keys(stack.resource.aws_security_group ?? {}).length);
    expect(counts.securityGroups).toBeGreaterThan(0);
  });

  it('its node process killed alone: Terraform finishes the apply and releases its lock, the restarted controller waits for it, then plans no change', async () => {
    const before = await countsInEmulator();
    const { id, lockId } = await pushUntilLocked(
      DEV.replace('memory: 512', 'memory: 512\n    environment: { RELEASE: "2" }'),
      'dev: release 2',
    );
    await controller!.killNodeOnly();
    controller = await start();
    const [, pid] = await outputMatching(
      controller,
      new RegExp(`dev: the terraform apply \\(pid (\\d+)\\) of run ${id} outlived its controller`),
    );
    // While it runs, its lock stays: nothing force-unlocks it under a live Terraform.
    expect(running(Number(pid))).toBe(true);
    expect((await heldLocks()).table).toEqual([lockId]);
    expect((await api(controller.url, `/api/runs/${id}`)).body.status).toBe('interrupted');

    await outputMatching(controller, new RegExp(`dev: the terraform apply \\(pid ${pid}\\) ended`), APPLY_TIMEOUT_MS);
    expect(running(Number(pid))).toBe(false);
    await outputMatching(controller, new RegExp(`state lock ${lockId} of dev \\(run ${id}\\): released`));
    const output = controller.output();
    expect(output.indexOf(`(pid ${pid}) ended`)).toBeLessThan(output.indexOf(`state lock ${lockId} of dev (run ${id}): released`));
    expect(await heldLocks()).toEqual({ table: [], files: [] });

    const replan = ((await api(controller.url, '/api/runs?environment=dev')).body.runs as any[]).find(
      (r) => r.requestedBy === 'recovery' && !recovered.includes(r.id),
    );
    expect(replan).toBeDefined();
    const planned = await waitForRun(
      controller.url,
      replan.id,
      (r) => ['planned', 'applied', 'failed'].includes(r.status),
      APPLY_TIMEOUT_MS,
    );
    // The orphaned Terraform applied release 2: the plan after it changes nothing, and nothing was created twice.
    expect({ status: planned.status, plan: planned.plan }).toEqual({
      status: 'planned',
      plan: expect.objectContaining({ add: 0, change: 0, replace: 0, destroy: 0 }),
    });
    const after = await countsInEmulator();
    expect(after).toEqual({ ...before, taskDefinitions: before.taskDefinitions + 1 });
  });
});
