/** `check-terraform`: every synthesized stack planned offline, then the change scenarios against a simulated deployment. */
import { join, resolve } from 'node:path';
import type { EnvironmentConfig } from '../config/resolve';
import { planChanges } from './change-check';
import { changeScenarios } from './change-scenarios';
import { checkStacks, type StackCheck } from './checks';
import type { CoreListener } from './events';
import { synthesizeToDir } from './synthesize';
import { terraformCliDir, terraformSettings, type TerraformSettings } from './terraform';

export type { StackCheck };

export interface TerraformCheckOptions {
  /** The synth output folder (replaced), with the Terraform working folders under it. */
  readonly outDir: string;
  /**
   * The provider lock file copied into every stack folder (CheckOptions.lockFile).
   * @default none: each init chooses the providers itself
   */
  readonly lockFile?: string;
  /** Plan the change scenarios (a team's routine changes against a simulated deployment) besides the stacks. @default true */
  readonly changeChecks?: boolean;
  readonly onEvent?: CoreListener;
}

/** Synthesizes `configs` into outDir and checks every stack, then the change scenarios of the first environment that has any. */
export async function checkTerraform(configs: readonly EnvironmentConfig[], options: TerraformCheckOptions): Promise<StackCheck[]> {
  const outDir = resolve(options.outDir);
  const { stacks } = synthesizeToDir(configs, outDir);
  const settings = terraformSettings(terraformCliDir(outDir));
  options.onEvent?.({ type: 'note', message: settings.description });
  const workRoot = join(outDir, 'terraform-check');
  // The change check shares the plugin cache, so it starts once the first init has filled it.
  let cacheReady!: () => void;
  const cacheFilled = new Promise<void>((resolveCache) => {
    cacheReady = resolveCache;
  });
  const [stackResults, changeResults] = await Promise.all([
    checkStacks(stacks, { workRoot, settings, lockFile: options.lockFile, onEvent: options.onEvent }, cacheReady),
    options.changeChecks === false
      ? []
      : cacheFilled.then(() => checkScenarios(configs, join(workRoot, 'change'), settings, options.lockFile)),
  ]);
  return [...stackResults, ...changeResults];
}

/** Plans change scenarios (all from one deployed environment) against a simulated deployment and judges each. */
async function checkScenarios(
  configs: readonly EnvironmentConfig[],
  workDir: string,
  settings: TerraformSettings,
  lockFile?: string,
): Promise<StackCheck[]> {
  const scenarios = configs.map((config) => changeScenarios(config)).find((list) => list.length > 0) ?? [];
  if (scenarios.length === 0) return [];
  const started = Date.now();
  const planned = await planChanges(
    scenarios[0]!.before,
    scenarios.map((s) => s.after),
    workDir,
    settings,
    undefined,
    lockFile,
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return scenarios.map((scenario, i) => {
    const changes = planned[i]!;
    const verdict = scenario.judge(changes);
    const listed =
      changes.length <= 3 ? changes.map((c) => `${c.address} ${c.actions.join('+')}`).join(', ') : `${changes.length} resource changes`;
    const summary = `change ${scenario.description}: ${verdict ? `FAILED, ${verdict}` : 'ok'} (${listed || 'no changes'})`;
    return {
      stack: `change ${scenario.description}`,
      ok: verdict === '',
      summary: i === scenarios.length - 1 ? `${summary}; ${seconds}s for all changes` : summary,
    };
  });
}
