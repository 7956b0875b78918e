/**
 * Which waiting runs a new run replaces, and whether the new run is itself
 * too old to run (a late delivery). Pure: the caller says which commits are
 * known ancestors of which (from push deliveries) and which were pushed
 * with --force. The rules:
 *
 * 1. Only runs of the same environment and lane count (`laneOf`), and never
 *    one already superseded.
 * 2. A new run whose commit is a known ancestor of another run's commit in
 *    the lane came late: it is superseded by that run (unless its commit was
 *    pushed with --force: going back to an older commit is then on purpose).
 * 3. Otherwise it replaces the waiting runs (queued, awaiting approval) of
 *    its lane: on a branch those at the same commit created before it (two
 *    controllers queueing the same commit at once keep the newer run, not
 *    neither) or at a known ancestor (git decides the rest before a run
 *    starts); in other lanes (a pull request, drift) every one created
 *    before it.
 *
 * Running, approved and applying runs are never replaced: they finish.
 */
import { laneOf, WAITING } from './lifecycle';
import { orderKey } from './store/store';
import type { Run } from './run';

export interface SupersedeInput {
  readonly run: Run;
  /** Runs of the same environment (any lane, any status; the new run may be among them). */
  readonly others: readonly Run[];
  /** Whether `older` is a known strict ancestor of `newer`. */
  readonly isAncestor: (older: string, newer: string) => boolean;
  /** Whether a commit was pushed with --force. */
  readonly forced: (commit: string) => boolean;
}

export interface SupersedeOutcome {
  /** The new run came late: this run of its lane is at a newer commit. */
  readonly supersededBy?: Run;
  /** The waiting runs the new run replaces. */
  readonly replaces: readonly Run[];
}

export function supersedeRules({ run, others, isAncestor, forced }: SupersedeInput): SupersedeOutcome {
  const lane = laneOf(run);
  const sameLane = others.filter((other) => other.id !== run.id && laneOf(other) === lane && other.status !== 'superseded');
  const newer = forced(run.commit) ? undefined : sameLane.find((other) => isAncestor(run.commit, other.commit));
  if (newer) return { supersededBy: newer, replaces: [] };
  const replaces = sameLane.filter(
    (old) =>
      WAITING.includes(old.status) &&
      ((old.commit === run.commit && orderKey(old) < orderKey(run)) ||
        isAncestor(old.commit, run.commit) ||
        (!lane.startsWith('branch:') && old.createdAt <= run.createdAt)),
  );
  return { replaces };
}
