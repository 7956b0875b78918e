/**
 * What the controller may do with a plan: apply it, wait for an approver,
 * only report it, or wait because it destroys data. The rules, in order:
 *
 * 1. Speculative plans (pull requests, drift checks, other branches, and
 *    plans from forks) are only reported.
 * 2. Every plan of a deleted environment waits for an approval (blocked-destroy).
 * 3. A plan that changes nothing is only reported.
 * 4. A plan that destroys or replaces a data-holding resource waits for an
 *    approval (blocked-destroy).
 * 5. Production always waits for an approval of the very plan.
 * 6. Otherwise `gitops.autoApply` decides (default: true outside production).
 *
 * A `/apply` comment counts as the commenter's approval for rule 6 only; it
 * never skips rules 2, 4 and 5.
 */
import type { RunDecision, RunTrigger } from './run';

export interface PolicyInput {
  readonly trigger: RunTrigger;
  /** The run's branch is the repository's default branch (pushes) or the run applies a pull request on request (`/apply`). */
  readonly applyCandidate: boolean;
  readonly production: boolean;
  readonly autoApply: boolean;
  readonly changes: boolean;
  /** The environment file was deleted: a destroy plan. */
  readonly destroy: boolean;
  /** Data-holding resources the plan destroys or replaces. */
  readonly destructive: readonly string[];
  /** The approver who asked for the apply (`/apply` comment), when there is one. */
  readonly requestedByApprover: boolean;
}

export function decide(input: PolicyInput): RunDecision {
  if (!input.applyCandidate || input.trigger === 'drift' || input.trigger === 'pull_request') return 'plan-only';
  if (input.destroy) return 'blocked-destroy';
  if (!input.changes) return 'plan-only';
  if (input.destructive.length > 0) return 'blocked-destroy';
  if (input.production) return 'needs-approval';
  if (input.autoApply || input.requestedByApprover) return 'auto-apply';
  return 'needs-approval';
}

/** Whether `login` may approve runs of an environment and comment /plan and /apply for it. */
export function isApprover(approvers: readonly string[], login: string | undefined): boolean {
  if (!login) return false;
  const lower = login.toLowerCase();
  return approvers.some((a) => a.toLowerCase() === lower);
}
