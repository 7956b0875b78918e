/**
 * A run of the GitOps controller, as the API returns it (docs/controller-api.md):
 * one environment, one commit, from queued to a final status.
 */

export const RUN_STATUSES = [
  'queued',
  'running',
  'planned',
  'awaiting-approval',
  'approved',
  'applying',
  'applied',
  'failed',
  'cancelled',
  'superseded',
  'interrupted',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses a run never leaves. */
export const FINAL_STATUSES: ReadonlySet<RunStatus> = new Set(['planned', 'applied', 'failed', 'cancelled', 'superseded', 'interrupted']);

export const RUN_TRIGGERS = ['push', 'pull_request', 'comment', 'drift', 'manual'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/**
 * What the policy decided once the plan was known: apply it, wait for an
 * approver, only report it, or wait for an approver because it destroys data.
 */
export type RunDecision = 'auto-apply' | 'needs-approval' | 'plan-only' | 'blocked-destroy';

export type { PlanAddresses, PlanSummary } from '../core/index';
import type { PlanSummary } from '../core/index';

export interface Run {
  readonly id: string;
  readonly environment: string;
  /** The 40-hex commit planned. */
  readonly commit: string;
  readonly branch: string;
  readonly trigger: RunTrigger;
  readonly pullRequest?: number;
  readonly status: RunStatus;
  readonly decision?: RunDecision;
  readonly plan?: PlanSummary;
  /** Validation and guardrail problems as `FILE:LINE:COL KEY.PATH: message`, paths relative to the repository root. */
  readonly problems?: readonly string[];
  readonly approvedBy?: string;
  readonly createdAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly error?: string;
  /** A destroy plan: the environment file was deleted in this commit. */
  readonly destroy?: boolean;
  /** Who asked for it: the pusher, the pull request author or the commenter (a GitHub login). */
  readonly requestedBy?: string;
  /** Whether drift was found (trigger drift only). */
  readonly drift?: boolean;
  /** Runs of the same environment and lane replace each other while waiting: `branch:<name>`, `pr:<number>` or `drift`. */
  readonly lane?: string;
  /** `/apply` was commented: apply the plan where the policy allows, the commenter counting as its approver. */
  readonly applyRequested?: boolean;
  /** A pull request from a fork: planned with no credentials and never applied. */
  readonly fromFork?: boolean;
  /** From the environment's configuration at this commit, once compiled. */
  readonly production?: boolean;
  readonly approvers?: readonly string[];
  /** The data-holding resources the plan destroys or replaces. */
  readonly destructive?: readonly string[];
  /** Guardrail waivers and notes of the check, for the record. */
  readonly guardrails?: readonly string[];
  /** The 40-hex commit whose configuration the run's policy was read from: what was last applied to the environment (or, before anything was, the default branch before the change). */
  readonly policyFrom?: string;
  /** Why the run waits (or was decided as it was) when the rules alone do not say: the policy lowered by the change, for one. */
  readonly reason?: string;
  /** The sha256 (hex) of the saved plan file; an approval names it. */
  readonly planHash?: string;
  /** The controller (its ID) whose data folder holds the saved plan: it applies the run once approved, wherever the approval landed. */
  readonly plannedBy?: string;
  /** A push's `before` (the branch before the change): the policy of an environment's first run comes from it. */
  readonly before?: string;
}

export type RunPatch = Partial<Omit<Run, 'id' | 'environment' | 'createdAt'>>;
