/**
 * Where the controller keeps what must outlive a restart: runs, their logs,
 * the GitHub deliveries already seen, the Terraform state locks it holds and
 * each environment's drift. One interface, two implementations
 * (sqlite-store.ts, dynamodb-store.ts); open-store.ts picks one from `--store`.
 *
 * The queue is the store itself, shared by every controller process on it:
 * a process finds the waiting runs (`listRuns({ status: 'queued' })`) and
 * takes one by claiming its environment (`acquireLease`, then `fenceRun`):
 * a lease with an owner, an expiry and a fencing token that grows with each
 * claim of that environment. The owner renews the lease while it works, and
 * every write it makes for the run is conditional on the run still carrying
 * its token (`UpdateCondition.fence`, `appendLog`'s `fence`): once another
 * process took over an expired lease and fenced the run with a newer token,
 * the old owner can no longer write (docs/controller-scaling.md).
 */
import type { Run, RunPatch, RunStatus } from '../run';

/** How many runs `listRuns` returns when no limit is given. */
export const DEFAULT_LIST_LIMIT = 50;
/** The most runs one `listRuns` call returns; larger limits are capped to it. */
export const MAX_LIST_LIMIT = 500;

/** What `listRuns` returns: every filter given must match. */
export interface ListRunsQuery {
  /** Only the runs of this environment. Default: every environment. */
  readonly environment?: string;
  /** Only runs in this status, or in one of these statuses (an empty list matches nothing). Default: any status. */
  readonly status?: RunStatus | readonly RunStatus[];
  /** Only the runs of this pull request. Default: with or without a pull request. */
  readonly pullRequest?: number;
  /** At most this many runs, an integer of at least 1; above 500 it is 500. Default: 50. */
  readonly limit?: number;
}

/** The condition of a conditional `updateRun`: every condition given must hold. */
export interface UpdateCondition {
  /** The update applies only while the run's status is one of these (an empty list never matches). Default: any status. */
  readonly status?: readonly RunStatus[];
  /** The update applies only while the run carries this fencing token (`fenceRun`); 0: only while it carries none. Default: any. */
  readonly fence?: number;
}

/**
 * A claim of one environment by one controller process, for one run: at most
 * one run of an environment is worked on at a time across every process.
 */
export interface Lease {
  readonly environment: string;
  /** The process holding it (its controller ID). */
  readonly owner: string;
  /** The run it is held for. */
  readonly runId: string;
  /** The fencing token: one more with every claim or take-over of the environment, never reused. */
  readonly token: number;
  /** When it expires unless renewed, in milliseconds since the epoch (the writer's clock). */
  readonly expiresAt: number;
}

/** A Terraform state lock the controller acquired and has not released yet. */
export interface LockRecord {
  readonly environment: string;
  /** The run that holds it. */
  readonly runId: string;
  /** Terraform's lock ID (what `terraform force-unlock` takes). */
  readonly lockId: string;
  /** ISO-8601. */
  readonly acquiredAt: string;
}

export const DRIFT_STATES = ['none', 'drifted', 'unknown'] as const;
/** Whether the last drift check of an environment found changes made outside the controller. */
export type DriftState = (typeof DRIFT_STATES)[number];

/** What `setEnvironmentState` records for an environment. */
export interface EnvironmentStateInput {
  readonly drift: DriftState;
  /** When drift was last checked (ISO-8601). Default: not recorded. */
  readonly checkedAt?: string;
  /** The commit the last check planned. Default: not recorded. */
  readonly commit?: string;
}

/** The recorded state of one environment. */
export interface EnvironmentState extends EnvironmentStateInput {
  readonly environment: string;
}

/**
 * The controller's persistent state. Every method is async and reports
 * failure by rejecting, except `ping`. Run IDs are chosen by the caller and
 * must be unique; `createdAt` must be an ISO-8601 date (it orders runs).
 */
export interface RunStore {
  /**
   * Records a GitHub delivery ID (`X-GitHub-Delivery`) and inserts its runs,
   * all or nothing. Resolves false, inserting nothing, when the delivery ID was
   * already recorded (a redelivery); an empty `runs` still records the
   * delivery. Rejects (recording nothing) when a run ID already exists.
   */
  acceptDelivery(deliveryId: string, runs: readonly Run[]): Promise<boolean>;

  /** Inserts runs that came from no delivery (manual, drift, recovery), all or nothing; rejects when a run ID already exists. */
  insertRuns(runs: readonly Run[]): Promise<void>;

  /** The run with this ID, or undefined. */
  getRun(id: string): Promise<Run | undefined>;

  /** The runs matching `query`, newest first (by `createdAt`, then by ID, both descending). */
  listRuns(query?: ListRunsQuery): Promise<Run[]>;

  /**
   * Applies `patch` to a run and resolves the updated run. A key whose value
   * is `undefined` removes that field. With `expect`, the update applies only
   * while the run's status is one of `expect.status`, checked and written in
   * one atomic step, so of two actors moving the same run (approve and cancel)
   * exactly one wins. Resolves undefined, changing nothing, when the run does
   * not exist or the condition does not hold.
   */
  updateRun(id: string, patch: RunPatch, expect?: UpdateCondition): Promise<Run | undefined>;

  /**
   * Appends to a run's log; appends keep the order of the calls. Rejects when
   * the run does not exist (`unknown-run`), or with `fence` when the run no
   * longer carries that fencing token (`fenced`); an empty `text` does nothing.
   */
  appendLog(id: string, text: string, fence?: number): Promise<void>;

  /**
   * Claims an environment for a run, as `owner`, for `leaseMs`: only when no
   * run holds it (never claimed, or released). Resolves the lease with a
   * fencing token one above the environment's last, or undefined when the
   * environment is held (even by an expired lease: `takeOverLease` recovers
   * those). Of several processes claiming at once, exactly one gets it.
   */
  acquireLease(environment: string, runId: string, owner: string, leaseMs: number): Promise<Lease | undefined>;

  /** Extends a lease still held with its token by its owner to now + `leaseMs`; undefined when it was lost (taken over or released). */
  renewLease(lease: Lease, leaseMs: number): Promise<Lease | undefined>;

  /** Releases a lease still held with its token; resolves whether it was. The token counter stays. */
  releaseLease(lease: Lease): Promise<boolean>;

  /**
   * Takes over a lease as `owner` (same run, a token one above), only while
   * it is still exactly `lease` (same token) and has expired, or its owner is
   * `owner` itself (a restarted process recovering what it held before).
   * Undefined when another process got there first or it is alive.
   */
  takeOverLease(lease: Lease, owner: string, leaseMs: number): Promise<Lease | undefined>;

  /** The leases held (not released), expired or not, by environment. */
  listLeases(): Promise<Lease[]>;

  /**
   * Marks a run with the fencing token `token`, only while its status is one
   * of `status` and it carries no token or an older one. Resolves whether it
   * did: from then on, writes fenced with an older token fail.
   */
  fenceRun(id: string, token: number, status: readonly RunStatus[]): Promise<boolean>;

  /** A run's whole log, '' when it has none (or the run does not exist). */
  getLog(id: string): Promise<string>;

  /** Records a state lock the controller acquired (recording the same environment and lock ID again replaces it). */
  recordLock(lock: LockRecord): Promise<void>;

  /** Forgets a lock once released; only a record with this environment and lock ID goes. Resolves whether one did. */
  clearLock(environment: string, lockId: string): Promise<boolean>;

  /** Every lock recorded and not cleared, by environment then lock ID: on restart, the locks to release. */
  listLocks(): Promise<LockRecord[]>;

  /** Records an environment's state, replacing what was recorded before (fields left out are no longer recorded). */
  setEnvironmentState(environment: string, state: EnvironmentStateInput): Promise<void>;

  /** The state of every environment recorded, by name. */
  listEnvironmentStates(): Promise<EnvironmentState[]>;

  /** Whether the store answers (for `/readyz`); never rejects. */
  ping(): Promise<boolean>;

  /** Releases the connection; the store is unusable afterwards (`ping` resolves false). */
  close(): Promise<void>;
}

/** Why a store refused a write the caller got wrong. */
export class RunStoreError extends Error {
  constructor(
    /** `duplicate-run`: a run with that ID exists; `unknown-run`: no run has that ID; `fenced`: the run carries another fencing token; `invalid`: the arguments are not usable. */
    readonly code: 'duplicate-run' | 'unknown-run' | 'fenced' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'RunStoreError';
  }
}

/** Throws unless a lease duration is a positive number of milliseconds. */
export function checkLeaseMs(leaseMs: number): void {
  if (!(Number.isFinite(leaseMs) && leaseMs > 0))
    throw new RunStoreError('invalid', `a lease lasts a positive number of milliseconds, got ${leaseMs}`);
}

/** The fields `updateRun` never changes. */
const IMMUTABLE_FIELDS: ReadonlySet<string> = new Set(['id', 'environment', 'createdAt']);
/** The fields a run always has, which a patch cannot remove. */
const REQUIRED_FIELDS: ReadonlySet<string> = new Set(['commit', 'branch', 'trigger', 'status']);

/** The key that orders runs newest first when sorted descending: normalized `createdAt`, then the ID. */
export function orderKey(run: Pick<Run, 'id' | 'createdAt'>): string {
  const time = Date.parse(run.createdAt);
  if (Number.isNaN(time)) throw new RunStoreError('invalid', `run ${run.id}: createdAt "${run.createdAt}" is not an ISO-8601 date`);
  return `${new Date(time).toISOString()}#${run.id}`;
}

/** Compares runs for sorting newest first. */
export function newestFirst(a: Run, b: Run): number {
  const ka = orderKey(a);
  const kb = orderKey(b);
  return ka < kb ? 1 : ka > kb ? -1 : 0;
}

/** The limit `listRuns` applies: default 50, capped to 500; throws RangeError for anything but an integer of at least 1. */
export function resolveLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be an integer of at least 1, got ${limit}`);
  return Math.min(limit, MAX_LIST_LIMIT);
}

/** The statuses a query asks for, or undefined for any status. */
export function statusesOf(query: ListRunsQuery): readonly RunStatus[] | undefined {
  const { status } = query;
  if (status === undefined) return undefined;
  return typeof status === 'string' ? [status] : status;
}

/** Throws unless `runs` can be inserted together: non-empty distinct IDs and environments, dates that order. */
export function checkNewRuns(runs: readonly Run[]): void {
  const seen = new Set<string>();
  for (const run of runs) {
    if (!run.id) throw new RunStoreError('invalid', 'a run has an empty id');
    if (!run.environment) throw new RunStoreError('invalid', `run ${run.id} has an empty environment`);
    if (seen.has(run.id)) throw new RunStoreError('invalid', `run ${run.id} appears twice in one insert`);
    seen.add(run.id);
    orderKey(run);
  }
}

/** The patch's entries, refusing to change the fields a run never changes or to remove those it always has. */
export function patchEntries(patch: RunPatch): [string, unknown][] {
  const entries = Object.entries(patch);
  for (const [key, value] of entries) {
    if (IMMUTABLE_FIELDS.has(key)) throw new RunStoreError('invalid', `a run's ${key} cannot be updated`);
    if (value === undefined && REQUIRED_FIELDS.has(key)) throw new RunStoreError('invalid', `a run's ${key} cannot be removed`);
  }
  return entries;
}

/** `run` with `patch` applied: keys set to `undefined` are removed. */
export function applyPatch(run: Run, patch: RunPatch): Run {
  const next: Record<string, unknown> = { ...run };
  for (const [key, value] of patchEntries(patch)) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  return next as unknown as Run;
}
