/**
 * One service of an environment: its target on the load balancer, the
 * Fargate service with its task definition and roles, and its autoscaling.
 * Reads the narrow view of the environment below, which the stack fills in.
 */
import type { Construct } from 'constructs';
import { databaseVariables, tableVariable } from '../config/injected-variables';
import type { EnvironmentConfig, ServiceConfig } from '../config/resolve';
import type { EcsCluster } from '../modules/cluster/ecs-cluster';
import type { ApplicationLoadBalancer } from '../modules/load-balancer/application-load-balancer';
import type { Network } from '../modules/network/network';
import type { ContainerSecret } from '../modules/service/container-definition';
import { FargateService } from '../modules/service/fargate-service';
import { ServiceAutoscaling } from '../modules/service/service-autoscaling';
import { capacityShares, containerSecret, environmentStrings, imageOf } from './mapping';

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
  /** Database key -> connection secret ARN. */
  readonly databaseSecretArns: Readonly<Record<string, string>>;
  /** Table key -> table name. */
  readonly tableNames: Readonly<Record<string, string>>;
}

export function addService(scope: Construct, service: ServiceConfig, env: ServiceSurroundings): FargateService {
  const { config, loadBalancer } = env;
  const routing = service.routing && loadBalancer
    ? loadBalancer.addTarget({
      name: service.name,
      port: service.port!,
      hosts: service.routing.hosts,
      paths: service.routing.paths,
      priority: service.routing.priority,
      healthCheck: service.healthCheck,
    })
    : undefined;
  const fargateService = new FargateService(scope, `service-${service.name}`, {
    name: service.name,
    namePrefix: env.prefix,
    cluster: { name: env.cluster.name, arn: env.cluster.arn, ready: env.cluster.capacityProviders },
    region: config.aws.region,
    accountId: config.aws.accountId,
    image: imageOf(config, service),
    repositoryArn: typeof service.image === 'string' ? undefined : env.repositoryArns[service.image.repository],
    cpu: service.cpu,
    memory: service.memory,
    cpuArchitecture: service.cpuArchitecture,
    port: service.port,
    command: service.command,
    environment: { ...environmentStrings(service.environment), ...tableVariables(service, env) },
    secrets: [
      ...Object.entries(service.secrets).map(([name, secret]) => containerSecret(name, secret, config.aws)),
      ...databaseSecrets(service, env),
    ],
    healthCheckCommand: service.healthCheck.command,
    healthCheckGracePeriodSeconds: service.healthCheck.gracePeriodSeconds,
    readonlyRootFilesystem: service.readonlyRootFilesystem,
    stopTimeoutSeconds: service.stopTimeoutSeconds,
    logs: { retentionDays: service.logRetentionDays, kmsKeyArn: env.logsKeyArn },
    desiredCount: service.desiredCount,
    capacity: capacityShares(service.capacity),
    deployment: service.deployment,
    autoscaled: service.autoscaling !== undefined,
    exec: service.exec && env.cluster.execLogGroup && env.execKeyArn
      ? { logGroupArn: env.cluster.execLogGroup.arn, kmsKeyArn: env.execKeyArn }
      : undefined,
    network: {
      vpcId: env.network.vpcId,
      subnetIds: env.network.serviceSubnetIds,
      assignPublicIp: env.network.servicesNeedPublicIp,
    },
    serviceDiscoveryNamespaceId: service.serviceDiscovery ? env.namespaceId : undefined,
    loadBalancer: routing && loadBalancer
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
      requestsPerTarget: autoscaling.requestsPerTarget !== undefined && routing && loadBalancer
        ? { target: autoscaling.requestsPerTarget, resourceLabel: loadBalancer.requestCountLabel(routing.targetGroup) }
        : undefined,
      scaleOutCooldownSeconds: autoscaling.scaleOutCooldownSeconds,
      scaleInCooldownSeconds: autoscaling.scaleInCooldownSeconds,
      schedules: autoscaling.schedules.map((s) => ({ name: s.name, schedule: s.cron, timezone: s.timezone, min: s.min, max: s.max })),
    });
  }
  return fargateService;
}

/** Container secrets of the databases that list this service: DB_<KEY>_HOST, ... from the connection secret. */
function databaseSecrets(service: ServiceConfig, env: ServiceSurroundings): ContainerSecret[] {
  return Object.values(env.config.databases)
    .filter((db) => db.allowedServices.includes(service.name))
    .flatMap((db) => {
      const secretArn = env.databaseSecretArns[db.name]!;
      return databaseVariables(db.name).map(({ variable, field }) => ({
        name: variable,
        valueFrom: `${secretArn}:${field}::`,
        readResources: [secretArn],
        source: 'secretsManager' as const,
      }));
    });
}

/** DYNAMODB_<KEY>_TABLE for every table this service may read or write. */
function tableVariables(service: ServiceConfig, env: ServiceSurroundings): Record<string, string> {
  return Object.fromEntries(Object.values(env.config.dynamodb)
    .filter((t) => t.allowedServices.read.includes(service.name) || t.allowedServices.write.includes(service.name))
    .map((t) => [tableVariable(t.name), env.tableNames[t.name]!]));
}
