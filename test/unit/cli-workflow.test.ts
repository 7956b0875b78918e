/**
 * The first-week workflow of a team, in-process (test/support/cli-in-process.ts):
 * synth pruning stacks no longer configured, the guardrail gate on synth and
 * plan, `plan`'s unknown stack names, `init`, the address record of their own
 * environments, `--help`, `--json`, exit codes. What needs a process (real
 * Terraform, the cdktf app, the installed bin, the backend check, colour of a
 * real process) is test/e2e/cli-workflow.test.ts.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cli as runCli } from '../support/cli-in-process';
import { EXAMPLES_DIR, examplesCopy as copyOfExamples, failingGuardrailsCopy } from '../support/helpers';

const scratch = mkdtempSync(join(tmpdir(), 'platform-workflow-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const examplesCopy = (name: string) => copyOfExamples(scratch, name);
const failingGuardrails = (name: string) => failingGuardrailsCopy(scratch, name);

describe('synth output is a plain Terraform working folder', () => {
  it('prunes stacks no longer configured, but keeps a folder that holds a local state', async () => {
    const config = examplesCopy('prune-config');
    const out = join(scratch, 'prune-out');
    expect((await runCli(['synth', '--config', config, '--out', out])).status).toBe(0);
    writeFileSync(join(out, 'stacks', 'staging', 'notes.txt'), 'mine');
    writeFileSync(join(out, 'stacks', 'bootstrap-shop-tf-state-123456789012', 'terraform.tfstate'), '{"version": 4}');
    expect((await runCli(['synth', '--config', config, '--out', out, '--env', 'dev'])).status).toBe(0);
    expect(readFileSync(join(out, 'stacks', 'staging', 'notes.txt'), 'utf8')).toBe('mine'); // --env leaves the others alone
    expect(Object.keys(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).stacks)).toEqual([
      'bootstrap-shop-tf-state-123456789012',
      'controller-infrastructure',
      'dev',
      'prod',
      'staging',
    ]);
    rmSync(join(config, 'staging.yaml'));
    const defaults = readFileSync(join(config, 'defaults.yaml'), 'utf8');
    writeFileSync(join(config, 'defaults.yaml'), defaults.replace('bucket: shop-tf-state-123456789012', 'bucket: shop-state-moved'));
    const result = await runCli(['synth', '--config', config, '--out', out]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('kept');
    expect(existsSync(join(out, 'stacks', 'staging'))).toBe(false);
    const oldBootstrap = join(out, 'stacks', 'bootstrap-shop-tf-state-123456789012');
    expect(readdirSync(oldBootstrap)).toEqual(['.terraform.lock.hcl', 'terraform.tfstate']);
  });
});

describe('the guardrail gate', () => {
  it('stops synth with exit 3 and writes nothing, unless asked only to report', async () => {
    const config = failingGuardrails('gate-config');
    const out = join(scratch, 'gate-out');
    const refused = await runCli(['synth', '--config', config, '--out', out]);
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/FAIL vpc-flow-logs .*fix: set network\.flowLogs: true/);
    expect(refused.stderr).toContain('nothing was written');
    expect(existsSync(out)).toBe(false);
    const reported = await runCli(['synth', '--config', config, '--out', out, '--guardrails', 'report']);
    expect(reported.status).toBe(0);
    expect(reported.stderr).toContain('warning: dev fails its guardrails; written anyway');
    expect(existsSync(join(out, 'stacks', 'dev', 'cdk.tf.json'))).toBe(true);
  });

  it('stops plan before Terraform runs', async () => {
    const refused = await runCli([
      'plan',
      '--config',
      failingGuardrails('gate-plan-config'),
      '--env',
      'dev',
      '--out',
      join(scratch, 'gate-plan-out'),
      '--offline',
    ]);
    expect(refused.status).toBe(3);
    expect(refused.stdout).not.toContain('terraform');
  });
});

describe('plan', () => {
  it('names both kinds of stack when the name is unknown', async () => {
    const result = await runCli(['plan', '--config', EXAMPLES_DIR, '--env', 'nope', '--out', join(scratch, 'nope')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'no environment "nope"; found dev, prod, staging (bootstrap stacks: bootstrap-shop-tf-state-123456789012; the controller\'s stack: controller-infrastructure)',
    );
  });

  it('suggests the environment a typo meant, with no made-up file position', async () => {
    const result = await runCli(['plan', '--config', EXAMPLES_DIR, '--env', 'prdo', '--out', join(scratch, 'prdo')]);
    expect(result.status).toBe(1);
    expect(result.stderr.split('\n')[0]).toBe(
      `${EXAMPLES_DIR}: no environment "prdo"; did you mean "prod"? found dev, prod, staging (bootstrap stacks: bootstrap-shop-tf-state-123456789012; the controller's stack: controller-infrastructure)`,
    );
  });
});

describe('init', () => {
  it('scaffolds a project that validates and synthesizes, then refuses to overwrite it', async () => {
    const project = join(scratch, 'new-project');
    const created = await runCli(['init', project, '--project', 'acme', '--account-id', '111122223333', '--region', 'us-east-1']);
    expect(created.status).toBe(0);
    for (const file of [
      'package.json',
      'environments/defaults.yaml',
      'environments/dev.yaml',
      'schema/defaults.schema.json',
      'schema/environment.schema.json',
      '.gitignore',
    ]) {
      expect(existsSync(join(project, file))).toBe(true);
    }
    // The three workflows, exactly as src/cli/templates/workflows holds them.
    expect(readdirSync(join(project, '.github', 'workflows')).sort()).toEqual(['apply.yml', 'image.yml', 'pull-request.yml']);
    for (const name of readdirSync('src/cli/templates/workflows')) {
      expect({
        name,
        same:
          readFileSync(join(project, '.github', 'workflows', name), 'utf8') ===
          readFileSync(join('src/cli/templates/workflows', name), 'utf8'),
      }).toEqual({ name, same: true });
    }
    expect(readFileSync(join(project, '.gitignore'), 'utf8')).toBe(readFileSync('src/cli/templates/project/gitignore', 'utf8'));
    // package.json: the platform at this version, the test tools at the platform's own pins, jest on its preset; a first test.
    const own = JSON.parse(readFileSync('package.json', 'utf8'));
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
    expect(manifest.dependencies).toEqual({ 'fargate-platform': own.version });
    expect(manifest.devDependencies).toEqual({
      jest: own.devDependencies.jest,
      '@swc/jest': own.devDependencies['@swc/jest'],
      '@swc/core': own.devDependencies['@swc/core'],
    });
    expect(manifest.jest).toEqual({ preset: 'fargate-platform' });
    expect(manifest.scripts.test).toBe('jest && platform validate && platform check-guardrails && platform check-addresses');
    expect(readFileSync(join(project, 'tests', 'environments.test.ts'), 'utf8')).toContain("from 'fargate-platform/testing'");
    expect(readFileSync(join(project, '.terraform.lock.hcl'), 'utf8')).toBe(readFileSync('.terraform.lock.hcl', 'utf8'));
    expect(created.stdout).toContain(
      `note: ${join(project, 'package.json')} names fargate-platform ${own.version}: npm installs it from your registry (.npmrc); for a tarball or folder run init with --from-package PATH`,
    );
    expect(created.stdout).toContain(
      `next: cd ${project} && npm install (it writes package-lock.json: commit it with the rest; the workflows run npm ci, which needs it)`,
    );
    expect(readFileSync(join(project, 'environments', 'dev.yaml'), 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/schema\/environment\.schema\.json$/m,
    );
    const config = join(project, 'environments');
    expect((await runCli(['synth', '--config', config, '--out', join(scratch, 'new-project-out')])).status).toBe(0);
    // S3-native locking, no lock table: the backend block and the bootstrap stack (a real init against local servers is test/e2e/cli-workflow.test.ts).
    const stackJson = (name: string) => JSON.parse(readFileSync(join(scratch, 'new-project-out', 'stacks', name, 'cdk.tf.json'), 'utf8'));
    expect(stackJson('dev').terraform.backend.s3).toEqual({
      bucket: 'acme-tf-state-111122223333',
      key: 'acme/dev.tfstate',
      region: 'us-east-1',
      encrypt: true,
      use_lockfile: true,
    });
    expect(stackJson('bootstrap-acme-tf-state-111122223333').resource.aws_dynamodb_table).toBeUndefined();
    const before = readFileSync(join(config, 'dev.yaml'), 'utf8');
    const again = await runCli(['init', project, '--project', 'other', '--account-id', '999999999999']);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('already exists; nothing was written (init never overwrites)');
    expect(readFileSync(join(config, 'dev.yaml'), 'utf8')).toBe(before);
    const qa = await runCli(['init', project, '--env', 'qa']);
    expect(qa.status).toBe(0);
    expect((await runCli(['validate', '--config', config])).stdout).toContain('2 environment(s) valid: dev, qa');
  });

  it('keeps a package.json that is there, saying what the workflows need of it', async () => {
    const project = join(scratch, 'own-package');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{ "name": "own", "private": true }\n');
    const created = await runCli(['init', project, '--project', 'acme', '--account-id', '111122223333']);
    expect(created.status).toBe(0);
    expect(readFileSync(join(project, 'package.json'), 'utf8')).toBe('{ "name": "own", "private": true }\n');
    expect(created.stdout).toContain(
      `note: ${join(project, 'package.json')} was left as it is; the workflows run npm ci, npm test and npx platform: it needs fargate-platform in its dependencies and a test script`,
    );
    expect((await runCli(['init', project, '--env', 'qa', '--platform-package', 'file:x'])).stderr).toContain(
      '--platform-package and --from-package are for a new project',
    );
  });

  it('adds an environment to an existing project that passes its guardrails: HTTPS when defaults route services, or a copy of another', async () => {
    const config = examplesCopy('init-existing');
    const root = join(config, '..', 'init-existing-root');
    mkdirSync(root);
    cpSync(config, join(root, 'environments'), { recursive: true });
    const envs = join(root, 'environments');
    expect((await runCli(['init', root, '--env', 'qa'])).status).toBe(0);
    const qa = readFileSync(join(envs, 'qa.yaml'), 'utf8');
    expect(qa).toMatch(/^loadBalancer:\n {2}certificate: web$/m);
    expect(qa).toContain('cidr: 10.40.0.0/16'); // dev, staging and prod use 10.10, 10.20 and 10.30
    // defaults.yaml defines the services: qa runs those, with no sample service of its own.
    expect(qa).not.toMatch(/^services:|hello/m);
    const defaultServices = Object.keys((parse(readFileSync(join(envs, 'defaults.yaml'), 'utf8')) as { services: object }).services);
    expect(JSON.parse((await runCli(['ci-info', '--config', envs, '--env', 'qa'])).stdout).services).toEqual(
      Object.fromEntries(defaultServices.map((name) => [name, expect.anything()])),
    );
    expect((await runCli(['init', root, '--env', 'qa2', '--from', 'dev'])).status).toBe(0);
    expect(readFileSync(join(envs, 'qa2.yaml'), 'utf8')).toContain('cidr: 10.50.0.0/16');
    const checked = await runCli(['check-guardrails', '--config', envs]);
    // The five environments pass (the count also has the project's other stacks: bootstrap, controller).
    for (const name of ['dev', 'prod', 'qa', 'qa2', 'staging'])
      expect(checked.stdout).toMatch(new RegExp(`^${name}( \\(production\\))?: \\d+ passed, 0 failed`, 'm'));
    expect(checked.stdout).toMatch(/^\d+ passed, 0 failed$/m);
    expect((await runCli(['init', root, '--env', 'qa3', '--from', 'nope'])).stderr).toContain('--from nope: no environment file');
    expect(existsSync(join(envs, 'qa3.yaml'))).toBe(false);
  });

  it('starts a production environment only with someone who may approve its runs', async () => {
    const project = join(scratch, 'production-project');
    const refused = await runCli(['init', project, '--project', 'acme', '--account-id', '111122223333', '--env', 'prod']);
    expect({ status: refused.status, stderr: refused.stderr }).toEqual({
      status: 1,
      stderr:
        '--env prod is a production environment: give --approvers LOGIN[,LOGIN], the GitHub logins who may approve its runs (nobody could approve them otherwise)\n',
    });
    expect(existsSync(project)).toBe(false);
    expect(
      (await runCli(['init', project, '--project', 'acme', '--account-id', '111122223333', '--env', 'prod', '--approvers', 'alice, bob']))
        .status,
    ).toBe(0);
    expect(readFileSync(join(project, 'environments', 'prod.yaml'), 'utf8')).toMatch(/^gitops:\n {2}approvers: \[alice, bob\]$/m);
    expect((await runCli(['validate', '--config', join(project, 'environments')])).stdout).toContain('1 environment(s) valid: prod');
  });

  it('writes nothing when a new project lacks its account', async () => {
    const project = join(scratch, 'no-account');
    const result = await runCli(['init', project, '--project', 'acme']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('a new project needs --account-id ID');
    expect(existsSync(project)).toBe(false);
  });
});

describe("check-addresses (the team's own environments)", () => {
  it('records addresses, fails naming what a rename would destroy, and passes for a new environment', async () => {
    const config = examplesCopy('addresses-config');
    expect((await runCli(['check-addresses', '--config', config, '--accept'])).status).toBe(0);
    expect((await runCli(['check-addresses', '--config', config])).stdout).toMatch(/^dev: \d+ address\(es\), as recorded$/m);
    const dev = readFileSync(join(config, 'dev.yaml'), 'utf8');
    writeFileSync(join(config, 'dev.yaml'), dev.replace(/^dynamodb:\n(?: .*\n)*/m, 'dynamodb: null\n'));
    writeFileSync(join(config, 'qa.yaml'), 'network: { cidr: 10.77.0.0/16 }\n');
    const failed = await runCli(['check-addresses', '--config', config]);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/^dev: \d+ recorded address\(es\) are gone; Terraform would destroy these resources/m);
    expect(failed.stderr).toMatch(/^ {2}destroy aws_dynamodb_table\.table-sessions_/m);
    expect(failed.stderr).toContain(`accept it with npx platform check-addresses --config ${config} --env dev --accept`);
    expect(failed.stdout).toMatch(/^qa: no record yet; record its \d+ address\(es\)/m);
    expect((await runCli(['check-addresses', '--config', config, '--env', 'dev', '--accept'])).status).toBe(0);
    expect((await runCli(['check-addresses', '--config', config])).status).toBe(0);
  });
});

describe('the command line', () => {
  const commands = [
    'validate',
    'synth',
    'plan',
    'apply',
    'init',
    'lock',
    'check-addresses',
    'check-terraform',
    'check-guardrails',
    'schema',
    'serve',
  ];

  it('lists every command, and each has --help', async () => {
    const help = await runCli(['--help']);
    expect(help.status).toBe(0);
    for (const command of commands) {
      expect(help.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'));
      const own = await runCli([command, '--help']);
      expect(own.status).toBe(0);
      expect(own.stdout).toMatch(new RegExp(`^Usage: platform ${command} `));
    }
    expect(help.stdout).toContain('Exit codes: 0 ok, 1 a problem in the input');
    // The project's own checks (npm run check:backend, check:apply) need dev dependencies: not commands of the installed platform.
    expect(help.stdout).not.toMatch(/^ {2}check-(backend|apply) /m);
  });

  it('exits 2 on usage errors', async () => {
    expect((await runCli(['synth', '--bogus'])).status).toBe(2);
    expect((await runCli(['no-such-command'])).status).toBe(2);
    expect((await runCli(['synth', '--guardrails', 'maybe'])).status).toBe(2);
    // After --, flags the project sets itself would change which plan file apply applies.
    const own = await runCli(['plan', '--config', EXAMPLES_DIR, '--env', 'dev', '--out', join(scratch, 'own-flags'), '--', '-out=other']);
    expect(own.status).toBe(2);
    expect(own.stderr).toContain('refused: -out=other after --');
    expect(existsSync(join(scratch, 'own-flags'))).toBe(false);
    expect((await runCli(['apply', '--env', 'dev', '--json'])).status).toBe(2);
  });

  it('prints problems as JSON with --json, and never colour when not on a terminal', async () => {
    const config = join(scratch, 'json-config');
    mkdirSync(config);
    writeFileSync(join(config, 'dev.yaml'), 'projekt: x\n');
    const result = await runCli(['validate', '--config', config, '--json'], { FORCE_COLOR: '1' });
    expect(result.status).toBe(1);
    const body = JSON.parse(result.stdout);
    expect(body.ok).toBe(false);
    expect(body.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ keyPath: 'projekt', line: 1, column: 1, text: expect.stringContaining('unknown key "projekt"') }),
      ]),
    );
    const plain = await runCli(['validate', '--config', config]);
    expect(plain.stderr).toContain('unknown key');
    expect(plain.stderr + plain.stdout).not.toContain('\u001b[');
    const valid = JSON.parse((await runCli(['validate', '--config', EXAMPLES_DIR, '--json'])).stdout);
    expect(valid).toEqual({ ok: true, environments: ['dev', 'prod', 'staging'] });
  });
});
