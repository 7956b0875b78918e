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
import type { Run, RunPatch } from '../run';
import {
  applyPatch, checkNewRuns, orderKey, resolveLimit, RunStoreError, statusesOf,
  type DriftState, type EnvironmentState, type EnvironmentStateInput, type ListRunsQuery,
  type LockRecord, type RunStore, type UpdateCondition,
} from './store';

/** The schema version this code writes; a file with a newer one is refused. */
export const SQLITE_SCHEMA_VERSION = 1;

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
];

export interface SqliteStoreProps {
  /** The directory holding the file; created when missing. */
  readonly dataDir: string;
  /** The file's name in `dataDir`. Default: `runs.sqlite`. */
  readonly fileName?: string;
  /** How long a write waits for another connection's lock, in milliseconds. Default: 5000. */
  readonly busyTimeoutMs?: number;
}

interface RunRow { readonly data: string }
interface LockRow { readonly environment: string; readonly lock_id: string; readonly run_id: string; readonly acquired_at: string }
interface EnvironmentRow { readonly environment: string; readonly drift: string; readonly checked_at: string | null; readonly commit_sha: string | null }

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
    return this.db.transaction(() => {
      const recorded = this.db
        .prepare('INSERT OR IGNORE INTO deliveries (id, received_at, run_ids) VALUES (?, ?, ?)')
        .run(deliveryId, new Date().toISOString(), JSON.stringify(runs.map((r) => r.id)));
      if (recorded.changes === 0) return false;
      this.insertRows(runs);
      return true;
    }).immediate();
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
    return this.db.prepare<(string | number)[], RunRow>(sql).all(...params, limit).map((row) => JSON.parse(row.data) as Run);
  }

  async updateRun(id: string, patch: RunPatch, expect?: UpdateCondition): Promise<Run | undefined> {
    return this.db.transaction((): Run | undefined => {
      const row = this.db.prepare<[string], RunRow>('SELECT data FROM runs WHERE id = ?').get(id);
      if (!row) return undefined;
      const run = JSON.parse(row.data) as Run;
      if (expect && !expect.status.includes(run.status)) return undefined;
      const next = applyPatch(run, patch);
      this.db
        .prepare('UPDATE runs SET status = ?, pull_request = ?, data = ? WHERE id = ?')
        .run(next.status, next.pullRequest ?? null, JSON.stringify(next), id);
      return next;
    }).immediate();
  }

  async appendLog(id: string, text: string): Promise<void> {
    if (text === '') return;
    const appended = this.db
      .prepare(`INSERT INTO run_logs (run_id, seq, text)
                SELECT ?, COALESCE((SELECT MAX(seq) FROM run_logs WHERE run_id = ?), 0) + 1, ?
                WHERE EXISTS (SELECT 1 FROM runs WHERE id = ?)`)
      .run(id, id, text, id);
    if (appended.changes === 0) throw new RunStoreError('unknown-run', `no run ${id} to append a log to`);
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
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new RunStoreError('duplicate-run', `run ${run.id} already exists`);
        throw error;
      }
    }
  }

  /** Brings the schema to SQLITE_SCHEMA_VERSION, one transaction per step. */
  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SQLITE_SCHEMA_VERSION) {
      throw new Error(`${this.file} has schema version ${version}, newer than this controller's ${SQLITE_SCHEMA_VERSION}: upgrade the controller`);
    }
    for (let v = version; v < SQLITE_SCHEMA_VERSION; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]);
        this.db.pragma(`user_version = ${v + 1}`);
      }).immediate();
    }
  }
}
