/**
 * What a configuration change does to deployed infrastructure, with no AWS
 * account: plan the old configuration, "apply" it into a state with
 * placeholder IDs (fake-state.ts) until it plans no changes, then plan the
 * new configuration against that state and report every action.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeApp } from '../app';
import type { EnvironmentConfig } from '../config/resolve';
import { applyPlanToState, type ProviderSchemas } from './fake-state';
import { prepareOfflineStack } from './offline';
import { terraform } from './run';

export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly actions: readonly string[];
}

const MAX_CONVERGE_ROUNDS = 4;

/** The actions each of `afters` plans against infrastructure deployed from `before` (same environment). */
export function planChanges(before: EnvironmentConfig, afters: readonly EnvironmentConfig[], workDir: string, env: NodeJS.ProcessEnv, standInProviders: readonly string[]): PlannedChange[][] {
  rmSync(workDir, { recursive: true, force: true });
  const stackJson = (config: EnvironmentConfig) => {
    const out = mkdtempSync(join(tmpdir(), 'change-'));
    try {
      synthesizeApp([config], { outdir: out });
      const file = join(tmpdir(), `${config.environment}-${process.pid}-${Math.random().toString(36).slice(2)}.tf.json`);
      writeFileSync(file, readFileSync(join(out, 'stacks', config.environment, 'cdk.tf.json')));
      return file;
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  };
  const run = (args: string[]) => {
    const result = terraform(args, workDir, env);
    if (!result.ok) throw new Error(`terraform ${args[0]} failed in ${workDir}:\n${result.output}`);
    return result.output;
  };
  const plan = () => {
    run(['plan', '-input=false', '-refresh=false', '-lock=false', '-no-color', '-out=change.tfplan']);
    return JSON.parse(run(['show', '-json', 'change.tfplan']));
  };

  prepareOfflineStack(stackJson(before), workDir, standInProviders);
  run(['init', '-input=false', '-no-color']);
  const schemas = JSON.parse(run(['providers', 'schema', '-json'])) as ProviderSchemas;
  let state: unknown;
  for (let round = 0; ; round++) {
    const planned = plan();
    const pending = changesOf(planned);
    if (pending.length === 0) break;
    if (round === MAX_CONVERGE_ROUNDS) {
      throw new Error(`the simulated deployment of ${before.environment} did not settle after ${round} rounds; still changing: ${pending.map((c) => `${c.address} ${c.actions.join('+')}`).join(', ')}`);
    }
    state = applyPlanToState(planned, schemas, state);
    writeFileSync(join(workDir, 'terraform.tfstate'), JSON.stringify(state));
  }
  return afters.map((after) => {
    prepareOfflineStack(stackJson(after), workDir, standInProviders);
    return changesOf(plan());
  });
}

function changesOf(plan: { resource_changes?: { address: string; type: string; mode: string; change: { actions: string[] } }[] }): PlannedChange[] {
  return (plan.resource_changes ?? [])
    .filter((c) => c.mode === 'managed' && !(c.change.actions.length === 1 && c.change.actions[0] === 'no-op'))
    .map((c) => ({ address: c.address, type: c.type, actions: c.change.actions }));
}

/** A replacement is a delete and a create of the same address. */
export function isReplacement(change: PlannedChange): boolean {
  return change.actions.includes('delete') && change.actions.includes('create');
}
