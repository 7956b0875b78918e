/**
 * Where the project's tests find their environments. They read these
 * folders, never `environments/`: that folder is the user's, and their edits
 * must not break the project's tests (their own environments are checked by
 * `check-guardrails` and `check-addresses` in `npm test`).
 */

/**
 * The project's own copy of the example environments: the tests' only one.
 * It is `environments/` as the repository ships it (the same files, its own
 * `$schema` path, its own address records in addresses/), kept here rather
 * than read from `environments/` because that folder is the team's to edit.
 */
export const EXAMPLES_DIR = 'test/fixtures/examples';

/** Environments at the edges of the contract. */
export const UNUSUAL_DIR = 'test/fixtures/unusual';
