/** The CLI contract: exit codes, problem lines on stderr, nothing written on bad input, identical output for identical input. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { MINIMAL_ENVIRONMENT, writeConfig } from './helpers';

function cli(...args: string[]) {
  return cliWith({}, ...args);
}

function cliWith(env: NodeJS.ProcessEnv, ...args: string[]) {
  const result = spawnSync(process.execPath, ['--require', './src/runtime.js', 'src/cli/main.ts', ...args], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function filesUnder(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
}

const scratch = mkdtempSync(join(tmpdir(), 'platform-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('validate', () => {
  it('accepts the example environments', () => {
    const result = cli('validate');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('3 environment(s) valid: dev, prod, staging');
  });

  it('prints one FILE:LINE:COL KEY.PATH line per problem on stderr, with no stack trace', () => {
    const config = writeConfig({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}logRetentionDays: 10\nprojekt: x\n` });
    const result = cli('validate', '--config', config);
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(result.stdout).toContain('2 problem(s) found; nothing was written.');
    expect(lines[0]).toMatch(new RegExp(`^${config}/dev\\.yaml:10:19 logRetentionDays: CloudWatch Logs accepts only`));
    expect(lines[1]).toBe(`${config}/dev.yaml:11:1 projekt: unknown key "projekt"; did you mean "project"?`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('synth', () => {
  it('writes nothing when the input is invalid', () => {
    const config = writeConfig({ 'dev.yaml': MINIMAL_ENVIRONMENT.replace('10.0.0.0/16', 'not-a-cidr') });
    const out = join(scratch, 'invalid-out');
    const result = cli('synth', '--config', config, '--out', out);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('network.cidr: not an IPv4 CIDR');
    expect(existsSync(out)).toBe(false);
  });

  it('writes byte-identical output for the same input, one stack per environment plus bootstrap', () => {
    const first = join(scratch, 'first');
    const second = join(scratch, 'second');
    expect(cli('synth', '--out', first).status).toBe(0);
    expect(cli('synth', '--out', second).status).toBe(0);
    expect(readdirSync(join(first, 'stacks')).sort()).toEqual(['bootstrap-shop-tf-state-123456789012', 'dev', 'prod', 'staging']);
    expect(filesUnder(second)).toEqual(filesUnder(first));
  });

  it('synthesizes one environment with --env, and rejects an unknown one', () => {
    const out = join(scratch, 'one');
    expect(cli('synth', '--out', out, '--env', 'dev').status).toBe(0);
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual(['bootstrap-shop-tf-state-123456789012', 'dev']);
    const unknown = cli('synth', '--out', join(scratch, 'none'), '--env', 'qa');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('no environment "qa"; found dev, prod, staging');
  });

  it('is the same code path as the cdktf app that cdktf.json runs', () => {
    const viaCli = join(scratch, 'via-cli');
    const viaApp = join(scratch, 'via-app');
    expect(cli('synth', '--out', viaCli).status).toBe(0);
    const [command, ...appArgs] = (JSON.parse(readFileSync('cdktf.json', 'utf8')) as { app: string }).app.split(' ');
    expect(command).toBe('node');
    const app = spawnSync(process.execPath, appArgs, { encoding: 'utf8', env: { ...process.env, CDKTF_OUTDIR: viaApp } });
    expect(app.status).toBe(0);
    const stack = (dir: string) => readFileSync(join(dir, 'stacks', 'prod', 'cdk.tf.json'), 'utf8');
    expect(stack(viaApp)).toBe(stack(viaCli));
  });
});

describe('terraform commands', () => {
  it('fail with a clear message when terraform is not installed', () => {
    const emptyPath = mkdtempSync(join(tmpdir(), 'no-terraform-'));
    const result = cliWith({ PATH: emptyPath }, 'check-terraform', '--out', join(scratch, 'no-terraform'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('terraform is not on the PATH: install Terraform >= 1.10');
  });

  it('plan nothing for an unknown environment', () => {
    const result = cli('plan', '--env', 'qa', '--out', join(scratch, 'plan-qa'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no environment "qa"; found dev, prod, staging');
  });
});


describe('apply', () => {
  const out = join(scratch, 'apply-out');
  const config = join(scratch, 'apply-config');

  it('applies the saved plan on stand-ins, refuses without --yes or a terminal, and refuses destroying data without --allow-destroy', () => {
    const { cpSync, writeFileSync } = require('node:fs') as typeof import('node:fs');
    cpSync('environments', config, { recursive: true });
    const noYes = cli('apply', '--env', 'dev', '--config', config, '--out', out, '--sandbox');
    expect(noYes.status).toBe(1);
    expect(noYes.stderr).toContain('pass --yes to apply without asking');
    const applied = cli('apply', '--env', 'dev', '--config', config, '--out', out, '--sandbox', '--yes');
    expect(applied.stderr).toBe('');
    expect(applied.status).toBe(0);
    expect(applied.stdout).toMatch(/dev: applied \(\d+ to add, 0 to change, 0 to replace, 0 to destroy\)/);
    expect(cli('apply', '--env', 'dev', '--config', config, '--out', out, '--sandbox', '--yes').stdout).toContain('Nothing to apply.');
    // Dropping the database would destroy its data.
    const dev = readFileSync(join(config, 'dev.yaml'), 'utf8');
    writeFileSync(join(config, 'dev.yaml'), dev.replace(/^databases:\n(?:[ #].*\n)*/m, 'databases: null\n'));
    const refused = cli('apply', '--env', 'dev', '--config', config, '--out', out, '--sandbox', '--yes');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/refused: the plan destroys or replaces resources that hold data: .*aws_db_instance/);
    const allowed = cli('apply', '--env', 'dev', '--config', config, '--out', out, '--sandbox', '--yes', '--allow-destroy');
    expect(allowed.status).toBe(0);
    expect(allowed.stdout).toMatch(/dev: applied \(0 to add, \d+ to change, 0 to replace, [1-9]\d* to destroy\)/);
  });

  it('refuses to apply an offline plan', () => {
    const result = cliWith({ AWS_ACCESS_KEY_ID: '', AWS_PROFILE: '', HOME: scratch }, 'apply', '--env', 'dev', '--out', join(scratch, 'offline-apply'), '--offline', '--yes');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('refused: an offline plan uses a local backend and dummy credentials');
  }, 120_000);
});
