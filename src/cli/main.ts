/**
 * The command line: validate, synth, plan, check-terraform, schema.
 * Run through npm scripts (`npm run synth -- --env dev`).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { loadEnvironments } from '../config/load';
import { environmentJsonSchema, SCHEMA_FILE } from '../config/json-schema';
import { planChanges } from '../terraform/change-check';
import { changeScenarios, type ChangeScenario } from '../terraform/change-scenarios';
import { checkStacks, providersToStandIn, type StackCheck } from '../terraform/check';
import { terraformEnvironment } from '../terraform/cli-config';
import { prepareOfflineStack } from '../terraform/offline';
import { terraform, TerraformMissingError } from '../terraform/run';
import { guardrailReports } from '../guardrails/environments';
import { formatReport } from '../guardrails/run';
import { loadSelected, synthConfigs, synthToDir } from '../synth';
import { exitOnConfigError } from './report';

const program = new Command('platform')
  .description('YAML environments to CDKTF stacks for ECS Fargate')
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
    const stacks = exitOnConfigError(() => synthToDir({ configDir: options.config, outDir: options.out, environment: options.env }));
    console.log(`synthesized ${stacks.length} stack(s) into ${options.out}/stacks: ${stacks.join(', ')}`);
  });

program
  .command('plan')
  .description('synthesize one environment, then terraform init + plan it')
  .requiredOption('--env <name>', 'the environment')
  .option('--config <dir>', 'the config folder', 'environments')
  .option('--out <dir>', 'the output folder', 'cdktf.out')
  .option('--offline', 'local backend and dummy credentials (the default when no AWS credentials are found)')
  .option('--online', 'the real S3 backend and your AWS credentials')
  .action((options: { env: string; config: string; out: string; offline?: boolean; online?: boolean }) => {
    exitOnConfigError(() => synthToDir({ configDir: options.config, outDir: options.out, environment: options.env }));
    const offline = options.online ? false : options.offline || !hasAwsCredentials();
    if (offline && !options.offline) console.log('No AWS credentials found: planning offline (local backend, dummy credentials, no refresh). Pass --online to use the real backend.');
    const stackDir = join(options.out, 'stacks', options.env);
    const tf = terraformEnvironment(resolve(options.out, 'terraform-check', '.terraform-cli'));
    console.log(tf.description);
    let dir = stackDir;
    if (offline) {
      const prepared = prepareOfflineStack(join(stackDir, 'cdk.tf.json'), join(options.out, 'terraform-check', options.env), providersToStandIn(tf));
      for (const replaced of prepared.standIns) console.log(`${replaced} stands in as terraform_data (its provider cannot be installed here)`);
      dir = prepared.dir;
    }
    const planArgs = ['plan', '-input=false', ...(offline ? ['-refresh=false', '-lock=false'] : [])];
    for (const args of [['init', '-input=false'], planArgs]) {
      const result = runTerraform(args, dir, tf.env);
      process.stdout.write(result.output);
      if (!result.ok) process.exit(1);
    }
  });

program
  .command('check-terraform')
  .description('synthesize, then terraform init, validate and plan every stack offline')
  .option('--config <dir>', 'the config folder', 'environments')
  .option('--out <dir>', 'the output folder', 'cdktf.out')
  .action((options: { config: string; out: string }) => {
    const environments = exitOnConfigError(() => loadSelected(options.config));
    const stacks = synthConfigs(environments, options.out);
    const results = withTerraform(() => checkStacks({ outDir: resolve(options.out), stacks, log: (line) => console.log(line) }));
    for (const result of results) {
      console.log(result.summary);
      if (result.failure) console.error(result.failure);
    }
    const scenarios = environments.map(changeScenarios).find((list) => list.length > 0) ?? [];
    for (const result of withTerraform(() => checkScenarios(scenarios, resolve(options.out)))) {
      console.log(result.summary);
      results.push(result);
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
    const environments = exitOnConfigError(() => loadSelected(options.config));
    const reports = guardrailReports(environments);
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

/** Plans change scenarios (all from one deployed environment) against a simulated deployment and judges each. */
function checkScenarios(scenarios: readonly ChangeScenario[], outDir: string): StackCheck[] {
  if (scenarios.length === 0) return [];
  const tf = terraformEnvironment(join(outDir, 'terraform-check', '.terraform-cli'));
  const started = Date.now();
  const planned = planChanges(scenarios[0]!.before, scenarios.map((s) => s.after), join(outDir, 'terraform-check', 'change'), tf.env, providersToStandIn(tf));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return scenarios.map((scenario, i) => {
    const changes = planned[i]!;
    const verdict = scenario.judge(changes);
    const listed = changes.length <= 3 ? changes.map((c) => `${c.address} ${c.actions.join('+')}`).join(', ') : `${changes.length} resource changes`;
    const summary = `change ${scenario.description}: ${verdict ? `FAILED, ${verdict}` : 'ok'} (${listed || 'no changes'})`;
    return { stack: `change ${scenario.description}`, ok: verdict === '', summary: i === scenarios.length - 1 ? `${summary}; ${seconds}s for all changes` : summary };
  });
}

function hasAwsCredentials(): boolean {
  const env = process.env;
  return Boolean(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI ||
    existsSync(join(homedir(), '.aws', 'credentials')) || existsSync(join(homedir(), '.aws', 'config')));
}

function runTerraform(args: string[], dir: string, env: NodeJS.ProcessEnv) {
  return withTerraform(() => terraform(args, dir, env));
}

function withTerraform<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof TerraformMissingError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

program.parse();
