/**
 * What the controller may do with a plan: apply it, wait for an approver,
 * only report it, or wait because it destroys data. The rules, in order:
 *
 * 1. Speculative plans (pull requests, drift checks, other branches, and
 *    plans from forks) are only reported.
 * 2. Every plan of a deleted environment waits for an approval (blocked-destroy).
 * 3. A plan that destroys or replaces a data-holding resource waits for an
 *    approval (blocked-destroy).
 * 4. A change that lowers the policy last applied (`lowered`) waits for an
 *    approval by an approver of that policy, even when the plan changes
 *    nothing (approving it is what makes the new policy the applied one).
 * 5. A plan that changes nothing is only reported.
 * 6. Production always waits for an approval of the very plan, and so does
 *    a rollback (a commit that does not descend from the one last applied).
 * 7. Otherwise `gitops.autoApply` decides (default: true outside production).
 *
 * A `/apply` comment counts as the commenter's approval for rule 7 only; it
 * never skips rules 2 to 6.
 *
 * The policy itself (production, autoApply, approvers, allowForks,
 * waivers) is the one last applied to the environment, never the one the
 * change brings (`lowered` says what the change would lower).
 */
import type { EnvironmentFacts } from './compile';
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
  /** The change lowers the policy last applied (`lowered`): it waits for an approver of that policy. */
  readonly policyLowered: boolean;
  /** The commit does not descend from the one last applied: a rollback, which waits for an approval when it changes anything. */
  readonly rollback: boolean;
}

export function decide(input: PolicyInput): RunDecision {
  if (!input.applyCandidate || input.trigger === 'drift' || input.trigger === 'pull_request') return 'plan-only';
  if (input.destroy) return 'blocked-destroy';
  if (input.changes && input.destructive.length > 0) return 'blocked-destroy';
  if (input.policyLowered) return 'needs-approval';
  if (!input.changes) return 'plan-only';
  if (input.production || input.rollback) return 'needs-approval';
  if (input.autoApply || input.requestedByApprover) return 'auto-apply';
  return 'needs-approval';
}

/** Whether `login` may approve runs of an environment and comment /plan and /apply for it. */
export function isApprover(approvers: readonly string[], login: string | undefined): boolean {
  if (!login) return false;
  const lower = login.toLowerCase();
  return approvers.some((a) => a.toLowerCase() === lower);
}

/** The values of an environment's policy: what a change may not lower by itself. */
export type PolicyValues = Pick<EnvironmentFacts, 'production' | 'autoApply' | 'approvers' | 'allowForks' | 'waivers'>;

/**
 * What `next` lowers of `applied` (empty: nothing), one phrase each:
 * production turned off, autoApply turned on, an approver added or removed,
 * forks allowed, a guardrail waiver added.
 */
export function lowered(applied: PolicyValues, next: PolicyValues): string[] {
  const reasons: string[] = [];
  if (applied.production && !next.production) reasons.push('production: true -> false');
  if (!applied.autoApply && next.autoApply) reasons.push('gitops.autoApply: false -> true');
  const before = new Set(applied.approvers.map((a) => a.toLowerCase()));
  const after = new Set(next.approvers.map((a) => a.toLowerCase()));
  const added = [...after].filter((a) => !before.has(a));
  const removed = [...before].filter((a) => !after.has(a));
  if (added.length > 0) reasons.push(`gitops.approvers adds ${added.join(', ')}`);
  if (removed.length > 0) reasons.push(`gitops.approvers removes ${removed.join(', ')}`);
  if (!applied.allowForks && next.allowForks) reasons.push('gitops.allowForks: false -> true');
  const waived = new Set(applied.waivers);
  const newWaivers = next.waivers.filter((w) => !waived.has(w));
  if (newWaivers.length > 0) reasons.push(`guardrails.waivers adds ${newWaivers.join(', ')}`);
  return reasons;
}
