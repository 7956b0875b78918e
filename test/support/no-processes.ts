/**
 * The unit project's rule, enforced (jest.config.js sets this up for every
 * suite of test/unit): a unit test runs in-process. Every way `child_process`
 * starts a process throws an error that names the rule, so a unit suite that
 * starts one (itself, or through the code it calls) fails. Code that catches
 * the error does not hide it: the test that made the call fails after it ends.
 * Such a suite belongs in test/e2e, or calls the code in-process (the CLI
 * suites run the commander program with test/support/cli-in-process.ts).
 */

/** The functions of `child_process` that start a process. */
export const PROCESS_STARTERS = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;

/** What the error says. */
export const UNIT_RULE = 'test/unit runs in-process, without child processes: move this suite to test/e2e, or call the code in-process (test/support/cli-in-process.ts runs the CLI)';

/** The calls refused since the last check, as `starter("command")`. */
const refused: string[] = [];

/** The calls refused so far, which no longer fail the current test (for the guard's own test). */
export function takeRefused(): string[] {
  return refused.splice(0);
}

function guarded(): Record<string, unknown> {
  const actual = jest.requireActual<Record<string, unknown>>('node:child_process');
  const refuse = (name: string) => (command: unknown) => {
    const call = `child_process.${name}(${JSON.stringify(command)})`;
    refused.push(call);
    throw new Error(`${call} in a unit test: ${UNIT_RULE}`);
  };
  return { ...actual, ...Object.fromEntries(PROCESS_STARTERS.map((name) => [name, refuse(name)])) };
}

// Not hoisted (doMock): the suite's own imports come after this file and get the guarded module.
jest.doMock('node:child_process', guarded);
jest.doMock('child_process', guarded);

afterEach(() => {
  const calls = takeRefused();
  if (calls.length > 0) throw new Error(`this test started a process (${calls.join(', ')}), refused even if the code caught the error: ${UNIT_RULE}`);
});
