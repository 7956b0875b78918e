/**
 * What a configuration change does to deployed infrastructure, with no AWS
 * account: plan the old configuration, "apply" it into a state with
 * placeholder IDs (terraform/fake-state.ts) until it plans no changes, then
 * plan each new configuration against that state and report every action.
 */
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvironmentConfig } from '../config/resolve';
import { applyPlanToState, type ProviderSchemas } from '../terraform/fake-state';
import { mapConcurrently } from './checks';
import type { PlanJson } from './plan-summary';
import { synthesize, type SynthesizedStack } from './synthesize';
import { TerraformWorkspace, type TerraformSettings } from './terraform';

export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly actions: readonly string[];
}

// Each round fills the placeholders of one more level of references; an EFS volume's chain
// (key -> file system -> access point -> task definition -> service) needs five.
const MAX_CONVERGE_ROUNDS = 6;

/**
 * The actions each of `afters` plans against infrastructure deployed from
 * `before` (same environment). The deployment is simulated once in
 * `<workDir>/deployed`; each change is planned in a copy of its own sharing
 * the same providers, several at once.
 */
export async function planChanges(
  before: EnvironmentConfig,
  afters: readonly EnvironmentConfig[],
  workDir: string,
  settings: TerraformSettings,
  concurrency = 3,
  lockFile?: string,
): Promise<PlannedChange[][]> {
  const stackOf = (config: EnvironmentConfig) => synthesize([config]).find((s) => s.environment === config.environment)!;
  return planStackChanges(stackOf(before), afters.map(stackOf), workDir, settings, concurrency, lockFile);
}

/**
 * planChanges of synthesized stacks: what each of `afters` plans against
 * infrastructure deployed from `before`, for changes that are not
 * configuration (a new release of the project writing a resource otherwise).
 */
export async function planStackChanges(
  before: SynthesizedStack,
  afters: readonly SynthesizedStack[],
  workDir: string,
  settings: TerraformSettings,
  concurrency = 3,
  lockFile?: string,
): Promise<PlannedChange[][]> {
  rmSync(workDir, { recursive: true, force: true });
  const deployed = TerraformWorkspace.prepare(before, join(workDir, 'deployed'), { offline: true, settings, lockFile });
  await must(deployed.init(), 'init', deployed.dir);
  // The provider schemas (for the simulated state) load while the first plan runs.
  const schemasLoading = must(deployed.run(['providers', 'schema', '-json']), 'providers schema', deployed.dir).then(
    (result) => JSON.parse(result.stdout) as ProviderSchemas,
  );
  let state: unknown;
  for (let round = 0; ; round++) {
    const plan = await deployed.plan({ planFile: 'change.tfplan' });
    if (!plan.ok) throw new Error(`terraform plan failed in ${deployed.dir}:\n${plan.output}`);
    if (!plan.changes) break;
    const planned = await deployed.show('change.tfplan');
    const pending = changesOf(planned);
    // Outputs alone (the simulated state records none) are no change to settle.
    if (pending.length === 0) break;
    if (round === MAX_CONVERGE_ROUNDS) {
      throw new Error(
        `the simulated deployment of ${before.name} did not settle after ${round} rounds; still changing: ${pending.map((c) => `${c.address} ${c.actions.join('+')}`).join(', ')}`,
      );
    }
    state = applyPlanToState(planned as never, await schemasLoading, state);
    writeFileSync(join(deployed.dir, 'terraform.tfstate'), JSON.stringify(state));
  }
  await schemasLoading;
  return mapConcurrently(afters, concurrency, async (after) => {
    const index = afters.indexOf(after);
    const dir = join(workDir, `change-${index}`);
    const workspace = TerraformWorkspace.prepare(after, dir, { offline: true, settings });
    // The providers the deployed copy chose; the plugin cache makes this init a link, not an install.
    copyFileSync(join(deployed.dir, '.terraform.lock.hcl'), join(dir, '.terraform.lock.hcl'));
    await must(workspace.init(), 'init', dir);
    if (state !== undefined) writeFileSync(join(dir, 'terraform.tfstate'), JSON.stringify(state));
    return plannedChanges(workspace);
  });
}

/**
 * The changes of a plan from Terraform's machine-readable plan output
 * (`plan -json`), which carries every planned action: no `show -json`
 * (seconds of loading provider schemas again) is needed to judge a change.
 */
async function plannedChanges(workspace: TerraformWorkspace): Promise<PlannedChange[]> {
  const result = await workspace.run(['plan', '-input=false', '-no-color', '-refresh=false', '-lock=false', '-json']);
  if (!result.ok) throw new Error(`terraform plan failed in ${workspace.dir}:\n${result.output}`);
  const changes: PlannedChange[] = [];
  for (const line of result.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const message = JSON.parse(line) as {
      type?: string;
      change?: { action: string; resource: { addr: string; resource_type: string; mode?: string } };
    };
    if (message.type !== 'planned_change' || !message.change || message.change.resource.mode === 'data') continue;
    const { action, resource } = message.change;
    if (action === 'noop' || action === 'read') continue;
    changes.push({ address: resource.addr, type: resource.resource_type, actions: action === 'replace' ? ['delete', 'create'] : [action] });
  }
  return changes.sort((a, b) => a.address.localeCompare(b.address));
}

async function must<T extends { ok: boolean; output: string }>(result: Promise<T>, step: string, dir: string): Promise<T> {
  const done = await result;
  if (!done.ok) throw new Error(`terraform ${step} failed in ${dir}:\n${done.output}`);
  return done;
}

/** The managed resources a saved plan changes (`terraform show -json`), no-ops left out. */
export function changesOf(plan: PlanJson): PlannedChange[] {
  return (plan.resource_changes ?? [])
    .filter((c) => c.mode === 'managed' && !(c.change.actions.length === 1 && c.change.actions[0] === 'no-op'))
    .map((c) => ({ address: c.address, type: c.type, actions: c.change.actions }));
}

/** A replacement is a delete and a create of the same address. */
export function isReplacement(change: PlannedChange): boolean {
  return change.actions.includes('delete') && change.actions.includes('create');
}
