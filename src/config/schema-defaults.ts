/**
 * The defaults JSON Schema cannot hold as a `default` value, declared once and
 * carried into the JSON Schema as annotations the reference shows (a zod
 * `.default()` is every other default: JSON Schema carries it as `default`).
 *
 * - A default production makes stricter: `PRODUCTION_DEFAULTS` holds both
 *   values, `resolve` picks one (`forEnvironment`), and the schema carries
 *   them as `x-default-by-environment` (`defaultByEnvironment`).
 * - A default computed from other keys (resolve.ts): the schema carries what
 *   it is, in words, as `x-default` (`computedDefault`).
 */

/** A default that depends on whether the environment is production. */
export interface ByEnvironment<T> {
  readonly production: T;
  readonly others: T;
}

/** The defaults production makes stricter, by key. */
export const PRODUCTION_DEFAULTS = {
  /** loadBalancer.waf.enabled */
  wafEnabled: { production: true, others: false },
  /** dynamodb.<name>.deletionProtection */
  tableDeletionProtection: { production: true, others: false },
  /** caches.<name>.snapshotRetentionDays */
  cacheSnapshotRetentionDays: { production: 7, others: 0 },
  /** buckets.<name>.versioning */
  bucketVersioning: { production: true, others: false },
  /** buckets.<name>.encryption */
  bucketEncryption: { production: 'kms', others: 's3' },
  /** gitops.autoApply (production runs wait for an approval whatever it says) */
  autoApply: { production: false, others: true },
} as const satisfies Record<string, ByEnvironment<unknown>>;

/** The default for this environment. */
export function forEnvironment<T>(defaults: ByEnvironment<T>, production: boolean): T {
  return production ? defaults.production : defaults.others;
}

/** The JSON Schema annotation names (an editor ignores them; the reference reads them). */
export const DEFAULT_BY_ENVIRONMENT = 'x-default-by-environment';
export const COMPUTED_DEFAULT = 'x-default';

/** Metadata (zod `.meta()`) of a key whose default depends on production. */
export function defaultByEnvironment(defaults: ByEnvironment<unknown>): Record<string, unknown> {
  return { [DEFAULT_BY_ENVIRONMENT]: { production: defaults.production, others: defaults.others } };
}

/** Metadata (zod `.meta()`) of a key whose default resolve computes from other keys, said in words. */
export function computedDefault(text: string): Record<string, unknown> {
  return { [COMPUTED_DEFAULT]: text };
}
