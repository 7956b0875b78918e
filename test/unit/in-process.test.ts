/**
 * The unit project runs in-process: test/support/in-process.ts makes every
 * child_process starter, a server's listen and WebAssembly throw, naming the
 * rule, and fails the test even when the code caught the error. This proves
 * the guard is on for each of them, sync and async, under both module names,
 * and for the code a suite calls.
 */
import * as childProcess from 'node:child_process';
import { createServer } from 'node:http';
import { promisify } from 'node:util';
import { commitOf } from '../../src/core/config-at-ref';
import { PROCESS_STARTERS, takeRefused, UNIT_RULE, WEBASSEMBLY_ENTRIES } from '../support/in-process';

const modules = [
  ['node:child_process', childProcess],
  ['child_process', require('child_process')],
] as const;

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

  it('refuses a server: an HTTP server cannot listen, not even on 127.0.0.1', () => {
    const server = createServer();
    expect(() => server.listen(0, '127.0.0.1')).toThrow(`net.Server.listen in a unit test: ${UNIT_RULE}`);
    expect(takeRefused()).toEqual(['net.Server.listen']);
  });

  it.each(WEBASSEMBLY_ENTRIES)('refuses WebAssembly.%s', (name) => {
    const entry = (globalThis as unknown as { WebAssembly: Record<string, (...args: unknown[]) => unknown> }).WebAssembly[name]!;
    expect(() => entry(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))).toThrow(`WebAssembly.${name} in a unit test: ${UNIT_RULE}`);
    expect(takeRefused()).toEqual([`WebAssembly.${name}`]);
  });

  it('leaves the rest of child_process alone', () => {
    expect(typeof childProcess.ChildProcess).toBe('function');
    expect(takeRefused()).toEqual([]);
  });
});
