/**
 * The command line's commands and options (commander), each action calling
 * the core (src/core) and printing. src/cli/main.ts parses the process's
 * arguments with it; tests run it in-process (test/support/cli-in-process.ts)
 * and read its commands. Building it loads commander and the command
 * definitions only: the core loads in an action (src/cli/core.ts).
 * Exit codes: src/cli/exit-codes.ts.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import type { GuardrailMode } from '../core/index';
import { SCHEMA_FILES } from '../core/names';
import { addressesCommand } from './addresses';
import { EXIT } from './exit-codes';
import { initCommand } from './init';
import { lockCommand } from './lock';
import { applyCommand, guardrailsOption, planCommand, planOptions, type PlanCommandOptions } from './plan-apply';
import { basePlanCommand } from './plan-base';
import { exitOnUserError, printEvent, printJson, reportJson, warnGuardrails, withTerraform } from './report';
import { serveCommand } from './serve';
import { core } from './core';
import { costCommand } from './cost';
import { diagramCommand } from './diagram';
import { statusCommand } from './status';
import { logsCommand } from './logs';
import { execCommand } from './exec';
import { scaleCommand } from './scale';
import { runCommand } from './run';
import { rolloutCommand } from './rollout';
import { ciInfoCommand } from './ci-info';
import { managementPolicyCommand } from './management-policy';

/** A new program: commander keeps parsed option values on it, so each parse needs its own. */
export function createProgram(): Command {
  const program = new Command('platform')
    .description('YAML environments to CDKTF stacks for ECS Fargate, and a GitOps controller that plans and applies them')
    .showHelpAfterError()
    .exitOverride((error) => process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage))
    .addHelpText(
      'after',
      "\nExit codes: 0 ok, 1 a problem in the input or in Terraform's run, 2 usage, 3 a guardrail failure (nothing written), 70 a bug in the project.",
    );

  program
    .command('validate')
    .description('check every environment; one FILE:LINE:COL KEY.PATH line per problem on stderr')
    .option('--config <dir>', 'the config folder', 'environments')
    .option('--json', 'the result as JSON on stdout')
    .action((options: { config: string; json?: boolean }) => {
      const { loadEnvironments } = core();
      const environments = exitOnUserError(() => loadEnvironments(options.config), options);
      const names = environments.map((e) => e.config.environment);
      if (options.json) printJson({ ok: true, environments: names });
      else console.log(`${environments.length} environment(s) valid: ${names.join(', ')}`);
    });

  program
    .command('synth')
    .description('write OUT/stacks/<stack>/cdk.tf.json for every environment and its bootstrap stack, once their guardrails pass')
    .option('--config <dir>', 'the config folder', 'environments')
    .option('--out <dir>', 'the output folder: stack JSON is replaced, .terraform/ and lock files in it are kept', 'cdktf.out')
    .option('--env <name>', 'only this environment (and its bootstrap stack); other stack folders are left alone')
    .option('--lock-file <file>', 'the provider lock file copied into each stack folder', '.terraform.lock.hcl')
    .addOption(guardrailsOption())
    .option('--json', 'the stacks written as JSON on stdout')
    .action((options: { config: string; out: string; env?: string; lockFile: string; guardrails: GuardrailMode; json?: boolean }) => {
      const { alarmBreakdown, alarmCount, formatAlarmCount, selectEnvironments, writeStacks } = core();
      const written = exitOnUserError(
        () =>
          writeStacks(selectEnvironments(options.config, options.env), options.out, {
            prune: options.env === undefined,
            lockFile: options.lockFile,
            guardrails: options.guardrails,
          }),
        options,
      );
      if (options.json) {
        printJson({
          ok: true,
          out: options.out,
          stacks: written.stacks.map((s) => ({ name: s.name, environment: s.environment ?? null })),
          keptWithState: written.keptWithState,
        });
        return;
      }
      warnGuardrails(written.guardrails);
      console.log(
        `synthesized ${written.stacks.length} stack(s) into ${options.out}/stacks: ${written.stacks.map((s) => s.name).join(', ')}`,
      );
      for (const stack of written.stacks)
        if (stack.environment !== undefined)
          console.log(formatAlarmCount(stack.name, alarmCount(stack.json), alarmBreakdown(stack.json).autoscaling));
      for (const name of written.keptWithState)
        console.log(`kept ${options.out}/stacks/${name}: the stack is no longer configured, but its folder holds a local state file`);
    });

  planOptions(
    program.command('plan').description('synthesize one stack, then terraform init and plan it to a saved plan file; prints a summary'),
  )
    .option('--json', 'the summary as JSON on stdout')
    .option(
      '--base <ref>',
      'plan against the environment as it is at this git ref (branch, tag, commit), applied first to an AWS API emulator (moto): the real creates, updates, replacements and destroys of the change, with no AWS account',
    )
    .action((terraformArgs: string[], options: PlanCommandOptions & { base?: string }) =>
      options.base !== undefined ? basePlanCommand({ ...options, base: options.base }, terraformArgs) : planCommand(options, terraformArgs),
    );

  planOptions(program.command('apply').description('plan one stack, show the summary, ask, then apply exactly that saved plan'))
    .option('--yes', 'apply without asking')
    .option('--allow-destroy', 'allow a plan that destroys or replaces databases, tables, buckets, keys, log groups or other data')
    .action((terraformArgs: string[], options: PlanCommandOptions & { yes?: boolean; allowDestroy?: boolean }) =>
      applyCommand(options, terraformArgs),
    );

  initCommand(program);
  lockCommand(program);
  addressesCommand(program);

  program
    .command('check-terraform')
    .description('synthesize, then terraform init, validate and plan every stack offline, and the change checks')
    .option('--config <dir>', 'the config folder', 'environments')
    .option('--out <dir>', 'the output folder', 'cdktf.out')
    .option('--lock-file <file>', 'the provider lock file copied into each stack folder', '.terraform.lock.hcl')
    .option(
      '--no-change-checks',
      'plan the stacks only, not the change scenarios (a routine change planned against a simulated deployment)',
    )
    .action(async (options: { config: string; out: string; lockFile: string; changeChecks: boolean }) => {
      const { checkTerraform, selectEnvironments } = core();
      const environments = exitOnUserError(() => selectEnvironments(options.config));
      const results = await withTerraform(() =>
        checkTerraform(environments, {
          outDir: resolve(options.out),
          lockFile: resolve(options.lockFile),
          changeChecks: options.changeChecks,
          onEvent: printEvent,
        }),
      );
      for (const result of results) {
        console.log(result.summary);
        if (result.failure) console.error(result.failure);
      }
      const failed = results.filter((r) => !r.ok).length;
      console.log(`${results.length - failed} passed, ${failed} failed`);
      if (failed > 0) process.exit(EXIT.userError);
    });

  program
    .command('check-guardrails')
    .description('run the guardrail rules over every synthesized environment; waivers are reported, failures fail (exit 3)')
    .option('--config <dir>', 'the config folder', 'environments')
    .option('--json', 'the reports as JSON on stdout')
    .action((options: { config: string; json?: boolean }) => {
      const { evaluateGuardrails, formatReport, selectEnvironments } = core();
      const reports = evaluateGuardrails(exitOnUserError(() => selectEnvironments(options.config), options));
      const failed = reports.filter((r) => r.failed).length;
      if (options.json) printJson({ ok: failed === 0, reports: reports.map(reportJson) });
      else {
        for (const report of reports) for (const line of formatReport(report)) console.log(line);
        console.log(`${reports.length - failed} passed, ${failed} failed`);
      }
      if (failed > 0) process.exit(EXIT.guardrails);
    });

  program
    .command('schema')
    .description(`write the editor JSON Schemas (${SCHEMA_FILES.defaults}, ${SCHEMA_FILES.environment})`)
    .action(() => {
      for (const file of core().writeSchemas(writeFileSync)) console.log(`wrote ${file}`);
    });

  serveCommand(program);
  costCommand(program);
  diagramCommand(program);
  // Operations over the AWS API (the environment must be applied; credentials from the SDK's default chain).
  statusCommand(program);
  logsCommand(program);
  execCommand(program);
  scaleCommand(program);
  runCommand(program);
  rolloutCommand(program);
  ciInfoCommand(program);
  managementPolicyCommand(program);

  return program;
}
