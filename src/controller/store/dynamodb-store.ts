/**
 * The run store in one DynamoDB table (`--store dynamodb://TABLE`), single-table
 * design over string keys `pk` and `sk`. Item shapes:
 *
 * | item          | pk                | sk                 | other attributes |
 * | ------------- | ----------------- | ------------------ | ---------------- |
 * | run           | `RUN#<id>`        | `RUN`              | entity `run`, orderKey, every Run field as a native attribute (maps, lists, numbers), logSeq (N, the last log sequence used), batch (the write that inserted it) |
 * | log chunk     | `RUN#<id>`        | `LOG#<seq>` (10-digit, zero-padded) | entity `log`, text, expiresAt (N, epoch seconds: the table's TTL attribute) |
 * | delivery      | `DELIVERY#<id>`   | `DELIVERY`         | entity `delivery`, receivedAt, runIds (L of S); while its runs are being written: entity `pending`, batch, orderKey |
 * | insert batch  | `BATCH#<token>`   | `BATCH`            | entity `pending`, batch, orderKey, runIds; exists only while an `insertRuns` of several runs is being written |
 * | lock          | `LOCK`            | `<env>#<lockId>` (each URI-encoded) | entity `lock`, environment, lockId, runId, acquiredAt |
 * | environment   | `ENVIRONMENT`     | `<env>`            | entity `environment`, environment, drift, checkedAt, commit |
 * | lease         | `LEASE`           | `<env>` (URI-encoded) | entity `lease`, environment, token (N), leaseUntil (N, epoch ms; not the TTL attribute), owner and runId while held |
 *
 * A run item also carries `fence` (N), the fencing token of the lease it was
 * last claimed under (dynamodb-claims.ts).
 *
 * orderKey is `<createdAt as ISO-8601 UTC>#<id>` for runs and
 * `<claimedAt>#<batch>` for pending writes. Three global secondary indexes,
 * all projecting every attribute, and sparse (only items with orderKey, that
 * is runs and pending writes, are in them):
 * - `byEntity` (entity, orderKey): every run newest first; the pending writes.
 * - `byEnvironment` (environment, orderKey): an environment's runs.
 * - `byStatus` (status, orderKey): the runs in a status (the queued ones on
 *   restart), kept current by DynamoDB as `updateRun` changes the status.
 * Index reads are eventually consistent: a run may be missing from `listRuns`
 * for a moment after it is written; `getRun` reads consistently.
 *
 * Several items written together (a delivery and its runs, an `insertRuns`
 * of several runs) use a claim item (the pending delivery, or an insert
 * batch) as a write-ahead record, not TransactWriteItems (which dynalite, the
 * emulator the tests run against, does not implement, and which caps a
 * transaction at 100 items): the claim is written first with a condition
 * (for a delivery, that its ID was never recorded: the redelivery check), then
 * the runs, each with a condition that its ID is new, then the claim is
 * committed, conditionally. A write that fails rolls back what it wrote; one
 * that could not (the process died, the network went away) leaves its claim
 * pending, and `recoverPendingWrites` (run by openStore) rolls it back, as
 * does a later `acceptDelivery` of the same delivery, once the claim is
 * older than `PENDING_STALE_MS` (younger, another process may still be
 * writing it: the delivery counts as seen). So after recovery a delivery is
 * recorded exactly when all its runs are. Readers may see some runs of a
 * batch before it commits.
 *
 * One concern per module: table administration (dynamodb-table.ts), the
 * claim protocol (dynamodb-claims.ts), record mapping (dynamodb-records.ts);
 * this file holds runs, deliveries, logs, locks and environment states.
 */
import { randomUUID } from 'node:crypto';
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { Run, RunPatch, RunStatus } from '../run';
import { DynamoDbClaims, fenceCondition } from './dynamodb-claims';
import { attributeOf, isAwsError, lockKey, runAttributes, runKey, runOf, type Item } from './dynamodb-records';
import { createRunsTable, TABLE_NAME_PATTERN, type CreateTableOptions } from './dynamodb-table';
import {
  checkNewRuns,
  newestFirst,
  orderKey,
  patchEntries,
  resolveLimit,
  RunStoreError,
  statusesOf,
  type DriftState,
  type EnvironmentState,
  type EnvironmentStateInput,
  type Lease,
  type ListRunsQuery,
  type LockRecord,
  type RunStore,
  type UpdateCondition,
} from './store';

export { TABLE_NAME_PATTERN, type CreateTableOptions } from './dynamodb-table';

/** How old a pending write must be before another process may roll it back: younger, its writer may still be at it. */
export const PENDING_STALE_MS = 60_000;

/** How long log items are kept by default, in days. */
export const DEFAULT_LOG_RETENTION_DAYS = 90;

/** The most UTF-16 code units in one log item: at most 300 KB of UTF-8, under DynamoDB's 400 KB item limit. */
const LOG_CHUNK_UNITS = 100_000;
/** How many writes of one batch run at once. */
const WRITE_CONCURRENCY = 16;

export interface DynamoDbStoreProps {
  /** The table (create it with `createTable`). */
  readonly tableName: string;
  /** The AWS region. Default: `us-east-1`. */
  readonly region?: string;
  /** Another endpoint than the region's, such as an emulator's `http://127.0.0.1:8000`. Default: the region's. */
  readonly endpoint?: string;
  /** Static credentials. Default: the SDK's default provider chain (environment, profile, task role...). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** A client to use instead of one built from region, endpoint and credentials; `close` leaves it open. Default: a new client. */
  readonly client?: DynamoDBClient;
  /** How long log items are kept (their `expiresAt`), in days. Default: 90. */
  readonly logRetentionDays?: number;
  /** How long `ping` waits for an answer, in milliseconds. Default: 2000. */
  readonly pingTimeoutMs?: number;
  /** How old another writer's pending write must be before it is rolled back, in milliseconds. Default: 60000 (`PENDING_STALE_MS`). */
  readonly pendingStaleMs?: number;
}

/** A pending write: the claim item's key, its token and the runs it inserts. */
interface Claim {
  readonly key: Item;
  readonly token: string;
  readonly runIds: readonly string[];
}

/** A `RunStore` over one DynamoDB table. */
export class DynamoDbStore implements RunStore {
  readonly tableName: string;
  private readonly client: DynamoDBClient;
  private readonly ownsClient: boolean;
  private readonly retentionSeconds: number;
  private readonly pingTimeoutMs: number;
  private readonly pendingStaleMs: number;
  /** Tokens of the batches this store is writing now. */
  private readonly inFlight = new Set<string>();
  /** Per run, the last append queued: appends of one run are written one after the other. */
  private readonly logTails = new Map<string, Promise<void>>();
  private closed = false;
  private readonly claims: DynamoDbClaims;

  constructor(props: DynamoDbStoreProps) {
    if (!TABLE_NAME_PATTERN.test(props.tableName))
      throw new RunStoreError('invalid', `"${props.tableName}" is not a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ . -)`);
    const retentionDays = props.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
    if (!(retentionDays > 0)) throw new RunStoreError('invalid', `logRetentionDays must be positive, got ${retentionDays}`);
    this.tableName = props.tableName;
    this.retentionSeconds = Math.round(retentionDays * 86_400);
    this.pingTimeoutMs = props.pingTimeoutMs ?? 2000;
    this.pendingStaleMs = props.pendingStaleMs ?? PENDING_STALE_MS;
    this.ownsClient = props.client === undefined;
    this.client =
      props.client ??
      new DynamoDBClient({
        region: props.region ?? 'us-east-1',
        ...(props.endpoint !== undefined && { endpoint: props.endpoint }),
        ...(props.credentials !== undefined && { credentials: props.credentials }),
      });
    this.claims = new DynamoDbClaims(() => this.db, this.tableName);
  }

  /**
   * Creates the table with its indexes (PAY_PER_REQUEST) and turns on TTL on
   * `expiresAt`, unless the table exists; waits until it is ACTIVE either way.
   * Resolves whether it created the table. Calling it again is harmless. An
   * endpoint that does not implement UpdateTimeToLive (dynalite) gets a table
   * whose log items never expire.
   */
  async createTable(options: CreateTableOptions = {}): Promise<boolean> {
    return createRunsTable(this.db, this.tableName, options);
  }

  /**
   * Rolls back the writes left pending by a process that stopped in the middle
   * of one (see the file's comment), once older than `pendingStaleMs`.
   * openStore runs it; run it before reading the queued runs.
   * Resolves how many it rolled back.
   */
  async recoverPendingWrites(): Promise<number> {
    const items = await this.queryAll({
      IndexName: 'byEntity',
      KeyConditionExpression: '#entity = :pending',
      ExpressionAttributeNames: { '#entity': 'entity' },
      ExpressionAttributeValues: { ':pending': { S: 'pending' } },
    });
    let rolledBack = 0;
    for (const item of items) {
      const claim = claimOf(item);
      if (claim && !this.inFlight.has(claim.token) && isStale(item, this.pendingStaleMs) && (await this.rollBack(claim))) rolledBack++;
    }
    return rolledBack;
  }

  async acceptDelivery(deliveryId: string, runs: readonly Run[]): Promise<boolean> {
    checkNewRuns(runs);
    if (!deliveryId) throw new RunStoreError('invalid', 'the delivery ID is empty');
    const key = { pk: { S: `DELIVERY#${deliveryId}` }, sk: { S: 'DELIVERY' } };
    const runIds = runs.map((run) => run.id);
    const receivedAt = new Date().toISOString();
    for (let attempt = 0; attempt < 3; attempt++) {
      const token = randomUUID();
      const recorded = { ...key, receivedAt: { S: receivedAt }, runIds: { L: runIds.map((id) => ({ S: id })) } };
      const claimed =
        runs.length === 0
          ? await this.putIfAbsent({ ...recorded, entity: { S: 'delivery' } })
          : await this.putIfAbsent({
              ...recorded,
              entity: { S: 'pending' },
              batch: { S: token },
              orderKey: { S: `${receivedAt}#${token}` },
            });
      if (claimed) {
        if (runs.length > 0) {
          await this.writeBatch({ key, token, runIds }, runs, () =>
            this.db.send(
              new UpdateItemCommand({
                TableName: this.tableName,
                Key: key,
                UpdateExpression: 'SET #entity = :delivery REMOVE #batch, #orderKey',
                ConditionExpression: '#batch = :token AND attribute_not_exists(#rollingBack)',
                ExpressionAttributeNames: {
                  '#entity': 'entity',
                  '#batch': 'batch',
                  '#orderKey': 'orderKey',
                  '#rollingBack': 'rollingBack',
                },
                ExpressionAttributeValues: { ':delivery': { S: 'delivery' }, ':token': { S: token } },
              }),
            ),
          );
        }
        return true;
      }
      const existing = await this.getItem(key);
      if (existing === undefined) continue;
      const pending = existing.entity?.S === 'pending' ? claimOf(existing) : undefined;
      // Being written by this store, or perhaps by another process: seen.
      if (pending === undefined || this.inFlight.has(pending.token) || !isStale(existing, this.pendingStaleMs)) return false;
      // Left pending by an attempt that neither committed nor rolled back: undo it and claim again.
      await this.rollBack(pending);
    }
    throw new Error(`delivery ${deliveryId}: its record kept changing while it was being claimed`);
  }

  async insertRuns(runs: readonly Run[]): Promise<void> {
    checkNewRuns(runs);
    if (runs.length === 0) return;
    const token = randomUUID();
    if (runs.length === 1) {
      await this.putRun(runs[0], token);
      return;
    }
    const key = { pk: { S: `BATCH#${token}` }, sk: { S: 'BATCH' } };
    const runIds = runs.map((run) => run.id);
    await this.db.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          ...key,
          entity: { S: 'pending' },
          batch: { S: token },
          orderKey: { S: `${new Date().toISOString()}#${token}` },
          runIds: { L: runIds.map((id) => ({ S: id })) },
        },
      }),
    );
    await this.writeBatch({ key, token, runIds }, runs, () =>
      this.db.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: key,
          ConditionExpression: '#batch = :token AND attribute_not_exists(#rollingBack)',
          ExpressionAttributeNames: { '#batch': 'batch', '#rollingBack': 'rollingBack' },
          ExpressionAttributeValues: { ':token': { S: token } },
        }),
      ),
    );
  }

  async getRun(id: string): Promise<Run | undefined> {
    const item = await this.getItem(runKey(id));
    return item && runOf(item);
  }

  async listRuns(query: ListRunsQuery = {}): Promise<Run[]> {
    const limit = resolveLimit(query.limit);
    const statuses = statusesOf(query);
    if (statuses === undefined) {
      return query.environment === undefined
        ? this.queryRuns('byEntity', 'entity', 'run', { pullRequest: query.pullRequest }, limit)
        : this.queryRuns('byEnvironment', 'environment', query.environment, { pullRequest: query.pullRequest }, limit);
    }
    const lists = await Promise.all([...new Set(statuses)].map((status) => this.queryRuns('byStatus', 'status', status, query, limit)));
    return lists.flat().sort(newestFirst).slice(0, limit);
  }

  async updateRun(id: string, patch: RunPatch, expect?: UpdateCondition): Promise<Run | undefined> {
    const entries = patchEntries(patch);
    if (expect?.status?.length === 0) return undefined;
    const names: Record<string, string> = { '#pk': 'pk' };
    const values: Item = {};
    const sets: string[] = [];
    const removes: string[] = [];
    entries.forEach(([field, value], i) => {
      names[`#f${i}`] = field;
      if (value === undefined) {
        removes.push(`#f${i}`);
      } else {
        values[`:f${i}`] = attributeOf(value);
        sets.push(`#f${i} = :f${i}`);
      }
    });
    if (sets.length === 0 && removes.length === 0) {
      // Nothing to change: a write that changes nothing still checks the condition atomically.
      names['#entity'] = 'entity';
      values[':entity'] = { S: 'run' };
      sets.push('#entity = :entity');
    }
    let condition = 'attribute_exists(#pk)';
    if (expect?.fence !== undefined) condition += ` AND ${fenceCondition(expect.fence, names, values)}`;
    if (expect?.status) {
      names['#status'] = 'status';
      const allowed = expect.status.map((status, i) => {
        values[`:s${i}`] = { S: status };
        return `:s${i}`;
      });
      condition += ` AND #status IN (${allowed.join(', ')})`;
    }
    try {
      const result = await this.db.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: runKey(id),
          UpdateExpression: [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : '']
            .filter(Boolean)
            .join(' '),
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes && runOf(result.Attributes);
    } catch (error) {
      if (isAwsError(error, 'ConditionalCheckFailedException')) return undefined;
      throw error;
    }
  }

  async appendLog(id: string, text: string, fence?: number): Promise<void> {
    if (text === '') return;
    const previous = this.logTails.get(id) ?? Promise.resolve();
    const written = previous.then(() => this.writeLog(id, text, fence));
    const tail = written.then(
      () => undefined,
      () => undefined,
    );
    this.logTails.set(id, tail);
    void tail.then(() => {
      if (this.logTails.get(id) === tail) this.logTails.delete(id);
    });
    return written;
  }

  async getLog(id: string): Promise<string> {
    const items = await this.queryAll({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :log)',
      ProjectionExpression: '#text',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk', '#text': 'text' },
      ExpressionAttributeValues: { ':pk': { S: `RUN#${id}` }, ':log': { S: 'LOG#' } },
      ConsistentRead: true,
    });
    return items.map((item) => item.text?.S ?? '').join('');
  }

  async recordLock(lock: LockRecord): Promise<void> {
    await this.db.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          ...lockKey(lock.environment, lock.lockId),
          entity: { S: 'lock' },
          environment: { S: lock.environment },
          lockId: { S: lock.lockId },
          runId: { S: lock.runId },
          acquiredAt: { S: lock.acquiredAt },
        },
      }),
    );
  }

  async clearLock(environment: string, lockId: string): Promise<boolean> {
    const result = await this.db.send(
      new DeleteItemCommand({ TableName: this.tableName, Key: lockKey(environment, lockId), ReturnValues: 'ALL_OLD' }),
    );
    return result.Attributes !== undefined;
  }

  async listLocks(): Promise<LockRecord[]> {
    const items = await this.queryAll({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':pk': { S: 'LOCK' } },
      ConsistentRead: true,
    });
    return items
      .map((item) => ({
        environment: str(item.environment),
        runId: str(item.runId),
        lockId: str(item.lockId),
        acquiredAt: str(item.acquiredAt),
      }))
      .sort((a, b) => compare(a.environment, b.environment) || compare(a.lockId, b.lockId));
  }

  async setEnvironmentState(environment: string, state: EnvironmentStateInput): Promise<void> {
    if (!environment) throw new RunStoreError('invalid', 'the environment name is empty');
    await this.db.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          pk: { S: 'ENVIRONMENT' },
          sk: { S: environment },
          entity: { S: 'environment' },
          environment: { S: environment },
          drift: { S: state.drift },
          ...(state.checkedAt !== undefined && { checkedAt: { S: state.checkedAt } }),
          ...(state.commit !== undefined && { commit: { S: state.commit } }),
        },
      }),
    );
  }

  async listEnvironmentStates(): Promise<EnvironmentState[]> {
    const items = await this.queryAll({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':pk': { S: 'ENVIRONMENT' } },
      ConsistentRead: true,
    });
    return items
      .map((item) => ({
        environment: str(item.environment),
        drift: str(item.drift) as DriftState,
        ...(item.checkedAt?.S !== undefined && { checkedAt: item.checkedAt.S }),
        ...(item.commit?.S !== undefined && { commit: item.commit.S }),
      }))
      .sort((a, b) => compare(a.environment, b.environment));
  }

  acquireLease(environment: string, runId: string, owner: string, leaseMs: number): Promise<Lease | undefined> {
    return this.claims.acquire(environment, runId, owner, leaseMs);
  }

  renewLease(lease: Lease, leaseMs: number): Promise<Lease | undefined> {
    return this.claims.renew(lease, leaseMs);
  }

  releaseLease(lease: Lease): Promise<boolean> {
    return this.claims.release(lease);
  }

  takeOverLease(lease: Lease, owner: string, leaseMs: number): Promise<Lease | undefined> {
    return this.claims.takeOver(lease, owner, leaseMs);
  }

  listLeases(): Promise<Lease[]> {
    return this.claims.list();
  }

  fenceRun(id: string, token: number, status: readonly RunStatus[]): Promise<boolean> {
    return this.claims.fenceRun(id, token, status);
  }

  async ping(): Promise<boolean> {
    if (this.closed) return false;
    try {
      await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: 'PING' }, sk: { S: 'PING' } } }), {
        abortSignal: AbortSignal.timeout(this.pingTimeoutMs),
      });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsClient) this.client.destroy();
  }

  /** The client, once it is known the store is open. */
  private get db(): DynamoDBClient {
    if (this.closed) throw new Error(`the DynamoDB store of table ${this.tableName} is closed`);
    return this.client;
  }

  /** Writes a claimed batch's runs, then `commit`s; on failure rolls back and rethrows, unless the commit had in fact applied. */
  private async writeBatch(claim: Claim, runs: readonly Run[], commit: () => Promise<unknown>): Promise<void> {
    this.inFlight.add(claim.token);
    let committing = false;
    try {
      await settleAll(runs, (run) => this.putRun(run, claim.token));
      committing = true;
      await commit();
    } catch (error) {
      let rolledBack: boolean;
      try {
        rolledBack = await this.rollBack(claim);
      } catch {
        throw error; // the claim stays pending: recoverPendingWrites rolls it back
      }
      // Not rolled back after a commit was sent: it applied, though its answer was lost.
      if (rolledBack || !committing) throw error;
    } finally {
      this.inFlight.delete(claim.token);
    }
  }

  /**
   * Undoes a pending batch: marks its claim as rolling back (so it can no
   * longer commit), deletes the runs it wrote, then the claim. Resolves false,
   * undoing nothing, when the claim is no longer pending with this token.
   */
  private async rollBack(claim: Claim): Promise<boolean> {
    const names = { '#batch': 'batch' };
    const token = { ':token': { S: claim.token } };
    try {
      await this.db.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: claim.key,
          UpdateExpression: 'SET #rollingBack = :true',
          ConditionExpression: '#batch = :token',
          ExpressionAttributeNames: { ...names, '#rollingBack': 'rollingBack' },
          ExpressionAttributeValues: { ...token, ':true': { BOOL: true } },
        }),
      );
    } catch (error) {
      if (isAwsError(error, 'ConditionalCheckFailedException')) return false;
      throw error;
    }
    const deleteIfOurs = async (key: Item) => {
      try {
        await this.db.send(
          new DeleteItemCommand({
            TableName: this.tableName,
            Key: key,
            ConditionExpression: '#batch = :token',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: token,
          }),
        );
      } catch (error) {
        if (!isAwsError(error, 'ConditionalCheckFailedException')) throw error;
      }
    };
    await settleAll(claim.runIds, (id) => deleteIfOurs(runKey(id)));
    await deleteIfOurs(claim.key);
    return true;
  }

  /** Puts a new run; a run with that ID already there is a duplicate unless this very write (`token`) put it. */
  private async putRun(run: Run, token: string): Promise<void> {
    const item = { ...runAttributes(run), ...runKey(run.id), entity: { S: 'run' }, orderKey: { S: orderKey(run) }, batch: { S: token } };
    if (await this.putIfAbsent(item)) return;
    const existing = await this.getItem(runKey(run.id));
    if (existing?.batch?.S !== token) throw new RunStoreError('duplicate-run', `run ${run.id} already exists`);
  }

  /** Puts an item unless one has its key; resolves whether it did. */
  private async putIfAbsent(item: Item): Promise<boolean> {
    try {
      await this.db.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': 'pk' },
        }),
      );
      return true;
    } catch (error) {
      if (isAwsError(error, 'ConditionalCheckFailedException')) return false;
      throw error;
    }
  }

  /** Writes one append as log chunks, after reserving their sequence numbers on the run item. */
  private async writeLog(id: string, text: string, fence?: number): Promise<void> {
    const chunks = splitText(text, LOG_CHUNK_UNITS);
    let last: number;
    const names: Record<string, string> = { '#logSeq': 'logSeq', '#pk': 'pk' };
    const values: Item = { ':count': { N: String(chunks.length) } };
    const fenced = fence === undefined ? '' : ` AND ${fenceCondition(fence, names, values)}`;
    try {
      const result = await this.db.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: runKey(id),
          UpdateExpression: 'ADD #logSeq :count',
          ConditionExpression: `attribute_exists(#pk)${fenced}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      last = Number(result.Attributes?.logSeq?.N);
    } catch (error) {
      if (!isAwsError(error, 'ConditionalCheckFailedException')) throw error;
      if (fence !== undefined && (await this.getItem(runKey(id))))
        throw new RunStoreError('fenced', `run ${id} no longer carries fencing token ${fence}: its lease was taken over`);
      throw new RunStoreError('unknown-run', `no run ${id} to append a log to`);
    }
    const expiresAt = String(Math.floor(Date.now() / 1000) + this.retentionSeconds);
    const first = last - chunks.length + 1;
    await settleAll(chunks, (chunk, i) =>
      this.db.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: { S: `RUN#${id}` },
            sk: { S: `LOG#${String(first + i).padStart(10, '0')}` },
            entity: { S: 'log' },
            text: { S: chunk },
            expiresAt: { N: expiresAt },
          },
        }),
      ),
    );
  }

  /** Runs from one index, newest first, filtered, until `limit` are found or the index ends. */
  private async queryRuns(
    index: string,
    hashAttribute: string,
    hashValue: string,
    filter: { readonly environment?: string; readonly pullRequest?: number },
    limit: number,
  ): Promise<Run[]> {
    const names: Record<string, string> = { '#hash': hashAttribute };
    const values: Item = { ':hash': { S: hashValue } };
    const conditions: string[] = [];
    if (filter.environment !== undefined && hashAttribute !== 'environment') {
      names['#environment'] = 'environment';
      values[':environment'] = { S: filter.environment };
      conditions.push('#environment = :environment');
    }
    if (filter.pullRequest !== undefined) {
      names['#pullRequest'] = 'pullRequest';
      values[':pullRequest'] = { N: String(filter.pullRequest) };
      conditions.push('#pullRequest = :pullRequest');
    }
    const runs: Run[] = [];
    let start: Item | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index,
          KeyConditionExpression: '#hash = :hash',
          ...(conditions.length > 0 && { FilterExpression: conditions.join(' AND ') }),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          // Limit counts the items read before filtering: read larger pages when filtering.
          Limit: conditions.length > 0 ? Math.max(limit, 100) : limit - runs.length,
          ExclusiveStartKey: start,
        }),
      );
      runs.push(...(page.Items ?? []).map(runOf));
      start = page.LastEvaluatedKey;
    } while (start !== undefined && runs.length < limit);
    return runs.slice(0, limit);
  }

  /** Every item a query matches, page after page. */
  private async queryAll(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.db.send(new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  }

  private async getItem(key: Item): Promise<Item | undefined> {
    const result = await this.db.send(new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return result.Item;
  }
}

/** The pending write an item claims, or undefined when it claims none. */
function claimOf(item: Item): Claim | undefined {
  const token = item.batch?.S;
  if (token === undefined || item.pk === undefined || item.sk === undefined) return undefined;
  return { key: { pk: item.pk, sk: item.sk }, token, runIds: (item.runIds?.L ?? []).map((id) => str(id)) };
}

function str(value: AttributeValue | undefined): string {
  return value?.S ?? '';
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Splits text into pieces of at most `max` UTF-16 code units, never between the halves of a surrogate pair. */
function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + max, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

/** Runs `task` on every item, a few at a time; stops starting new ones after a failure and rejects with the first. */
async function settleAll<T>(items: readonly T[], task: (item: T, index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        await task(items[index], index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, items.length) }, worker));
  if (failure) throw failure.error;
}

/** Whether a pending write's claim (orderKey `<claimedAt>#<token>`) is older than `staleMs`. */
function isStale(item: Item, staleMs: number): boolean {
  const claimedAt = Date.parse(item.orderKey?.S?.split('#')[0] ?? '');
  return Number.isNaN(claimedAt) || Date.now() - claimedAt >= staleMs;
}
