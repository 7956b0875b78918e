/**
 * Lists in policies and resources that mix literals with references to
 * other resources. A reference is an unresolved token until synthesis, its
 * text `${TfToken[TOKEN.n]}` with `n` counting the tokens made so far in the
 * process: sorting that text orders references by when they happened to be
 * made, so the same configuration synthesized after another one came out in
 * another order. References keep the order they are given in (which follows
 * the configuration); literals are sorted after them.
 */
import { Token } from 'cdktf';

/** Distinct values: references first in the order given, then literals sorted. */
export function stableUnique(values: readonly string[]): string[] {
  const distinct = [...new Set(values)];
  return [...distinct.filter((v) => Token.isUnresolved(v)), ...distinct.filter((v) => !Token.isUnresolved(v)).sort()];
}
