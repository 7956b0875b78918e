/**
 * The CLI boundary: an unexpected exception is one line saying it is a bug in
 * the project and where to report it, exit code 70, and nothing written;
 * stderr keeps every problem line even when it is read slowly. What counts as
 * a bug (no process needed) is test/unit/cli-catch-all.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EXIT } from '../../src/cli/exit-codes';
import { EXAMPLES_DIR, MINIMAL_ENVIRONMENT, runCli, writeConfig } from '../support/helpers';

const scratch = mkdtempSync(join(tmpdir(), 'platform-catch-all-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every file under `dir` with its content, to compare before and after. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[path] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
}

describe('an unexpected exception', () => {
  it.each([
    ['duplicate-construct.js', /Error: There is already a Construct with name 'twice'/],
    ['type-error.js', /TypeError: Cannot read properties of undefined/],
  ])('(%s) is one line about a bug, exit 70, and the output folder stays as it was', (preload, cause) => {
    const out = join(scratch, preload);
    mkdirSync(join(out, 'stacks', 'dev'), { recursive: true });
    writeFileSync(join(out, 'stacks', 'dev', 'cdk.tf.json'), '{"written": "before"}');
    const before = snapshot(out);
    const result = runCli(['synth', '--config', EXAMPLES_DIR, '--out', out], {
      NODE_OPTIONS: `--require ${resolve('test/fixtures/hostile', preload)}`,
    });
    expect(result.status).toBe(EXIT.bug);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^platform: internal error, a bug in the project \(not in your input\): /);
    expect(lines[0]).toMatch(cause);
    expect(lines[0]).toContain("Nothing was written. Please report it to the platform repository's issue tracker");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(snapshot(out)).toEqual(before);
  });

  it('shows its stack trace with PLATFORM_DEBUG=1, for the report', () => {
    const result = runCli(['synth', '--config', EXAMPLES_DIR, '--out', join(scratch, 'debug')], {
      NODE_OPTIONS: `--require ${resolve('test/fixtures/hostile/type-error.js')}`,
      PLATFORM_DEBUG: '1',
    });
    expect(result.status).toBe(EXIT.bug);
    expect(result.stderr).toMatch(/\n\s+at /);
    expect(result.stderr.trim().split('\n').pop()).toMatch(/^platform: internal error, a bug in the project/);
  });
});

describe('problems on a slow pipe', () => {
  it('all arrive, sorted, each once', () => {
    const tags = Array.from({ length: 2000 }, (_, i) => `  'bad{${i}}': x`).join('\n');
    const config = writeConfig({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}tags:\n${tags}\n` });
    const result = spawnSync(
      'sh',
      ['-c', `"${process.execPath}" bin/platform.js validate --config "${config}" 2>&1 >/dev/null | (sleep 1; cat)`],
      { encoding: 'utf8' },
    );
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(2000);
    expect(new Set(lines).size).toBe(2000);
    const numbers = lines.map((line) => Number(/^.*\/dev\.yaml:(\d+):3 /.exec(line)?.[1]));
    expect(numbers).toEqual(Array.from({ length: 2000 }, (_, i) => i + 11));
  });
});
