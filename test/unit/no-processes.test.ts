/**
 * The unit project starts no process: test/support/no-processes.ts makes every
 * child_process starter throw, naming the rule, and fails the test even when
 * the code caught the error. This proves the guard is on for each starter,
 * sync and async, under both module names, and for the code a suite calls.
 */
import * as childProcess from 'node:child_process';
import { promisify } from 'node:util';
import { commitOf } from '../../src/core/config-at-ref';
import { PROCESS_STARTERS, takeRefused, UNIT_RULE } from '../support/no-processes';

const modules = [['node:child_process', childProcess], ['child_process', require('child_process')]] as const;

describe.each(modules)('%s in a unit test', (_name, module) => {
  it.each(PROCESS_STARTERS)('%s throws, naming the rule', (starter) => {
    const start = (module as unknown as Record<string, (...args: unknown[]) => unknown>)[starter]!;
    expect(() => start('node', ['-e', '0'], () => undefined)).toThrow(`child_process.${starter}("node") in a unit test: ${UNIT_RULE}`);
    expect(takeRefused()).toEqual([`child_process.${starter}("node")`]);
  });
});

describe('the guard', () => {
  it('stops promisified starters too', async () => {
    await expect(promisify(childProcess.execFile)('git', ['--version'])).rejects.toThrow(UNIT_RULE);
    expect(takeRefused()).toEqual(['child_process.execFile("git")']);
  });

  it('reaches the code a suite calls, and a caught refusal is still recorded (the test that made it fails after it ends)', () => {
    // commitOf runs git and turns any failure into a config problem: the refusal is caught there.
    expect(() => commitOf('test/fixtures/examples', 'HEAD', '--compare')).toThrow('--compare HEAD: not a commit');
    expect(takeRefused()).toEqual(['child_process.execFileSync("git")']);
  });

  it('leaves the rest of child_process alone', () => {
    expect(typeof childProcess.ChildProcess).toBe('function');
    expect(takeRefused()).toEqual([]);
  });
});
