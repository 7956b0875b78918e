/** Cross-key rules of `caches`, `buckets` and `loadBalancer.waf` (docs/workloads.md). */
import { ELASTICACHE_ENGINE_VERSIONS } from '../aws-facts';
import type { EnvironmentConfig } from './resolve';
import type { KeyPath } from './yaml-source';

interface Issue {
  readonly path: KeyPath;
  readonly message: string;
}

/** Bucket keys whose names the project already gives to buckets of its own (`<prefix>-<purpose>-<account>-<region>`). */
export const RESERVED_BUCKET_KEYS: readonly string[] = ['alb-logs', 'teleport-audit', 'teleport-lb-logs'];

export function checkWorkloads(env: EnvironmentConfig): Issue[] {
  const issues: Issue[] = [];
  const known = Object.keys(env.services);
  const servicesExist = (names: readonly string[], path: KeyPath) =>
    names.forEach((service, i) => {
      if (!known.includes(service))
        issues.push({
          path: [...path, i],
          message: `no service "${service}" in this environment; use one of ${known.join(', ') || '(none defined)'}`,
        });
    });

  for (const [name, cache] of Object.entries(env.caches)) {
    const at = (...rest: (string | number)[]): KeyPath => ['caches', name, ...rest];
    const versions: readonly string[] = ELASTICACHE_ENGINE_VERSIONS[cache.engine];
    if (!versions.includes(cache.engineVersion)) {
      issues.push({
        path: at('engineVersion'),
        message: `ElastiCache offers ${cache.engine} ${versions.join(', ')} (major.minor) for replication groups with encryption in transit; ${JSON.stringify(cache.engineVersion)} is not one of them`,
      });
    }
    if (env.production && cache.replicas < 1) {
      issues.push({
        path: at('replicas'),
        message: 'production caches need a replica (Multi-AZ with automatic failover); set replicas: 1 or more',
      });
    }
    if (env.production && cache.snapshotRetentionDays < 1) {
      issues.push({
        path: at('snapshotRetentionDays'),
        message: 'production caches keep daily snapshots; set snapshotRetentionDays to 1-35 or remove it (default 7)',
      });
    }
    if (cache.snapshotRetentionDays > 0 && /^cache\.t[1-2]\./.test(cache.nodeType)) {
      issues.push({
        path: at('nodeType'),
        message: `${cache.nodeType} cannot take snapshots; use cache.t3, cache.t4g or a larger family, or set snapshotRetentionDays: 0 outside production`,
      });
    }
    servicesExist(cache.allowedServices, at('allowedServices'));
  }

  for (const [name, bucket] of Object.entries(env.buckets)) {
    const at = (...rest: (string | number)[]): KeyPath => ['buckets', name, ...rest];
    if (RESERVED_BUCKET_KEYS.includes(name)) {
      issues.push({
        path: ['buckets', name],
        message: `the bucket name ${bucket.bucketName} is the project's own (${name}); rename this bucket`,
      });
    }
    if (env.production && !bucket.versioning) {
      issues.push({
        path: at('versioning'),
        message: 'production buckets keep object versions (a deleted or overwritten object can be restored); remove versioning: false',
      });
    }
    if (env.production && bucket.encryption !== 'kms') {
      issues.push({
        path: at('encryption'),
        message: "production buckets are encrypted with the environment's customer key; remove encryption: s3",
      });
    }
    if (!bucket.versioning && bucket.lifecycle.expireNoncurrentDays !== undefined) {
      issues.push({
        path: at('lifecycle', 'expireNoncurrentDays'),
        message: 'an unversioned bucket has no noncurrent versions; set versioning: true or remove expireNoncurrentDays',
      });
    }
    servicesExist(bucket.allowedServices.read, at('allowedServices', 'read'));
    servicesExist(bucket.allowedServices.write, at('allowedServices', 'write'));
  }

  const waf = env.loadBalancer.waf;
  if (waf.requested && !waf.enabled) {
    issues.push({
      path: ['loadBalancer', 'waf', 'enabled'],
      message: 'there is no load balancer to protect (no service has routing); remove loadBalancer.waf.enabled',
    });
  }
  waf.countOnly.forEach((rule, i) => {
    if (rule !== 'rateLimit' && !waf.managedRules.includes(rule)) {
      issues.push({
        path: ['loadBalancer', 'waf', 'countOnly', i],
        message: `${rule} is not in managedRules; add it there or remove it here`,
      });
    }
  });
  return issues;
}
