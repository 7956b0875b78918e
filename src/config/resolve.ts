/**
 * Defaults that depend on other keys, resolved once after validation so that
 * stacks and modules see one complete, typed EnvironmentConfig. This is the
 * one home of every "production is stricter" decision (docs/production.md); stacks map these values onto module props and decide
 * nothing themselves.
 */
import { DATABASE_PORTS, parameterGroupFamily, partitionOf, supportsPerformanceInsights } from '../aws-facts';
import type { ParsedEnvironment } from './schema';
import { escapeTemplates } from './template-escape';
import { resolveTeleport } from './teleport-resolve';
import { resolveJobs, resolveQueues } from './jobs-resolve';
import { Naming } from '../naming';
import { resolveBucket, resolveCache, resolveWaf, type WorkloadContext } from './workload-resolve';
import { forEnvironment, PRODUCTION_DEFAULTS } from './schema-defaults';

/** Environments named prod, production or prod-* are production unless `production` says otherwise. */
export function isProductionName(environment: string): boolean {
  return /^prod(uction)?(-|$)/.test(environment);
}

export function resolveEnvironment(validated: ParsedEnvironment, fileStem: string) {
  const parsed = escapeTemplates(validated);
  const environment = parsed.environment ?? fileStem;
  const production = parsed.production ?? isProductionName(environment);
  const region = parsed.aws.region;
  const { cidr, existing, natGateways, flowLogs } = parsed.network;
  const flowLogRetentionDays = parsed.network.flowLogRetentionDays ?? parsed.logRetentionDays;
  const workloadContext = {
    prefix: new Naming(parsed.project, environment).prefix,
    production,
    publicIpDefault: existing === undefined && (natGateways ?? 'single') === 'none',
  };
  const workload: WorkloadContext = {
    project: parsed.project,
    environment,
    production,
    accountId: parsed.aws.accountId,
    region,
    logRetentionDays: parsed.logRetentionDays,
  };
  return {
    ...parsed,
    environment,
    production,
    /** Log groups encrypted with the environment's customer key (production), else CloudWatch's own encryption. */
    logsCustomerKey: production,
    aws: {
      ...parsed.aws,
      partition: partitionOf(region),
      availabilityZones: parsed.aws.availabilityZones ?? [`${region}a`, `${region}b`],
    },
    backend: {
      ...parsed.backend,
      region: parsed.backend.region ?? region,
      keyPrefix: parsed.backend.keyPrefix ?? parsed.project,
      accountId: parsed.backend.accountId ?? parsed.aws.accountId,
      useLockfile: parsed.backend.useLockfile ?? parsed.backend.lockTable === undefined,
    },
    loadBalancer: {
      ...parsed.loadBalancer,
      // An internal load balancer is open to its own network by default; rules.ts asks for CIDRs where that is unknown.
      allowedCidrs: parsed.loadBalancer.allowedCidrs ?? (parsed.loadBalancer.internal ? (cidr ? [cidr] : []) : ['0.0.0.0/0']),
      /** Outside production, `terraform destroy` may delete the access logs with the environment. */
      accessLogsForceDestroy: !production,
      waf: resolveWaf(
        parsed.loadBalancer.waf,
        workload,
        Object.values(parsed.services).some((s) => s.routing !== undefined),
      ),
    },
    network: existing
      ? { kind: 'existing' as const, ...existing, flowLogs, flowLogRetentionDays }
      : { kind: 'new' as const, cidr: cidr!, natGateways: natGateways ?? 'single', flowLogs, flowLogRetentionDays },
    services: mapEntries(parsed.services, (service, name) => ({
      ...service,
      name,
      capacity: service.capacity ?? parsed.cluster.capacity,
      // Autoscaling owns the count: a service starts at its minimum unless told otherwise.
      desiredCount: service.desiredCount ?? service.autoscaling?.min ?? 1,
      logRetentionDays: service.logRetentionDays ?? parsed.logRetentionDays,
      alarms: { ...parsed.monitoring.thresholds, ...definedOnly(service.alarms) },
      // Public IPs by default only where tasks have no other way out: a new VPC without NAT.
      assignPublicIp: service.assignPublicIp ?? (existing === undefined && (natGateways ?? 'single') === 'none'),
      sidecars: mapEntries(service.sidecars, (sidecar, sidecarName) => ({ ...sidecar, name: sidecarName })),
      volumes: mapEntries(service.volumes, (volume, volumeName) => resolveVolume(volume, volumeName, service.user)),
      // Teleport reaches an application through its Cloud Map name.
      serviceDiscovery: service.serviceDiscovery || (parsed.teleport.enabled && service.teleport.app),
    })),
    /** EFS file systems by name, with the services that mount them; backed up and kept from `destroy` in production. */
    fileSystems: fileSystemsOf(parsed.services, production),
    certificates: mapEntries(parsed.certificates, (certificate) => ({
      ...certificate,
      hostedZoneId: certificate.hostedZoneId ?? (certificate.domain !== undefined ? parsed.dns?.hostedZoneId : undefined),
    })),
    monitoring: {
      ...parsed.monitoring,
      // Turning alarms off turns off every kind.
      alarms: parsed.monitoring.alarms.enabled
        ? parsed.monitoring.alarms
        : { enabled: false, services: false, targets: false, loadBalancer: false, databases: false, tables: false, caches: false },
    },
    databases: mapEntries(parsed.databases, (database, name) => ({
      ...database,
      name,
      port: DATABASE_PORTS[database.engine],
      parameterGroupFamily: parameterGroupFamily(database.engine, database.engineVersion) ?? '',
      databaseName: database.databaseName ?? name.replace(/-/g, '_'),
      performanceInsights: database.performanceInsights ?? supportsPerformanceInsights(database.instanceClass),
      enhancedMonitoring: production,
      /** Days a deleted connection secret can be restored: the longest AWS allows in production, the shortest elsewhere. */
      secretRecoveryDays: production ? 30 : 7,
      /** RDS IAM authentication, for the databases Teleport fronts. */
      iamDatabaseAuthentication: parsed.teleport.enabled && (parsed.teleport.databases ?? Object.keys(parsed.databases)).includes(name),
    })),
    teleport: resolveTeleport(parsed.teleport, {
      project: parsed.project,
      environment,
      production,
      accountId: parsed.aws.accountId,
      region,
      databases: Object.keys(parsed.databases),
      hostedZoneId: parsed.dns?.hostedZoneId,
    }),
    jobs: resolveJobs(parsed, workloadContext),
    queues: resolveQueues(parsed, workloadContext),
    gitops: {
      ...parsed.gitops,
      autoApply: parsed.gitops.autoApply ?? forEnvironment(PRODUCTION_DEFAULTS.autoApply, production),
    },
    caches: mapEntries(parsed.caches, (cache, name) => resolveCache(cache, name, workload)),
    buckets: mapEntries(parsed.buckets, (bucket, name) => resolveBucket(bucket, name, workload)),
    dynamodb: mapEntries(parsed.dynamodb, (table, name) => ({
      ...table,
      name,
      deletionProtection: table.deletionProtection ?? forEnvironment(PRODUCTION_DEFAULTS.tableDeletionProtection, production),
    })),
  };
}

type ParsedService = ParsedEnvironment['services'][string];

/** A volume with its defaults: the file system is the volume key, the root directory /<key>, the POSIX user the service's. */
function resolveVolume(volume: ParsedService['volumes'][string], name: string, user: string | undefined) {
  const efs = volume.efs && {
    fileSystem: volume.efs.fileSystem ?? name,
    rootDirectory: volume.efs.rootDirectory ?? `/${name}`,
    posixUser: volume.efs.posixUser ?? (user !== undefined && /^\d+:\d+$/.test(user) ? user : '1000:1000'),
    permissions: volume.efs.permissions.padStart(4, '0'),
  };
  return { name, efs, ephemeral: volume.ephemeral };
}

function fileSystemsOf(services: ParsedEnvironment['services'], production: boolean) {
  const fileSystems: Record<string, { name: string; services: string[]; backups: boolean; preventDestroy: boolean }> = {};
  for (const [serviceName, service] of Object.entries(services).sort(([a], [b]) => a.localeCompare(b))) {
    for (const [volumeName, volume] of Object.entries(service.volumes)) {
      if (!volume.efs) continue;
      const name = volume.efs.fileSystem ?? volumeName;
      if (!Object.hasOwn(fileSystems, name)) fileSystems[name] = { name, services: [], backups: production, preventDestroy: production };
      if (!fileSystems[name]!.services.includes(serviceName)) fileSystems[name]!.services.push(serviceName);
    }
  }
  return fileSystems;
}

export type EnvironmentConfig = ReturnType<typeof resolveEnvironment>;
export type ServiceConfig = EnvironmentConfig['services'][string];
export type DatabaseConfig = EnvironmentConfig['databases'][string];
export type TableConfig = EnvironmentConfig['dynamodb'][string];
export type NetworkConfig = EnvironmentConfig['network'];
export type SidecarConfig = ServiceConfig['sidecars'][string];
export type VolumeConfig = ServiceConfig['volumes'][string];
export type FileSystemConfig = EnvironmentConfig['fileSystems'][string];
export type JobConfig = EnvironmentConfig['jobs'][string];
export type QueueConfig = EnvironmentConfig['queues'][string];
export type { TeleportConfig } from './teleport-resolve';
export type { BucketConfig, CacheConfig, WafConfig } from './workload-resolve';

function mapEntries<T, R>(record: Record<string, T>, map: (value: T, key: string) => R): Record<string, R> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value, key)]));
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
