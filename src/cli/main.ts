/**
 * The command line: parses arguments, calls the core (src/core), prints.
 * Run through npm scripts (`npm run synth -- --env dev`) or the `platform` bin.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import {
  checkTerraform, environmentJsonSchema, evaluateGuardrails, formatReport, loadEnvironments, SCHEMA_FILE,
  selectEnvironments, synthesizeToDir,
} from '../core/index';
import { applyCommand, planCommand, type PlanCommandOptions } from './plan-apply';
import { exitOnConfigError, printEvent, withTerraform } from './report';
import { serveCommand } from './serve';

const program = new Command('platform')
  .description('YAML environments to CDKTF stacks for ECS Fargate, and a GitOps controller that plans and applies them')
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

program
  .command('validate')
  .description('check every environment; one line per problem on stderr')
  .option('--config <dir>', 'the config folder', 'environments')
  .action((options: { config: string }) => {
    const environments = exitOnConfigError(() => loadEnvironments(options.config));
    console.log(`${environments.length} environment(s) valid: ${environments.map((e) => e.config.environment).join(', ')}`);
  });

program
  .command('synth')
  .description('write OUT/stacks/<stack>/cdk.tf.json for every environment and its bootstrap stack')
  .option('--config <dir>', 'the config folder', 'environments')
  .option('--out <dir>', 'the output folder (replaced)', 'cdktf.out')
  .option('--env <name>', 'only this environment')
  .action((options: { config: string; out: string; env?: string }) => {
    const stacks = exitOnConfigError(() => synthesizeToDir(selectEnvironments(options.config, options.env), options.out));
    console.log(`synthesized ${stacks.length} stack(s) into ${options.out}/stacks: ${stacks.map((s) => s.name).join(', ')}`);
  });

const planOptions = (command: Command) => command
  .requiredOption('--env <name>', 'the environment')
  .option('--config <dir>', 'the config folder', 'environments')
  .option('--out <dir>', 'the output folder', 'cdktf.out')
  .option('--offline', 'local backend and dummy credentials (the default when no AWS credentials are found)')
  .option('--online', 'the real S3 backend and your AWS credentials')
  .option('--sandbox', 'every resource stands in as terraform_data on a local state: real plans and applies that change nothing');

planOptions(program.command('plan').description('synthesize one environment, then terraform init and plan it to a saved plan file'))
  .action((options: PlanCommandOptions) => planCommand(options));

planOptions(program.command('apply').description('plan one environment, show the summary, ask, then apply exactly that saved plan'))
  .option('--yes', 'apply without asking')
  .option('--allow-destroy', 'allow a plan that destroys or replaces databases, tables, buckets, keys, log groups or other data')
  .action((options: PlanCommandOptions & { yes?: boolean; allowDestroy?: boolean }) => applyCommand(options));

program
  .command('check-terraform')
  .description('synthesize, then terraform init, validate and plan every stack offline, and the change checks')
  .option('--config <dir>', 'the config folder', 'environments')
  .option('--out <dir>', 'the output folder', 'cdktf.out')
  .action(async (options: { config: string; out: string }) => {
    const environments = exitOnConfigError(() => selectEnvironments(options.config));
    const results = await withTerraform(() => checkTerraform(environments, { outDir: resolve(options.out), onEvent: printEvent }));
    for (const result of results) {
      console.log(result.summary);
      if (result.failure) console.error(result.failure);
    }
    const failed = results.filter((r) => !r.ok).length;
    console.log(`${results.length - failed} passed, ${failed} failed`);
    if (failed > 0) process.exit(1);
  });

program
  .command('check-guardrails')
  .description('run the guardrail rules over every synthesized environment; waivers are reported, failures fail')
  .option('--config <dir>', 'the config folder', 'environments')
  .action((options: { config: string }) => {
    const reports = evaluateGuardrails(exitOnConfigError(() => selectEnvironments(options.config)));
    for (const report of reports) for (const line of formatReport(report)) console.log(line);
    const failed = reports.filter((r) => r.failed).length;
    console.log(`${reports.length - failed} passed, ${failed} failed`);
    if (failed > 0) process.exit(1);
  });

program
  .command('schema')
  .description(`write the editor JSON Schema to ${SCHEMA_FILE}`)
  .action(() => {
    writeFileSync(SCHEMA_FILE, environmentJsonSchema());
    console.log(`wrote ${SCHEMA_FILE}`);
  });

serveCommand(program);

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
