/**
 * How a controller process works on a run that other processes may also see:
 * it claims the run's environment (a lease with a fencing token, store.ts),
 * keeps the lease while it works (`Claim`, renewed every third of its
 * duration), and writes for that run only through a `FencedStore`, whose
 * writes are conditional on the run still carrying the claim's token. A
 * process that loses its lease (taken over after it expired, or not renewed
 * in time because the store did not answer) aborts the run's work: its
 * Terraform is stopped, and its writes fail from then on.
 */
import type { RunStatus } from './run';
import {
  RunStoreError, type EnvironmentStateInput, type Lease, type ListRunsQuery, type LockRecord, type RunStore, type UpdateCondition,
} from './store/store';
import type { Run, RunPatch } from './run';

/** How long a lease lasts unless renewed, by default: a process that dies is recovered from within about this long. */
export const DEFAULT_LEASE_MS = 30_000;

/** A process's hold on one environment for one run, renewed until released or lost. */
export class Claim {
  private readonly aborter = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private renewing = false;
  /** Until when this process may assume it holds the lease: from before the last renewal was sent, plus the lease. */
  private safeUntil: number;
  private released = false;

  /**
   * Claims `run`'s environment as `owner` while the run is in one of
   * `from`: the lease, then the run's fencing token (the lease is released
   * again when the run moved on meanwhile). Undefined when another process
   * holds the environment, or the run is no longer in `from`.
   */
  static async take(store: RunStore, run: Run, owner: string, leaseMs: number, from: readonly RunStatus[], log: (line: string) => void): Promise<Claim | undefined> {
    const sent = Date.now();
    const lease = await store.acquireLease(run.environment, run.id, owner, leaseMs);
    if (!lease) return undefined;
    if (!(await store.fenceRun(run.id, lease.token, from))) {
      await store.releaseLease(lease);
      return undefined;
    }
    return new Claim(store, lease, leaseMs, sent, log);
  }

  private constructor(private readonly store: RunStore, private current: Lease, private readonly leaseMs: number, sent: number, private readonly log: (line: string) => void) {
    this.safeUntil = sent + leaseMs;
    this.timer = setInterval(() => void this.renew(), Math.max(50, Math.floor(leaseMs / 3)));
    this.timer.unref();
  }

  get lease(): Lease {
    return this.current;
  }

  /** Aborted when the lease is lost: stop the run's work. */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  get lost(): boolean {
    return this.aborter.signal.aborted;
  }

  /** Renews the lease (or, when `leaseMs` has passed since the last renewal was sent without one succeeding, gives it up as lost). */
  async renew(): Promise<boolean> {
    if (this.released || this.lost) return false;
    if (Date.now() >= this.safeUntil) {
      this.lose('it was not renewed in time (the store did not answer)');
      return false;
    }
    if (this.renewing) return true;
    this.renewing = true;
    const sent = Date.now();
    try {
      const renewed = await this.store.renewLease(this.current, this.leaseMs);
      if (!renewed) {
        this.lose('another process took it over');
        return false;
      }
      this.current = renewed;
      this.safeUntil = sent + this.leaseMs;
      // A run cancelled through another process: stop its work here.
      const run = await this.store.getRun(this.current.runId);
      if (run?.status === 'cancelled') this.lose('the run was cancelled');
      return !this.lost;
    } catch (error) {
      this.log(`lease of ${this.current.environment} (run ${this.current.runId}): renewal failed: ${(error as Error).message}`);
      return Date.now() < this.safeUntil;
    } finally {
      this.renewing = false;
    }
  }

  /** Stops renewing; releases the lease unless `keep` (then it expires, and the run is recovered). */
  async release(keep = false): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    if (!keep && !this.lost) await this.store.releaseLease(this.current);
  }

  private lose(why: string): void {
    if (this.lost) return;
    clearInterval(this.timer);
    this.log(`lease of ${this.current.environment} (run ${this.current.runId}, token ${this.current.token}) lost: ${why}; its work stops`);
    this.aborter.abort(new RunStoreError('fenced', `the lease of ${this.current.environment} was lost: ${why}`));
  }
}

/**
 * A run store whose writes for a claimed run are fenced by the claim's
 * token: `updateRun` and `appendLog` conditionally, in the same write; the
 * environment's drift state and lock records after a renewal of the lease
 * (a check, then the write). Runs not held (`hold`) are written as they are.
 */
export class FencedStore implements RunStore {
  private readonly held = new Map<string, Claim>();

  constructor(private readonly store: RunStore) {}

  /** Writes for `runId` are fenced by `claim` until `unhold`. */
  hold(runId: string, claim: Claim): void {
    this.held.set(runId, claim);
  }

  unhold(runId: string): void {
    this.held.delete(runId);
  }

  async updateRun(id: string, patch: RunPatch, expect?: UpdateCondition): Promise<Run | undefined> {
    const claim = this.held.get(id);
    if (!claim) return this.store.updateRun(id, patch, expect);
    const updated = await this.store.updateRun(id, patch, { ...expect, fence: claim.lease.token });
    // Refused: perhaps the status moved on, perhaps the lease is gone; a renewal tells.
    if (!updated) await claim.renew();
    return updated;
  }

  async appendLog(id: string, text: string, fence?: number): Promise<void> {
    const claim = this.held.get(id);
    try {
      await this.store.appendLog(id, text, fence ?? claim?.lease.token);
    } catch (error) {
      if (claim && error instanceof RunStoreError && error.code === 'fenced') await claim.renew();
      throw error;
    }
  }

  async setEnvironmentState(environment: string, state: EnvironmentStateInput): Promise<void> {
    await this.checkHeld(environment);
    return this.store.setEnvironmentState(environment, state);
  }

  async recordLock(lock: LockRecord): Promise<void> {
    await this.checkHeld(lock.environment);
    return this.store.recordLock(lock);
  }

  acceptDelivery(deliveryId: string, runs: readonly Run[]): Promise<boolean> { return this.store.acceptDelivery(deliveryId, runs); }
  insertRuns(runs: readonly Run[]): Promise<void> { return this.store.insertRuns(runs); }
  getRun(id: string): Promise<Run | undefined> { return this.store.getRun(id); }
  listRuns(query?: ListRunsQuery): Promise<Run[]> { return this.store.listRuns(query); }
  getLog(id: string): Promise<string> { return this.store.getLog(id); }
  clearLock(environment: string, lockId: string): Promise<boolean> { return this.store.clearLock(environment, lockId); }
  listLocks(): Promise<LockRecord[]> { return this.store.listLocks(); }
  listEnvironmentStates() { return this.store.listEnvironmentStates(); }
  acquireLease(environment: string, runId: string, owner: string, leaseMs: number) { return this.store.acquireLease(environment, runId, owner, leaseMs); }
  renewLease(lease: Lease, leaseMs: number) { return this.store.renewLease(lease, leaseMs); }
  releaseLease(lease: Lease) { return this.store.releaseLease(lease); }
  takeOverLease(lease: Lease, owner: string, leaseMs: number) { return this.store.takeOverLease(lease, owner, leaseMs); }
  listLeases() { return this.store.listLeases(); }
  fenceRun(id: string, token: number, status: readonly RunStatus[]) { return this.store.fenceRun(id, token, status); }
  ping(): Promise<boolean> { return this.store.ping(); }
  close(): Promise<void> { return this.store.close(); }

  /** Throws `fenced` when a claim of this environment is held here and its lease is lost. */
  private async checkHeld(environment: string): Promise<void> {
    const claim = [...this.held.values()].find((c) => c.lease.environment === environment);
    if (claim && !(await claim.renew())) throw new RunStoreError('fenced', `the lease of ${environment} was lost`);
  }
}
