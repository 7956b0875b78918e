/**
 * Network paths and IAM grants that need the services: the load balancer
 * to routed services, discovered services from the other services,
 * databases from the services they list, tables to the services they list.
 */
import type { EnvironmentConfig } from '../config/resolve';
import type { Database } from '../modules/database/database';
import { NFS_PORT, type EfsFileSystem } from '../modules/file-system/efs-file-system';
import type { Table } from '../modules/dynamodb/table';
import type { Cache } from '../modules/cache/cache';
import type { ApplicationBucket } from '../modules/storage/application-bucket';
import type { ApplicationLoadBalancer } from '../modules/load-balancer/application-load-balancer';
import type { FargateService } from '../modules/service/fargate-service';

export interface GrantedResources {
  readonly loadBalancer?: ApplicationLoadBalancer;
  readonly services: Readonly<Record<string, FargateService>>;
  readonly databases: Readonly<Record<string, Database>>;
  readonly tables: Readonly<Record<string, Table>>;
  /** EFS file systems by name. @default none */
  readonly fileSystems?: Readonly<Record<string, EfsFileSystem>>;
  /** ElastiCache replication groups by key. @default none */
  readonly caches?: Readonly<Record<string, Cache>>;
  /** Application buckets by key. @default none */
  readonly buckets?: Readonly<Record<string, ApplicationBucket>>;
}

export function grantAccess(
  config: Pick<EnvironmentConfig, 'services' | 'databases' | 'dynamodb'> & Partial<Pick<EnvironmentConfig, 'caches' | 'buckets'>>,
  resources: GrantedResources,
): void {
  const { loadBalancer, services, databases, tables, fileSystems = {}, caches = {}, buckets = {} } = resources;
  for (const target of Object.values(config.services)) {
    const service = services[target.name]!;
    if (target.routing && loadBalancer) {
      loadBalancer.allowTo(target.name, service.securityGroup.id, target.port!, `service ${target.name}`);
    }
    if (target.serviceDiscovery && target.port !== undefined) {
      for (const caller of Object.values(services)) {
        if (caller.name !== target.name) service.allowFrom(`from-${caller.name}`, caller.securityGroup.id, `service ${caller.name}`);
      }
    }
    // Narrowed egress: the other services it names (validated to have a port and discovery).
    for (const entry of target.egress ?? []) {
      if (!('service' in entry)) continue;
      const peer = config.services[entry.service]!;
      service.allowTo(`service-${peer.name}`, services[peer.name]!.securityGroup.id, peer.port!, `service ${peer.name}`);
    }
  }
  for (const target of Object.values(config.services)) {
    const service = services[target.name]!;
    for (const volume of Object.values(target.volumes)) {
      if (!volume.efs) continue;
      // Read-only only when every container mounts it read-only.
      const mounts = [...target.mountPoints, ...Object.values(target.sidecars).flatMap((s) => s.mountPoints)].filter(
        (m) => m.volume === volume.name,
      );
      const fileSystem = fileSystems[volume.efs.fileSystem]!;
      service.allowTo(
        `file-system-${volume.efs.fileSystem}-${volume.name}`,
        fileSystem.securityGroup.id,
        NFS_PORT,
        `file system ${volume.efs.fileSystem}`,
      );
      fileSystem.grantMount(`${target.name}-${volume.name}`, {
        service: target.name,
        securityGroupId: service.securityGroup.id,
        taskRoleId: service.roles.taskRole.id,
        readOnly: mounts.every((m) => m.readOnly),
      });
    }
  }
  for (const db of Object.values(config.databases)) {
    for (const name of db.allowedServices) {
      databases[db.name]!.allowFrom(name, services[name]!.securityGroup.id, `service ${name}`);
      services[name]!.allowTo(`database-${db.name}`, databases[db.name]!.securityGroup.id, databases[db.name]!.port, `database ${db.name}`);
    }
  }
  for (const cache of Object.values(config.caches ?? {})) {
    for (const name of cache.allowedServices) {
      caches[cache.name]!.allowFrom(name, services[name]!.securityGroup.id, `service ${name}`);
      services[name]!.allowTo(`cache-${cache.name}`, caches[cache.name]!.securityGroup.id, cache.port, `cache ${cache.name}`);
    }
  }
  for (const bucket of Object.values(config.buckets ?? {})) {
    for (const access of ['read', 'write'] as const) {
      for (const name of bucket.allowedServices[access]) buckets[bucket.name]!.grant(name, services[name]!.roles.taskRole.id, access);
    }
  }
  for (const table of Object.values(config.dynamodb)) {
    for (const access of ['read', 'write'] as const) {
      for (const name of table.allowedServices[access]) {
        tables[table.name]!.grant(name, services[name]!.roles.taskRole.id, access);
      }
    }
  }
}
