/**
 * The CLI boundary's judgement (src/cli/catch-all.ts): what counts as a bug
 * and its one line. The boundary in a real process (exit 70, nothing written,
 * PLATFORM_DEBUG, a slow pipe) is test/e2e/cli-catch-all.test.ts.
 */
import { bugLine, isBug } from '../../src/cli/catch-all';

describe('what counts as a bug', () => {
  it("is the runtime's errors and errors thrown inside a dependency, not a failure reported on purpose", () => {
    expect(isBug(new TypeError('x'))).toBe(true);
    expect(isBug('a string')).toBe(true);
    const fromDependency = new Error('There is already a Construct with name');
    fromDependency.stack =
      'Error: There is already a Construct with name\n    at new Node (/work/main/node_modules/constructs/lib/construct.js:1:1)';
    expect(isBug(fromDependency)).toBe(true);
    expect(isBug(new Error('terraform plan failed in cdktf.out/stacks/dev'))).toBe(false);
    expect(isBug(Object.assign(new Error("EACCES: permission denied, mkdir '/out'"), { code: 'EACCES' }))).toBe(false);
  });

  it('is described in one line whatever the error holds', () => {
    expect(bugLine(new RangeError('first\nsecond'))).toMatch(
      /^platform: internal error, a bug in the project \(not in your input\): RangeError: first\. Nothing was written\./,
    );
  });
});
