/**
 * `plan --base REF`: a change planned as AWS would plan it, with no AWS
 * account. The environment as it was at REF is applied to an AWS API
 * emulator on a throw-away local state; the working tree's stack is then
 * planned against that state. The plan lists the real creates, updates,
 * replacements (with the attributes that force them) and destroys of the
 * change, where an offline plan, having no state, adds everything.
 *
 * What the emulator cannot serve stands in as terraform_data in both
 * (terraform/emulator-gaps.ts); the differences it causes by itself are
 * named, so a reviewer can tell them from the change.
 */
import { rmSync } from 'node:fs';
import { existingResourcesOf, startEmulator } from '../terraform/emulator-server';
import { diffGapOf, standInsOf, type DiffGap, type PlannedResourceChange } from '../terraform/emulator-gaps';
import { withConfigAtRef, commitOf } from './config-at-ref';
import { loadEnvironments } from './environments';
import { IGNORE_EVENTS, type CoreListener } from './events';
import { applyEnvironmentPlan, planStack, type EnvironmentPlan } from './plan-environment';
import { synthesizeEnvironment, type SynthesizedStack } from './synthesize';
import type { TerraformSettings } from './terraform';

/** The environment before the change. */
export interface BaseStack {
  /** As given (a branch, tag or commit). */
  readonly ref: string;
  readonly commit: string;
  /** The environment's stack at that commit; undefined when it did not exist there. */
  readonly stack?: SynthesizedStack;
}

/**
 * The environment's stack as it is at `ref` of the repository holding
 * `configDir`. A ref that is not a commit, or a configuration there that
 * does not load, is a ConfigError naming `REF:DIR/file`.
 */
export function baseStackAt(configDir: string, ref: string, environment: string): BaseStack {
  const commit = commitOf(configDir, ref, '--base');
  const stack = withConfigAtRef(configDir, ref, '--base', ({ dir, empty }) => {
    if (empty) return undefined;
    const config = loadEnvironments(dir)
      .map((e) => e.config)
      .find((c) => c.environment === environment);
    return config ? synthesizeEnvironment(config) : undefined;
  });
  return { ref, commit, stack };
}

export interface BasePlanOptions {
  /** The environment before the change (baseStackAt). */
  readonly base: BaseStack;
  /** The environment's stack as it is now (the working tree's). */
  readonly stack: SynthesizedStack & { readonly environment: string };
  /** The environment's AWS account: the emulator answers as it. @default the stack's allowed account */
  readonly account?: string;
  /** A throw-away working folder; emptied first. */
  readonly workDir: string;
  readonly settings: TerraformSettings;
  /** A running emulator's endpoint, which must be empty. @default one is started for this plan and stopped after it */
  readonly endpoint?: string;
  readonly onEvent?: CoreListener;
  readonly onOutput?: (text: string) => void;
  readonly signal?: AbortSignal;
}

/** A difference the emulator causes by itself (not part of the change). */
export interface EmulatorDifference {
  readonly address: string;
  readonly moto: string;
}

export interface BasePlan extends EnvironmentPlan {
  /** Resources applied at the base; 0 when the environment did not exist there. */
  readonly baseResources: number;
  /** Resources standing in as terraform_data in both (the emulator cannot serve them). */
  readonly standIns: readonly string[];
  /** Updates in the plan that the emulator causes by itself, whatever the change. */
  readonly emulatorDifferences: readonly EmulatorDifference[];
  /** The base's apply, when it failed (the plan is then not made). */
  readonly baseFailure?: string;
}

/** Applies the environment at the base to an emulator (unless it did not exist), then plans `stack` against that state. */
export async function planAgainstBase(options: BasePlanOptions): Promise<BasePlan> {
  const onEvent = options.onEvent ?? IGNORE_EVENTS;
  const environment = options.stack.environment;
  const baseStack = options.base.stack;
  const baseCommit = options.base.commit;
  // Both sides stand in what the emulator cannot serve, so a stand-in is never a change of its own.
  const standIns = [
    ...new Set([...(baseStack ? standInsOf(baseStack.json) : []), ...standInsOf(options.stack.json)].map((s) => s.address)),
  ].sort();
  const existing = existingResourcesOf([options.stack.json, ...(baseStack ? [baseStack.json] : [])]);
  const account = options.account ?? allowedAccountOf(options.stack.json);
  const emulator = options.endpoint === undefined ? await startEmulator({ account, ...existing }) : undefined;
  const endpoint = options.endpoint ?? emulator!.endpoint;
  onEvent({
    type: 'note',
    stack: environment,
    message: `--base ${options.base.ref}: ${baseStack ? `the environment at ${baseCommit.slice(0, 12)} applied` : `no ${environment} at ${baseCommit.slice(0, 12)}: planned`} against the AWS API emulator at ${endpoint}${standIns.length ? `; ${standIns.length} resources it cannot serve stand in: ${standIns.join(', ')}` : ''}`,
  });
  rmSync(options.workDir, { recursive: true, force: true });
  const common = {
    offline: false,
    workDir: options.workDir,
    settings: options.settings,
    endpoint,
    localState: true,
    onEvent,
    onOutput: options.onOutput,
    signal: options.signal,
  };
  try {
    let baseResources = 0;
    if (baseStack) {
      const standInAddresses = standIns.filter((address) => hasResource(baseStack.json, address));
      const before = await planStack(baseStack, { ...common, standInAddresses });
      const applied = before.ok ? await applyEnvironmentPlan(before, { onOutput: options.onOutput, signal: options.signal }) : undefined;
      if (!applied?.ok) {
        const failure = applied?.output ?? before.output;
        return { ...before, ok: false, baseResources, standIns, emulatorDifferences: [], baseFailure: failure };
      }
      baseResources = before.summary?.add ?? 0;
    }
    const standInAddresses = standIns.filter((address) => hasResource(options.stack.json, address));
    const plan = await planStack(options.stack, { ...common, standInAddresses });
    const emulatorDifferences = plan.ok && plan.changes ? gapsOf(await plan.workspace.show(plan.planFile)) : [];
    return { ...plan, baseResources, standIns, emulatorDifferences };
  } finally {
    await emulator?.stop();
  }
}

/** The account the stack's AWS provider is allowed to use. */
function allowedAccountOf(stackJson: string): string {
  const account = (JSON.parse(stackJson) as { provider?: { aws?: { allowed_account_ids?: string[] }[] } }).provider?.aws?.[0]
    ?.allowed_account_ids?.[0];
  if (account === undefined) throw new Error('the stack names no allowed AWS account to answer as');
  return account;
}

function hasResource(stackJson: string, address: string): boolean {
  const [type, name] = address.split('.') as [string, string];
  return (JSON.parse(stackJson) as { resource?: Record<string, Record<string, unknown>> }).resource?.[type]?.[name] !== undefined;
}

/** The updates of a plan that the emulator causes by itself. */
function gapsOf(json: { resource_changes?: readonly PlannedResourceChange[] }): EmulatorDifference[] {
  return (json.resource_changes ?? []).flatMap((change) => {
    const gap: DiffGap | undefined = diffGapOf(change);
    return gap ? [{ address: change.address, moto: gap.moto }] : [];
  });
}
