/**
 * The Terraform addresses of every stack of the tests' copy of the examples,
 * recorded the way a team's are: test/fixtures/examples/addresses/<stack>.txt,
 * the records `platform check-addresses` reads and writes (the one address
 * record mechanism; `npm test` checks the team's environments/addresses the
 * same way). A changed address means Terraform destroys and recreates that
 * resource, so any difference fails here, a new address too. When the change
 * is intended, accept it with
 * `npx platform check-addresses --config test/fixtures/examples --accept`
 * and say why in the commit.
 */
import { addressRecordDir, checkAddresses, staleRecords } from '../../src/core/index';
import { EXAMPLES_DIR } from '../support/fixture-dirs';
import { synthesizedFixture } from '../support/synth-cache';

const stacks = synthesizedFixture(EXAMPLES_DIR);
const records = addressRecordDir(EXAMPLES_DIR);
const checks = checkAddresses(stacks, records);

describe.each(checks.map((check) => [check.stack, check] as const))('stack %s', (_name, check) => {
  it('keeps its recorded resource addresses, no more and no fewer', () => {
    expect({ file: check.file, status: check.status, removed: check.removed, added: check.added }).toEqual({
      file: check.file,
      status: 'same',
      removed: [],
      added: [],
    });
  });
});

it('has no record of a stack that is gone', () => {
  expect(checks.map((c) => c.stack)).toEqual([
    'bootstrap-shop-tf-state-123456789012',
    'controller-infrastructure',
    'dev',
    'prod',
    'staging',
  ]);
  expect(staleRecords(stacks, records)).toEqual([]);
});
