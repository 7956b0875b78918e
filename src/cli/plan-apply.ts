/** `plan` and `apply` of one environment: the core plans to a saved file; apply asks, then applies exactly that file. */
import { createInterface } from 'node:readline/promises';
import {
  applyEnvironmentPlan, environmentWorkDir, formatSummary, hasAwsCredentials, planEnvironment, selectEnvironments,
  synthesizeToDir, terraformCliDir, terraformSettings, type EnvironmentPlan,
} from '../core/index';
import { exitOnConfigError, printEvent, withTerraform } from './report';

export interface PlanCommandOptions {
  readonly env: string;
  readonly config: string;
  readonly out: string;
  readonly offline?: boolean;
  readonly online?: boolean;
}

/** Synthesizes the environment (and its bootstrap stack) into OUT, then plans it, streaming Terraform's output. */
async function planOnly(options: PlanCommandOptions): Promise<EnvironmentPlan> {
  const [config] = exitOnConfigError(() => selectEnvironments(options.config, options.env));
  const stacks = synthesizeToDir([config!], options.out);
  const offline = options.online ? false : options.offline || !hasAwsCredentials();
  if (offline && !options.offline) console.log('No AWS credentials found: planning offline (local backend, dummy credentials, no refresh). Pass --online to use the real backend.');
  const settings = terraformSettings(terraformCliDir(options.out));
  console.log(settings.description);
  const plan = await withTerraform(() => planEnvironment(config!, {
    offline,
    workDir: environmentWorkDir(options.out, options.env, offline),
    settings,
    stack: stacks.find((s) => s.environment === options.env),
    onEvent: printEvent,
    onOutput: (text) => process.stdout.write(text),
  }));
  if (!plan.ok) {
    console.error(`terraform ${plan.failedStep} failed for ${options.env}`);
    process.exit(1);
  }
  console.log(`${options.env}: ${formatSummary(plan.summary!)} (saved plan: ${plan.workspace.dir}/${plan.planFile})`);
  return plan;
}

export async function planCommand(options: PlanCommandOptions): Promise<void> {
  await planOnly(options);
}

export async function applyCommand(options: PlanCommandOptions & { yes?: boolean; allowDestroy?: boolean }): Promise<void> {
  const plan = await planOnly(options);
  const summary = plan.summary!;
  if (summary.add + summary.change + summary.replace + summary.destroy === 0) {
    console.log('Nothing to apply.');
    return;
  }
  if (plan.destructive.length > 0 && !options.allowDestroy) {
    console.error(`refused: the plan destroys or replaces resources that hold data: ${plan.destructive.join(', ')}; review it, then run again with --allow-destroy`);
    process.exit(1);
  }
  if (!options.yes && !(await confirm(`Apply this plan to ${options.env}? Type "yes": `))) {
    console.error('not applied');
    process.exit(1);
  }
  const applied = await applyEnvironmentPlan(plan, { onOutput: (text) => process.stdout.write(text) });
  if (!applied.ok) {
    console.error(`terraform apply failed for ${options.env}`);
    process.exit(1);
  }
  console.log(`${options.env}: applied (${formatSummary(summary)})`);
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    console.error('no terminal to ask for confirmation: pass --yes to apply without asking');
    return false;
  }
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await prompt.question(question)).trim() === 'yes';
  } finally {
    prompt.close();
  }
}
