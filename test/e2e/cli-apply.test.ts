/** `apply` end to end: real Terraform on stand-ins (--sandbox), the refusals, and offline plans never applied. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLES_DIR, runCli } from '../support/helpers';

jest.setTimeout(180_000);

const cliWith = (env: NodeJS.ProcessEnv, ...args: string[]) => runCli(args, env);
const cli = (...args: string[]) => runCli(args);

const scratch = mkdtempSync(join(tmpdir(), 'platform-apply-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('apply', () => {
  const out = join(scratch, 'apply-out');
  const config = join(scratch, 'apply-config');

  it('applies the saved plan on stand-ins, refuses without --yes or a terminal, and refuses destroying data without --allow-destroy', () => {
    cpSync(EXAMPLES_DIR, config, { recursive: true });
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
    const result = cliWith(
      { AWS_ACCESS_KEY_ID: '', AWS_PROFILE: '', HOME: scratch },
      'apply',
      '--config',
      EXAMPLES_DIR,
      '--env',
      'dev',
      '--out',
      join(scratch, 'offline-apply'),
      '--offline',
      '--yes',
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('refused: an offline plan uses a local backend and dummy credentials');
  }, 120_000);
});
