/**
 * The run lifecycle, in one place: the statuses a run goes through, which
 * status may follow which, the lane a run waits in, and the one function
 * through which every status change goes (`transition`). The store's
 * conditional write makes each change atomic: a run moves only from a
 * status the table allows, so two writers (a cancel and the runner, say)
 * never both win, and `running -> applied` cannot happen at all.
 *
 *   queued ──> running ──> planned | failed | cancelled | interrupted
 *     │           ├──> awaiting-approval ──> approved | cancelled | superseded
 *     │           └──> approved ──> applying ──> applied | failed | interrupted
 *     └──> cancelled | superseded            └──> cancelled | interrupted (its controller stopped before the apply began)
 */
import { FINAL_STATUSES, type Run, type RunPatch, type RunStatus } from './run';
import type { RunStore } from './store/store';

/** Which status may follow which. Final statuses lead nowhere. */
export const TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ['running', 'cancelled', 'superseded'],
  running: ['planned', 'awaiting-approval', 'approved', 'failed', 'cancelled', 'interrupted'],
  'awaiting-approval': ['approved', 'cancelled', 'superseded'],
  approved: ['applying', 'cancelled', 'interrupted'],
  applying: ['applied', 'failed', 'interrupted'],
  planned: [],
  applied: [],
  failed: [],
  cancelled: [],
  superseded: [],
  interrupted: [],
};

/** Statuses a run waits in before its plan, or before its apply: the ones a newer run of its lane supersedes. */
export const WAITING: readonly RunStatus[] = ['queued', 'awaiting-approval'];

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The statuses `to` may be reached from. */
export function sourcesOf(to: RunStatus): RunStatus[] {
  return (Object.keys(TRANSITIONS) as RunStatus[]).filter((from) => canTransition(from, to));
}

/**
 * The lane a run waits in: runs of the same environment and lane replace
 * each other while waiting. `drift` for drift checks, `pr:<number>` for a
 * pull request's runs (its comments included), else `branch:<name>`.
 */
export function laneOf(run: Pick<Run, 'trigger' | 'branch' | 'pullRequest'>): string {
  if (run.trigger === 'drift') return 'drift';
  if (run.pullRequest !== undefined) return `pr:${run.pullRequest}`;
  return `branch:${run.branch}`;
}

/** A status change the table does not allow was asked for: a bug in the caller, never a race. */
export class LifecycleError extends Error {}

/**
 * Moves a run to `to` (with `patch`), only from a status the table allows,
 * narrowed to `from` when given; final statuses get `finishedAt`, `running`
 * gets `startedAt`. Resolves the moved run, or undefined when the run is
 * (by now) in a status it may not move from: another writer won. Throws
 * when `from` names a status the table never allows to reach `to`. With
 * `fence`, only while the run carries that fencing token (0: none).
 */
export async function transition(
  store: RunStore,
  id: string,
  to: RunStatus,
  patch: Omit<RunPatch, 'status'> = {},
  from?: readonly RunStatus[],
  fence?: number,
): Promise<Run | undefined> {
  const allowed = sourcesOf(to);
  const refused = (from ?? []).filter((status) => !allowed.includes(status));
  if (refused.length > 0) throw new LifecycleError(`run ${id}: ${refused.join(', ')} -> ${to} is not a transition of the run lifecycle`);
  if ('status' in patch) throw new LifecycleError(`run ${id}: the status is changed by transition()'s target, not by a patch`);
  const stamps: RunPatch = FINAL_STATUSES.has(to) ? { finishedAt: now() } : to === 'running' ? { startedAt: now() } : {};
  return store.updateRun(id, { ...stamps, ...patch, status: to }, { status: from ?? allowed, ...(fence !== undefined && { fence }) });
}

/** Changes a run's fields other than its status (the status only ever changes through `transition`). */
export async function amend(store: RunStore, run: Run, patch: Omit<RunPatch, 'status'>): Promise<Run> {
  if ('status' in patch) throw new LifecycleError(`run ${run.id}: the status is changed by transition(), not by amend()`);
  return (await store.updateRun(run.id, patch)) ?? run;
}

function now(): string {
  return new Date().toISOString();
}
