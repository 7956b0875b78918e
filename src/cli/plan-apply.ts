/** `plan` and `apply` of one stack: the core plans to a saved file; apply asks, then applies exactly that file. */
import { relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import type { EnvironmentPlan, GuardrailMode } from '../core/index';
import { AWS_ENDPOINT_VARIABLE } from '../core/names';
import { core } from './core';
import { emulatorOf } from './endpoint';
import { EXIT } from './exit-codes';
import { exitOnUserError, printEvent, printJson, warnGuardrails, withTerraform } from './report';

export interface PlanCommandOptions {
  readonly env: string;
  readonly config: string;
  readonly out: string;
  readonly lockFile: string;
  readonly guardrails: GuardrailMode;
  readonly offline?: boolean;
  readonly online?: boolean;
  readonly sandbox?: boolean;
  readonly endpoint?: string;
  readonly verbose?: boolean;
  readonly json?: boolean;
}

/** `--guardrails enforce|report`, for every command that writes stacks. */
export function guardrailsOption(): Option {
  return new Option(
    '--guardrails <mode>',
    'enforce: a guardrail failure stops the command (exit 3), nothing written; report: warn and go on, for exploring',
  )
    .choices(['enforce', 'report'])
    .default('enforce');
}

/** The options `plan` and `apply` share. */
export function planOptions(command: Command): Command {
  return command
    .requiredOption('--env <name>', 'the environment, or a bootstrap stack (bootstrap-<bucket>-<account>)')
    .option('--config <dir>', 'the config folder', 'environments')
    .option('--out <dir>', 'the output folder', 'cdktf.out')
    .option('--lock-file <file>', 'the provider lock file copied into each stack folder', '.terraform.lock.hcl')
    .addOption(guardrailsOption())
    .option('--offline', 'local backend and dummy credentials (the default when no AWS credentials are found)')
    .option('--online', 'the real S3 backend and your AWS credentials')
    .option('--sandbox', 'every resource stands in as terraform_data on a local state: real plans and applies that change nothing')
    .option(
      '--endpoint <url>',
      `an AWS API emulator (moto, LocalStack) for every AWS call, the S3 backend included, with dummy credentials (default: $${AWS_ENDPOINT_VARIABLE})`,
    )
    .option('-v, --verbose', "print Terraform's own output in full, not only the summary")
    .argument('[terraform-args...]', 'after --: more arguments for terraform plan (-target=..., -parallelism=...)');
}

/**
 * Flags the project sets itself: from `--` they would change which plan file
 * apply applies, or whether the state is locked, so they are refused.
 */
const OWN_PLAN_FLAGS = ['-out', '-lock', '-lock-timeout', '-input', '-detailed-exitcode', '-no-color', '-destroy', '-json', '-chdir'];

function refuseOwnFlags(terraformArgs: readonly string[]): void {
  const own = terraformArgs.filter((arg) => OWN_PLAN_FLAGS.includes(arg.split('=')[0]!));
  if (own.length > 0) {
    console.error(
      `refused: ${own.join(' ')} after --; the project sets ${OWN_PLAN_FLAGS.join(', ')} itself (the saved plan file is what apply applies). Pass other terraform plan flags, for example -target=ADDRESS, -replace=ADDRESS, -var=..., -parallelism=N`,
    );
    process.exit(EXIT.usage);
  }
}

/** Synthesizes the stack (and what it needs) into OUT, then plans it to a saved plan file. */
async function planOnly(
  options: PlanCommandOptions,
  terraformArgs: readonly string[],
): Promise<{ plan: EnvironmentPlan; offline: boolean }> {
  refuseOwnFlags(terraformArgs);
  const { backendOverrides, environmentWorkDir, planStack, sandboxSettings, selectStack, terraformCliDir, terraformSettings, writeStacks } =
    core();
  // S3-compatible or local backends (docs/command-line.md), checked before anything is written; an offline plan's backend is local and uses none of it.
  const backend = backendOverrides(process.env);
  const say = options.json ? (_: string) => undefined : (text: string) => console.log(text);
  const endpoint = emulatorOf(options);
  const selection = exitOnUserError(() => selectStack(options.config, options.env), options);
  const written = exitOnUserError(
    () => writeStacks(selection.configs, options.out, { prune: false, lockFile: options.lockFile, guardrails: options.guardrails }),
    options,
  );
  if (!options.json) warnGuardrails(written.guardrails);
  const offline = endpoint === undefined && plansOffline(options);
  if (endpoint !== undefined) say(`AWS API emulator at ${endpoint}: every AWS call and the S3 backend go there, with dummy credentials`);
  if (offline && !options.offline && !options.sandbox)
    say(
      'No AWS credentials found: planning offline (local backend, dummy credentials, no refresh). Pass --online to use the real backend.',
    );
  const plain = terraformSettings(terraformCliDir(options.out));
  const settings = options.sandbox ? sandboxSettings(plain) : plain;
  say(settings.description);
  if (backend.description && endpoint === undefined)
    say(offline ? `${backend.description}: not used, the plan is offline (local backend)` : backend.description);
  const plan = await withTerraform(() =>
    planStack(written.stacks.find((s) => s.name === selection.stack)!, {
      offline,
      workDir: options.sandbox
        ? resolve(options.out, 'sandbox', options.env)
        : environmentWorkDir(options.out, options.env, offline, endpoint),
      settings,
      endpoint,
      backendConfig: endpoint === undefined ? backend.backendConfig : [],
      extraArgs: terraformArgs,
      onEvent: options.json ? undefined : printEvent,
      onOutput: options.verbose && !options.json ? (text) => process.stdout.write(text) : undefined,
    }),
  );
  if (!plan.ok) {
    // Without --verbose the output was not shown: show it now, it says why.
    if (!options.verbose) process.stderr.write(plan.output);
    console.error(`terraform ${plan.failedStep} failed for ${options.env}`);
    process.exit(EXIT.userError);
  }
  return { plan, offline };
}

function printPlan(options: PlanCommandOptions, plan: EnvironmentPlan, offline: boolean): void {
  const { formatSummary, reviewLines } = core();
  const planPath = relative(process.cwd(), resolve(plan.workspace.dir, plan.planFile));
  if (options.json) {
    printJson({
      ok: true,
      stack: options.env,
      offline,
      changes: plan.changes === true,
      summary: plan.summary,
      attributes: plan.attributes ?? {},
      destructive: plan.destructive,
      planFile: planPath,
    });
    return;
  }
  console.log(`${options.env}: ${formatSummary(plan.summary!)}`);
  for (const line of reviewLines(plan.summary!, plan.attributes)) console.log(line);
  if (plan.destructive.length > 0) console.log(`data would be lost: ${plan.destructive.join(', ')}`);
  console.log(`saved plan: ${planPath}${options.verbose ? '' : ' (the full plan: --verbose, or terraform show on that file)'}`);
}

export async function planCommand(options: PlanCommandOptions, terraformArgs: readonly string[]): Promise<void> {
  const { plan, offline } = await planOnly(options, terraformArgs);
  printPlan(options, plan, offline);
}

/** --sandbox, --offline, or no AWS credentials without --online. */
function plansOffline(options: PlanCommandOptions): boolean {
  return options.sandbox === true || (options.online ? false : options.offline === true || !core().hasAwsCredentials());
}

export async function applyCommand(
  options: PlanCommandOptions & { yes?: boolean; allowDestroy?: boolean },
  terraformArgs: readonly string[],
): Promise<void> {
  if (plansOffline(options) && !options.sandbox && emulatorOf(options) === undefined) {
    console.error(
      'refused: an offline plan uses a local backend and dummy credentials; it cannot be applied (use --online with AWS credentials, or --sandbox to try the apply path on stand-ins)',
    );
    process.exit(EXIT.userError);
  }
  const { plan, offline } = await planOnly(options, terraformArgs);
  const { applyEnvironmentPlan, formatSummary, hasChanges } = core();
  printPlan({ ...options, json: false }, plan, offline);
  const summary = plan.summary!;
  if (!hasChanges(summary)) {
    console.log('Nothing to apply.');
    return;
  }
  if (plan.destructive.length > 0 && !options.allowDestroy) {
    console.error(
      `refused: the plan destroys or replaces resources that hold data: ${plan.destructive.join(', ')}; review it, then run again with --allow-destroy`,
    );
    process.exit(EXIT.userError);
  }
  if (!options.yes && !(await confirm(`Apply this plan to ${options.env}? Type "yes": `))) {
    console.error('not applied');
    process.exit(EXIT.userError);
  }
  const applied = await applyEnvironmentPlan(plan, { onOutput: options.verbose ? (text) => process.stdout.write(text) : undefined });
  if (!applied.ok) {
    process.stderr.write(options.verbose ? '' : applied.output);
    console.error(`terraform apply failed for ${options.env}`);
    process.exit(EXIT.userError);
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
