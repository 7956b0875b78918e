import { defineRule, resources } from '../rule';

/** ElastiCache takes at_rest_encryption_enabled as a string in provider 5.x ('true'), a bool in 6.x. */
const on = (value: unknown) => value === true || value === 'true';

export const elasticacheEncryption = defineRule(__filename, {
  description: 'Caches encrypt at rest and in transit, and require an AUTH token',
  scannerIds: ['CKV_AWS_29', 'CKV_AWS_30', 'CKV_AWS_31'],
  scope: 'all',
  fix: 'caches.<name> always sets these; a replication group made outside the Cache module must set at_rest_encryption_enabled, transit_encryption_enabled and auth_token',
  check: (stack) =>
    resources(stack, 'aws_elasticache_replication_group').flatMap((group) => {
      const missing = [
        on(group.values.at_rest_encryption_enabled) ? '' : 'encryption at rest',
        on(group.values.transit_encryption_enabled) ? '' : 'encryption in transit',
        group.values.auth_token !== undefined || (group.values.user_group_ids ?? []).length > 0 ? '' : 'an AUTH token',
      ].filter(Boolean);
      return missing.length > 0 ? [{ address: group.address, message: `the cache lacks ${missing.join(', ')}` }] : [];
    }),
});
