/**
 * The first-week workflow of a team: synth output that is a plain
 * Terraform working folder (init once, then synth and plan again without
 * re-init), the guardrail gate on synth and the cdktf app, `plan` of a
 * bootstrap stack with a summary and pass-through arguments, `init`, the
 * address record of their own environments, `--json`, exit codes, colour.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { terraformCliDir, terraformSettings } from '../../src/core/index';
import { EXAMPLES_DIR, runCli } from '../support/helpers';

jest.setTimeout(120_000);

const scratch = mkdtempSync(join(tmpdir(), 'platform-workflow-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A scratch copy of the examples to edit. */
function examplesCopy(name: string): string {
  const dir = join(scratch, name);
  cpSync(EXAMPLES_DIR, dir, { recursive: true });
  return dir;
}

/** dev without the waiver of a rule it breaks: an unwaived guardrail failure. */
function failingGuardrails(name: string): string {
  const config = examplesCopy(name);
  const dev = readFileSync(join(config, 'dev.yaml'), 'utf8');
  writeFileSync(join(config, 'dev.yaml'), dev.replace(/^ {4}vpc-flow-logs: .*\n/m, ''));
  return config;
}

describe('synth output is a plain Terraform working folder', () => {
  it('keeps .terraform/ and the lock file across synths, so terraform needs no re-init', () => {
    const out = join(scratch, 'plain-out');
    const lockFile = join(scratch, 'project.lock.hcl');
    writeFileSync(lockFile, readFileSync('.terraform.lock.hcl'));
    expect(runCli(['synth', '--config', EXAMPLES_DIR, '--out', out, '--lock-file', lockFile]).status).toBe(0);
    // The bootstrap stack needs only the AWS provider, which the mirror here has.
    const dev = join(out, 'stacks', 'bootstrap-shop-tf-state-123456789012');
    expect(readFileSync(join(dev, '.terraform.lock.hcl'), 'utf8')).toBe(readFileSync(lockFile, 'utf8'));
    const env = terraformSettings(terraformCliDir(join(scratch, 'plain-cli'))).env;
    execFileSync('terraform', ['init', '-input=false', '-no-color'], { cwd: dev, env, stdio: 'pipe' });
    const provider = readdirSync(join(dev, '.terraform', 'providers'));
    expect(runCli(['synth', '--config', EXAMPLES_DIR, '--out', out, '--lock-file', lockFile]).status).toBe(0);
    expect(readdirSync(join(dev, '.terraform', 'providers'))).toEqual(provider);
    expect(readFileSync(join(dev, '.terraform.lock.hcl'), 'utf8')).toBe(readFileSync(lockFile, 'utf8'));
    // validate reads the installed providers: it fails with "missing or corrupted provider plugins" after a lost .terraform.
    const validated = spawnSync('terraform', ['validate', '-no-color'], { cwd: dev, env, encoding: 'utf8' });
    expect(validated.stdout + validated.stderr).toContain('Success! The configuration is valid');
  });

  it('prunes stacks no longer configured, but keeps a folder that holds a local state', () => {
    const config = examplesCopy('prune-config');
    const out = join(scratch, 'prune-out');
    expect(runCli(['synth', '--config', config, '--out', out]).status).toBe(0);
    writeFileSync(join(out, 'stacks', 'staging', 'notes.txt'), 'mine');
    writeFileSync(join(out, 'stacks', 'bootstrap-shop-tf-state-123456789012', 'terraform.tfstate'), '{"version": 4}');
    expect(runCli(['synth', '--config', config, '--out', out, '--env', 'dev']).status).toBe(0);
    expect(readFileSync(join(out, 'stacks', 'staging', 'notes.txt'), 'utf8')).toBe('mine'); // --env leaves the others alone
    expect(Object.keys(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).stacks)).toEqual(['bootstrap-shop-tf-state-123456789012', 'controller-infrastructure', 'dev', 'prod', 'staging']);
    rmSync(join(config, 'staging.yaml'));
    const defaults = readFileSync(join(config, 'defaults.yaml'), 'utf8');
    writeFileSync(join(config, 'defaults.yaml'), defaults.replace('bucket: shop-tf-state-123456789012', 'bucket: shop-state-moved'));
    const result = runCli(['synth', '--config', config, '--out', out]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('kept');
    expect(existsSync(join(out, 'stacks', 'staging'))).toBe(false);
    const oldBootstrap = join(out, 'stacks', 'bootstrap-shop-tf-state-123456789012');
    expect(readdirSync(oldBootstrap)).toEqual(['.terraform.lock.hcl', 'terraform.tfstate']);
  });
});

describe('the guardrail gate', () => {
  it('stops synth with exit 3 and writes nothing, unless asked only to report', () => {
    const config = failingGuardrails('gate-config');
    const out = join(scratch, 'gate-out');
    const refused = runCli(['synth', '--config', config, '--out', out]);
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/FAIL vpc-flow-logs .*fix: set network\.flowLogs: true/);
    expect(refused.stderr).toContain('nothing was written');
    expect(existsSync(out)).toBe(false);
    const reported = runCli(['synth', '--config', config, '--out', out, '--guardrails', 'report']);
    expect(reported.status).toBe(0);
    expect(reported.stderr).toContain('warning: dev fails its guardrails; written anyway');
    expect(existsSync(join(out, 'stacks', 'dev', 'cdk.tf.json'))).toBe(true);
  });

  it('stops the cdktf app (cdktf synth / deploy) too', () => {
    const config = failingGuardrails('gate-app-config');
    const out = join(scratch, 'gate-app-out');
    const app = spawnSync(process.execPath, ['--require', './src/runtime.js', 'main.ts'], { encoding: 'utf8', env: { ...process.env, PLATFORM_CONFIG_DIR: config, CDKTF_OUTDIR: out } });
    expect(app.status).toBe(3);
    expect(existsSync(join(out, 'stacks'))).toBe(false);
  });

  it('stops plan before Terraform runs', () => {
    const refused = runCli(['plan', '--config', failingGuardrails('gate-plan-config'), '--env', 'dev', '--out', join(scratch, 'gate-plan-out'), '--offline']);
    expect(refused.status).toBe(3);
    expect(refused.stdout).not.toContain('terraform');
  });
});

describe('plan', () => {
  it('plans a bootstrap stack, prints a summary instead of the full plan, and passes arguments after -- to terraform', () => {
    // Relative, as users type it (the default is cdktf.out): terraform runs in the stack's folder, the CLI config must still be found.
    const out = relative(process.cwd(), join(scratch, 'plan-out'));
    const stack = 'bootstrap-shop-tf-state-123456789012';
    const full = runCli(['plan', '--config', EXAMPLES_DIR, '--env', stack, '--out', out, '--offline', '--json']);
    expect(full.status).toBe(0);
    const summary = JSON.parse(full.stdout);
    expect(summary).toMatchObject({ ok: true, stack, offline: true, changes: true });
    expect(summary.summary.add).toBeGreaterThan(1);
    expect(existsSync(join(out, summary.planFile.replace(/^.*?terraform-check/, 'terraform-check')))).toBe(true);
    const target = summary.summary.addresses.create.find((a: string) => a.startsWith('aws_dynamodb_table.'));
    const targeted = runCli(['plan', '--config', EXAMPLES_DIR, '--env', stack, '--out', out, '--offline', '--', `-target=${target}`]);
    expect(targeted.status).toBe(0);
    expect(targeted.stdout).toContain(`${stack}: 1 to add, 0 to change, 0 to replace, 0 to destroy`);
    expect(targeted.stdout).toContain(`  add     ${target}`);
    expect(targeted.stdout).not.toContain('Terraform will perform the following actions');
    expect(targeted.stdout).toContain('saved plan: ');
    const verbose = runCli(['plan', '--config', EXAMPLES_DIR, '--env', stack, '--out', out, '--offline', '--verbose', '--', `-target=${target}`]);
    expect(verbose.stdout).toContain('Terraform will perform the following actions');
  });

  it('names both kinds of stack when the name is unknown', () => {
    const result = runCli(['plan', '--config', EXAMPLES_DIR, '--env', 'nope', '--out', join(scratch, 'nope')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no environment "nope"; found dev, prod, staging (bootstrap stacks: bootstrap-shop-tf-state-123456789012; the controller\'s stack: controller-infrastructure)');
  });

  it('suggests the environment a typo meant, with no made-up file position', () => {
    const result = runCli(['plan', '--config', EXAMPLES_DIR, '--env', 'prdo', '--out', join(scratch, 'prdo')]);
    expect(result.status).toBe(1);
    expect(result.stderr.split('\n')[0]).toBe(`${EXAMPLES_DIR}: no environment "prdo"; did you mean "prod"? found dev, prod, staging (bootstrap stacks: bootstrap-shop-tf-state-123456789012; the controller's stack: controller-infrastructure)`);
  });
});

describe('init', () => {
  it('scaffolds a project that validates and synthesizes, then refuses to overwrite it', () => {
    const project = join(scratch, 'new-project');
    const created = runCli(['init', project, '--project', 'acme', '--account-id', '111122223333', '--region', 'us-east-1']);
    expect(created.status).toBe(0);
    for (const file of ['package.json', 'environments/defaults.yaml', 'environments/dev.yaml', 'schema/defaults.schema.json', 'schema/environment.schema.json', '.gitignore']) {
      expect(existsSync(join(project, file))).toBe(true);
    }
    // The three workflows, exactly as src/cli/templates/workflows holds them.
    expect(readdirSync(join(project, '.github', 'workflows')).sort()).toEqual(['apply.yml', 'image.yml', 'pull-request.yml']);
    for (const name of readdirSync('src/cli/templates/workflows')) {
      expect({ name, same: readFileSync(join(project, '.github', 'workflows', name), 'utf8') === readFileSync(join('src/cli/templates/workflows', name), 'utf8') }).toEqual({ name, same: true });
    }
    expect(readFileSync(join(project, '.gitignore'), 'utf8')).toBe(readFileSync('src/cli/templates/project/gitignore', 'utf8'));
    // package.json: the platform at this version, the test tools at the platform's own pins, jest on its preset; a first test.
    const own = JSON.parse(readFileSync('package.json', 'utf8'));
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
    expect(manifest.dependencies).toEqual({ 'fargate-platform': own.version });
    expect(manifest.devDependencies).toEqual({ jest: own.devDependencies.jest, '@swc/jest': own.devDependencies['@swc/jest'], '@swc/core': own.devDependencies['@swc/core'] });
    expect(manifest.jest).toEqual({ preset: 'fargate-platform' });
    expect(manifest.scripts.test).toBe('jest && platform validate && platform check-guardrails && platform check-addresses');
    expect(readFileSync(join(project, 'tests', 'environments.test.ts'), 'utf8')).toContain("from 'fargate-platform/testing'");
    expect(readFileSync(join(project, '.terraform.lock.hcl'), 'utf8')).toBe(readFileSync('.terraform.lock.hcl', 'utf8'));
    expect(created.stdout).toContain(`note: ${join(project, 'package.json')} names fargate-platform ${own.version}: npm installs it from your registry (.npmrc); for a tarball or folder run init with --from-package PATH`);
    expect(created.stdout).toContain(`next: cd ${project} && npm install (it writes package-lock.json: commit it with the rest; the workflows run npm ci, which needs it)`);
    expect(readFileSync(join(project, 'environments', 'dev.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\.\/schema\/environment\.schema\.json$/m);
    const config = join(project, 'environments');
    expect(runCli(['synth', '--config', config, '--out', join(scratch, 'new-project-out')]).status).toBe(0);
    // S3-native locking, no lock table: the backend block, the bootstrap stack, and a real init against local servers with no deprecation warning.
    const stackJson = (name: string) => JSON.parse(readFileSync(join(scratch, 'new-project-out', 'stacks', name, 'cdk.tf.json'), 'utf8'));
    expect(stackJson('dev').terraform.backend.s3).toEqual({ bucket: 'acme-tf-state-111122223333', key: 'acme/dev.tfstate', region: 'us-east-1', encrypt: true, use_lockfile: true });
    expect(stackJson('bootstrap-acme-tf-state-111122223333').resource.aws_dynamodb_table).toBeUndefined();
    // The backend check is the project's own (dev dependencies: s3rver, dynalite), an npm script rather than a platform command.
    const backend = spawnSync(process.execPath, ['--require', './src/runtime.js', 'scripts/check-backend.ts', '--config', config, '--out', join(scratch, 'new-project-out')], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    expect({ status: backend.status, stderr: backend.stderr }).toEqual({ status: 0, stderr: '' });
    expect(backend.stdout).toContain('init ok (s3://acme-tf-state-111122223333/acme/dev.tfstate, lock file, no dynamodb_table, no deprecation warning)');
    const before = readFileSync(join(config, 'dev.yaml'), 'utf8');
    const again = runCli(['init', project, '--project', 'other', '--account-id', '999999999999']);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('already exists; nothing was written (init never overwrites)');
    expect(readFileSync(join(config, 'dev.yaml'), 'utf8')).toBe(before);
    const qa = runCli(['init', project, '--env', 'qa']);
    expect(qa.status).toBe(0);
    expect(runCli(['validate', '--config', config]).stdout).toContain('2 environment(s) valid: dev, qa');
  });

  // npm install from the packed tarball and the team's npm test (jest through the preset): scripts/package-check.sh, in .ci/run.
  it('starts a project whose workflows\' platform commands run, with the platform installed as its dependency', () => {
    const project = join(scratch, 'installed-project');
    const platform = process.cwd();
    const created = runCli(['init', project, '--project', 'acme', '--account-id', '111122223333', '--from-package', platform]);
    expect(created.status).toBe(0);
    expect(created.stdout).not.toContain('note:');
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
    expect(manifest.dependencies).toEqual({ 'fargate-platform': `file:${platform}` });
    // What npm install makes of a file: dependency (a link to the folder, its bin in .bin), without running npm install here.
    mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(platform, join(project, 'node_modules', 'fargate-platform'));
    symlinkSync('../fargate-platform/bin/platform.js', join(project, 'node_modules', '.bin', 'platform'));
    const inProject = (command: string, args: string[]) => spawnSync(command, args, { cwd: project, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    const checks = inProject('npx', ['platform', 'check-guardrails']);
    expect({ status: checks.status, stderr: checks.stderr }).toEqual({ status: 0, stderr: '' });
    expect(checks.stdout).toMatch(/^dev: \d+ passed, 0 failed/m);
    // The commands the workflows run before any AWS call.
    expect(JSON.parse(inProject('npx', ['platform', 'validate', '--json']).stdout)).toEqual({ ok: true, environments: ['dev'] });
    expect(inProject('npx', ['platform', 'check-addresses']).status).toBe(0);
    expect(JSON.parse(inProject('npx', ['platform', 'ci-info', '--env', 'dev']).stdout)).toMatchObject({ environment: 'dev', cluster: 'acme-dev', services: { hello: { platform: 'linux/amd64', repositoryUrl: null } } });
  });

  it('keeps a package.json that is there, saying what the workflows need of it', () => {
    const project = join(scratch, 'own-package');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{ "name": "own", "private": true }\n');
    const created = runCli(['init', project, '--project', 'acme', '--account-id', '111122223333']);
    expect(created.status).toBe(0);
    expect(readFileSync(join(project, 'package.json'), 'utf8')).toBe('{ "name": "own", "private": true }\n');
    expect(created.stdout).toContain(`note: ${join(project, 'package.json')} was left as it is; the workflows run npm ci, npm test and npx platform: it needs fargate-platform in its dependencies and a test script`);
    expect(runCli(['init', project, '--env', 'qa', '--platform-package', 'file:x']).stderr).toContain('--platform-package and --from-package are for a new project');
  });

  it('adds an environment to an existing project that passes its guardrails: HTTPS when defaults route services, or a copy of another', () => {
    const config = examplesCopy('init-existing');
    const root = join(config, '..', 'init-existing-root');
    mkdirSync(root);
    cpSync(config, join(root, 'environments'), { recursive: true });
    const envs = join(root, 'environments');
    expect(runCli(['init', root, '--env', 'qa']).status).toBe(0);
    const qa = readFileSync(join(envs, 'qa.yaml'), 'utf8');
    expect(qa).toMatch(/^loadBalancer:\n {2}certificate: web$/m);
    expect(qa).toContain('cidr: 10.40.0.0/16'); // dev, staging and prod use 10.10, 10.20 and 10.30
    // defaults.yaml defines the services: qa runs those, with no sample service of its own.
    expect(qa).not.toMatch(/^services:|hello/m);
    const defaultServices = Object.keys((parse(readFileSync(join(envs, 'defaults.yaml'), 'utf8')) as { services: object }).services);
    expect(JSON.parse(runCli(['ci-info', '--config', envs, '--env', 'qa']).stdout).services).toEqual(Object.fromEntries(defaultServices.map((name) => [name, expect.anything()])));
    expect(runCli(['init', root, '--env', 'qa2', '--from', 'dev']).status).toBe(0);
    expect(readFileSync(join(envs, 'qa2.yaml'), 'utf8')).toContain('cidr: 10.50.0.0/16');
    const checked = runCli(['check-guardrails', '--config', envs]);
    // The five environments pass (the count also has the project's other stacks: bootstrap, controller).
    for (const name of ['dev', 'prod', 'qa', 'qa2', 'staging']) expect(checked.stdout).toMatch(new RegExp(`^${name}( \\(production\\))?: \\d+ passed, 0 failed`, 'm'));
    expect(checked.stdout).toMatch(/^\d+ passed, 0 failed$/m);
    expect(runCli(['init', root, '--env', 'qa3', '--from', 'nope']).stderr).toContain('--from nope: no environment file');
    expect(existsSync(join(envs, 'qa3.yaml'))).toBe(false);
  });

  it('starts a production environment only with someone who may approve its runs', () => {
    const project = join(scratch, 'production-project');
    const refused = runCli(['init', project, '--project', 'acme', '--account-id', '111122223333', '--env', 'prod']);
    expect({ status: refused.status, stderr: refused.stderr }).toEqual({ status: 1, stderr: '--env prod is a production environment: give --approvers LOGIN[,LOGIN], the GitHub logins who may approve its runs (nobody could approve them otherwise)\n' });
    expect(existsSync(project)).toBe(false);
    expect(runCli(['init', project, '--project', 'acme', '--account-id', '111122223333', '--env', 'prod', '--approvers', 'alice, bob']).status).toBe(0);
    expect(readFileSync(join(project, 'environments', 'prod.yaml'), 'utf8')).toMatch(/^gitops:\n {2}approvers: \[alice, bob\]$/m);
    expect(runCli(['validate', '--config', join(project, 'environments')]).stdout).toContain('1 environment(s) valid: prod');
  });

  it('writes nothing when a new project lacks its account', () => {
    const project = join(scratch, 'no-account');
    const result = runCli(['init', project, '--project', 'acme']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('a new project needs --account-id ID');
    expect(existsSync(project)).toBe(false);
  });
});

describe('check-addresses (the team\'s own environments)', () => {
  it('records addresses, fails naming what a rename would destroy, and passes for a new environment', () => {
    const config = examplesCopy('addresses-config');
    expect(runCli(['check-addresses', '--config', config, '--accept']).status).toBe(0);
    expect(runCli(['check-addresses', '--config', config]).stdout).toMatch(/^dev: \d+ address\(es\), as recorded$/m);
    const dev = readFileSync(join(config, 'dev.yaml'), 'utf8');
    writeFileSync(join(config, 'dev.yaml'), dev.replace(/^dynamodb:\n(?: .*\n)*/m, 'dynamodb: null\n'));
    writeFileSync(join(config, 'qa.yaml'), 'network: { cidr: 10.77.0.0/16 }\n');
    const failed = runCli(['check-addresses', '--config', config]);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/^dev: \d+ recorded address\(es\) are gone; Terraform would destroy these resources/m);
    expect(failed.stderr).toMatch(/^ {2}destroy aws_dynamodb_table\.table-sessions_/m);
    expect(failed.stderr).toContain(`accept it with npx platform check-addresses --config ${config} --env dev --accept`);
    expect(failed.stdout).toMatch(/^qa: no record yet; record its \d+ address\(es\)/m);
    expect(runCli(['check-addresses', '--config', config, '--env', 'dev', '--accept']).status).toBe(0);
    expect(runCli(['check-addresses', '--config', config]).status).toBe(0);
  });
});

describe('the command line', () => {
  const commands = ['validate', 'synth', 'plan', 'apply', 'init', 'lock', 'check-addresses', 'check-terraform', 'check-guardrails', 'schema', 'serve'];

  it('lists every command, and each has --help', () => {
    const help = runCli(['--help']);
    expect(help.status).toBe(0);
    for (const command of commands) {
      expect(help.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'));
      const own = runCli([command, '--help']);
      expect(own.status).toBe(0);
      expect(own.stdout).toMatch(new RegExp(`^Usage: platform ${command} `));
    }
    expect(help.stdout).toContain('Exit codes: 0 ok, 1 a problem in the input');
    // The project's own checks (npm run check:backend, check:apply) need dev dependencies: not commands of the installed platform.
    expect(help.stdout).not.toMatch(/^ {2}check-(backend|apply) /m);
  });

  it('exits 2 on usage errors', () => {
    expect(runCli(['synth', '--bogus']).status).toBe(2);
    expect(runCli(['no-such-command']).status).toBe(2);
    expect(runCli(['synth', '--guardrails', 'maybe']).status).toBe(2);
    // After --, flags the project sets itself would change which plan file apply applies.
    const own = runCli(['plan', '--config', EXAMPLES_DIR, '--env', 'dev', '--out', join(scratch, 'own-flags'), '--', '-out=other']);
    expect(own.status).toBe(2);
    expect(own.stderr).toContain('refused: -out=other after --');
    expect(existsSync(join(scratch, 'own-flags'))).toBe(false);
    expect(runCli(['apply', '--env', 'dev', '--json']).status).toBe(2);
  });

  it('prints problems as JSON with --json, and never colour when not on a terminal', () => {
    const config = join(scratch, 'json-config');
    mkdirSync(config);
    writeFileSync(join(config, 'dev.yaml'), 'projekt: x\n');
    const result = runCli(['validate', '--config', config, '--json'], { FORCE_COLOR: '1' });
    expect(result.status).toBe(1);
    const body = JSON.parse(result.stdout);
    expect(body.ok).toBe(false);
    expect(body.problems).toEqual(expect.arrayContaining([expect.objectContaining({ keyPath: 'projekt', line: 1, column: 1, text: expect.stringContaining('unknown key "projekt"') })]));
    const plain = runCli(['validate', '--config', config]);
    expect(plain.stderr).toContain('unknown key');
    expect(plain.stderr + plain.stdout).not.toContain('\u001b[');
    const valid = JSON.parse(runCli(['validate', '--config', EXAMPLES_DIR, '--json']).stdout);
    expect(valid).toEqual({ ok: true, environments: ['dev', 'prod', 'staging'] });
  });
});
