/** Strict zod objects: every schema file of the config uses this one, so unknown keys read the same everywhere. */
import { z } from 'zod';
import { excerpt } from './problems';
import { didYouMean } from './suggest';

/** A strict object whose unknown keys are reported one by one with a suggestion. */
export function strictObject<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => `unknown key ${JSON.stringify(excerpt(key))}; ${didYouMean(key, known)}`).join('\n')
        : undefined,
  });
}
