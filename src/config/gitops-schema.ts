/** `gitops`: what the GitOps controller may do with the environment. */
import { z } from 'zod';
import { defaultByEnvironment, PRODUCTION_DEFAULTS } from './schema-defaults';
import { strictObject } from './strict-object';

/** GitHub logins: 1-39 letters, digits and single hyphens, not starting or ending with one. */
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

export const gitopsSchema = strictObject({
  /** Apply a plan without an approval. */
  autoApply: z
    .boolean()
    .optional()
    .describe('Apply plans of the default branch without an approval; production always needs one')
    .meta(defaultByEnvironment(PRODUCTION_DEFAULTS.autoApply)),
  /** GitHub logins who may approve runs and comment /plan and /apply. */
  approvers: z
    .array(z.string().regex(GITHUB_LOGIN, 'must be a GitHub login (letters, digits and single hyphens, at most 39)'))
    .default([])
    .describe('GitHub logins who may approve runs and comment /apply; a production environment needs at least one'),
  /** Plan pull requests from forks (their plans run with no credentials and are never applied). */
  allowForks: z.boolean().default(false).describe('Plan pull requests from forks (never applied)'),
});
