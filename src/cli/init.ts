/**
 * `init`: a new project (a commented config folder, its editor schemas, a
 * package.json whose one dependency is the platform, a .gitignore and the
 * GitHub Actions workflows), or a new environment in an existing one.
 * It never overwrites: when any file it would write exists, it writes none.
 * What it writes is validated first, in a scratch folder.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { core } from './core';
import { EXIT } from './exit-codes';
import {
  defaultsTemplate,
  environmentTemplate,
  EXAMPLE_TEST,
  gitignoreTemplate,
  packageJsonTemplate,
  PLATFORM_PACKAGE,
  TEST_TOOLS,
  workflowTemplates,
  type ProjectAnswers,
} from './init-templates';

interface InitOptions {
  project?: string;
  region: string;
  accountId?: string;
  env: string;
  from?: string;
  platformPackage?: string;
  fromPackage?: string;
  approvers?: string;
}

export function initCommand(program: Command): void {
  program
    .command('init')
    .description(
      'start a project in DIR (config folder, editor schemas, package.json, .gitignore, GitHub Actions workflows), or add --env NAME to an existing one; never overwrites',
    )
    .argument('[dir]', 'the project folder', '.')
    .option('--project <name>', 'the project name, prefix of every AWS name (new project)')
    .option('--region <region>', 'the AWS region (new project)', 'eu-west-1')
    .option('--account-id <id>', 'the 12-digit AWS account ID (new project)')
    .option('--env <name>', 'the environment to create', 'dev')
    .option('--from <name>', 'in an existing project: start the new environment as a copy of this one (with its own VPC range)')
    .option(
      '--approvers <logins>',
      'GitHub logins (comma-separated) who may approve runs of the new environment: gitops.approvers, required for a production environment (prod, production, prod-*)',
    )
    .option(
      '--platform-package <spec>',
      `new project: where npm gets the platform, the package.json dependency ${PLATFORM_PACKAGE} (a version, a git URL with a tag, file:PATH); default: this platform's version`,
    )
    .option('--from-package <path>', `new project: the platform from a folder or a tarball (npm pack) at PATH, as file:ABSOLUTE-PATH`)
    .action((dir: string, options: InitOptions) => {
      try {
        init(dir, options);
      } catch (error) {
        if (!(error instanceof InitRefused)) throw error;
      }
    });
}

function init(dir: string, options: InitOptions): void {
  const { ENVIRONMENT_NAME, isProductionName } = core();
  const configDir = join(dir, 'environments');
  const existing = existsSync(join(configDir, 'defaults.yaml'));
  if (!ENVIRONMENT_NAME.test(options.env))
    fail(`--env ${options.env}: an environment name is 2-20 lowercase letters, digits or hyphens, starting with a letter`);
  if (existing && (options.platformPackage !== undefined || options.fromPackage !== undefined))
    fail(`--platform-package and --from-package are for a new project: ${join(dir, 'package.json')} names the platform of this one`);
  if (options.platformPackage !== undefined && options.fromPackage !== undefined)
    fail('give --platform-package or --from-package, not both');
  if (options.fromPackage !== undefined && !existsSync(options.fromPackage))
    fail(`--from-package ${options.fromPackage}: no such folder or tarball`);
  const approvers = (options.approvers ?? '')
    .split(',')
    .map((login) => login.trim())
    .filter((login) => login !== '');
  if (isProductionName(options.env) && options.from === undefined && approvers.length === 0) {
    fail(
      `--env ${options.env} is a production environment: give --approvers LOGIN[,LOGIN], the GitHub logins who may approve its runs (nobody could approve them otherwise)`,
    );
  }
  const files = existing ? environmentFiles(configDir, options, approvers) : projectFiles(dir, options, approvers);
  const taken = Object.keys(files).filter((file) => existsSync(file));
  if (taken.length > 0)
    fail(`refused: ${taken.join(', ')} already exist${taken.length === 1 ? 's' : ''}; nothing was written (init never overwrites)`);
  checkInScratch(configDir, files);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${file}`);
  }
  if (existing) {
    console.log(`next: npx platform validate --config ${configDir}, then npx platform plan --config ${configDir} --env ${options.env}`);
    return;
  }
  const packageJson = join(dir, 'package.json');
  if (!(packageJson in files)) {
    // An existing package.json is left as it is: say what the workflows need of it.
    const manifest = readPackageJson(packageJson);
    const hasPlatform =
      manifest?.name === PLATFORM_PACKAGE ||
      manifest?.dependencies?.[PLATFORM_PACKAGE] !== undefined ||
      manifest?.devDependencies?.[PLATFORM_PACKAGE] !== undefined;
    if (!hasPlatform || manifest?.scripts?.test === undefined) {
      console.log(
        `note: ${packageJson} was left as it is; the workflows run npm ci, npm test and npx platform: it needs ${PLATFORM_PACKAGE} in its dependencies and a test script (for example "platform validate && platform check-guardrails")`,
      );
    }
  } else if (options.platformPackage === undefined && options.fromPackage === undefined) {
    console.log(
      `note: ${packageJson} names ${PLATFORM_PACKAGE} ${platformManifest().version}: npm installs it from your registry (.npmrc); for a tarball or folder run init with --from-package PATH`,
    );
  }
  console.log(
    `next: cd ${dir} && npm install (it writes package-lock.json: commit it with the rest; the workflows run npm ci, which needs it), then npx platform validate and npx platform plan --env ${options.env}`,
  );
}

/** The platform's own package.json (beside src/ in a clone, dist/ in the package): its version, and the test tools' versions a new project pins. */
function platformManifest(): { version: string; devDependencies: Record<string, string> } {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
}

/** The fields of a package.json init reads; undefined when it cannot be read or parsed. */
function readPackageJson(
  file: string,
):
  | { name?: string; scripts?: Record<string, string>; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }
  | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function projectFiles(dir: string, options: InitOptions, approvers: readonly string[]): Record<string, string> {
  if (!options.project) fail('a new project needs --project NAME (and --account-id ID)');
  if (!options.accountId) fail('a new project needs --account-id ID: the 12-digit AWS account the environments live in');
  const own = platformManifest();
  const spec = options.fromPackage !== undefined ? `file:${resolve(options.fromPackage)}` : (options.platformPackage ?? own.version);
  if (!/^\S+$/.test(spec))
    fail(
      `--platform-package ${JSON.stringify(spec)}: an npm spec without spaces, for example git+https://github.com/OWNER/fargate-platform.git#v0.1.0 or file:../fargate-platform`,
    );
  const answers: ProjectAnswers = {
    project: options.project!,
    region: options.region,
    accountId: options.accountId!,
    environment: options.env,
  };
  // A package.json already there (a clone of the platform, another tool's) is kept, not a reason to refuse.
  const packageJson = join(dir, 'package.json');
  return {
    ...(!existsSync(packageJson) && {
      [packageJson]: packageJsonTemplate(
        options.project!,
        spec,
        Object.fromEntries(TEST_TOOLS.map((tool) => [tool, own.devDependencies[tool]!])),
      ),
    }),
    [join(dir, 'tests', 'environments.test.ts')]: EXAMPLE_TEST,
    // The providers' hashes this platform version is checked with (synth copies the file into every stack folder).
    [join(dir, '.terraform.lock.hcl')]: readFileSync(join(__dirname, '..', '..', '.terraform.lock.hcl'), 'utf8'),
    [join(dir, 'environments', 'defaults.yaml')]: defaultsTemplate(answers),
    [join(dir, 'environments', `${options.env}.yaml`)]: environmentTemplate(answers, 10, { approvers }),
    [join(dir, core().SCHEMA_FILES.defaults)]: core().defaultsJsonSchema(),
    [join(dir, core().SCHEMA_FILES.environment)]: core().environmentJsonSchema(),
    [join(dir, '.gitignore')]: gitignoreTemplate(),
    ...Object.fromEntries(Object.entries(workflowTemplates()).map(([name, text]) => [join(dir, '.github', 'workflows', name), text])),
  };
}

/**
 * A new environment file: a copy of `--from` (with its own VPC range), or
 * the template. The VPC range is the first 10.N.0.0/16 (N = 10, 20, ...) no
 * file of the folder uses.
 */
function environmentFiles(configDir: string, options: InitOptions, approvers: readonly string[]): Record<string, string> {
  const files = readdirSync(configDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  const used = new Set(
    files.flatMap((f) => [...readFileSync(join(configDir, f), 'utf8').matchAll(/\bcidr: 10\.(\d+)\./g)].map((m) => Number(m[1]))),
  );
  const octet =
    [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250].find(
      (n) => !used.has(n),
    ) ?? 250;
  const target = join(configDir, `${options.env}.yaml`);
  if (options.from !== undefined) {
    const source = join(configDir, `${options.from}.yaml`);
    if (!core().ENVIRONMENT_NAME.test(options.from) || options.from === 'defaults' || !existsSync(source))
      fail(`--from ${options.from}: no environment file ${source}`);
    const copy = readFileSync(source, 'utf8')
      .replace(/\bcidr: 10\.\d+\.0\.0\/16\b/, `cidr: 10.${octet}.0.0/16`)
      .replace(/^environment: .*\n/m, '');
    return {
      [target]: `# ${options.env}: started as a copy of ${options.from}.yaml (npx platform init --env ${options.env} --from ${options.from}); review its host names.\n${copy}`,
    };
  }
  const answers: ProjectAnswers = { project: '', region: '', accountId: '', environment: options.env };
  const defaults = readDefaults(join(configDir, 'defaults.yaml'));
  const definesServices = isMap(defaults?.services) && Object.keys(defaults.services).length > 0;
  return {
    [target]: environmentTemplate(answers, octet, {
      certificate: certificateToName(defaults),
      sampleService: !definesServices,
      openEgressServices: openEgressServices(defaults),
      approvers,
    }),
  };
}

/** defaults.yaml as plain data; undefined when it cannot be read (the validation in the scratch folder reports it, with its line). */
function readDefaults(defaultsFile: string): Record<string, any> | undefined {
  try {
    const { parse } = require('yaml') as typeof import('yaml');
    const defaults = parse(readFileSync(defaultsFile, 'utf8')) as unknown;
    return isMap(defaults) ? defaults : undefined;
  } catch {
    return undefined;
  }
}

function isMap(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The services of defaults.yaml that set no egress (they connect anywhere, which ecs-open-egress reports). */
function openEgressServices(defaults: Record<string, any> | undefined): string[] {
  return Object.entries<any>(defaults?.services ?? {})
    .filter(([, s]) => s && typeof s === 'object' && s.egress === undefined)
    .map(([name]) => name)
    .sort();
}

/** The first certificate of defaults.yaml when it routes services and leaves the load balancer's certificate to each environment. */
function certificateToName(defaults: Record<string, any> | undefined): string | undefined {
  const routed = Object.values<any>(defaults?.services ?? {}).some((s) => s && typeof s === 'object' && s.routing);
  if (!routed || defaults?.loadBalancer?.certificate) return undefined;
  return Object.keys(defaults?.certificates ?? {})[0];
}

/** Loads the config folder as it would be after writing, in a scratch copy: init writes nothing invalid. */
function checkInScratch(configDir: string, files: Record<string, string>): void {
  const { ConfigError, evaluateGuardrails, formatProblem, formatReport, loadEnvironments } = core();
  const scratch = mkdtempSync(join(tmpdir(), 'platform-init-'));
  const scratchConfig = join(scratch, 'environments');
  try {
    if (existsSync(configDir)) cpSync(configDir, scratchConfig, { recursive: true });
    mkdirSync(scratchConfig, { recursive: true });
    for (const [file, text] of Object.entries(files)) {
      if (dirname(file) === configDir) writeFileSync(join(scratchConfig, file.slice(configDir.length + 1)), text);
    }
    const configs = loadEnvironments(scratchConfig).map((e) => e.config);
    const failed = evaluateGuardrails(configs).filter((r) => r.failed);
    if (failed.length > 0) {
      for (const report of failed) for (const line of formatReport(report)) console.error(line);
      fail('the new files would fail the guardrails (above); nothing was written. Start from an environment that passes: --from NAME');
    }
  } catch (error) {
    if (error instanceof InitRefused) throw error;
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems)
      console.error(formatProblem({ ...problem, file: problem.file.replace(scratchConfig, configDir) }));
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
