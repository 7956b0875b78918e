/**
 * Plan one environment, then (separately, after whatever review the caller
 * wants) apply exactly that saved plan: the path of `plan`, `apply` and the
 * controller alike.
 */
import { resolve } from 'node:path';
import type { EnvironmentConfig } from '../config/resolve';
import { IGNORE_EVENTS, type CoreListener } from './events';
import {
  changedAttributesFromText,
  destructiveChanges,
  summarizePlan,
  summarizePlanText,
  type AttributeChanges,
  type PlanSummary,
} from './plan-summary';
import { synthesizeEnvironment, type SynthesizedStack } from './synthesize';
import { TerraformWorkspace, type CommandResult, type TerraformSettings } from './terraform';

export interface PlanEnvironmentOptions {
  /** Local backend and dummy credentials (no AWS account needed). */
  readonly offline: boolean;
  /** The working folder of this environment's Terraform (kept between runs). */
  readonly workDir: string;
  readonly settings: TerraformSettings;
  /** A plan that destroys everything the environment has (its file was deleted). @default false */
  readonly destroy?: boolean;
  /** The stack, when already synthesized. @default synthesized here */
  readonly stack?: SynthesizedStack;
  /** @default tfplan */
  readonly planFile?: string;
  /** Online, `-backend-config` overrides for init (see backendOverrides). @default none */
  readonly backendConfig?: readonly string[];
  /** An AWS API emulator's endpoint instead of AWS (see WorkspaceOptions.endpoint); `offline` is then ignored. @default AWS */
  readonly endpoint?: string;
  /** With `endpoint`: resources the emulator cannot serve, standing in as terraform_data. @default none */
  readonly standInAddresses?: readonly string[];
  /** With `endpoint`: a local state file instead of the stack's S3 backend (see WorkspaceOptions.localState). @default false */
  readonly localState?: boolean;
  /** More arguments for `terraform plan` (the CLI passes what follows `--`). @default none */
  readonly extraArgs?: readonly string[];
  readonly onEvent?: CoreListener;
  readonly onOutput?: (text: string) => void;
  readonly signal?: AbortSignal;
}

export interface EnvironmentPlan {
  readonly ok: boolean;
  readonly workspace: TerraformWorkspace;
  /** Path of the saved plan, relative to the workspace. */
  readonly planFile: string;
  /** init and plan output. */
  readonly output: string;
  /** The plan's own output (what a reviewer reads), when the plan ran. */
  readonly planOutput?: string;
  /** Whether the plan changes anything, outputs included (`-detailed-exitcode`). */
  readonly changes?: boolean;
  /** Present when the plan succeeded. */
  readonly summary?: PlanSummary;
  /** What each update and replacement changes (from the plan's own output), by address. */
  readonly attributes?: Readonly<Record<string, AttributeChanges>>;
  /** Data-holding resources the plan destroys or replaces (see STATEFUL_TYPES). */
  readonly destructive: readonly string[];
  /** The step that failed. */
  readonly failedStep?: 'init' | 'plan' | 'show';
}

/** The working folder of an environment's Terraform under a synth output folder (its own for an emulator: other state, other backend). */
export function environmentWorkDir(outDir: string, environment: string, offline: boolean, endpoint?: string): string {
  if (endpoint !== undefined) return resolve(outDir, 'emulator', environment);
  return offline ? resolve(outDir, 'terraform-check', environment) : resolve(outDir, 'stacks', environment);
}

/** Synthesizes the environment (unless `options.stack` is given), then plans it. */
export function planEnvironment(config: EnvironmentConfig, options: PlanEnvironmentOptions): Promise<EnvironmentPlan> {
  return planStack(options.stack ?? synthesizeEnvironment(config), options);
}

/** init, then plan of a synthesized stack to a saved plan file, with its summary and the data it would destroy. */
export async function planStack(stack: SynthesizedStack, options: Omit<PlanEnvironmentOptions, 'stack'>): Promise<EnvironmentPlan> {
  const onEvent = options.onEvent ?? IGNORE_EVENTS;
  const planFile = options.planFile ?? 'tfplan';
  const workspace = TerraformWorkspace.prepare(stack, options.workDir, {
    offline: options.offline,
    settings: options.settings,
    onEvent,
    backendConfig: options.offline && options.endpoint === undefined ? undefined : options.backendConfig,
    endpoint: options.endpoint,
    standInAddresses: options.standInAddresses,
    localState: options.localState,
  });
  const io = { onOutput: options.onOutput, signal: options.signal };
  const init = await workspace.init({ ...io, reuse: true });
  if (!init.ok) return { ok: false, workspace, planFile, output: init.output, destructive: [], failedStep: 'init' };
  const plan = await workspace.plan({ ...io, planFile, destroy: options.destroy, extraArgs: options.extraArgs });
  const output = `${init.output}${plan.output}`;
  if (!plan.ok) return { ok: false, workspace, planFile, output, destructive: [], failedStep: 'plan' };
  // Terraform's own output says what the plan does; the saved plan is read only when that is not clear.
  const fromText = summarizePlanText(plan.output);
  const attributes = changedAttributesFromText(plan.output);
  if (fromText)
    return {
      ok: true,
      workspace,
      planFile,
      output,
      planOutput: plan.output,
      summary: fromText.summary,
      attributes,
      destructive: fromText.destructive,
      changes: plan.changes,
    };
  const json = await workspace.show(planFile);
  return {
    ok: true,
    workspace,
    planFile,
    output,
    planOutput: plan.output,
    summary: summarizePlan(json),
    attributes,
    destructive: destructiveChanges(json),
    changes: plan.changes,
  };
}

/** Applies exactly the saved plan of `plan`. */
export function applyEnvironmentPlan(
  plan: EnvironmentPlan,
  options: {
    readonly onOutput?: (text: string) => void;
    readonly signal?: AbortSignal;
    readonly onStart?: (pid: number) => void;
    readonly kill?: AbortSignal;
  } = {},
): Promise<CommandResult> {
  return plan.workspace.apply(plan.planFile, options);
}
