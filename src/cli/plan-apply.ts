/** `plan` and `apply` of one environment: the core plans to a saved file; apply asks, then applies exactly that file. */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import {
  applyEnvironmentPlan, environmentWorkDir, formatSummary, hasAwsCredentials, hasChanges, planEnvironment, sandboxSettings, selectEnvironments,
  synthesizeToDir, terraformCliDir, terraformSettings, type EnvironmentPlan,
} from '../core/index';
import { exitOnConfigError, printEvent, withTerraform } from './report';

export interface PlanCommandOptions {
  readonly env: string;
  readonly config: string;
  readonly out: string;
  readonly offline?: boolean;
  readonly online?: boolean;
  readonly sandbox?: boolean;
}

/** Synthesizes the environment (and its bootstrap stack) into OUT, then plans it, streaming Terraform's output. */
async function planOnly(options: PlanCommandOptions): Promise<{ plan: EnvironmentPlan; offline: boolean }> {
  const [config] = exitOnConfigError(() => selectEnvironments(options.config, options.env));
  const stacks = synthesizeToDir([config!], options.out);
  const offline = plansOffline(options);
  if (offline && !options.offline && !options.sandbox) console.log('No AWS credentials found: planning offline (local backend, dummy credentials, no refresh). Pass --online to use the real backend.');
  const plain = terraformSettings(terraformCliDir(options.out));
  const settings = options.sandbox ? sandboxSettings(plain) : plain;
  console.log(settings.description);
  const plan = await withTerraform(() => planEnvironment(config!, {
    offline,
    workDir: options.sandbox ? resolve(options.out, 'sandbox', options.env) : environmentWorkDir(options.out, options.env, offline),
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
  return { plan, offline };
}

export async function planCommand(options: PlanCommandOptions): Promise<void> {
  await planOnly(options);
}

/** --sandbox, --offline, or no AWS credentials without --online. */
function plansOffline(options: PlanCommandOptions): boolean {
  return options.sandbox === true || (options.online ? false : options.offline === true || !hasAwsCredentials());
}

export async function applyCommand(options: PlanCommandOptions & { yes?: boolean; allowDestroy?: boolean }): Promise<void> {
  if (plansOffline(options) && !options.sandbox) {
    console.error('refused: an offline plan uses a local backend and dummy credentials; it cannot be applied (use --online with AWS credentials, or --sandbox to try the apply path on stand-ins)');
    process.exit(1);
  }
  const { plan } = await planOnly(options);
  const summary = plan.summary!;
  if (!hasChanges(summary)) {
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
