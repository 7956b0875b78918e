/**
 * The real Terraform check of synthesized stacks: init, validate and plan of
 * each, offline (local backend, dummy credentials, no refresh).
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { mirrorHas, terraformEnvironment, type TerraformEnvironment } from './cli-config';
import { prepareOfflineStack } from './offline';
import { terraform } from './run';

/** Providers the stacks use that may be missing where the check runs. */
const OPTIONAL_PROVIDERS = ['random'];

export interface StackCheck {
  readonly stack: string;
  readonly ok: boolean;
  readonly summary: string;
  /** Output of the step that failed. */
  readonly failure?: string;
}

export interface CheckOptions {
  /** The synth output folder (with stacks/<name>/cdk.tf.json). */
  readonly outDir: string;
  /** Only these stacks. @default every stack */
  readonly stacks?: readonly string[];
  /** Called with each line of progress. */
  readonly log: (line: string) => void;
}

/** Which optional providers cannot be installed, so their resources need stand-ins. */
export function providersToStandIn(tf: TerraformEnvironment): string[] {
  // With a mirror, the registry is assumed out of reach: a provider not in the mirror cannot be installed.
  return tf.mirror ? OPTIONAL_PROVIDERS.filter((p) => !mirrorHas(tf.mirror, p)) : [];
}

export function checkStacks(options: CheckOptions): StackCheck[] {
  const stacksDir = join(options.outDir, 'stacks');
  const workRoot = join(options.outDir, 'terraform-check');
  const tf = terraformEnvironment(join(workRoot, '.terraform-cli'));
  options.log(tf.description);
  const standInProviders = providersToStandIn(tf);
  const stacks = options.stacks ?? (existsSync(stacksDir) ? readdirSync(stacksDir).sort() : []);
  if (stacks.length === 0) throw new Error(`no stacks under ${stacksDir}; run npm run synth first`);
  return stacks.map((stack) => {
    const dir = join(workRoot, stack);
    rmSync(dir, { recursive: true, force: true });
    const offline = prepareOfflineStack(join(stacksDir, stack, 'cdk.tf.json'), dir, standInProviders);
    for (const replaced of offline.standIns) {
      options.log(`${stack}: ${replaced} stands in as terraform_data (its provider cannot be installed here; placeholder values)`);
    }
    return checkOne(stack, dir, tf.env);
  });
}

function checkOne(stack: string, dir: string, env: NodeJS.ProcessEnv): StackCheck {
  const steps: [string, string[]][] = [
    ['init', ['init', '-input=false', '-no-color']],
    ['validate', ['validate', '-no-color']],
    ['plan', ['plan', '-input=false', '-refresh=false', '-lock=false', '-no-color']],
  ];
  let planSummary = '';
  let seconds = 0;
  for (const [name, args] of steps) {
    const result = terraform(args, dir, env);
    seconds += result.seconds;
    if (!result.ok) return { stack, ok: false, summary: `${stack}: ${name} FAILED`, failure: result.output };
    if (name === 'plan') planSummary = /Plan: .*|No changes\..*/.exec(result.output)?.[0] ?? '';
  }
  return { stack, ok: true, summary: `${stack}: init ok, validate ok, plan ok (${planSummary || 'no summary'}) in ${seconds.toFixed(1)}s` };
}
