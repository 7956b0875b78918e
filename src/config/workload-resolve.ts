/**
 * The defaults of caches, application buckets and the web application
 * firewall that depend on other keys (production, the log retention), and
 * the names their resources get. Production is stricter: snapshots,
 * versioning, the customer key, prevent_destroy and a WAF by default.
 */
import { ELASTICACHE_ENGINE_VERSIONS } from '../aws-facts';
import { fitName, Naming, rdsIdentifier } from '../naming';
import type { ParsedBucket, ParsedCache, ParsedWaf } from './workload-schema';
import { forEnvironment, PRODUCTION_DEFAULTS } from './schema-defaults';

/** What of the rest of the environment these defaults depend on. */
export interface WorkloadContext {
  readonly project: string;
  readonly environment: string;
  readonly production: boolean;
  readonly accountId: string;
  readonly region: string;
  readonly logRetentionDays: number;
}

/** ElastiCache replication group IDs: 1-40 lowercase letters, digits and single hyphens, starting with a letter. */
export const REPLICATION_GROUP_ID_LIMIT = 40;

/** The replication group ID of a cache: `<prefix>-<key>`, shortened or cleaned with a hash where it would exceed 40 characters or hold `--`. */
export function cacheGroupId(prefix: string, name: string): string {
  // The same rules as RDS identifiers: a hash keeps a name that had to change unique.
  return rdsIdentifier(`${prefix}-${name}`, REPLICATION_GROUP_ID_LIMIT);
}

export function resolveCache(cache: ParsedCache, name: string, context: WorkloadContext) {
  const versions: readonly string[] = ELASTICACHE_ENGINE_VERSIONS[cache.engine];
  const prefix = new Naming(context.project, context.environment).prefix;
  return {
    ...cache,
    name,
    engineVersion: cache.engineVersion ?? versions[versions.length - 1]!,
    /** The primary plus its replicas. */
    nodes: cache.replicas + 1,
    /** Multi-AZ and automatic failover need a replica to fail over to. */
    multiAz: cache.replicas >= 1,
    snapshotRetentionDays:
      cache.snapshotRetentionDays ?? forEnvironment(PRODUCTION_DEFAULTS.cacheSnapshotRetentionDays, context.production),
    /** A final snapshot when the group is destroyed (production). */
    finalSnapshot: context.production,
    groupId: cacheGroupId(prefix, name),
    /** The AUTH token's secret: `<prefix>/cache/<key>`, inside the prefix the boundary and management policy allow. */
    secretName: `${prefix}/cache/${name}`,
    /** Days a deleted token secret can be restored: the longest AWS allows in production, the shortest elsewhere. */
    secretRecoveryDays: context.production ? 30 : 7,
  };
}

export function resolveBucket(bucket: ParsedBucket, name: string, context: WorkloadContext) {
  const versioning = bucket.versioning ?? forEnvironment(PRODUCTION_DEFAULTS.bucketVersioning, context.production);
  return {
    ...bucket,
    name,
    versioning,
    encryption: bucket.encryption ?? forEnvironment(PRODUCTION_DEFAULTS.bucketEncryption, context.production),
    lifecycle: {
      ...bucket.lifecycle,
      expireNoncurrentDays: bucket.lifecycle.expireNoncurrentDays ?? (versioning ? 90 : undefined),
    },
    /** Unique per account and region, as every bucket of the project: `<prefix>-<key>-<account>-<region>`. */
    bucketName: new Naming(context.project, context.environment).bucket(context.accountId, context.region, name),
    /** Production keeps the bucket on `terraform destroy`; elsewhere destroy may delete it with its objects. */
    preventDestroy: context.production,
    forceDestroy: !context.production,
  };
}

/** `hasLoadBalancer`: whether any service has routing (a WAF needs a load balancer to attach to). */
export function resolveWaf(waf: ParsedWaf, context: WorkloadContext, hasLoadBalancer: boolean) {
  const prefix = new Naming(context.project, context.environment).prefix;
  return {
    ...waf,
    /** On by default in production, and only where there is a load balancer. */
    enabled: (waf.enabled ?? forEnvironment(PRODUCTION_DEFAULTS.wafEnabled, context.production)) && hasLoadBalancer,
    /** Whether the file asked for it explicitly (a rule reports a WAF asked for without a load balancer). */
    requested: waf.enabled === true,
    logRetentionDays: waf.logRetentionDays ?? context.logRetentionDays,
    /** WAF logs to CloudWatch only into groups named aws-waf-logs-*. */
    logGroupName: `aws-waf-logs-${prefix}`,
    webAclName: fitName(`${prefix}-waf`, 128),
  };
}

export type CacheConfig = ReturnType<typeof resolveCache>;
export type BucketConfig = ReturnType<typeof resolveBucket>;
export type WafConfig = ReturnType<typeof resolveWaf>;
