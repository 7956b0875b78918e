/**
 * The controller's run store: one suite run against SqliteStore (a file in a
 * temporary folder) and DynamoDbStore (dynalite, a fresh table per test), then
 * what is particular to each, and openStore.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttributeValue, DescribeTableCommand, DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import Database from 'better-sqlite3';
import type { Run } from '../../src/controller/run';
import { DynamoDbStore } from '../../src/controller/store/dynamodb-store';
import { openStore } from '../../src/controller/store/open-store';
import { SQLITE_SCHEMA_VERSION, SqliteStore } from '../../src/controller/store/sqlite-store';
import { resolveLimit, type RunStore } from '../../src/controller/store/store';
import { startDynamoDb, type DynamoDbServer } from '../../src/verification/backend-servers';

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

let server: DynamoDbServer;
let endpoint: string;
let root: string;
let tableCount = 0;
const toClose: { close(): unknown }[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'controller-store-'));
  // dynalite on a free port, the helper the backend check uses too.
  server = await startDynamoDb(REGION);
  endpoint = server.endpoint;
});

afterEach(async () => {
  for (const item of toClose.splice(0)) await item.close();
});

afterAll(async () => {
  await server.stop();
  rmSync(root, { recursive: true, force: true });
});

function track<T extends { close(): unknown }>(item: T): T {
  toClose.push(item);
  return item;
}

function newTableName(): string {
  return `runs-${process.pid}-${++tableCount}`;
}

function dynamoStore(
  tableName: string,
  props: { client?: DynamoDBClient; logRetentionDays?: number; pendingStaleMs?: number } = {},
): DynamoDbStore {
  return track(new DynamoDbStore({ tableName, region: REGION, endpoint, credentials: CREDENTIALS, ...props }));
}

/** A raw client on dynalite; `fail` decides, per command, to throw instead of sending it. */
function rawClient(fail: (command: string, input: { Item?: Record<string, AttributeValue> }) => boolean = () => false): DynamoDBClient {
  const client = new DynamoDBClient({ region: REGION, endpoint, credentials: CREDENTIALS });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (fail(context.commandName ?? '', args.input as { Item?: Record<string, AttributeValue> })) throw new Error('injected failure');
      return next(args);
    },
    { step: 'initialize', name: 'injectFailure' },
  );
  toClose.push({ close: () => client.destroy() });
  return client;
}

let runCount = 0;
/** A queued run, one second newer than the one made before. */
function newRun(overrides: Partial<Run> = {}): Run {
  runCount++;
  return {
    id: `run-${String(runCount).padStart(5, '0')}`,
    environment: 'dev',
    commit: 'a'.repeat(40),
    branch: 'main',
    trigger: 'push',
    status: 'queued',
    createdAt: new Date(Date.UTC(2030, 0, 1) + runCount * 1000).toISOString(),
    ...overrides,
  };
}

/** A run with every field set. */
function fullRun(): Run {
  return newRun({
    trigger: 'pull_request',
    pullRequest: 12,
    status: 'awaiting-approval',
    decision: 'blocked-destroy',
    plan: {
      add: 1,
      change: 2,
      replace: 0,
      destroy: 3,
      addresses: { create: ['aws_s3_bucket.a'], update: ['x.y', 'x.z'], replace: [], delete: ['aws_db_instance.db'] },
    },
    problems: ['environments/dev.yaml:12:7 services.api.cpu: must be a number'],
    approvedBy: 'alice',
    startedAt: '2030-01-02T00:00:00.000Z',
    finishedAt: '2030-01-02T00:01:00.000Z',
    error: 'nothing',
    destroy: true,
    requestedBy: 'bob',
    drift: false,
  });
}

const ids = (runs: readonly Run[]) => runs.map((run) => run.id);

interface Harness {
  /** The store under test. */
  readonly store: RunStore;
  /** Another store over the same file or table. */
  reopen(): Promise<RunStore>;
}

const backends: [string, () => Promise<Harness>][] = [
  [
    'SqliteStore',
    async () => {
      const dataDir = mkdtempSync(join(root, 'sqlite-'));
      const open = async () => track(new SqliteStore({ dataDir }));
      return { store: await open(), reopen: open };
    },
  ],
  [
    'DynamoDbStore',
    async () => {
      const table = newTableName();
      const store = dynamoStore(table);
      await store.createTable();
      return { store, reopen: async () => dynamoStore(table) };
    },
  ],
];

describe.each(backends)('%s', (_name, create) => {
  let harness: Harness;
  let store: RunStore;
  beforeEach(async () => {
    harness = await create();
    store = harness.store;
  });

  test('getRun returns a run exactly as inserted, and undefined for an unknown ID', async () => {
    const full = fullRun();
    const minimal = newRun();
    await store.insertRuns([full, minimal]);
    await store.appendLog(minimal.id, 'a log line\n');
    expect(await store.getRun(full.id)).toStrictEqual(full);
    expect(await store.getRun(minimal.id)).toStrictEqual(minimal);
    expect(await store.getRun('no-such-run')).toBeUndefined();
  });

  test('listRuns is newest first by the time of createdAt, then by ID', async () => {
    const at = (createdAt: string, id: string) => newRun({ id, createdAt });
    const runs = [
      at('2030-01-01T10:00:00.000Z', 'b'),
      at('2030-01-01T09:00:00.000Z', 'z'),
      at('2030-01-01T10:00:00.000Z', 'a'),
      at('2030-01-01T10:00:00.000Z', 'c'),
      // 08:30 UTC, though its text sorts after every other date.
      at('2030-01-01T10:30:00+02:00', 'offset'),
      at('2030-01-01T11:00:00.000Z', 'newest'),
    ];
    await store.insertRuns(runs);
    expect(ids(await store.listRuns())).toEqual(['newest', 'c', 'b', 'a', 'z', 'offset']);
  });

  test('listRuns filters by environment, status (one or several) and pull request, all together', async () => {
    const devQueued = newRun({ environment: 'dev' });
    const devRunning = newRun({ environment: 'dev', status: 'running', pullRequest: 7, trigger: 'pull_request' });
    const prodQueued = newRun({ environment: 'prod', pullRequest: 7, trigger: 'pull_request' });
    const prodApplied = newRun({ environment: 'prod', status: 'applied' });
    const stagingQueued = newRun({ environment: 'staging', pullRequest: 8, trigger: 'pull_request' });
    await store.insertRuns([devQueued, devRunning, prodQueued, prodApplied, stagingQueued]);

    expect(ids(await store.listRuns({ environment: 'prod' }))).toEqual(ids([prodApplied, prodQueued]));
    expect(ids(await store.listRuns({ status: 'queued' }))).toEqual(ids([stagingQueued, prodQueued, devQueued]));
    expect(ids(await store.listRuns({ status: ['running', 'applied'] }))).toEqual(ids([prodApplied, devRunning]));
    expect(await store.listRuns({ status: [] })).toEqual([]);
    expect(ids(await store.listRuns({ pullRequest: 7 }))).toEqual(ids([prodQueued, devRunning]));
    expect(ids(await store.listRuns({ environment: 'dev', status: 'queued' }))).toEqual(ids([devQueued]));
    expect(ids(await store.listRuns({ environment: 'prod', status: ['queued', 'applied'], pullRequest: 7 }))).toEqual(ids([prodQueued]));
    expect(await store.listRuns({ environment: 'qa' })).toEqual([]);
  });

  test('listRuns returns 50 by default, the newest `limit` when given, and refuses a limit that is not a positive integer', async () => {
    const runs = Array.from({ length: 60 }, (_, i) => newRun({ environment: i % 2 ? 'odd' : 'even' }));
    await store.insertRuns(runs);
    const newest = [...runs].reverse();
    expect(ids(await store.listRuns())).toEqual(ids(newest.slice(0, 50)));
    expect(ids(await store.listRuns({ limit: 5 }))).toEqual(ids(newest.slice(0, 5)));
    expect(ids(await store.listRuns({ limit: 500 }))).toEqual(ids(newest));
    expect(ids(await store.listRuns({ environment: 'odd', limit: 3 }))).toEqual(
      ids(newest.filter((r) => r.environment === 'odd').slice(0, 3)),
    );
    expect(ids(await store.listRuns({ status: 'queued', environment: 'even', limit: 4 }))).toEqual(
      ids(newest.filter((r) => r.environment === 'even').slice(0, 4)),
    );
    await expect(store.listRuns({ limit: 0 })).rejects.toThrow(RangeError);
    await expect(store.listRuns({ limit: 2.5 })).rejects.toThrow(RangeError);
  });

  test('listRuns finds the runs that match behind pages of runs that do not', async () => {
    const rare = newRun({ environment: 'rare' });
    await store.insertRuns([rare, ...Array.from({ length: 150 }, () => newRun())]);
    expect(await store.listRuns({ limit: 1000 })).toHaveLength(151);
    expect(ids(await store.listRuns({ status: 'queued', environment: 'rare' }))).toEqual([rare.id]);
    expect(ids(await store.listRuns({ status: ['queued', 'failed'], environment: 'rare', limit: 1 }))).toEqual([rare.id]);
  });

  test('insertRuns inserts all or nothing: an ID that exists rejects the whole batch', async () => {
    const existing = newRun();
    await store.insertRuns([existing]);
    const batch = [newRun(), newRun(), { ...newRun(), id: existing.id }, newRun()];
    await expect(store.insertRuns(batch)).rejects.toMatchObject({ code: 'duplicate-run' });
    for (const run of [batch[0], batch[1], batch[3]]) expect(await store.getRun(run.id)).toBeUndefined();
    expect(ids(await store.listRuns())).toEqual([existing.id]);
    expect(await store.getRun(existing.id)).toStrictEqual(existing);

    const twice = newRun();
    await expect(store.insertRuns([twice, twice])).rejects.toMatchObject({ code: 'invalid' });
    expect(await store.getRun(twice.id)).toBeUndefined();
    await expect(store.insertRuns([newRun({ createdAt: 'yesterday' })])).rejects.toThrow(/createdAt/);
  });

  test('acceptDelivery records a delivery once: a redelivery resolves false and inserts nothing', async () => {
    const first = [newRun(), newRun({ environment: 'prod' })];
    expect(await store.acceptDelivery('delivery-1', first)).toBe(true);
    expect(await store.getRun(first[1].id)).toStrictEqual(first[1]);

    const again = newRun();
    expect(await store.acceptDelivery('delivery-1', [again])).toBe(false);
    expect(await store.getRun(again.id)).toBeUndefined();
    expect(ids(await store.listRuns())).toEqual(ids([first[1], first[0]]));

    expect(await store.acceptDelivery('delivery-2', [again])).toBe(true);
    expect(await store.getRun(again.id)).toStrictEqual(again);
  });

  test('acceptDelivery with no runs still records the delivery', async () => {
    expect(await store.acceptDelivery('delivery-empty', [])).toBe(true);
    const late = newRun();
    expect(await store.acceptDelivery('delivery-empty', [late])).toBe(false);
    expect(await store.getRun(late.id)).toBeUndefined();
  });

  test('acceptDelivery whose run ID exists records neither the delivery nor any run', async () => {
    const existing = newRun();
    await store.insertRuns([existing]);
    const fresh = newRun();
    await expect(store.acceptDelivery('delivery-3', [fresh, { ...newRun(), id: existing.id }])).rejects.toMatchObject({
      code: 'duplicate-run',
    });
    expect(await store.getRun(fresh.id)).toBeUndefined();
    expect(await store.acceptDelivery('delivery-3', [fresh])).toBe(true);
    expect(await store.getRun(fresh.id)).toStrictEqual(fresh);
  });

  test('of two deliveries of one ID at once, exactly one is accepted, with all its runs', async () => {
    // Enough runs that the first is still writing them when the second finds its claim.
    const a = Array.from({ length: 40 }, () => newRun());
    const b = Array.from({ length: 40 }, () => newRun());
    const results = await Promise.all([store.acceptDelivery('delivery-4', a), store.acceptDelivery('delivery-4', b)]);
    expect([...results].sort()).toEqual([false, true]);
    const winner = results[0] ? a : b;
    expect(ids(await store.listRuns())).toEqual(ids([...winner].reverse()));
  });

  test('updateRun applies a patch (undefined removes a field) and moves the run between status lists', async () => {
    const run = newRun({ error: 'an earlier failure' });
    await store.insertRuns([run]);
    const { error: _removed, ...rest } = run;
    const expected = { ...rest, status: 'running', startedAt: '2030-02-01T00:00:00.000Z' };
    const updated = await store.updateRun(run.id, { status: 'running', startedAt: '2030-02-01T00:00:00.000Z', error: undefined });
    expect(updated).toStrictEqual(expected);
    expect(await store.getRun(run.id)).toStrictEqual(expected);
    expect(await store.listRuns({ status: 'queued' })).toEqual([]);
    expect(ids(await store.listRuns({ status: 'running' }))).toEqual([run.id]);

    const planned = await store.updateRun(run.id, {
      status: 'awaiting-approval',
      plan: { add: 1, change: 0, replace: 0, destroy: 0, addresses: { create: ['a.b'], update: [], replace: [], delete: [] } },
    });
    expect(planned?.plan?.addresses.create).toEqual(['a.b']);
    expect(await store.getRun(run.id)).toStrictEqual(planned);
    expect(await store.updateRun('no-such-run', { status: 'failed' })).toBeUndefined();
    await expect(store.updateRun(run.id, { id: 'other' } as never)).rejects.toMatchObject({ code: 'invalid' });
    await expect(store.updateRun(run.id, { status: undefined })).rejects.toMatchObject({ code: 'invalid' });
  });

  test('updateRun with expect applies only while the status is one of those expected', async () => {
    const run = newRun({ status: 'awaiting-approval' });
    await store.insertRuns([run]);
    expect(await store.updateRun(run.id, { status: 'running' }, { status: ['queued'] })).toBeUndefined();
    expect(await store.updateRun(run.id, { status: 'running' }, { status: [] })).toBeUndefined();
    expect(await store.getRun(run.id)).toStrictEqual(run);

    const approved = await store.updateRun(
      run.id,
      { status: 'approved', approvedBy: 'alice' },
      { status: ['queued', 'awaiting-approval'] },
    );
    expect(approved).toStrictEqual({ ...run, status: 'approved', approvedBy: 'alice' });
    expect(await store.getRun(run.id)).toStrictEqual(approved);
    expect(await store.updateRun(run.id, {}, { status: ['approved'] })).toStrictEqual(approved);
    expect(await store.updateRun(run.id, {}, { status: ['awaiting-approval'] })).toBeUndefined();
    expect(await store.updateRun('no-such-run', { status: 'cancelled' }, { status: ['awaiting-approval'] })).toBeUndefined();
  });

  test('of an approve and a cancel racing, exactly one moves the run', async () => {
    const run = newRun({ status: 'awaiting-approval' });
    await store.insertRuns([run]);
    const [approve, cancel] = await Promise.all([
      store.updateRun(run.id, { status: 'approved', approvedBy: 'alice' }, { status: ['awaiting-approval'] }),
      store.updateRun(run.id, { status: 'cancelled' }, { status: ['awaiting-approval', 'queued'] }),
    ]);
    expect([approve, cancel].filter((result) => result !== undefined)).toHaveLength(1);
    const winner = approve ?? cancel;
    expect(await store.getRun(run.id)).toStrictEqual(winner);
  });

  test('appendLog keeps the order of 300 appends, awaited one by one or not', async () => {
    const run = newRun();
    const other = newRun();
    await store.insertRuns([run, other]);
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i}\n`);
    for (const line of lines.slice(0, 150)) await store.appendLog(run.id, line);
    await Promise.all(lines.slice(150).map((line) => store.appendLog(run.id, line)));
    await store.appendLog(run.id, '');
    expect(await store.getLog(run.id)).toBe(lines.join(''));
    expect(await store.getLog(other.id)).toBe('');
    expect(await store.getLog('no-such-run')).toBe('');
  });

  test('appendLog keeps a large text whole, multi-byte characters included', async () => {
    const run = newRun();
    await store.insertRuns([run]);
    // A surrogate pair across each 100 000-unit boundary, and characters of 2 and 3 UTF-8 bytes.
    const block = `${'x'.repeat(99_999)}😀${'é€'.repeat(20_000)}`;
    const text = block.repeat(8); // 1.6 MB: more than one page (1 MB) of a DynamoDB query
    await store.appendLog(run.id, 'before\n');
    await store.appendLog(run.id, text);
    await store.appendLog(run.id, 'after\n');
    const log = await store.getLog(run.id);
    expect(log.length).toBe(text.length + 13);
    expect(log === `before\n${text}after\n`).toBe(true);
  });

  test('appendLog to an unknown run rejects', async () => {
    await expect(store.appendLog('no-such-run', 'text')).rejects.toMatchObject({ code: 'unknown-run' });
  });

  test('locks are recorded, listed, and cleared only by their environment and lock ID', async () => {
    const dev1 = { environment: 'dev', runId: 'r1', lockId: 'lock-1', acquiredAt: '2030-01-01T00:00:00.000Z' };
    const dev2 = { environment: 'dev', runId: 'r2', lockId: 'lock-2', acquiredAt: '2030-01-01T00:01:00.000Z' };
    const prod = { environment: 'prod', runId: 'r3', lockId: 'lock-3', acquiredAt: '2030-01-01T00:02:00.000Z' };
    await store.recordLock(prod);
    await store.recordLock(dev2);
    await store.recordLock(dev1);
    await store.recordLock(dev1);
    expect(await store.listLocks()).toEqual([dev1, dev2, prod]);

    expect(await store.clearLock('dev', 'lock-9')).toBe(false);
    expect(await store.clearLock('prod', 'lock-1')).toBe(false);
    expect(await store.listLocks()).toEqual([dev1, dev2, prod]);

    expect(await store.clearLock('dev', 'lock-1')).toBe(true);
    expect(await store.clearLock('dev', 'lock-1')).toBe(false);
    expect(await store.listLocks()).toEqual([dev2, prod]);
  });

  test('setEnvironmentState inserts, then replaces; listEnvironmentStates lists by name', async () => {
    await store.setEnvironmentState('prod', { drift: 'unknown' });
    await store.setEnvironmentState('dev', { drift: 'drifted', checkedAt: '2030-01-01T00:00:00.000Z', commit: 'b'.repeat(40) });
    expect(await store.listEnvironmentStates()).toStrictEqual([
      { environment: 'dev', drift: 'drifted', checkedAt: '2030-01-01T00:00:00.000Z', commit: 'b'.repeat(40) },
      { environment: 'prod', drift: 'unknown' },
    ]);
    await store.setEnvironmentState('dev', { drift: 'none', checkedAt: '2030-01-02T00:00:00.000Z' });
    expect(await store.listEnvironmentStates()).toStrictEqual([
      { environment: 'dev', drift: 'none', checkedAt: '2030-01-02T00:00:00.000Z' },
      { environment: 'prod', drift: 'unknown' },
    ]);
  });

  test('everything survives closing and reopening the store', async () => {
    const run = fullRun();
    const lock = { environment: 'dev', runId: run.id, lockId: 'lock-1', acquiredAt: '2030-01-01T00:00:00.000Z' };
    expect(await store.acceptDelivery('delivery-5', [run])).toBe(true);
    await store.appendLog(run.id, 'one\n');
    await store.appendLog(run.id, 'two\n');
    await store.recordLock(lock);
    await store.setEnvironmentState('dev', { drift: 'drifted' });
    await store.close();

    const reopened = await harness.reopen();
    expect(await reopened.getRun(run.id)).toStrictEqual(run);
    expect(ids(await reopened.listRuns({ status: run.status }))).toEqual([run.id]);
    expect(await reopened.getLog(run.id)).toBe('one\ntwo\n');
    await reopened.appendLog(run.id, 'three\n');
    expect(await reopened.getLog(run.id)).toBe('one\ntwo\nthree\n');
    expect(await reopened.listLocks()).toEqual([lock]);
    expect(await reopened.listEnvironmentStates()).toEqual([{ environment: 'dev', drift: 'drifted' }]);
    expect(await reopened.acceptDelivery('delivery-5', [newRun()])).toBe(false);
  });

  test('of several processes claiming an environment at once, exactly one gets it; released, it is claimed again with a higher token', async () => {
    const other = await harness.reopen();
    const claims = await Promise.all(
      [...Array(6)].map((_, i) => (i % 2 ? other : store).acquireLease('dev', `run-${i}`, `process-${i}`, 30_000)),
    );
    const won = claims.filter((lease) => lease !== undefined);
    expect(won).toHaveLength(1);
    const [lease] = won;
    expect(lease).toMatchObject({ environment: 'dev', token: 1 });
    expect(lease!.expiresAt).toBeGreaterThan(Date.now() + 25_000);
    // Other environments are claimed independently.
    expect(await other.acquireLease('staging', 'run-s', 'process-x', 30_000)).toMatchObject({
      environment: 'staging',
      token: 1,
      owner: 'process-x',
    });
    expect(await store.acquireLease('dev', 'run-late', 'process-late', 30_000)).toBeUndefined();
    expect((await store.listLeases()).map((l) => [l.environment, l.runId, l.token])).toEqual([
      ['dev', lease!.runId, 1],
      ['staging', 'run-s', 1],
    ]);
    expect(await store.releaseLease(lease!)).toBe(true);
    expect(await store.releaseLease(lease!)).toBe(false);
    expect((await store.listLeases()).map((l) => l.environment)).toEqual(['staging']);
    expect(await other.acquireLease('dev', 'run-next', 'process-next', 30_000)).toMatchObject({
      runId: 'run-next',
      owner: 'process-next',
      token: 2,
    });
    await expect(store.acquireLease('qa', 'run-q', 'p', 0)).rejects.toThrow(/positive/);
  });

  test('a lease is renewed by its holder only; an expired one is taken over once, with a higher token, and the old holder can neither renew nor release it', async () => {
    const lease = (await store.acquireLease('dev', 'run-a', 'process-a', 30_000))!;
    const renewed = await store.renewLease(lease, 60_000);
    expect(renewed).toMatchObject({ token: lease.token, owner: 'process-a', runId: 'run-a' });
    expect(renewed!.expiresAt).toBeGreaterThan(lease.expiresAt);
    expect(await store.renewLease({ ...lease, owner: 'process-b' }, 60_000)).toBeUndefined();
    // Alive: nobody else takes it over.
    expect(await store.takeOverLease(lease, 'process-b', 30_000)).toBeUndefined();
    const short = (await store.renewLease(lease, 1))!;
    await new Promise((r) => setTimeout(r, 20));
    const other = await harness.reopen();
    const takers = await Promise.all([store.takeOverLease(short, 'process-b', 30_000), other.takeOverLease(short, 'process-c', 30_000)]);
    const taken = takers.filter((t) => t !== undefined);
    expect(taken).toHaveLength(1);
    expect(taken[0]).toMatchObject({ environment: 'dev', runId: 'run-a', token: lease.token + 1 });
    expect(await store.renewLease(lease, 30_000)).toBeUndefined();
    expect(await store.releaseLease(lease)).toBe(false);
    expect(await store.acquireLease('dev', 'run-z', 'process-z', 30_000)).toBeUndefined();
    // A restarted process takes over what it held itself at once, expired or not.
    const mine = (await store.acquireLease('staging', 'run-s', 'process-s', 30_000))!;
    expect(await store.takeOverLease(mine, 'process-s', 30_000)).toMatchObject({ token: mine.token + 1, owner: 'process-s' });
  });

  test('writes fenced with a token fail once the run carries a newer one; fence 0 matches only a run never fenced', async () => {
    const run = newRun();
    await store.insertRuns([run]);
    expect(await store.updateRun(run.id, { reason: 'legacy' }, { fence: 0 })).toMatchObject({ reason: 'legacy' });
    expect(await store.fenceRun(run.id, 3, ['running'])).toBe(false);
    expect(await store.fenceRun(run.id, 3, ['queued'])).toBe(true);
    expect(await store.getRun(run.id)).toStrictEqual({ ...run, reason: 'legacy' });
    expect(await store.updateRun(run.id, { reason: 'unfenced' }, { fence: 0 })).toBeUndefined();
    expect(await store.updateRun(run.id, { status: 'running' }, { status: ['queued'], fence: 3 })).toMatchObject({ status: 'running' });
    await store.appendLog(run.id, 'planning\n', 3);
    // Another process took over: its token is newer; an older one never replaces it.
    expect(await store.fenceRun(run.id, 4, ['running', 'applying'])).toBe(true);
    expect(await store.fenceRun(run.id, 3, ['running'])).toBe(false);
    expect(await store.updateRun(run.id, { status: 'planned' }, { status: ['running'], fence: 3 })).toBeUndefined();
    await expect(store.appendLog(run.id, 'still planning\n', 3)).rejects.toMatchObject({ code: 'fenced' });
    await expect(store.appendLog('no-such-run', 'x', 3)).rejects.toMatchObject({ code: 'unknown-run' });
    expect(await store.updateRun(run.id, { status: 'interrupted' }, { status: ['running'], fence: 4 })).toMatchObject({
      status: 'interrupted',
    });
    expect(await store.getLog(run.id)).toBe('planning\n');
    expect((await store.getRun(run.id))!.status).toBe('interrupted');
  });

  test('ping is true while the store is open; once closed, ping is false and calls reject', async () => {
    expect(await store.ping()).toBe(true);
    await store.close();
    await store.close();
    expect(await store.ping()).toBe(false);
    await expect(store.getRun('anything')).rejects.toThrow();
  });
});

test('a list limit defaults to 50, is capped at 500 and must be a positive integer', () => {
  expect(resolveLimit(undefined)).toBe(50);
  expect(resolveLimit(1)).toBe(1);
  expect(resolveLimit(500)).toBe(500);
  expect(resolveLimit(501)).toBe(500);
  expect(() => resolveLimit(0)).toThrow(RangeError);
  expect(() => resolveLimit(Number.NaN)).toThrow(RangeError);
});

describe('SqliteStore', () => {
  test('opens the file in WAL mode with synchronous=FULL and records its schema version', () => {
    const dataDir = join(mkdtempSync(join(root, 'sqlite-')), 'nested', 'data');
    const store = track(new SqliteStore({ dataDir }));
    expect(store.file).toBe(join(dataDir, 'runs.sqlite'));
    const own = (store as unknown as { db: Database.Database }).db;
    expect(own.pragma('synchronous', { simple: true })).toBe(2);
    const other = new Database(store.file, { readonly: true });
    try {
      expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(other.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    } finally {
      other.close();
    }
  });

  test('refuses a file written with a newer schema version', async () => {
    const dataDir = mkdtempSync(join(root, 'sqlite-'));
    await track(new SqliteStore({ dataDir })).close();
    const db = new Database(join(dataDir, 'runs.sqlite'));
    db.pragma('user_version = 99');
    db.close();
    expect(() => new SqliteStore({ dataDir })).toThrow(/schema version 99, newer than this controller's 2/);
  });

  test('a file of schema version 1 (before claims) is migrated: its runs kept, unfenced, and claims work', async () => {
    const dataDir = mkdtempSync(join(root, 'sqlite-'));
    const run = newRun({ status: 'running' });
    const store = new SqliteStore({ dataDir });
    await store.insertRuns([run]);
    await store.close();
    const db = new Database(join(dataDir, 'runs.sqlite'));
    db.exec('DROP TABLE leases; ALTER TABLE runs DROP COLUMN fence;');
    db.pragma('user_version = 1');
    db.close();
    const migrated = track(new SqliteStore({ dataDir }));
    expect(await migrated.getRun(run.id)).toStrictEqual(run);
    // Left running by a controller before claims: interrupted with fence 0 (never fenced).
    expect(await migrated.updateRun(run.id, { status: 'interrupted' }, { status: ['running'], fence: 0 })).toMatchObject({
      status: 'interrupted',
    });
    expect(await migrated.acquireLease('dev', 'run-x', 'p', 30_000)).toMatchObject({ token: 1 });
  });

  test('an accepted run survives a SIGKILL of the process that accepted it', async () => {
    const dataDir = mkdtempSync(join(root, 'sqlite-'));
    const run = newRun();
    const script = `
      require('tsx/cjs');
      const { SqliteStore } = require('./src/controller/store/sqlite-store');
      const store = new SqliteStore({ dataDir: process.argv[1] });
      store.acceptDelivery('delivery-killed', [JSON.parse(process.argv[2])]).then((accepted) => {
        process.stdout.write(accepted ? 'accepted\\n' : 'refused\\n');
        setInterval(() => {}, 1000);
      });`;
    const child = spawn(process.execPath, ['-e', script, dataDir, JSON.stringify(run)], {
      cwd: join(__dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (data) => {
      stderr += data;
    });
    const said = await new Promise<string>((resolve) => {
      child.stdout.once('data', (data) => resolve(String(data)));
      child.once('exit', () => resolve(`exited: ${stderr}`));
    });
    expect(said).toBe('accepted\n');
    const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const store = track(new SqliteStore({ dataDir }));
    expect(await store.getRun(run.id)).toStrictEqual(run);
    expect(await store.acceptDelivery('delivery-killed', [])).toBe(false);
  }, 20_000);
});

describe('DynamoDbStore', () => {
  test('createTable creates the table (PAY_PER_REQUEST, pk and sk) once; calling it again is harmless', async () => {
    const table = newTableName();
    const store = dynamoStore(table);
    expect(await store.ping()).toBe(false);
    expect(await store.createTable()).toBe(true);
    expect(await store.createTable()).toBe(false);
    expect(await dynamoStore(table).createTable()).toBe(false);
    const { Table: description } = await rawClient().send(new DescribeTableCommand({ TableName: table }));
    expect(description?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(description?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(description?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(['byEntity', 'byEnvironment', 'byStatus']);
    expect(await store.ping()).toBe(true);
    const run = newRun();
    await store.insertRuns([run]);
    expect(await store.getRun(run.id)).toStrictEqual(run);
  });

  test('log items, one per chunk in sequence order, expire after the retention; runs never', async () => {
    const table = newTableName();
    const store = dynamoStore(table, { logRetentionDays: 7 });
    await store.createTable();
    const run = newRun();
    await store.insertRuns([run]);
    await store.appendLog(run.id, 'one');
    await store.appendLog(run.id, 'two');
    await dynamoStore(table).appendLog(run.id, 'three');
    const { Items: items = [] } = await rawClient().send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `RUN#${run.id}` } },
      }),
    );
    const now = Date.now() / 1000;
    const day = 86_400;
    expect(items.map((item) => item.sk?.S)).toEqual(['LOG#0000000001', 'LOG#0000000002', 'LOG#0000000003', 'RUN']);
    const expiries = items.slice(0, 3).map((item) => Number(item.expiresAt?.N));
    expect(expiries.slice(0, 2).every((at) => Math.abs(at - (now + 7 * day)) < 60)).toBe(true);
    expect(Math.abs(expiries[2] - (now + 90 * day))).toBeLessThan(60);
    expect(items[3].expiresAt).toBeUndefined();
  });

  test('a large append is split into well-formed chunks that fit in an item', async () => {
    const table = newTableName();
    const store = dynamoStore(table);
    await store.createTable();
    const run = newRun();
    await store.insertRuns([run]);
    const text = `${'x'.repeat(99_999)}😀${'€'.repeat(150_000)}`;
    await store.appendLog(run.id, text);
    const { Items: items = [] } = await rawClient().send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :log)',
        ExpressionAttributeValues: { ':pk': { S: `RUN#${run.id}` }, ':log': { S: 'LOG#' } },
      }),
    );
    const chunks = items.map((item) => item.text?.S ?? '');
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.join('')).toBe(text);
    for (const chunk of chunks) {
      expect(/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(chunk)).toBe(false);
      expect(Buffer.byteLength(chunk)).toBeLessThanOrEqual(300_000);
    }
  });

  test('a delivery whose runs fail to be written is rolled back and can come again', async () => {
    const table = newTableName();
    await dynamoStore(table).createTable();
    let runPuts = 0;
    const client = rawClient((command, input) => command === 'PutItemCommand' && input.Item?.entity?.S === 'run' && ++runPuts === 2);
    const store = dynamoStore(table, { client });
    const runs = [newRun(), newRun()];
    await expect(store.acceptDelivery('delivery-6', runs)).rejects.toThrow('injected failure');
    expect(await store.getRun(runs[0].id)).toBeUndefined();
    expect(await store.acceptDelivery('delivery-6', runs)).toBe(true);
    expect(ids(await store.listRuns())).toEqual(ids([runs[1], runs[0]]));
  });

  test('a run put whose answer was lost, and that the SDK sent again, is not taken for a duplicate', async () => {
    const table = newTableName();
    await dynamoStore(table).createTable();
    const client = rawClient();
    let lost = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const item = (args.input as { Item?: Record<string, AttributeValue> }).Item;
        if (context.commandName === 'PutItemCommand' && item?.entity?.S === 'run' && lost++ < 2) {
          throw Object.assign(new Error('the answer was lost'), { name: 'TimeoutError' });
        }
        return result;
      },
      { step: 'deserialize', name: 'loseAnswer' },
    );
    const store = dynamoStore(table, { client });
    const single = newRun();
    await store.insertRuns([single]);
    const delivered = [newRun(), newRun()];
    expect(await store.acceptDelivery('delivery-8', delivered)).toBe(true);
    expect(lost).toBeGreaterThanOrEqual(2);
    expect(ids(await store.listRuns())).toEqual(ids([delivered[1], delivered[0], single]));
  });

  test('writes left pending by a process that stopped are rolled back: by recovery, or by the redelivery', async () => {
    const table = newTableName();
    await dynamoStore(table).createTable();
    // The process "dies" when writing the second run of a write: nothing it sends afterwards arrives.
    let runPuts = 0;
    let dead = false;
    const dying = () =>
      rawClient((command, input) => {
        if (dead) return true;
        if (command === 'PutItemCommand' && input.Item?.entity?.S === 'run' && ++runPuts % 2 === 0) dead = true;
        return dead;
      });
    const delivered = [newRun(), newRun()];
    await expect(dynamoStore(table, { client: dying() }).acceptDelivery('delivery-7', delivered)).rejects.toThrow('injected failure');
    dead = false;
    const inserted = [newRun(), newRun()];
    await expect(dynamoStore(table, { client: dying() }).insertRuns(inserted)).rejects.toThrow('injected failure');

    // While young, a pending write may be another live process's: a redelivery counts as seen, recovery leaves it.
    const neighbour = dynamoStore(table);
    expect(await neighbour.acceptDelivery('delivery-7', [newRun()])).toBe(false);
    expect(await neighbour.recoverPendingWrites()).toBe(0);
    const survivor = dynamoStore(table, { pendingStaleMs: 0 });
    expect(await survivor.getRun(delivered[0].id)).toStrictEqual(delivered[0]);
    expect(await survivor.getRun(inserted[0].id)).toStrictEqual(inserted[0]);
    // A redelivery takes over the delivery's pending claim.
    expect(await survivor.acceptDelivery('delivery-7', [delivered[1]])).toBe(true);
    expect(await survivor.getRun(delivered[0].id)).toBeUndefined();
    expect(await survivor.getRun(delivered[1].id)).toStrictEqual(delivered[1]);
    // Recovery rolls back the insert.
    expect(await survivor.recoverPendingWrites()).toBe(1);
    expect(await survivor.getRun(inserted[0].id)).toBeUndefined();
    expect(await survivor.recoverPendingWrites()).toBe(0);
    expect(ids(await survivor.listRuns())).toEqual([delivered[1].id]);
  });
});

describe('openStore', () => {
  test('refuses a bad spec, saying what it accepts', async () => {
    for (const spec of ['', 'postgres', 'SQLite', 'sqlite://x', 'dynamodb://', 'dynamodb://ab', 'dynamodb://bad/name', 'dynamo://runs']) {
      await expect(openStore(spec, root)).rejects.toThrow(
        `--store must be "sqlite" or "dynamodb://TABLE" (TABLE: 3 to 255 of A-Z a-z 0-9 _ . -), got "${spec}"`,
      );
    }
  });

  test('sqlite opens <dataDir>/runs.sqlite', async () => {
    const dataDir = join(mkdtempSync(join(root, 'open-')), 'data');
    const store = track(await openStore('sqlite', dataDir));
    expect(store).toBeInstanceOf(SqliteStore);
    expect(existsSync(join(dataDir, 'runs.sqlite'))).toBe(true);
    expect(await store.ping()).toBe(true);
  });

  test('dynamodb://TABLE creates the table at DYNAMODB_ENDPOINT in AWS_REGION', async () => {
    const table = newTableName();
    const names = ['DYNAMODB_ENDPOINT', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
    const saved = names.map((name) => process.env[name]);
    Object.assign(process.env, {
      DYNAMODB_ENDPOINT: endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    try {
      const store = track(await openStore(`dynamodb://${table}`, root));
      expect(store).toBeInstanceOf(DynamoDbStore);
      const run = newRun();
      await store.insertRuns([run]);
      expect(await store.getRun(run.id)).toStrictEqual(run);
      const { client } = store as unknown as { client: DynamoDBClient };
      expect(await client.config.region()).toBe('eu-west-1');
      const { Table: description } = await rawClient().send(new DescribeTableCommand({ TableName: table }));
      expect(description?.TableStatus).toBe('ACTIVE');
    } finally {
      names.forEach((name, i) => {
        if (saved[i] === undefined) delete process.env[name];
        else process.env[name] = saved[i];
      });
    }
  });
});
