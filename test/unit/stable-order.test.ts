/**
 * Same input, same bytes, whatever the process synthesized before: policy
 * lists mixing references and literals once sorted the references' token
 * text, whose numbers count the tokens made so far in the process.
 */
import { Token } from 'cdktf';
import { selectEnvironments, synthesize } from '../../src/core/index';
import { stableUnique } from '../../src/modules/stable-order';
import { EXAMPLES_DIR, UNUSUAL_DIR } from '../support/fixture-dirs';

describe('stableUnique', () => {
  it('keeps references in the order given, then the literals sorted, each once', () => {
    const later = Token.asString({ Ref: 'later' });
    const earlier = Token.asString({ Ref: 'earlier' });
    expect(stableUnique(['arn:b', later, 'arn:a', earlier, 'arn:b', later])).toEqual([later, earlier, 'arn:a', 'arn:b']);
  });
});

it('synthesizes a fixture to the same bytes after another fixture was synthesized in the same process', () => {
  const first = synthesize(selectEnvironments(UNUSUAL_DIR));
  synthesize(selectEnvironments(EXAMPLES_DIR));
  const again = synthesize(selectEnvironments(UNUSUAL_DIR));
  expect(again.map((s) => s.json)).toEqual(first.map((s) => s.json));
});
