/**
 * `init`: a new project (a commented config folder, its editor schemas, a
 * .gitignore and a CI workflow), or a new environment in an existing one.
 * It never overwrites: when any file it would write exists, it writes none.
 * What it writes is validated first, in a scratch folder.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, defaultsJsonSchema, ENVIRONMENT_NAME, formatProblem, environmentJsonSchema, loadEnvironments, SCHEMA_FILES } from '../core/index';
import { EXIT } from './exit-codes';
import { defaultsTemplate, environmentTemplate, GITIGNORE, WORKFLOW, type ProjectAnswers } from './init-templates';

interface InitOptions {
  project?: string;
  region: string;
  accountId?: string;
  env: string;
}

export function initCommand(program: Command): void {
  program
    .command('init')
    .description('start a project in DIR (config folder, editor schemas, .gitignore, CI workflow), or add --env NAME to an existing one; never overwrites')
    .argument('[dir]', 'the project folder', '.')
    .option('--project <name>', 'the project name, prefix of every AWS name (new project)')
    .option('--region <region>', 'the AWS region (new project)', 'eu-west-1')
    .option('--account-id <id>', 'the 12-digit AWS account ID (new project)')
    .option('--env <name>', 'the environment to create', 'dev')
    .action((dir: string, options: InitOptions) => {
      try {
        init(dir, options);
      } catch (error) {
        if (!(error instanceof InitRefused)) throw error;
      }
    });
}

function init(dir: string, options: InitOptions): void {
  const configDir = join(dir, 'environments');
  const existing = existsSync(join(configDir, 'defaults.yaml'));
  if (!ENVIRONMENT_NAME.test(options.env)) fail(`--env ${options.env}: an environment name is 2-20 lowercase letters, digits or hyphens, starting with a letter`);
  const files = existing ? environmentFiles(configDir, options) : projectFiles(dir, options);
  const taken = Object.keys(files).filter((file) => existsSync(file));
  if (taken.length > 0) fail(`refused: ${taken.join(', ')} already exist${taken.length === 1 ? 's' : ''}; nothing was written (init never overwrites)`);
  checkInScratch(configDir, files);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${file}`);
  }
  console.log(`next: npx platform validate --config ${configDir}, then npx platform plan --config ${configDir} --env ${options.env}`);
}

function projectFiles(dir: string, options: InitOptions): Record<string, string> {
  if (!options.project) fail('a new project needs --project NAME (and --account-id ID)');
  if (!options.accountId) fail('a new project needs --account-id ID: the 12-digit AWS account the environments live in');
  const answers: ProjectAnswers = { project: options.project!, region: options.region, accountId: options.accountId!, environment: options.env };
  return {
    [join(dir, 'environments', 'defaults.yaml')]: defaultsTemplate(answers),
    [join(dir, 'environments', `${options.env}.yaml`)]: environmentTemplate(answers, 10),
    [join(dir, SCHEMA_FILES.defaults)]: defaultsJsonSchema(),
    [join(dir, SCHEMA_FILES.environment)]: environmentJsonSchema(),
    [join(dir, '.gitignore')]: GITIGNORE,
    [join(dir, '.github', 'workflows', 'platform.yml')]: WORKFLOW,
  };
}

/** A new environment file; its VPC range is the next /16 after the folder's files (10.10, 10.20, ...). */
function environmentFiles(configDir: string, options: InitOptions): Record<string, string> {
  const environments = readdirSync(configDir).filter((f) => f.endsWith('.yaml') && f !== 'defaults.yaml').length;
  const answers: ProjectAnswers = { project: '', region: '', accountId: '', environment: options.env };
  return { [join(configDir, `${options.env}.yaml`)]: environmentTemplate(answers, Math.min(250, 10 * (environments + 1))) };
}

/** Loads the config folder as it would be after writing, in a scratch copy: init writes nothing invalid. */
function checkInScratch(configDir: string, files: Record<string, string>): void {
  const scratch = mkdtempSync(join(tmpdir(), 'platform-init-'));
  const scratchConfig = join(scratch, 'environments');
  try {
    if (existsSync(configDir)) cpSync(configDir, scratchConfig, { recursive: true });
    mkdirSync(scratchConfig, { recursive: true });
    for (const [file, text] of Object.entries(files)) {
      if (dirname(file) === configDir) writeFileSync(join(scratchConfig, file.slice(configDir.length + 1)), text);
    }
    loadEnvironments(scratchConfig);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) console.error(formatProblem({ ...problem, file: problem.file.replace(scratchConfig, configDir) }));
    fail(`the files init would write do not validate with this folder (above); nothing was written`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function fail(message: string): never {
  console.error(message);
  // Exits after the `finally` above has removed the scratch folder.
  process.exitCode = EXIT.userError;
  throw new InitRefused();
}

class InitRefused extends Error {}
