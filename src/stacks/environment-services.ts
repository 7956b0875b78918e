/**
 * One service of an environment: its target on the load balancer, the
 * Fargate service with its task definition and roles, and its autoscaling.
 * Reads the narrow view of the environment below, which the stack fills in.
 */
import type { Construct } from 'constructs';
import { bucketVariable, cacheVariables, databaseVariables, tableVariable } from '../config/injected-variables';
import type { EnvironmentConfig, ServiceConfig, SidecarConfig } from '../config/resolve';
import { MAIN_CONTAINER } from '../config/schema';
import type { EfsFileSystem } from '../modules/file-system/efs-file-system';
import type { EcsCluster } from '../modules/cluster/ecs-cluster';
import type { ApplicationLoadBalancer } from '../modules/load-balancer/application-load-balancer';
import type { Network } from '../modules/network/network';
import type { ContainerSecret } from '../modules/service/container-definition';
import {
  FargateService,
  type ContainerSettings,
  type ServiceEgress,
  type SidecarProps,
  type TaskVolume,
} from '../modules/service/fargate-service';
import { ServiceAutoscaling } from '../modules/service/service-autoscaling';
import { capacityShares, containerSecret, environmentStrings, imageOf, pullRepositoryArn, queueVariables } from './mapping';
import { taskRoleStatements } from './task-role-statements';
import { teleportSidecar } from './environment-teleport';

/** What a service attaches to. */
export interface ServiceSurroundings {
  readonly config: EnvironmentConfig;
  /** `<project>-<environment>`. */
  readonly prefix: string;
  readonly network: Network;
  readonly cluster: EcsCluster;
  /** ECR repository ARNs by repository key. */
  readonly repositoryArns: Readonly<Record<string, string>>;
  readonly loadBalancer?: ApplicationLoadBalancer;
  /** The Cloud Map namespace, when a service uses discovery. */
  readonly namespaceId?: string;
  /** The customer key of ECS Exec sessions, when there is one. */
  readonly execKeyArn?: string;
  /** The key of log groups: the customer key in production, else CloudWatch's own (undefined). */
  readonly logsKeyArn?: string;
  /** Database key -> its connection secret's ARN and the ARN of the master user secret RDS manages. */
  readonly databaseSecretArns: Readonly<Record<string, { readonly connection: string; readonly master: string }>>;
  /** Table key -> table name. */
  readonly tableNames: Readonly<Record<string, string>>;
  /** The environment's EFS file systems by name. */
  readonly fileSystems: Readonly<Record<string, EfsFileSystem>>;
  /** Queue key -> its URL, for QUEUE_<KEY>_URL. @default no queues */
  readonly queueUrls?: Readonly<Record<string, string>>;
  /** Cache key -> its primary endpoint, port and the ARN of its AUTH token secret. @default none */
  readonly caches?: Readonly<Record<string, { readonly host: string; readonly port: number; readonly secretArn: string }>>;
  /** Application bucket key -> bucket name. @default none */
  readonly bucketNames?: Readonly<Record<string, string>>;
}

export function addService(scope: Construct, service: ServiceConfig, env: ServiceSurroundings): FargateService {
  const { config, loadBalancer } = env;
  const routing =
    service.routing && loadBalancer
      ? loadBalancer.addTarget({
          name: service.name,
          port: service.port!,
          hosts: service.routing.hosts,
          paths: service.routing.paths,
          priority: service.routing.priority,
          healthCheck: service.healthCheck,
        })
      : undefined;
  // Container access (teleport.ssh): the Teleport agent beside the app; nothing for other services.
  const teleport = teleportSidecar(config, service);
  const fargateService = new FargateService(scope, `service-${service.name}`, {
    name: service.name,
    namePrefix: env.prefix,
    cluster: { name: env.cluster.name, arn: env.cluster.arn, ready: env.cluster.capacityProviders },
    image: imageOf(config, service.image),
    repositoryArns: [service.image, ...Object.values(service.sidecars).map((s) => s.image)].flatMap(
      (image) => pullRepositoryArn(image, env.repositoryArns) ?? [],
    ),
    cpu: service.cpu,
    memory: service.memory,
    cpuArchitecture: service.cpuArchitecture,
    port: service.port,
    command: service.command,
    environment: {
      ...environmentStrings(service.environment),
      ...tableVariables(service, env),
      ...queueVariables(env.config, service.name, env.queueUrls ?? {}),
      ...cacheAndBucketVariables(service, env),
    },
    secrets: [
      ...Object.entries(service.secrets).map(([name, secret]) => containerSecret(name, secret, config.aws)),
      ...databaseSecrets(service, env),
      ...cacheSecrets(service, env),
    ],
    healthCheck:
      service.healthCheck.command !== undefined
        ? {
            command: service.healthCheck.command,
            intervalSeconds: service.healthCheck.intervalSeconds,
            timeoutSeconds: service.healthCheck.timeoutSeconds,
            retries: service.healthCheck.retries,
            startPeriodSeconds: service.healthCheck.startPeriodSeconds,
          }
        : undefined,
    container: containerSettings(service, service),
    sidecars: [...Object.values(service.sidecars).map((sidecar) => sidecarProps(sidecar, service, env)), ...teleport.sidecars],
    volumes: [...taskVolumes(service, env), ...teleport.volumes],
    ephemeralStorageGiB: Object.values(service.volumes).find((v) => v.ephemeral)?.ephemeral?.sizeGiB,
    taskStatements: taskRoleStatements(service, config.aws),
    managedPolicyArns: service.taskRole.managedPolicyArns,
    healthCheckGracePeriodSeconds: service.healthCheck.gracePeriodSeconds,
    readonlyRootFilesystem: service.readonlyRootFilesystem,
    stopTimeoutSeconds: service.stopTimeoutSeconds,
    logs: { retentionDays: service.logRetentionDays, kmsKeyArn: env.logsKeyArn },
    desiredCount: service.desiredCount,
    capacity: capacityShares(service.capacity),
    deployment: service.deployment,
    autoscaled: service.autoscaling !== undefined,
    exec:
      service.exec && env.cluster.execLogGroup && env.execKeyArn
        ? { logGroupArn: env.cluster.execLogGroup.arn, kmsKeyArn: env.execKeyArn }
        : undefined,
    egress: serviceEgress(service, config),
    network: {
      vpcId: env.network.vpcId,
      // Public IPs only work from public subnets; everything else runs in the private ones.
      subnetIds: service.assignPublicIp ? env.network.publicSubnetIds : env.network.privateSubnetIds,
      assignPublicIp: service.assignPublicIp,
      extraSecurityGroupIds: service.securityGroupIds,
    },
    serviceDiscoveryNamespaceId: service.serviceDiscovery ? env.namespaceId : undefined,
    loadBalancer:
      routing && loadBalancer
        ? { targetGroupArn: routing.targetGroup.arn, securityGroupId: loadBalancer.securityGroup.id, attachedAfter: routing.rule }
        : undefined,
  });
  if (service.autoscaling) {
    const { autoscaling } = service;
    new ServiceAutoscaling(fargateService, 'autoscaling', {
      clusterName: env.cluster.name,
      serviceName: fargateService.service.name,
      namePrefix: `${env.prefix}-${service.name}`,
      min: autoscaling.min,
      max: autoscaling.max,
      cpuTarget: autoscaling.cpuTarget,
      memoryTarget: autoscaling.memoryTarget,
      requestsPerTarget:
        autoscaling.requestsPerTarget !== undefined && routing && loadBalancer
          ? { target: autoscaling.requestsPerTarget, resourceLabel: loadBalancer.requestCountLabel(routing.targetGroup) }
          : undefined,
      scaleOutCooldownSeconds: autoscaling.scaleOutCooldownSeconds,
      scaleInCooldownSeconds: autoscaling.scaleInCooldownSeconds,
      schedules: autoscaling.schedules.map((s) => ({ name: s.name, schedule: s.cron, timezone: s.timezone, min: s.min, max: s.max })),
      queue: autoscaling.queue
        ? { queueName: config.queues[autoscaling.queue.name]!.queueName, messagesPerTask: autoscaling.queue.messagesPerTask }
        : undefined,
    });
  }
  return fargateService;
}

/** Narrowed egress as configured (CIDRs, the VPC's CIDR, prefix lists); other services are added by the grants. Undefined: open. */
export function serviceEgress(service: Pick<ServiceConfig, 'egress'>, config: EnvironmentConfig): ServiceEgress | undefined {
  if (service.egress === undefined) return undefined;
  const cidrs = service.egress.flatMap((e) =>
    'cidr' in e
      ? [{ cidr: e.cidr, ports: e.ports }]
      : 'vpc' in e && config.network.kind === 'new'
        ? [{ cidr: config.network.cidr, ports: e.ports }]
        : [],
  );
  const prefixLists = service.egress.flatMap((e) => ('prefixList' in e ? [{ prefixListId: e.prefixList, ports: e.ports }] : []));
  return { cidrs, prefixLists };
}

/** The container settings of the main container or a sidecar; dependsOn's "app" is the main container, named after the service. */
export function containerSettings(
  container: Pick<ServiceConfig, 'user' | 'ulimits' | 'workingDirectory' | 'dockerLabels' | 'dependsOn'> &
    Partial<Pick<ServiceConfig, 'mountPoints'>>,
  service: Pick<ServiceConfig, 'name'>,
): ContainerSettings {
  return {
    user: container.user,
    ulimits: container.ulimits,
    workingDirectory: container.workingDirectory,
    dockerLabels: container.dockerLabels,
    mountPoints: container.mountPoints,
    dependsOn: container.dependsOn.map((d) => ({ ...d, container: d.container === MAIN_CONTAINER ? service.name : d.container })),
  };
}

export function sidecarProps(
  sidecar: SidecarConfig,
  service: Pick<ServiceConfig, 'name'>,
  env: Pick<ServiceSurroundings, 'config'>,
): SidecarProps {
  return {
    ...containerSettings(sidecar, service),
    name: sidecar.name,
    image: imageOf(env.config, sidecar.image),
    essential: sidecar.essential,
    cpu: sidecar.cpu,
    memory: sidecar.memory,
    port: sidecar.port,
    command: sidecar.command,
    environment: environmentStrings(sidecar.environment),
    secrets: Object.entries(sidecar.secrets).map(([name, secret]) => containerSecret(name, secret, env.config.aws)),
    healthCheck: sidecar.healthCheck,
    readonlyRootFilesystem: sidecar.readonlyRootFilesystem,
    stopTimeoutSeconds: sidecar.stopTimeoutSeconds,
  };
}

/** The task's volumes: an access point of the environment's file system per EFS volume, a plain volume per ephemeral one. */
function taskVolumes(service: ServiceConfig, env: ServiceSurroundings): TaskVolume[] {
  return Object.values(service.volumes).map((volume) => {
    if (!volume.efs) return { name: volume.name };
    const fileSystem = env.fileSystems[volume.efs.fileSystem]!;
    const [uid, gid] = volume.efs.posixUser.split(':').map(Number) as [number, number];
    const accessPoint = fileSystem.addAccessPoint(`${service.name}-${volume.name}`, {
      rootDirectory: volume.efs.rootDirectory,
      uid,
      gid,
      permissions: volume.efs.permissions,
    });
    return {
      name: volume.name,
      efs: { fileSystemId: fileSystem.fileSystem.id, accessPointId: accessPoint.id, ready: fileSystem.mountTargets },
    };
  });
}

/**
 * Container secrets of the databases that list this service: DB_<KEY>_HOST,
 * ... from the connection secret, DB_<KEY>_PASSWORD from the secret RDS
 * manages; the execution role reads exactly those two secrets.
 */
function databaseSecrets(service: ServiceConfig, env: ServiceSurroundings): ContainerSecret[] {
  return Object.values(env.config.databases)
    .filter((db) => db.allowedServices.includes(service.name))
    .flatMap((db) => {
      const arns = env.databaseSecretArns[db.name]!;
      return databaseVariables(db.name).map(({ variable, field, secret }) => ({
        name: variable,
        valueFrom: `${arns[secret]}:${field}::`,
        readResources: [arns[secret]],
        source: 'secretsManager' as const,
      }));
    });
}

/** DYNAMODB_<KEY>_TABLE for every table this service may read or write. */
function tableVariables(service: ServiceConfig, env: ServiceSurroundings): Record<string, string> {
  return Object.fromEntries(
    Object.values(env.config.dynamodb)
      .filter((t) => t.allowedServices.read.includes(service.name) || t.allowedServices.write.includes(service.name))
      .map((t) => [tableVariable(t.name), env.tableNames[t.name]!]),
  );
}

/** CACHE_<KEY>_HOST and _PORT of every cache that lists this service, BUCKET_<KEY>_NAME of every bucket that grants it access. */
function cacheAndBucketVariables(service: ServiceConfig, env: ServiceSurroundings): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const cache of Object.values(env.config.caches).filter((c) => c.allowedServices.includes(service.name))) {
    const names = cacheVariables(cache.name);
    variables[names.host] = env.caches![cache.name]!.host;
    variables[names.port] = String(cache.port);
  }
  for (const bucket of Object.values(env.config.buckets)) {
    if (bucket.allowedServices.read.includes(service.name) || bucket.allowedServices.write.includes(service.name)) {
      variables[bucketVariable(bucket.name)] = env.bucketNames![bucket.name]!;
    }
  }
  return variables;
}

/** CACHE_<KEY>_AUTH_TOKEN from the token secret of every cache that lists this service; the execution role reads exactly those secrets. */
function cacheSecrets(service: ServiceConfig, env: ServiceSurroundings): ContainerSecret[] {
  return Object.values(env.config.caches)
    .filter((cache) => cache.allowedServices.includes(service.name))
    .map((cache) => {
      const arn = env.caches![cache.name]!.secretArn;
      return { name: cacheVariables(cache.name).authToken, valueFrom: arn, readResources: [arn], source: 'secretsManager' as const };
    });
}
