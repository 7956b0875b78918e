/**
 * Synthesis needs no Terraform binary: nothing in the stacks asks cdktf to
 * check Terraform's version (its DataResource, import and cloud blocks do, by
 * running `terraform version` on every synth, which fails where Terraform is
 * not installed and costs time where it is).
 */
import { selectEnvironments, synthesize } from '../../src/core/index';
import { EXAMPLES_DIR, UNUSUAL_DIR } from '../support/fixture-dirs';
import { synthesizedFixture } from '../support/synth-cache';

// The module object cdktf itself requires (an ES namespace import would be a copy the spy does not reach).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const childProcess = require('child_process') as typeof import('node:child_process');

it('synthesizing every fixture starts no process', () => {
  const execSync = jest.spyOn(childProcess, 'execSync').mockImplementation(() => {
    throw new Error('synthesis ran a process');
  });
  try {
    const stacks = [...synthesize(selectEnvironments(EXAMPLES_DIR)), ...synthesize(selectEnvironments(UNUSUAL_DIR))];
    expect(stacks.some((s) => s.json.includes('"terraform_data"'))).toBe(true);
    expect(execSync).not.toHaveBeenCalled();
    // The stacks the other suites share (synth-cache.ts, once per run) are these, byte for byte.
    expect([...synthesizedFixture(EXAMPLES_DIR), ...synthesizedFixture(UNUSUAL_DIR)]).toEqual(stacks);
  } finally {
    execSync.mockRestore();
  }
});
