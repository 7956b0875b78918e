import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { S3Backend, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { dnsSuffixOf } from '../config/aws-facts';
import { databaseVariables, tableVariable } from '../config/injected-variables';
import type { EnvironmentConfig, ServiceConfig } from '../config/resolve';
import { DnsValidatedCertificate } from '../modules/certificates/dns-validated-certificate';
import { EcsCluster } from '../modules/cluster/ecs-cluster';
import { Database } from '../modules/database/database';
import { ServiceNamespace } from '../modules/discovery/service-namespace';
import { Table } from '../modules/dynamodb/table';
import { LogsKey } from '../modules/kms/logs-key';
import { ApplicationLoadBalancer } from '../modules/load-balancer/application-load-balancer';
import { Network } from '../modules/network/network';
import { EcrRepository } from '../modules/registry/ecr-repository';
import type { ContainerSecret } from '../modules/service/container-definition';
import { FargateService } from '../modules/service/fargate-service';
import { ServiceAutoscaling } from '../modules/service/service-autoscaling';
import { AlertTopic } from '../modules/monitoring/alert-topic';
import { fitName, Naming, NAME_LIMITS } from '../naming';
import { addAlarms, addDashboard } from './environment-monitoring';
import { StandaloneStack } from './standalone-stack';
import { capacityShares, containerSecret, environmentStrings, imageOf, repositoriesOf, repositoryName } from './mapping';

/** The tags every resource of an environment carries (provider default_tags). */
export function environmentTags(config: EnvironmentConfig): Record<string, string> {
  return { ...config.tags, Project: config.project, Environment: config.environment, ManagedBy: 'cdktf' };
}

/**
 * One environment: the only place where configuration is mapped onto module
 * props. Construct IDs here become Terraform addresses: renaming one destroys
 * and recreates its resources (modules-tests/addresses.test.ts guards them).
 *
 * Order: network and keys; cluster, registry, discovery; certificates and
 * load balancer; databases and tables; then services, which attach to all
 * of them; last the grants that need the services' groups and roles.
 */
export class EnvironmentStack extends StandaloneStack {
  readonly config: EnvironmentConfig;
  readonly naming: Naming;
  readonly network: Network;
  /** The customer key of log groups (production) and ECS Exec sessions, when either needs one. */
  readonly logsKey?: LogsKey;
  readonly cluster: EcsCluster;
  readonly repositories: Record<string, EcrRepository> = {};
  readonly namespace?: ServiceNamespace;
  readonly certificates: Record<string, DnsValidatedCertificate> = {};
  readonly loadBalancer?: ApplicationLoadBalancer;
  readonly databases: Record<string, Database> = {};
  readonly tables: Record<string, Table> = {};
  readonly services: Record<string, FargateService> = {};
  readonly alertTopic: AlertTopic;

  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, config.environment);
    this.config = config;
    this.naming = new Naming(config.project, config.environment);
    const { aws } = config;
    const services = Object.values(config.services);

    new AwsProvider(this, 'aws', {
      region: aws.region,
      allowedAccountIds: [aws.accountId],
      defaultTags: [{ tags: environmentTags(config) }],
    });
    if (Object.keys(config.databases).length > 0) new RandomProvider(this, 'random');
    const { backend } = config;
    const stateBackend = new S3Backend(this, {
      bucket: backend.bucket,
      key: `${backend.keyPrefix}/${config.environment}.tfstate`,
      region: backend.region,
      dynamodbTable: backend.lockTable,
      encrypt: true,
    });
    // cdktf 0.21 has no prop for S3-native locking (Terraform >= 1.10).
    if (backend.useLockfile) stateBackend.addOverride('use_lockfile', true);

    const anyExec = services.some((s) => s.exec);
    if (config.production || anyExec) {
      this.logsKey = new LogsKey(this, 'logs-key', {
        namePrefix: this.naming.prefix,
        partition: aws.partition,
        region: aws.region,
        accountId: aws.accountId,
        dnsSuffix: dnsSuffixOf(aws.region),
      });
    }

    const { network } = config;
    this.network = new Network(this, 'network', {
      namePrefix: this.naming.prefix,
      availabilityZones: aws.availabilityZones,
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
      this.namespace = new ServiceNamespace(this, 'service-discovery', { name: this.naming.namespace(), vpcId: this.network.vpcId });
    }

    for (const [name, certificate] of Object.entries(config.certificates)) {
      this.certificates[name] = new DnsValidatedCertificate(this, `certificate-${name}`, {
        domain: certificate.domain,
        subjectAlternativeNames: certificate.subjectAlternativeNames,
        hostedZoneId: certificate.hostedZoneId,
      });
    }
    if (services.some((s) => s.routing)) this.loadBalancer = this.addLoadBalancer();

    for (const database of Object.values(config.databases)) {
      this.databases[database.name] = new Database(this, `database-${database.name}`, {
        ...database,
        namePrefix: this.naming.prefix,
        partition: aws.partition,
        enhancedMonitoring: config.production,
        vpcId: this.network.vpcId,
        subnetIds: this.network.privateSubnetIds,
        logs: { retentionDays: config.logRetentionDays, kmsKeyArn: this.logsKeyArn() },
        secretRecoveryDays: config.production ? 30 : 7,
      });
    }
    for (const table of Object.values(config.dynamodb)) {
      this.tables[table.name] = new Table(this, `table-${table.name}`, {
        ...table,
        tableName: fitName(`${this.naming.prefix}-${table.name}`, NAME_LIMITS.dynamodbTable),
        ttlAttribute: table.ttl?.attribute,
      });
    }

    for (const service of services) this.services[service.name] = this.addService(service);
    this.grantAccess();
    this.alertTopic = new AlertTopic(this, 'alerts', {
      namePrefix: this.naming.prefix,
      partition: aws.partition,
      region: aws.region,
      accountId: aws.accountId,
      emails: config.monitoring.alarmEmails,
    });
    addAlarms(this, this.alertTopic.arn);
    if (config.monitoring.dashboard) addDashboard(this);
    this.addOutputs();
  }

  /** The key for this environment's log groups: a customer key in production, CloudWatch's own elsewhere. */
  private logsKeyArn(): string | undefined {
    return this.config.production ? this.logsKey?.arn : undefined;
  }

  private addLoadBalancer(): ApplicationLoadBalancer {
    const { config } = this;
    const lb = config.loadBalancer;
    const certificate = lb.certificate ? this.certificates[lb.certificate] : undefined;
    return new ApplicationLoadBalancer(this, 'load-balancer', {
      name: this.naming.loadBalancer(),
      namePrefix: this.naming.prefix,
      vpcId: this.network.vpcId,
      subnetIds: lb.internal ? this.network.privateSubnetIds : this.network.publicSubnetIds,
      internal: lb.internal,
      allowedCidrs: lb.allowedCidrs,
      https: certificate ? { certificateArn: certificate.arn, sslPolicy: lb.sslPolicy } : undefined,
      idleTimeoutSeconds: lb.idleTimeoutSeconds,
      deletionProtection: lb.deletionProtection,
      accessLogs: lb.accessLogs
        ? {
          bucketName: this.naming.bucket(config.aws.accountId, config.aws.region, 'alb-logs'),
          expiryDays: lb.accessLogExpiryDays,
          // Outside production, `terraform destroy` may delete the logs with the environment.
          forceDestroy: !config.production,
        }
        : undefined,
      partition: config.aws.partition,
      region: config.aws.region,
      accountId: config.aws.accountId,
    });
  }

  /** Container secrets of the databases that list this service: DB_<KEY>_HOST, ... from the connection secret. */
  private databaseSecrets(service: ServiceConfig): ContainerSecret[] {
    return Object.values(this.config.databases)
      .filter((db) => db.allowedServices.includes(service.name))
      .flatMap((db) => {
        const secretArn = this.databases[db.name]!.secret.arn;
        return databaseVariables(db.name).map(({ variable, field }) => ({
          name: variable,
          valueFrom: `${secretArn}:${field}::`,
          readResources: [secretArn],
          source: 'secretsManager' as const,
        }));
      });
  }

  /** DYNAMODB_<KEY>_TABLE for every table this service may read or write. */
  private tableVariables(service: ServiceConfig): Record<string, string> {
    return Object.fromEntries(Object.values(this.config.dynamodb)
      .filter((t) => t.allowedServices.read.includes(service.name) || t.allowedServices.write.includes(service.name))
      .map((t) => [tableVariable(t.name), this.tables[t.name]!.name]));
  }

  private addService(service: ServiceConfig): FargateService {
    const { config } = this;
    const repository = typeof service.image === 'string' ? undefined : this.repositories[service.image.repository];
    const routing = service.routing && this.loadBalancer
      ? this.loadBalancer.addTarget({
        name: service.name,
        port: service.port!,
        hosts: service.routing.hosts,
        paths: service.routing.paths,
        priority: service.routing.priority,
        healthCheck: service.healthCheck,
      })
      : undefined;
    const fargateService = new FargateService(this, `service-${service.name}`, {
      name: service.name,
      namePrefix: this.naming.prefix,
      cluster: { name: this.cluster.name, arn: this.cluster.arn, ready: this.cluster.capacityProviders },
      region: config.aws.region,
      accountId: config.aws.accountId,
      image: imageOf(config, service),
      repositoryArn: repository?.arn,
      cpu: service.cpu,
      memory: service.memory,
      cpuArchitecture: service.cpuArchitecture,
      port: service.port,
      command: service.command,
      environment: { ...environmentStrings(service.environment), ...this.tableVariables(service) },
      secrets: [
        ...Object.entries(service.secrets).map(([name, secret]) => containerSecret(name, secret, config.aws)),
        ...this.databaseSecrets(service),
      ],
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
      loadBalancer: routing && this.loadBalancer
        ? { targetGroupArn: routing.targetGroup.arn, securityGroupId: this.loadBalancer.securityGroup.id, attachedAfter: routing.rule }
        : undefined,
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
        requestsPerTarget: autoscaling.requestsPerTarget !== undefined && routing && this.loadBalancer
          ? { target: autoscaling.requestsPerTarget, resourceLabel: this.loadBalancer.requestCountLabel(routing.targetGroup) }
          : undefined,
        scaleOutCooldownSeconds: autoscaling.scaleOutCooldownSeconds,
        scaleInCooldownSeconds: autoscaling.scaleInCooldownSeconds,
        schedules: autoscaling.schedules.map((s) => ({ name: s.name, schedule: s.cron, timezone: s.timezone, min: s.min, max: s.max })),
      });
    }
    return fargateService;
  }

  /**
   * Network paths and IAM grants that need the services: the load balancer
   * to routed services, discovered services from the other services,
   * databases from the services they list, tables to the services they list.
   */
  private grantAccess(): void {
    const { config } = this;
    for (const target of Object.values(config.services)) {
      const service = this.services[target.name]!;
      if (target.routing && this.loadBalancer) {
        this.loadBalancer.allowTo(target.name, service.securityGroup.id, target.port!, `service ${target.name}`);
      }
      if (target.serviceDiscovery && target.port !== undefined) {
        for (const caller of Object.values(this.services)) {
          if (caller.name !== target.name) service.allowFrom(`from-${caller.name}`, caller.securityGroup.id, `service ${caller.name}`);
        }
      }
    }
    for (const db of Object.values(config.databases)) {
      for (const name of db.allowedServices) {
        this.databases[db.name]!.allowFrom(name, this.services[name]!.securityGroup.id, `service ${name}`);
      }
    }
    for (const table of Object.values(config.dynamodb)) {
      for (const access of ['read', 'write'] as const) {
        for (const name of table.allowedServices[access]) {
          this.tables[table.name]!.grant(name, this.services[name]!.roles.taskRole.id, access);
        }
      }
    }
  }

  private addOutputs(): void {
    new TerraformOutput(this, 'cluster_name', { value: this.cluster.name });
    if (this.loadBalancer) new TerraformOutput(this, 'load_balancer_dns_name', { value: this.loadBalancer.loadBalancer.dnsName });
    for (const [name, repository] of Object.entries(this.repositories)) {
      new TerraformOutput(this, `repository_url_${name.replace(/[^A-Za-z0-9_]/g, '_')}`, { value: repository.repository.repositoryUrl });
    }
    for (const [name, database] of Object.entries(this.databases)) {
      new TerraformOutput(this, `database_secret_arn_${name.replace(/-/g, '_')}`, { value: database.secret.arn });
    }
  }
}
