/**
 * `check-apply`: every stack of a configuration folder applied for real to
 * the AWS API emulator (one per account), through the same core path as
 * `platform apply --endpoint`:
 *
 *   apply -> read back through the AWS SDK what was asked for (read-back.ts)
 *   -> a second plan changes nothing (or only what emulator-gaps.ts lists)
 *   -> environments: a new image applies only the task definition and the
 *      service -> destroy, and nothing named by the stack is left
 *      (production: the destroy is refused by prevent_destroy, as designed).
 *
 * Bootstrap stacks go first (they create the state bucket and lock table the
 * others' S3 backends then use on the emulator); the rest run side by side.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  applyEnvironmentPlan,
  changeScenarios,
  changesOf,
  existingResourcesOf,
  planStack,
  synthesize,
  terraformCliDir,
  terraformSettings,
  type EnvironmentConfig,
  type EnvironmentPlan,
  type PlanJson,
  type SynthesizedStack,
  type TerraformSettings,
} from '../core/index';
import { startEmulator, type Emulator } from './emulator';
import { diffGapOf, changedAttributes, standInsOf, type PlannedResourceChange } from './emulator-gaps';
import { closeReadBackClients, readBack, readBackClients, remaining } from './read-back';

export interface StackApplyResult {
  readonly stack: string;
  readonly ok: boolean;
  /** One line: what was proved, with timings. */
  readonly summary: string;
  /** Why it failed, when it did. */
  readonly failure?: string;
  readonly resources: number;
  /** Addresses standing in as terraform_data (emulator-gaps.ts says why). */
  readonly standIns: readonly string[];
}

export interface ApplyCheckOptions {
  /** Working folders go under `<outDir>/apply-check/`. */
  readonly outDir: string;
  /** Only these stacks (and the bootstrap stacks their state needs). @default every stack */
  readonly only?: readonly string[];
  /** Progress lines. @default none */
  readonly log?: (line: string) => void;
}

type Json = Record<string, any>;

/** A stack that takes longer than this (an emulator gap the provider retries for ever) fails, and its Terraform is stopped. */
const STACK_TIMEOUT_MS = 15 * 60_000;

/** Terraform's error blocks of a run's output (not its progress lines), at most 60 lines. */
function errorsOf(output: string): string {
  const start = output.search(/^(│ )?Error: /m);
  const lines = (start >= 0 ? output.slice(start) : output).split('\n');
  return lines.length > 60 ? [...lines.slice(0, 60), `... ${lines.length - 60} more lines`].join('\n') : lines.join('\n');
}

/** Applies every stack of `configs` to emulators, one per account. */
export async function checkApply(configs: readonly EnvironmentConfig[], options: ApplyCheckOptions): Promise<StackApplyResult[]> {
  const outDir = resolve(options.outDir);
  const log = options.log ?? (() => undefined);
  const settings = terraformSettings(terraformCliDir(outDir));
  const stacks = synthesize(configs).filter((s) => !options.only || options.only.includes(s.name) || s.name.startsWith('bootstrap-'));
  const accounts = [...new Set(configs.map((c) => c.aws.accountId))].sort();
  const results: StackApplyResult[] = [];
  // Each run starts from empty emulators: nothing of an earlier run's folders may point at their state.
  rmSync(join(outDir, 'apply-check'), { recursive: true, force: true });
  for (const account of accounts) {
    const names = new Set(configs.filter((c) => c.aws.accountId === account).map((c) => c.environment));
    const mine = stacks.filter((s) => (s.environment ? names.has(s.environment) : accountOfStack(s) === account));
    const existing = existingResourcesOf(mine.map((s) => s.json));
    const emulator = await startEmulator({ account, ...existing });
    const seeded = [
      ...existing.hostedZones.map((z) => `hosted zone ${z.name} (${z.id})`),
      ...existing.certificates.map((c) => `certificate ${c.arn}`),
      ...existing.policies.map((arn) => `policy ${arn}`),
      ...existing.securityGroups.map((group) => `security group ${group}`),
      ...existing.networks.map((network) => `network ${network}`),
      ...existing.listeners.map((arn) => `listener ${arn}`),
      ...existing.clusters.map((arn) => `cluster ${arn}`),
    ];
    log(
      `AWS API emulator (moto) for account ${account} at ${emulator.endpoint}${seeded.length ? `, with what the configuration names as existing: ${seeded.join(', ')}` : ''}`,
    );
    try {
      const context = { emulator, settings, workRoot: join(outDir, 'apply-check', account), configs, log };
      const bootstraps = mine.filter((s) => s.name.startsWith('bootstrap-'));
      for (const stack of bootstraps) results.push(await checkStack(stack, context));
      results.push(...(await Promise.all(mine.filter((s) => !bootstraps.includes(s)).map((stack) => checkStack(stack, context)))));
    } finally {
      await emulator.stop();
    }
  }
  return results;
}

interface Context {
  readonly emulator: Emulator;
  readonly settings: TerraformSettings;
  readonly workRoot: string;
  readonly configs: readonly EnvironmentConfig[];
  readonly log: (line: string) => void;
}

/** The account of a stack that belongs to no environment: its provider's allowed account. */
function accountOfStack(stack: SynthesizedStack): string | undefined {
  const provider = (JSON.parse(stack.json) as Json).provider?.aws?.[0];
  return provider?.allowed_account_ids?.[0];
}

async function checkStack(stack: SynthesizedStack, context: Context): Promise<StackApplyResult> {
  const started = Date.now();
  const seconds = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;
  const standIns = standInsOf(stack.json).map((g) => g.address);
  const resources = countResources(stack.json);
  const notes: string[] = [];
  const said = new Set<string>();
  // On time out: SIGINT to Terraform through the signal, then SIGKILL to an apply still running 30 s later.
  const timeout = new AbortController();
  const kill = new AbortController();
  const timer = setTimeout(() => {
    timeout.abort();
    setTimeout(() => kill.abort(), 30_000).unref();
  }, STACK_TIMEOUT_MS);
  const planOptions = {
    offline: false,
    workDir: join(context.workRoot, stack.name),
    settings: context.settings,
    endpoint: context.emulator.endpoint,
    standInAddresses: standIns,
    signal: timeout.signal,
    // Each note once: every plan of the stack prepares its folder again.
    onEvent: (event: { type: string; message?: string }) => {
      if (event.type !== 'note' || !event.message || said.has(event.message)) return;
      said.add(event.message);
      context.log(`${stack.name}: ${event.message}`);
    },
  };
  const applyOptions = { signal: timeout.signal, kill: kill.signal };
  const clients = readBackClients(context.emulator.clientSettings(regionOf(stack.json)));
  const fail = (failure: string): StackApplyResult => {
    const timedOut = timeout.signal.aborted ? ` (timed out after ${STACK_TIMEOUT_MS / 60_000} min: Terraform was stopped)` : '';
    const summary = `${stack.name}: FAILED after ${seconds()}${timedOut}${notes.length ? ` (${notes.join('; ')})` : ''}`;
    context.log(summary);
    return { stack: stack.name, ok: false, summary, failure, resources, standIns };
  };
  try {
    const planned = await planStack(stack, planOptions);
    if (!planned.ok) return fail(`terraform ${planned.failedStep} failed:\n${errorsOf(planned.output)}`);
    const applied = await applyEnvironmentPlan(planned, applyOptions);
    if (!applied.ok) return fail(`terraform apply failed:\n${errorsOf(applied.output)}`);
    notes.push(`applied ${resources} resources in ${seconds()}`);

    const read = await readBack(stack.json, clients);
    if (read.problems.length > 0) return fail(`read back through the AWS SDK:\n  ${read.problems.join('\n  ')}`);
    notes.push(`${read.checked} settings read back`);

    const again = await secondPlan(stack, planOptions);
    if (again.failure) return fail(again.failure);
    notes.push(again.gaps > 0 ? `second plan: no changes but ${again.gaps} emulator gap(s)` : 'second plan: no changes');

    let current = stack;
    const config = context.configs.find((c) => c.environment === stack.environment);
    const scenario = config && changeScenarios(config, (c) => c)[0];
    if (scenario) {
      const after = synthesize([scenario.after]).find((s) => s.environment === stack.environment)!;
      const changePlan = await planStack(after, planOptions);
      if (!changePlan.ok) return fail(`planning ${scenario.description} failed:\n${errorsOf(changePlan.output)}`);
      // The emulator's own differences (emulator-gaps.ts) come back in every plan; the change is judged without them.
      const shown = (await changePlan.workspace.show(changePlan.planFile)) as PlanJson & { resource_changes?: PlannedResourceChange[] };
      const verdict = scenario.judge(changesOf({ resource_changes: (shown.resource_changes ?? []).filter((c) => !diffGapOf(c)) }));
      if (verdict) return fail(`${scenario.description}: ${verdict}`);
      const changed = await applyEnvironmentPlan(changePlan, applyOptions);
      if (!changed.ok) return fail(`applying ${scenario.description} failed:\n${errorsOf(changed.output)}`);
      current = after;
      notes.push(`${scenario.description.replace(`${stack.environment}: `, '')}: applied alone`);
    }

    const destroy = await planStack(current, { ...planOptions, destroy: true });
    const protectedBy = deletionProtection(current.json);
    if (!destroy.ok && /prevent_destroy/.test(destroy.output)) {
      notes.push(`destroy refused by prevent_destroy${config?.production ? ' (production)' : ''}`);
    } else if (protectedBy.length > 0) {
      notes.push(`not destroyed: deletion protection on ${protectedBy.join(', ')}`);
    } else if (config?.production) {
      return fail('production could be destroyed: neither prevent_destroy nor deletion protection stops it');
    } else {
      if (!destroy.ok) return fail(`the destroy plan failed:\n${errorsOf(destroy.output)}`);
      const destroyed = await applyEnvironmentPlan(destroy, applyOptions);
      if (!destroyed.ok) return fail(`terraform destroy failed:\n${errorsOf(destroyed.output)}`);
      const left = await remaining(current.json, clients);
      if (left.length > 0) return fail(`after destroy the API still has: ${left.join(', ')}`);
      notes.push('destroyed, nothing left');
    }
    context.log(`${stack.name}: ${notes.join('; ')} (${seconds()})`);
    return { stack: stack.name, ok: true, summary: `${stack.name}: ok, ${notes.join('; ')} (${seconds()})`, resources, standIns };
  } catch (error) {
    // An SDK call the read-back could not make fails this stack, not the check of the others.
    return fail(`${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  } finally {
    clearTimeout(timer);
    closeReadBackClients(clients);
  }
}

/** A plan after apply: every change must be one the emulator causes (emulator-gaps.ts). */
async function secondPlan(stack: SynthesizedStack, options: Parameters<typeof planStack>[1]): Promise<{ gaps: number; failure?: string }> {
  const plan: EnvironmentPlan = await planStack(stack, options);
  if (!plan.ok) return { gaps: 0, failure: `the second plan failed:\n${errorsOf(plan.output)}` };
  if (!plan.changes) return { gaps: 0 };
  const json = (await plan.workspace.show(plan.planFile)) as PlanJson & { resource_changes?: PlannedResourceChange[] };
  const changes = (json.resource_changes ?? []).filter((c) => c.mode === 'managed' && c.change.actions.join() !== 'no-op');
  const unexplained = changes.filter((c) => !diffGapOf(c));
  if (unexplained.length > 0) {
    return {
      gaps: 0,
      failure: `the second plan is not empty:\n  ${unexplained.map((c) => `${c.address} ${c.change.actions.join('+')} (${changedAttributes(c).join(', ')})`).join('\n  ')}`,
    };
  }
  return { gaps: changes.length };
}

/** Resources whose deletion protection is on (a destroy would fail on them, as designed). */
function deletionProtection(stackJson: string): string[] {
  const resources = (JSON.parse(stackJson) as Json).resource ?? {};
  const on: [string, string][] = [
    ['aws_dynamodb_table', 'deletion_protection_enabled'],
    ['aws_db_instance', 'deletion_protection'],
    ['aws_lb', 'enable_deletion_protection'],
  ];
  return on.flatMap(([type, attribute]) =>
    Object.entries<Json>(resources[type] ?? {})
      .filter(([, r]) => r[attribute] === true)
      .map(([name]) => `${type}.${name}`),
  );
}

function countResources(stackJson: string): number {
  const resources = (JSON.parse(stackJson) as Json).resource ?? {};
  return Object.values<Json>(resources).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
}

function regionOf(stackJson: string): string {
  return (JSON.parse(stackJson) as Json).provider?.aws?.[0]?.region ?? 'us-east-1';
}
