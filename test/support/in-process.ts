/**
 * The unit project's rule, enforced (jest.config.js sets this up for every
 * suite of test/unit): a unit test runs in-process. Starting a child process
 * (every starter of `child_process`), listening on a socket (a server) or
 * compiling WebAssembly throws an error that names the rule, so a unit suite
 * that does any of them (itself, or through the code it calls) fails. Code
 * that catches the error does not hide it: the test that made the call fails
 * after it ends. Such a suite belongs in test/e2e, or calls the code
 * in-process (the CLI suites run the commander program with
 * test/support/cli-in-process.ts).
 */
import { Server } from 'node:net';

/** The functions of `child_process` that start a process. */
export const PROCESS_STARTERS = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;

/** The ways to compile or instantiate WebAssembly. */
export const WEBASSEMBLY_ENTRIES = ['compile', 'compileStreaming', 'instantiate', 'instantiateStreaming', 'Module', 'Instance'] as const;

/** What the error says. */
export const UNIT_RULE =
  'test/unit runs in-process (no child processes, servers or WebAssembly): move this suite to test/e2e, or call the code in-process (test/support/cli-in-process.ts runs the CLI)';

/** The calls refused since the last check, as `child_process.spawn("git")`, `net.Server.listen` or `WebAssembly.instantiate`. */
const refused: string[] = [];

/** The calls refused so far, which then no longer fail the current test (for the guard's own test). */
export function takeRefused(): string[] {
  return refused.splice(0);
}

function refuse(call: string): never {
  refused.push(call);
  throw new Error(`${call} in a unit test: ${UNIT_RULE}`);
}

function guardedChildProcess(): Record<string, unknown> {
  const actual = jest.requireActual<Record<string, unknown>>('node:child_process');
  return {
    ...actual,
    ...Object.fromEntries(
      PROCESS_STARTERS.map((name) => [name, (command: unknown) => refuse(`child_process.${name}(${JSON.stringify(command)})`)]),
    ),
  };
}

// Not hoisted (doMock): the suite's own imports come after this file and get the guarded module.
jest.doMock('node:child_process', guardedChildProcess);
jest.doMock('child_process', guardedChildProcess);

// net.Server is Node's own object, shared by the worker: guarded for this suite only, then restored.
const listen = Server.prototype.listen;
Server.prototype.listen = () => refuse('net.Server.listen');
afterAll(() => {
  Server.prototype.listen = listen;
});

// WebAssembly is this suite's own global (jest gives each suite its context).
const webAssembly = (globalThis as unknown as { WebAssembly: Record<string, unknown> }).WebAssembly;
for (const name of WEBASSEMBLY_ENTRIES) {
  webAssembly[name] = function refused() {
    return refuse(`WebAssembly.${name}`);
  };
}

afterEach(() => {
  const calls = takeRefused();
  if (calls.length > 0)
    throw new Error(
      `this test did what a unit test may not (${calls.join(', ')}), refused even if the code caught the error: ${UNIT_RULE}`,
    );
});
