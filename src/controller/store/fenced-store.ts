/**
 * The store a controller's runner writes through (claims.ts): writes for a
 * run this process holds a claim on carry the claim's fencing token.
 */
import type { Claim } from '../claims';
import type { Run, RunPatch, RunStatus } from '../run';
import {
  RunStoreError,
  type EnvironmentStateInput,
  type Lease,
  type ListRunsQuery,
  type LockRecord,
  type RunStore,
  type UpdateCondition,
} from './store';

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

  acceptDelivery(deliveryId: string, runs: readonly Run[]): Promise<boolean> {
    return this.store.acceptDelivery(deliveryId, runs);
  }
  insertRuns(runs: readonly Run[]): Promise<void> {
    return this.store.insertRuns(runs);
  }
  getRun(id: string): Promise<Run | undefined> {
    return this.store.getRun(id);
  }
  listRuns(query?: ListRunsQuery): Promise<Run[]> {
    return this.store.listRuns(query);
  }
  getLog(id: string): Promise<string> {
    return this.store.getLog(id);
  }
  clearLock(environment: string, lockId: string): Promise<boolean> {
    return this.store.clearLock(environment, lockId);
  }
  listLocks(): Promise<LockRecord[]> {
    return this.store.listLocks();
  }
  listEnvironmentStates() {
    return this.store.listEnvironmentStates();
  }
  acquireLease(environment: string, runId: string, owner: string, leaseMs: number) {
    return this.store.acquireLease(environment, runId, owner, leaseMs);
  }
  renewLease(lease: Lease, leaseMs: number) {
    return this.store.renewLease(lease, leaseMs);
  }
  releaseLease(lease: Lease) {
    return this.store.releaseLease(lease);
  }
  takeOverLease(lease: Lease, owner: string, leaseMs: number) {
    return this.store.takeOverLease(lease, owner, leaseMs);
  }
  listLeases() {
    return this.store.listLeases();
  }
  fenceRun(id: string, token: number, status: readonly RunStatus[]) {
    return this.store.fenceRun(id, token, status);
  }
  ping(): Promise<boolean> {
    return this.store.ping();
  }
  close(): Promise<void> {
    return this.store.close();
  }

  /** Throws `fenced` when a claim of this environment is held here and its lease is lost. */
  private async checkHeld(environment: string): Promise<void> {
    const claim = [...this.held.values()].find((c) => c.lease.environment === environment);
    if (claim && !(await claim.renew())) throw new RunStoreError('fenced', `the lease of ${environment} was lost`);
  }
}
