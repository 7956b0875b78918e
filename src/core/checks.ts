/**
 * The real Terraform check of synthesized stacks: init, validate and plan of
 * each, offline (local backend, dummy credentials, no refresh), several
 * stacks at once where the machine has the cores.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { IGNORE_EVENTS, type CoreListener } from './events';
import type { SynthesizedStack } from './synthesize';
import { TerraformWorkspace, type TerraformSettings } from './terraform';

export interface StackCheck {
  readonly stack: string;
  readonly ok: boolean;
  readonly summary: string;
  /** Output of the step that failed. */
  readonly failure?: string;
}

export interface CheckOptions {
  /** Where each stack's working folder goes (`<workRoot>/<stack>`, kept between runs). */
  readonly workRoot: string;
  readonly settings: TerraformSettings;
  /** The provider lock file copied into each working folder that has none (WorkspaceOptions.lockFile). @default the package's */
  readonly lockFile?: string;
  /** Stacks checked at once. @default the number of cores */
  readonly concurrency?: number;
  readonly onEvent?: CoreListener;
}

/**
 * Checks every stack; the results keep the order of `stacks`. The first
 * stack's init runs alone: it fills the plugin cache, which concurrent
 * installs into an empty cache would race on; `cacheReady` resolves then.
 */
export async function checkStacks(
  stacks: readonly SynthesizedStack[],
  options: CheckOptions,
  cacheReady?: () => void,
): Promise<StackCheck[]> {
  if (stacks.length === 0) {
    cacheReady?.();
    return [];
  }
  const first = checkOne(stacks[0]!, options, cacheReady);
  const rest = mapConcurrently(stacks.slice(1), Math.max(1, (options.concurrency ?? availableParallelism()) - 1), (stack) =>
    checkOne(stack, options),
  );
  return [await first, ...(await rest)];
}

async function checkOne(stack: SynthesizedStack, options: CheckOptions, initialized?: () => void): Promise<StackCheck> {
  const workspace = TerraformWorkspace.prepare(stack, join(options.workRoot, stack.name), {
    offline: true,
    settings: options.settings,
    lockFile: options.lockFile,
    onEvent: options.onEvent ?? IGNORE_EVENTS,
  });
  const init = await workspace.init();
  initialized?.();
  if (!init.ok) return { stack: stack.name, ok: false, summary: `${stack.name}: init FAILED`, failure: init.output };
  const validate = await workspace.validate();
  let seconds = init.seconds + validate.seconds;
  if (!validate.ok) return { stack: stack.name, ok: false, summary: `${stack.name}: validate FAILED`, failure: validate.output };
  const plan = await workspace.plan({ planFile: 'check.tfplan' });
  seconds += plan.seconds;
  if (!plan.ok) return { stack: stack.name, ok: false, summary: `${stack.name}: plan FAILED`, failure: plan.output };
  const planSummary = /Plan: .*|No changes\..*/.exec(plan.output)?.[0] ?? '';
  return {
    stack: stack.name,
    ok: true,
    summary: `${stack.name}: init ok, validate ok, plan ok (${planSummary || 'no summary'}) in ${seconds.toFixed(1)}s`,
  };
}

/** `work` over `items`, at most `limit` at a time, results in the order of `items`. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
