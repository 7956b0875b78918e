/**
 * The run store in one SQLite file under the controller's data directory
 * (`--store sqlite`). WAL journal with `synchronous=FULL`: once a write
 * resolves it is on disk, so an accepted run survives a SIGKILL or a power
 * cut. The schema is created on open and its version kept in
 * `PRAGMA user_version`.
 *
 * A run is one row: its JSON, plus the columns it is filtered and ordered by.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Run, RunPatch, RunStatus } from '../run';
import {
  applyPatch,
  checkNewRuns,
  orderKey,
  resolveLimit,
  RunStoreError,
  statusesOf,
  type DriftState,
  type EnvironmentState,
  type EnvironmentStateInput,
  type ListRunsQuery,
  type Lease,
  type LockRecord,
  type RunStore,
  type UpdateCondition,
  checkLeaseMs,
} from './store';

/** The schema version this code writes; a file with a newer one is refused. */
export const SQLITE_SCHEMA_VERSION = 2;

/** Migrations: entry N takes the schema from version N to N + 1. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE deliveries (
     id TEXT PRIMARY KEY,
     received_at TEXT NOT NULL,
     run_ids TEXT NOT NULL
   );
   CREATE TABLE runs (
     id TEXT PRIMARY KEY,
     environment TEXT NOT NULL,
     status TEXT NOT NULL,
     pull_request INTEGER,
     order_key TEXT NOT NULL,
     data TEXT NOT NULL
   );
   CREATE INDEX runs_by_order ON runs (order_key);
   CREATE INDEX runs_by_environment ON runs (environment, order_key);
   CREATE INDEX runs_by_status ON runs (status, order_key);
   CREATE TABLE run_logs (
     run_id TEXT NOT NULL REFERENCES runs (id),
     seq INTEGER NOT NULL,
     text TEXT NOT NULL,
     PRIMARY KEY (run_id, seq)
   ) WITHOUT ROWID;
   CREATE TABLE locks (
     environment TEXT NOT NULL,
     lock_id TEXT NOT NULL,
     run_id TEXT NOT NULL,
     acquired_at TEXT NOT NULL,
     PRIMARY KEY (environment, lock_id)
   );
   CREATE TABLE environment_states (
     environment TEXT PRIMARY KEY,
     drift TEXT NOT NULL,
     checked_at TEXT,
     commit_sha TEXT
   );`,
  // 2: claims. The fencing token a run carries, and each environment's lease (owner and run NULL once released).
  `ALTER TABLE runs ADD COLUMN fence INTEGER;
   CREATE TABLE leases (
     environment TEXT PRIMARY KEY,
     owner TEXT,
     run_id TEXT,
     token INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   );`,
];

export interface SqliteStoreProps {
  /** The directory holding the file; created when missing. */
  readonly dataDir: string;
  /** The file's name in `dataDir`. Default: `runs.sqlite`. */
  readonly fileName?: string;
  /** How long a write waits for another connection's lock, in milliseconds. Default: 5000. */
  readonly busyTimeoutMs?: number;
}

interface RunRow {
  readonly data: string;
  readonly fence: number | null;
}
interface LeaseRow {
  readonly environment: string;
  readonly owner: string;
  readonly run_id: string;
  readonly token: number;
  readonly expires_at: number;
}
interface LockRow {
  readonly environment: string;
  readonly lock_id: string;
  readonly run_id: string;
  readonly acquired_at: string;
}
interface EnvironmentRow {
  readonly environment: string;
  readonly drift: string;
  readonly checked_at: string | null;
  readonly commit_sha: string | null;
}

function leaseOf(row: LeaseRow): Lease {
  return { environment: row.environment, owner: row.owner, runId: row.run_id, token: row.token, expiresAt: row.expires_at };
}

/** A `RunStore` in a SQLite file; opening it creates or migrates the schema. */
export class SqliteStore implements RunStore {
  /** The database file's path. */
  readonly file: string;
  private readonly db: Database.Database;

  constructor(props: SqliteStoreProps) {
    mkdirSync(props.dataDir, { recursive: true });
    this.file = join(props.dataDir, props.fileName ?? 'runs.sqlite');
    this.db = new Database(this.file, { timeout: props.busyTimeoutMs ?? 5000 });
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
      this.migrate();
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  async acceptDelivery(deliveryId: string, runs: readonly Run[]): Promise<boolean> {
    checkNewRuns(runs);
    if (!deliveryId) throw new RunStoreError('invalid', 'the delivery ID is empty');
    return this.db
      .transaction(() => {
        const recorded = this.db
          .prepare('INSERT OR IGNORE INTO deliveries (id, received_at, run_ids) VALUES (?, ?, ?)')
          .run(deliveryId, new Date().toISOString(), JSON.stringify(runs.map((r) => r.id)));
        if (recorded.changes === 0) return false;
        this.insertRows(runs);
        return true;
      })
      .immediate();
  }

  async insertRuns(runs: readonly Run[]): Promise<void> {
    checkNewRuns(runs);
    this.db.transaction(() => this.insertRows(runs)).immediate();
  }

  async getRun(id: string): Promise<Run | undefined> {
    const row = this.db.prepare<[string], RunRow>('SELECT data FROM runs WHERE id = ?').get(id);
    return row && (JSON.parse(row.data) as Run);
  }

  async listRuns(query: ListRunsQuery = {}): Promise<Run[]> {
    const limit = resolveLimit(query.limit);
    const statuses = statusesOf(query);
    if (statuses?.length === 0) return [];
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.environment !== undefined) {
      where.push('environment = ?');
      params.push(query.environment);
    }
    if (statuses) {
      where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
      params.push(...statuses);
    }
    if (query.pullRequest !== undefined) {
      where.push('pull_request = ?');
      params.push(query.pullRequest);
    }
    const sql = `SELECT data FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY order_key DESC LIMIT ?`;
    return this.db
      .prepare<(string | number)[], RunRow>(sql)
      .all(...params, limit)
      .map((row) => JSON.parse(row.data) as Run);
  }

  async updateRun(id: string, patch: RunPatch, expect?: UpdateCondition): Promise<Run | undefined> {
    return this.db
      .transaction((): Run | undefined => {
        const row = this.db.prepare<[string], RunRow>('SELECT data, fence FROM runs WHERE id = ?').get(id);
        if (!row) return undefined;
        const run = JSON.parse(row.data) as Run;
        if (expect?.status && !expect.status.includes(run.status)) return undefined;
        if (expect?.fence !== undefined && (row.fence ?? 0) !== expect.fence) return undefined;
        const next = applyPatch(run, patch);
        this.db
          .prepare('UPDATE runs SET status = ?, pull_request = ?, data = ? WHERE id = ?')
          .run(next.status, next.pullRequest ?? null, JSON.stringify(next), id);
        return next;
      })
      .immediate();
  }

  async appendLog(id: string, text: string, fence?: number): Promise<void> {
    if (text === '') return;
    this.db
      .transaction(() => {
        const row = this.db.prepare<[string], { fence: number | null }>('SELECT fence FROM runs WHERE id = ?').get(id);
        if (!row) throw new RunStoreError('unknown-run', `no run ${id} to append a log to`);
        if (fence !== undefined && (row.fence ?? 0) !== fence)
          throw new RunStoreError('fenced', `run ${id} no longer carries fencing token ${fence}: its lease was taken over`);
        this.db
          .prepare(
            'INSERT INTO run_logs (run_id, seq, text) SELECT ?, COALESCE((SELECT MAX(seq) FROM run_logs WHERE run_id = ?), 0) + 1, ?',
          )
          .run(id, id, text);
      })
      .immediate();
  }

  async acquireLease(environment: string, runId: string, owner: string, leaseMs: number): Promise<Lease | undefined> {
    checkLeaseMs(leaseMs);
    const expiresAt = Date.now() + leaseMs;
    const row = this.db
      .prepare<
        [string, string, string, number, string, string, number],
        LeaseRow
      >(`INSERT INTO leases (environment, owner, run_id, token, expires_at) VALUES (?, ?, ?, 1, ?)
                ON CONFLICT (environment) DO UPDATE SET owner = ?, run_id = ?, token = token + 1, expires_at = ? WHERE leases.run_id IS NULL
                RETURNING *`)
      .get(environment, owner, runId, expiresAt, owner, runId, expiresAt);
    return row && leaseOf(row);
  }

  async renewLease(lease: Lease, leaseMs: number): Promise<Lease | undefined> {
    checkLeaseMs(leaseMs);
    const row = this.db
      .prepare<[number, string, number, string, string], LeaseRow>(
        'UPDATE leases SET expires_at = ? WHERE environment = ? AND token = ? AND owner = ? AND run_id = ? RETURNING *',
      )
      .get(Date.now() + leaseMs, lease.environment, lease.token, lease.owner, lease.runId);
    return row && leaseOf(row);
  }

  async releaseLease(lease: Lease): Promise<boolean> {
    return (
      this.db
        .prepare('UPDATE leases SET owner = NULL, run_id = NULL, expires_at = 0 WHERE environment = ? AND token = ? AND run_id IS NOT NULL')
        .run(lease.environment, lease.token).changes > 0
    );
  }

  async takeOverLease(lease: Lease, owner: string, leaseMs: number): Promise<Lease | undefined> {
    checkLeaseMs(leaseMs);
    const now = Date.now();
    const row = this.db
      .prepare<[string, number, string, number, number, string], LeaseRow>(`UPDATE leases SET owner = ?, token = token + 1, expires_at = ?
                WHERE environment = ? AND token = ? AND run_id IS NOT NULL AND (expires_at < ? OR owner = ?) RETURNING *`)
      .get(owner, now + leaseMs, lease.environment, lease.token, now, owner);
    return row && leaseOf(row);
  }

  async listLeases(): Promise<Lease[]> {
    return this.db.prepare<[], LeaseRow>('SELECT * FROM leases WHERE run_id IS NOT NULL ORDER BY environment').all().map(leaseOf);
  }

  async fenceRun(id: string, token: number, status: readonly RunStatus[]): Promise<boolean> {
    if (status.length === 0) return false;
    return (
      this.db
        .prepare(`UPDATE runs SET fence = ? WHERE id = ? AND status IN (${status.map(() => '?').join(', ')}) AND COALESCE(fence, 0) < ?`)
        .run(token, id, ...status, token).changes > 0
    );
  }

  async getLog(id: string): Promise<string> {
    return this.db.prepare<[string], string>('SELECT text FROM run_logs WHERE run_id = ? ORDER BY seq').pluck().all(id).join('');
  }

  async recordLock(lock: LockRecord): Promise<void> {
    this.db
      .prepare('INSERT OR REPLACE INTO locks (environment, lock_id, run_id, acquired_at) VALUES (?, ?, ?, ?)')
      .run(lock.environment, lock.lockId, lock.runId, lock.acquiredAt);
  }

  async clearLock(environment: string, lockId: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM locks WHERE environment = ? AND lock_id = ?').run(environment, lockId).changes > 0;
  }

  async listLocks(): Promise<LockRecord[]> {
    return this.db
      .prepare<[], LockRow>('SELECT environment, lock_id, run_id, acquired_at FROM locks ORDER BY environment, lock_id')
      .all()
      .map((row) => ({ environment: row.environment, runId: row.run_id, lockId: row.lock_id, acquiredAt: row.acquired_at }));
  }

  async setEnvironmentState(environment: string, state: EnvironmentStateInput): Promise<void> {
    this.db
      .prepare('INSERT OR REPLACE INTO environment_states (environment, drift, checked_at, commit_sha) VALUES (?, ?, ?, ?)')
      .run(environment, state.drift, state.checkedAt ?? null, state.commit ?? null);
  }

  async listEnvironmentStates(): Promise<EnvironmentState[]> {
    return this.db
      .prepare<[], EnvironmentRow>('SELECT environment, drift, checked_at, commit_sha FROM environment_states ORDER BY environment')
      .all()
      .map((row) => ({
        environment: row.environment,
        drift: row.drift as DriftState,
        ...(row.checked_at !== null && { checkedAt: row.checked_at }),
        ...(row.commit_sha !== null && { commit: row.commit_sha }),
      }));
  }

  async ping(): Promise<boolean> {
    try {
      return this.db.open && this.db.prepare('SELECT 1').pluck().get() === 1;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** Inserts run rows; call inside a transaction. */
  private insertRows(runs: readonly Run[]): void {
    const insert = this.db.prepare('INSERT INTO runs (id, environment, status, pull_request, order_key, data) VALUES (?, ?, ?, ?, ?, ?)');
    for (const run of runs) {
      try {
        insert.run(run.id, run.environment, run.status, run.pullRequest ?? null, orderKey(run), JSON.stringify(run));
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
          throw new RunStoreError('duplicate-run', `run ${run.id} already exists`);
        throw error;
      }
    }
  }

  /** Brings the schema to SQLITE_SCHEMA_VERSION, one transaction per step. */
  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SQLITE_SCHEMA_VERSION) {
      throw new Error(
        `${this.file} has schema version ${version}, newer than this controller's ${SQLITE_SCHEMA_VERSION}: upgrade the controller`,
      );
    }
    for (let v = version; v < SQLITE_SCHEMA_VERSION; v++) {
      this.db
        .transaction(() => {
          this.db.exec(MIGRATIONS[v]);
          this.db.pragma(`user_version = ${v + 1}`);
        })
        .immediate();
    }
  }
}
