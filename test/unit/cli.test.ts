/**
 * The CLI contract, in-process (test/support/cli-in-process.ts): exit codes,
 * problem lines on stderr, nothing written on bad input, identical output for
 * identical input. The process itself (bin/platform.js, Terraform missing from
 * the PATH, the cdktf app) is test/e2e/cli.test.ts and cli-synth.test.ts.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { cli as runCli } from '../support/cli-in-process';
import { EXAMPLES_DIR, MINIMAL_ENVIRONMENT, writeConfig } from '../support/helpers';

const cli = (...args: string[]) => runCli(args);

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
  it('accepts the example environments', async () => {
    const result = await cli('validate', '--config', EXAMPLES_DIR);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('3 environment(s) valid: dev, prod, staging');
  });

  it('prints one FILE:LINE:COL KEY.PATH line per problem on stderr, with no stack trace', async () => {
    const config = writeConfig({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}logRetentionDays: 10\nprojekt: x\n` });
    const result = await cli('validate', '--config', config);
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(result.stdout).toContain('2 problem(s) found; nothing was written.');
    expect(lines[0]).toMatch(new RegExp(`^${config}/dev\\.yaml:10:19 logRetentionDays: CloudWatch Logs accepts only`));
    expect(lines[1]).toBe(`${config}/dev.yaml:11:1 projekt: unknown key "projekt"; did you mean "project"?`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('terraform commands', () => {
  it('plan nothing for an unknown environment', async () => {
    const result = await cli('plan', '--config', EXAMPLES_DIR, '--env', 'qa', '--out', join(scratch, 'plan-qa'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no environment "qa"; found dev, prod, staging');
  });
});

describe('synth', () => {
  it('writes nothing when the input is invalid', async () => {
    const config = writeConfig({ 'dev.yaml': MINIMAL_ENVIRONMENT.replace('10.0.0.0/16', 'not-a-cidr') });
    const out = join(scratch, 'invalid-out');
    const result = await cli('synth', '--config', config, '--out', out);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('network.cidr: not an IPv4 CIDR');
    expect(existsSync(out)).toBe(false);
  });

  it('writes byte-identical output for the same input, one stack per environment plus bootstrap', async () => {
    const first = join(scratch, 'first');
    const second = join(scratch, 'second');
    expect((await cli('synth', '--config', EXAMPLES_DIR, '--out', first)).status).toBe(0);
    expect((await cli('synth', '--config', EXAMPLES_DIR, '--out', second)).status).toBe(0);
    expect(readdirSync(join(first, 'stacks')).sort()).toEqual([
      'bootstrap-shop-tf-state-123456789012',
      'controller-infrastructure',
      'dev',
      'prod',
      'staging',
    ]);
    expect(filesUnder(second)).toEqual(filesUnder(first));
  });

  it('synthesizes one environment with --env, and rejects an unknown one', async () => {
    const out = join(scratch, 'one');
    expect((await cli('synth', '--config', EXAMPLES_DIR, '--out', out, '--env', 'dev')).status).toBe(0);
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual(['bootstrap-shop-tf-state-123456789012', 'dev']);
    const unknown = await cli('synth', '--config', EXAMPLES_DIR, '--out', join(scratch, 'none'), '--env', 'qa');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('no environment "qa"; found dev, prod, staging');
  });
});
