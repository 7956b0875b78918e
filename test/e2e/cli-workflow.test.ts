/**
 * The first-week workflow of a team, where it needs a process: synth output
 * that is a plain Terraform working folder (init once, then synth and plan
 * again without re-init), the guardrail gate on the cdktf app, `plan` of a
 * bootstrap stack with a summary and pass-through arguments (real Terraform),
 * a new project's backend against local servers, the installed bin, colour of
 * a real process. The rest (pruning, the gate on synth and plan, `init`,
 * check-addresses, --help, --json, exit codes) is checked in-process:
 * test/unit/cli-workflow.test.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { terraformCliDir, terraformSettings } from '../../src/core/index';
import { EXAMPLES_DIR, failingGuardrailsCopy, runCli } from '../support/helpers';

jest.setTimeout(120_000);

const scratch = mkdtempSync(join(tmpdir(), 'platform-workflow-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const failingGuardrails = (name: string) => failingGuardrailsCopy(scratch, name);

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
});

describe('the guardrail gate', () => {
  it('stops the cdktf app (cdktf synth / deploy) too', () => {
    const config = failingGuardrails('gate-app-config');
    const out = join(scratch, 'gate-app-out');
    const app = spawnSync(process.execPath, ['--require', './src/runtime.js', 'main.ts'], {
      encoding: 'utf8',
      env: { ...process.env, PLATFORM_CONFIG_DIR: config, CDKTF_OUTDIR: out },
    });
    expect(app.status).toBe(3);
    expect(existsSync(join(out, 'stacks'))).toBe(false);
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
    const verbose = runCli([
      'plan',
      '--config',
      EXAMPLES_DIR,
      '--env',
      stack,
      '--out',
      out,
      '--offline',
      '--verbose',
      '--',
      `-target=${target}`,
    ]);
    expect(verbose.stdout).toContain('Terraform will perform the following actions');
  });
});

describe('init', () => {
  it('scaffolds a project whose S3 backend initializes against local servers, with no deprecation warning', () => {
    const project = join(scratch, 'new-project');
    expect(runCli(['init', project, '--project', 'acme', '--account-id', '111122223333', '--region', 'us-east-1']).status).toBe(0);
    const config = join(project, 'environments');
    expect(runCli(['synth', '--config', config, '--out', join(scratch, 'new-project-out')]).status).toBe(0);
    // The backend check is the project's own (dev dependencies: s3rver, dynalite), an npm script rather than a platform command.
    const backend = spawnSync(
      process.execPath,
      ['--require', './src/runtime.js', 'scripts/check-backend.ts', '--config', config, '--out', join(scratch, 'new-project-out')],
      { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } },
    );
    expect({ status: backend.status, stderr: backend.stderr }).toEqual({ status: 0, stderr: '' });
    expect(backend.stdout).toContain(
      'init ok (s3://acme-tf-state-111122223333/acme/dev.tfstate, lock file, no dynamodb_table, no deprecation warning)',
    );
  });

  // npm install from the packed tarball and the team's npm test (jest through the preset): scripts/package-check.sh, in .ci/run.
  it("starts a project whose workflows' platform commands run, with the platform installed as its dependency", () => {
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
    const inProject = (command: string, args: string[]) =>
      spawnSync(command, args, { cwd: project, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    const checks = inProject('npx', ['platform', 'check-guardrails']);
    expect({ status: checks.status, stderr: checks.stderr }).toEqual({ status: 0, stderr: '' });
    expect(checks.stdout).toMatch(/^dev: \d+ passed, 0 failed/m);
    // The commands the workflows run before any AWS call.
    expect(JSON.parse(inProject('npx', ['platform', 'validate', '--json']).stdout)).toEqual({ ok: true, environments: ['dev'] });
    expect(inProject('npx', ['platform', 'check-addresses']).status).toBe(0);
    expect(JSON.parse(inProject('npx', ['platform', 'ci-info', '--env', 'dev']).stdout)).toMatchObject({
      environment: 'dev',
      cluster: 'acme-dev',
      services: { hello: { platform: 'linux/amd64', repositoryUrl: null } },
    });
  });
});

describe('the command line', () => {
  it('never prints colour when not on a terminal, whatever FORCE_COLOR says', () => {
    const config = join(scratch, 'colour-config');
    mkdirSync(config);
    writeFileSync(join(config, 'dev.yaml'), 'projekt: x\n');
    const plain = runCli(['validate', '--config', config], { FORCE_COLOR: '1' });
    expect(plain.status).toBe(1);
    expect(plain.stderr).toContain('unknown key');
    expect(plain.stderr + plain.stdout).not.toContain('\u001b[');
  });
});
