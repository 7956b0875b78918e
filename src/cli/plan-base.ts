/**
 * `plan --env E --base REF`: the environment at REF applied to an AWS API
 * emulator (moto, started here unless --endpoint names an empty one), then
 * the working tree planned against that state (core/base-plan.ts). What it
 * prints is `plan`'s summary, with the attributes of every update and
 * replacement, and the differences the emulator causes by itself.
 */
import { relative, resolve } from 'node:path';
import type { BasePlan } from '../core/index';
import { core } from './core';
import { emulatorOf } from './endpoint';
import { EXIT } from './exit-codes';
import type { PlanCommandOptions } from './plan-apply';
import { exitOnUserError, printEvent, printJson, warnGuardrails, withTerraform } from './report';

export interface BasePlanCommandOptions extends PlanCommandOptions {
  readonly base: string;
}

export async function basePlanCommand(options: BasePlanCommandOptions, terraformArgs: readonly string[]): Promise<void> {
  const { baseStackAt, formatSummary, planAgainstBase, reviewLines, selectStack, terraformCliDir, terraformSettings, writeStacks } = core();
  if (options.offline || options.sandbox || options.online)
    refuse(
      `--base cannot go with ${options.offline ? '--offline' : options.sandbox ? '--sandbox' : '--online'}: it plans against an AWS API emulator`,
    );
  if (terraformArgs.length > 0) refuse(`--base takes no terraform arguments after -- (${terraformArgs.join(' ')})`);
  // Only an explicit --endpoint: PLATFORM_AWS_ENDPOINT may name an emulator that holds other state.
  const endpoint = options.endpoint === undefined ? undefined : emulatorOf(options);
  const selection = exitOnUserError(() => selectStack(options.config, options.env), options);
  if (selection.bootstrap) refuse(`--base plans an environment's stack; ${selection.stack} is not one`);
  const config = selection.configs.find((c) => c.environment === options.env)!;
  const base = exitOnUserError(() => baseStackAt(options.config, options.base, options.env), options);
  const written = exitOnUserError(
    () => writeStacks(selection.configs, options.out, { prune: false, lockFile: options.lockFile, guardrails: options.guardrails }),
    options,
  );
  if (!options.json) warnGuardrails(written.guardrails);
  const stack = written.stacks.find((s) => s.name === selection.stack)!;
  const settings = terraformSettings(terraformCliDir(options.out));
  let plan: BasePlan;
  try {
    plan = await withTerraform(() =>
      planAgainstBase({
        base,
        stack: { ...stack, environment: options.env },
        account: config.aws.accountId,
        workDir: resolve(options.out, 'base', options.env),
        settings,
        endpoint,
        onEvent: options.json ? undefined : printEvent,
        onOutput: options.verbose && !options.json ? (text) => process.stdout.write(text) : undefined,
      }),
    );
  } catch (error) {
    // The emulator missing or not starting: one line saying what to do.
    console.error(`error: ${(error as Error).message}`);
    process.exit(EXIT.userError);
  }
  if (plan.baseFailure !== undefined || !plan.ok) {
    if (!options.verbose) process.stderr.write(plan.baseFailure ?? plan.output);
    console.error(
      plan.baseFailure !== undefined
        ? `${options.env} at ${options.base} (${base.commit.slice(0, 12)}) could not be applied to the emulator; its output is above`
        : `terraform ${plan.failedStep} failed for ${options.env}`,
    );
    process.exit(EXIT.userError);
  }
  const planPath = relative(process.cwd(), resolve(plan.workspace.dir, plan.planFile));
  if (options.json) {
    printJson({
      ok: true,
      stack: options.env,
      base: { ref: options.base, commit: base.commit, resources: plan.baseResources },
      changes: plan.changes === true,
      summary: plan.summary,
      attributes: plan.attributes ?? {},
      destructive: plan.destructive,
      standIns: plan.standIns,
      emulatorDifferences: plan.emulatorDifferences,
      planFile: planPath,
    });
    return;
  }
  console.log(
    `${options.env}: ${formatSummary(plan.summary!)} (against ${options.base}: ${plan.baseResources} resources applied to the emulator)`,
  );
  for (const line of reviewLines(plan.summary!, plan.attributes)) console.log(line);
  if (plan.destructive.length > 0) console.log(`data would be lost: ${plan.destructive.join(', ')}`);
  const byCause = new Map<string, string[]>();
  for (const { address, moto } of plan.emulatorDifferences) byCause.set(moto, [...(byCause.get(moto) ?? []), address]);
  for (const [moto, addresses] of byCause) console.log(`not part of the change, the emulator's (${moto}): ${addresses.join(', ')}`);
  console.log(`saved plan (against the emulator's state; it cannot be applied to AWS): ${planPath}`);
}

function refuse(message: string): never {
  console.error(`refused: ${message}`);
  process.exit(EXIT.usage);
}
