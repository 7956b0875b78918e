import { defineRule, resources } from '../rule';

export const elasticacheFailover = defineRule(__filename, {
  description: 'Production caches have a replica in another zone, automatic failover and daily snapshots',
  scannerIds: ['CKV_AWS_134'],
  scope: 'production',
  fix: 'set caches.<name>.replicas: 1 or more, and keep snapshotRetentionDays above 0',
  check: (stack) =>
    resources(stack, 'aws_elasticache_replication_group').flatMap((group) => {
      const v = group.values;
      const missing = [
        v.automatic_failover_enabled === true && v.multi_az_enabled === true ? '' : 'Multi-AZ automatic failover',
        Number(v.snapshot_retention_limit ?? 0) > 0 ? '' : 'snapshots',
      ].filter(Boolean);
      return missing.length > 0 ? [{ address: group.address, message: `the cache lacks ${missing.join(', ')}` }] : [];
    }),
});
