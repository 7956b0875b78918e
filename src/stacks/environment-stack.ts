import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { dnsSuffixOf } from '../config/aws-facts';
import type { EnvironmentConfig, ServiceConfig } from '../config/resolve';
import { EcsCluster } from '../modules/cluster/ecs-cluster';
import { ServiceNamespace } from '../modules/discovery/service-namespace';
import { LogsKey } from '../modules/kms/logs-key';
import { Network } from '../modules/network/network';
import { EcrRepository } from '../modules/registry/ecr-repository';
import { FargateService } from '../modules/service/fargate-service';
import { ServiceAutoscaling } from '../modules/service/service-autoscaling';
import { Naming } from '../naming';
import { capacityShares, containerSecret, environmentStrings, imageOf, repositoriesOf, repositoryName } from './mapping';

/** The tags every resource of an environment carries (provider default_tags). */
export function environmentTags(config: EnvironmentConfig): Record<string, string> {
  return { ...config.tags, Project: config.project, Environment: config.environment, ManagedBy: 'cdktf' };
}

/**
 * One environment: the only place where configuration is mapped onto module
 * props. Construct IDs here become Terraform addresses: renaming one destroys
 * and recreates its resources (modules-tests/addresses.test.ts guards them).
 */
export class EnvironmentStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  readonly naming: Naming;
  readonly network: Network;
  /** The customer key of log groups (production) and ECS Exec sessions, when either needs one. */
  readonly logsKey?: LogsKey;
  readonly cluster: EcsCluster;
  readonly repositories: Record<string, EcrRepository> = {};
  readonly namespace?: ServiceNamespace;
  readonly services: Record<string, FargateService> = {};

  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, config.environment);
    this.config = config;
    this.naming = new Naming(config.project, config.environment);

    new AwsProvider(this, 'aws', {
      region: config.aws.region,
      allowedAccountIds: [config.aws.accountId],
      defaultTags: [{ tags: environmentTags(config) }],
    });
    const { backend } = config;
    new S3Backend(this, {
      bucket: backend.bucket,
      key: `${backend.keyPrefix}/${config.environment}.tfstate`,
      region: backend.region,
      dynamodbTable: backend.lockTable,
      encrypt: true,
    });
    // cdktf 0.21 has no prop for S3-native locking (Terraform >= 1.10).
    if (backend.useLockfile) this.addOverride('terraform.backend.s3.use_lockfile', true);

    const services = Object.values(config.services);
    const anyExec = services.some((s) => s.exec);
    if (config.production || anyExec) {
      this.logsKey = new LogsKey(this, 'logs-key', {
        namePrefix: this.naming.prefix,
        partition: config.aws.partition,
        region: config.aws.region,
        accountId: config.aws.accountId,
        dnsSuffix: dnsSuffixOf(config.aws.region),
      });
    }

    const { network } = config;
    this.network = new Network(this, 'network', {
      namePrefix: this.naming.prefix,
      availabilityZones: config.aws.availabilityZones,
      vpc: network.kind === 'existing' ? network : { cidr: network.cidr, natGateways: network.natGateways },
      flowLogs: network.flowLogs ? { retentionDays: network.flowLogRetentionDays, kmsKeyArn: this.logsKeyArn() } : undefined,
    });

    this.cluster = new EcsCluster(this, 'cluster', {
      name: this.naming.prefix,
      containerInsights: config.cluster.containerInsights,
      defaultCapacity: capacityShares(config.cluster.capacity),
      execLogging: this.logsKey && anyExec ? { retentionDays: config.logRetentionDays, kmsKeyArn: this.logsKey.arn } : undefined,
    });

    for (const repository of repositoriesOf(config)) {
      this.repositories[repository] = new EcrRepository(this, `repository-${repository.replace(/\//g, '-')}`, {
        name: repositoryName(config, repository),
        scanOnPush: config.registry.scanOnPush,
        immutableTags: config.registry.immutableTags,
        lifecycle: config.registry.lifecycle,
      });
    }

    if (services.some((s) => s.serviceDiscovery)) {
      this.namespace = new ServiceNamespace(this, 'service-discovery', { name: `${this.naming.prefix}.local`, vpcId: this.network.vpcId });
    }

    for (const service of services) this.services[service.name] = this.addService(service);
    this.allowDiscoveredServiceTraffic();
  }

  /** The key for this environment's log groups: a customer key in production, CloudWatch's own elsewhere. */
  private logsKeyArn(): string | undefined {
    return this.config.production ? this.logsKey?.arn : undefined;
  }

  private addService(service: ServiceConfig): FargateService {
    const { config } = this;
    const repository = typeof service.image === 'string' ? undefined : this.repositories[service.image.repository];
    const fargateService = new FargateService(this, `service-${service.name}`, {
      name: service.name,
      namePrefix: this.naming.prefix,
      cluster: { name: this.cluster.name, arn: this.cluster.arn },
      region: config.aws.region,
      accountId: config.aws.accountId,
      image: imageOf(config, service),
      repositoryArn: repository?.arn,
      cpu: service.cpu,
      memory: service.memory,
      cpuArchitecture: service.cpuArchitecture,
      port: service.port,
      command: service.command,
      environment: environmentStrings(service.environment),
      secrets: Object.entries(service.secrets).map(([name, secret]) => containerSecret(name, secret, config.aws)),
      healthCheckCommand: service.healthCheck.command,
      healthCheckGracePeriodSeconds: service.healthCheck.gracePeriodSeconds,
      readonlyRootFilesystem: service.readonlyRootFilesystem,
      stopTimeoutSeconds: service.stopTimeoutSeconds,
      logs: { retentionDays: service.logRetentionDays, kmsKeyArn: this.logsKeyArn() },
      desiredCount: service.desiredCount,
      capacity: capacityShares(service.capacity),
      deployment: service.deployment,
      autoscaled: service.autoscaling !== undefined,
      exec: service.exec && this.cluster.execLogGroup && this.logsKey
        ? { logGroupArn: this.cluster.execLogGroup.arn, kmsKeyArn: this.logsKey.arn }
        : undefined,
      network: {
        vpcId: this.network.vpcId,
        subnetIds: this.network.serviceSubnetIds,
        assignPublicIp: this.network.servicesNeedPublicIp,
      },
      serviceDiscoveryNamespaceId: service.serviceDiscovery ? this.namespace?.id : undefined,
    });
    if (service.autoscaling) {
      const { autoscaling } = service;
      new ServiceAutoscaling(fargateService, 'autoscaling', {
        clusterName: this.cluster.name,
        serviceName: fargateService.service.name,
        namePrefix: `${this.naming.prefix}-${service.name}`,
        min: autoscaling.min,
        max: autoscaling.max,
        cpuTarget: autoscaling.cpuTarget,
        memoryTarget: autoscaling.memoryTarget,
        scaleOutCooldownSeconds: autoscaling.scaleOutCooldownSeconds,
        scaleInCooldownSeconds: autoscaling.scaleInCooldownSeconds,
        schedules: autoscaling.schedules.map((s) => ({ name: s.name, schedule: s.cron, timezone: s.timezone, min: s.min, max: s.max })),
      });
    }
    return fargateService;
  }

  /** Services found through Cloud Map accept their port from the other services of the environment. */
  private allowDiscoveredServiceTraffic(): void {
    for (const target of Object.values(this.config.services)) {
      if (!target.serviceDiscovery || target.port === undefined) continue;
      for (const caller of Object.values(this.services)) {
        if (caller.name === target.name) continue;
        this.services[target.name]!.allowFrom(`from-${caller.name}`, caller.securityGroup.id, `service ${caller.name}`);
      }
    }
  }
}
