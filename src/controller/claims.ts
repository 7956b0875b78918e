/**
 * How a controller process works on a run that other processes may also see:
 * it claims the run's environment (a lease with a fencing token, store.ts),
 * keeps the lease while it works (`Claim`, renewed every third of its
 * duration), and writes for that run only through a `FencedStore`, whose
 * writes are conditional on the run still carrying the claim's token. A
 * process that loses its lease (taken over after it expired, or not renewed
 * in time because the store did not answer) aborts the run's work: its
 * Terraform is stopped, and its writes fail from then on. The fenced writes
 * are store/fenced-store.ts.
 */
import type { Run, RunStatus } from './run';
import { RunStoreError, type Lease, type RunStore } from './store/store';

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
  static async take(
    store: RunStore,
    run: Run,
    owner: string,
    leaseMs: number,
    from: readonly RunStatus[],
    log: (line: string) => void,
  ): Promise<Claim | undefined> {
    const sent = Date.now();
    const lease = await store.acquireLease(run.environment, run.id, owner, leaseMs);
    if (!lease) return undefined;
    if (!(await store.fenceRun(run.id, lease.token, from))) {
      await store.releaseLease(lease);
      return undefined;
    }
    return new Claim(store, lease, leaseMs, sent, log);
  }

  /** Keeps renewing a lease this process already holds (one taken over in recovery). */
  static hold(store: RunStore, lease: Lease, leaseMs: number, log: (line: string) => void): Claim {
    return new Claim(store, lease, leaseMs, Date.now(), log);
  }

  private constructor(
    private readonly store: RunStore,
    private current: Lease,
    private readonly leaseMs: number,
    sent: number,
    private readonly log: (line: string) => void,
  ) {
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
