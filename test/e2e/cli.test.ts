/** The CLI contract as a process (bin/platform.js): a real exit code and problem lines on stderr, and Terraform missing from the PATH. The rest of the contract is checked in-process (test/unit/cli.test.ts). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLES_DIR, MINIMAL_ENVIRONMENT, runCli, writeConfig } from '../support/helpers';

const cliWith = (env: NodeJS.ProcessEnv, ...args: string[]) => runCli(args, env);
const cli = (...args: string[]) => runCli(args);

const scratch = mkdtempSync(join(tmpdir(), 'platform-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('validate', () => {
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

describe('terraform commands', () => {
  it('fail with a clear message when terraform is not installed', () => {
    const emptyPath = mkdtempSync(join(tmpdir(), 'no-terraform-'));
    const result = cliWith({ PATH: emptyPath }, 'check-terraform', '--config', EXAMPLES_DIR, '--out', join(scratch, 'no-terraform'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('terraform is not on the PATH: install Terraform >= 1.10');
  });
});
