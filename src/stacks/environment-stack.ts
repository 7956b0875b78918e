import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Aspects, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/resolve';
import { AwsContext } from '../modules/aws-context';
import { DnsValidatedCertificate } from '../modules/certificates/dns-validated-certificate';
import { EcsCluster } from '../modules/cluster/ecs-cluster';
import { AliasRecords } from '../modules/dns/alias-records';
import { EfsFileSystem } from '../modules/file-system/efs-file-system';
import { Database } from '../modules/database/database';
import { ServiceNamespace } from '../modules/discovery/service-namespace';
import { Table } from '../modules/dynamodb/table';
import { LogsKey } from '../modules/kms/logs-key';
import { ApplicationLoadBalancer } from '../modules/load-balancer/application-load-balancer';
import { WebAcl } from '../modules/load-balancer/web-acl';
import { Cache } from '../modules/cache/cache';
import { ApplicationBucket } from '../modules/storage/application-bucket';
import { Network } from '../modules/network/network';
import { EcrRepository } from '../modules/registry/ecr-repository';
import type { FargateService } from '../modules/service/fargate-service';
import { AlertTopic } from '../modules/monitoring/alert-topic';
import { CostBudget } from '../modules/monitoring/cost-budget';
import { EmailSubscriptions } from '../modules/monitoring/email-subscriptions';
import { fitName, Naming, NAME_LIMITS } from '../naming';
import { addAlarms, addDashboard, type MonitoredEnvironment } from './environment-monitoring';
import { grantAccess } from './environment-grants';
import { boundaryPolicyArn } from './management-policy';
import { PermissionsBoundaryAspect } from './permissions-boundary';
import { addService } from './environment-services';
import { addJob, addQueues, grantQueuesAndJobs } from './environment-jobs';
import { addJobAndQueueAlarms, jobAndQueueSections } from './jobs-monitoring';
import type { ScheduledJob } from '../modules/job/scheduled-job';
import type { QueuesKey } from '../modules/kms/queues-key';
import type { Queue } from '../modules/queue/queue';
import { addTeleport } from './environment-teleport';
import { addS3Backend } from './s3-backend';
import { StandaloneStack } from './standalone-stack';
import { capacityShares, repositoriesOf, repositoryName } from './mapping';

/** The ECS cluster of an environment: `<project>-<environment>`. */
export function clusterName(config: Pick<EnvironmentConfig, 'project' | 'environment'>): string {
  return new Naming(config.project, config.environment).prefix;
}

/** The tags every resource of an environment carries (provider default_tags). */
export function environmentTags(config: EnvironmentConfig): Record<string, string> {
  return { ...config.tags, Project: config.project, Environment: config.environment, ManagedBy: 'cdktf' };
}

/**
 * One environment: the only place where configuration is mapped onto module
 * props. Construct IDs here become Terraform addresses: renaming one destroys
 * and recreates its resources (test/unit/addresses.test.ts guards them).
 *
 * Order: network and keys; cluster, registry, discovery; certificates,
 * load balancer and its host records; databases, tables and file systems;
 * then services, which attach to all of them; last the grants that need the
 * services' groups and roles, and the alarms.
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
  /** The ARN of every certificate by key: validated ones created here, or existing ones as configured. */
  readonly certificateArns: Record<string, string> = {};
  readonly fileSystems: Record<string, EfsFileSystem> = {};
  readonly hostRecords?: AliasRecords;
  readonly loadBalancer?: ApplicationLoadBalancer;
  readonly databases: Record<string, Database> = {};
  readonly tables: Record<string, Table> = {};
  readonly caches: Record<string, Cache> = {};
  readonly buckets: Record<string, ApplicationBucket> = {};
  /** The web application firewall of the load balancer (loadBalancer.waf). */
  readonly webAcl?: WebAcl;
  readonly services: Record<string, FargateService> = {};
  readonly queues: Record<string, Queue>;
  /** The customer key of the queues (production). */
  readonly queuesKey?: QueuesKey;
  readonly jobs: Record<string, ScheduledJob> = {};
  /** The topic alarms go to, unless monitoring.topicArn names an existing one or alarms are off. */
  readonly alertTopic?: AlertTopic;

  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, config.environment);
    this.config = config;
    this.naming = new Naming(config.project, config.environment);
    const { aws } = config;
    const services = Object.values(config.services);
    // Every module below reads the partition, region and account from here.
    AwsContext.set(this, aws);

    new AwsProvider(this, 'aws', {
      region: aws.region,
      allowedAccountIds: [aws.accountId],
      defaultTags: [{ tags: environmentTags(config) }],
    });
    const { backend } = config;
    addS3Backend(this, {
      bucket: backend.bucket,
      key: `${backend.keyPrefix}/${config.environment}.tfstate`,
      region: backend.region,
      lockTable: backend.lockTable,
      useLockfile: backend.useLockfile,
    });

    const anyExec = services.some((s) => s.exec);
    // File systems are encrypted with the environment's key too.
    const anyEfs = Object.keys(config.fileSystems).length > 0;
    // Buckets encrypted with the customer key too.
    const anyKmsBucket = Object.values(config.buckets).some((b) => b.encryption === 'kms');
    if (config.logsCustomerKey || anyExec || anyEfs || anyKmsBucket) {
      this.logsKey = new LogsKey(this, 'logs-key', { namePrefix: this.naming.prefix });
    }

    const { network } = config;
    this.network = new Network(this, 'network', {
      namePrefix: this.naming.prefix,
      availabilityZones: aws.availabilityZones,
      vpc: network.kind === 'existing' ? network : { cidr: network.cidr, natGateways: network.natGateways },
      flowLogs: network.flowLogs ? { retentionDays: network.flowLogRetentionDays, kmsKeyArn: this.logsKeyArn() } : undefined,
    });

    this.cluster = new EcsCluster(this, 'cluster', {
      name: clusterName(config),
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
      if (certificate.arn !== undefined) {
        this.certificateArns[name] = certificate.arn;
        continue;
      }
      this.certificates[name] = new DnsValidatedCertificate(this, `certificate-${name}`, {
        domain: certificate.domain!,
        subjectAlternativeNames: certificate.subjectAlternativeNames,
        hostedZoneId: certificate.hostedZoneId,
      });
      this.certificateArns[name] = this.certificates[name].arn;
    }
    if (services.some((s) => s.routing)) this.loadBalancer = this.addLoadBalancer();
    if (this.loadBalancer && config.loadBalancer.waf.enabled) {
      const { waf } = config.loadBalancer;
      this.webAcl = new WebAcl(this, 'waf', {
        name: waf.webAclName,
        loadBalancerArn: this.loadBalancer.loadBalancer.arn,
        managedRules: waf.managedRules,
        rateLimitPerFiveMinutes: waf.rateLimitPerFiveMinutes,
        countOnly: waf.countOnly,
        logs: { name: waf.logGroupName, retentionDays: waf.logRetentionDays, kmsKeyArn: this.logsKeyArn() },
      });
    }
    const hosts = services.flatMap((s) => s.routing?.hosts ?? []);
    if (config.dns && this.loadBalancer && hosts.length > 0) {
      this.hostRecords = new AliasRecords(this, 'host-records', {
        zoneId: config.dns.hostedZoneId,
        names: hosts,
        target: { dnsName: this.loadBalancer.loadBalancer.dnsName, zoneId: this.loadBalancer.loadBalancer.zoneId },
      });
    }

    for (const database of Object.values(config.databases)) {
      this.databases[database.name] = new Database(this, `database-${database.name}`, {
        ...database,
        namePrefix: this.naming.prefix,
        vpcId: this.network.vpcId,
        subnetIds: this.network.privateSubnetIds,
        logs: { retentionDays: config.logRetentionDays, kmsKeyArn: this.logsKeyArn() },
      });
    }
    for (const table of Object.values(config.dynamodb)) {
      this.tables[table.name] = new Table(this, `table-${table.name}`, {
        ...table,
        tableName: fitName(`${this.naming.prefix}-${table.name}`, NAME_LIMITS.dynamodbTable),
        ttlAttribute: table.ttl?.attribute,
      });
    }

    for (const cache of Object.values(config.caches)) {
      this.caches[cache.name] = new Cache(this, `cache-${cache.name}`, {
        ...cache,
        namePrefix: this.naming.prefix,
        vpcId: this.network.vpcId,
        subnetIds: this.network.privateSubnetIds,
      });
    }
    for (const bucket of Object.values(config.buckets)) {
      this.buckets[bucket.name] = new ApplicationBucket(this, `bucket-${bucket.name}`, {
        ...bucket,
        kmsKeyArn: bucket.encryption === 'kms' ? this.logsKey!.arn : undefined,
      });
    }

    for (const fileSystem of Object.values(config.fileSystems)) {
      this.fileSystems[fileSystem.name] = new EfsFileSystem(this, `file-system-${fileSystem.name}`, {
        name: fileSystem.name,
        namePrefix: this.naming.prefix,
        vpcId: this.network.vpcId,
        subnetIds: this.network.privateSubnetIds,
        kmsKeyArn: this.logsKey?.arn,
        backups: fileSystem.backups,
        preventDestroy: fileSystem.preventDestroy,
      });
    }

    const queues = addQueues(this, config, this.naming.prefix);
    this.queues = queues.queues;
    this.queuesKey = queues.key;
    const queueUrls = Object.fromEntries(Object.entries(this.queues).map(([name, queue]) => [name, queue.url]));
    for (const service of services) {
      this.services[service.name] = addService(this, service, {
        queueUrls,
        config,
        prefix: this.naming.prefix,
        network: this.network,
        cluster: this.cluster,
        repositoryArns: Object.fromEntries(Object.entries(this.repositories).map(([name, r]) => [name, r.arn])),
        loadBalancer: this.loadBalancer,
        namespaceId: this.namespace?.id,
        execKeyArn: this.logsKey?.arn,
        logsKeyArn: this.logsKeyArn(),
        databaseSecretArns: Object.fromEntries(
          Object.entries(this.databases).map(([name, db]) => [name, { connection: db.secret.arn, master: db.masterSecretArn }]),
        ),
        tableNames: Object.fromEntries(Object.entries(this.tables).map(([name, table]) => [name, table.name])),
        caches: Object.fromEntries(
          Object.entries(this.caches).map(([name, cache]) => [name, { host: cache.host, port: cache.port, secretArn: cache.secret.arn }]),
        ),
        bucketNames: Object.fromEntries(Object.entries(this.buckets).map(([name, bucket]) => [name, bucket.bucketName])),
        fileSystems: this.fileSystems,
      });
    }
    for (const job of Object.values(config.jobs)) {
      this.jobs[job.name] = addJob(this, job, {
        config,
        prefix: this.naming.prefix,
        network: this.network,
        cluster: this.cluster,
        repositoryArns: Object.fromEntries(Object.entries(this.repositories).map(([name, r]) => [name, r.arn])),
        logsKeyArn: this.logsKeyArn(),
        queueKeyArn: this.queuesKey?.arn,
        queueUrls,
      });
    }
    grantQueuesAndJobs(config, { queues: this.queues, services: this.services, jobs: this.jobs });
    grantAccess(config, {
      loadBalancer: this.loadBalancer,
      services: this.services,
      databases: this.databases,
      tables: this.tables,
      fileSystems: this.fileSystems,
      caches: this.caches,
      buckets: this.buckets,
    });
    addTeleport(this, config, {
      network: this.network,
      cluster: this.cluster,
      certificateArns: this.certificateArns,
      databases: this.databases,
      services: this.services,
      logsKeyArn: this.logsKeyArn(),
    });
    const { monitoring } = config;
    if (monitoring.alarms.enabled && monitoring.topicArn === undefined) {
      this.alertTopic = new AlertTopic(this, 'alerts', { namePrefix: this.naming.prefix, emails: monitoring.alarmEmails });
    }
    const monitored = this.monitoredEnvironment();
    if (monitoring.alarms.enabled && monitoring.topicArn !== undefined && monitoring.alarmEmails.length > 0) {
      new EmailSubscriptions(this, 'alert-subscriptions', { topicArn: monitoring.topicArn, emails: monitoring.alarmEmails });
    }
    const topicArn = monitoring.topicArn ?? this.alertTopic?.arn;
    if (topicArn !== undefined) addAlarms(this, monitored, topicArn);
    if (topicArn !== undefined) addJobAndQueueAlarms(this, config, { prefix: this.naming.prefix, jobs: this.jobs }, topicArn);
    if (config.monitoring.dashboard) addDashboard(this, monitored);
    if (config.cost.monthlyBudget !== undefined) {
      // Validation makes sure the alerts have somewhere to go (src/config/service-rules.ts).
      new CostBudget(this, 'cost-budget', {
        name: this.naming.prefix,
        monthlyUsd: config.cost.monthlyBudget,
        tag: { key: 'Environment', value: config.environment },
        emails: monitoring.alarmEmails,
        topicArn: monitoring.topicArn,
      });
    }
    this.addOutputs();
    // Every role of the environment (services, Teleport, flow logs, database monitoring) under the bootstrap's boundary.
    Aspects.of(this).add(new PermissionsBoundaryAspect(boundaryPolicyArn(config)));
  }

  /** The key for this environment's log groups: the customer key where config asks for one, CloudWatch's own elsewhere. */
  private logsKeyArn(): string | undefined {
    return this.config.logsCustomerKey ? this.logsKey?.arn : undefined;
  }

  private monitoredEnvironment(): MonitoredEnvironment {
    const { config, loadBalancer } = this;
    return {
      prefix: this.naming.prefix,
      containerInsights: config.cluster.containerInsights,
      thresholds: config.monitoring.thresholds,
      alarms: config.monitoring.alarms,
      services: Object.values(config.services),
      clusterName: this.cluster.name,
      loadBalancer: loadBalancer
        ? {
            arnSuffix: loadBalancer.loadBalancer.arnSuffix,
            targetGroups: Object.fromEntries(Object.entries(loadBalancer.targetGroups).map(([name, tg]) => [name, tg.arnSuffix])),
          }
        : undefined,
      databases: Object.fromEntries(Object.entries(this.databases).map(([name, db]) => [name, db.identifier])),
      tables: Object.fromEntries(Object.entries(this.tables).map(([name, table]) => [name, table.name])),
      sections: jobAndQueueSections(config, { prefix: this.naming.prefix, jobs: this.jobs }),
      caches: Object.fromEntries(Object.values(config.caches).map((cache) => [cache.name, { groupId: cache.groupId, nodes: cache.nodes }])),
      webAclName: this.webAcl ? config.loadBalancer.waf.webAclName : undefined,
    };
  }

  private addLoadBalancer(): ApplicationLoadBalancer {
    const { config } = this;
    const lb = config.loadBalancer;
    const certificateArn = lb.certificate ? this.certificateArns[lb.certificate] : undefined;
    const network = config.network;
    return new ApplicationLoadBalancer(this, 'load-balancer', {
      name: this.naming.loadBalancer(),
      namePrefix: this.naming.prefix,
      vpcId: this.network.vpcId,
      subnetIds: lb.internal ? this.network.privateSubnetIds : this.network.publicSubnetIds,
      internal: lb.internal,
      allowedCidrs: lb.allowedCidrs,
      https: certificateArn
        ? {
            certificateArn,
            sslPolicy: lb.sslPolicy,
            sniCertificateArns: Object.fromEntries(lb.additionalCertificates.map((name) => [name, this.certificateArns[name]!])),
          }
        : undefined,
      extraSecurityGroupIds: network.kind === 'existing' ? network.loadBalancerSecurityGroupIds : [],
      idleTimeoutSeconds: lb.idleTimeoutSeconds,
      deletionProtection: lb.deletionProtection,
      accessLogs: lb.accessLogs
        ? {
            bucketName: this.naming.bucket(config.aws.accountId, config.aws.region, 'alb-logs'),
            expiryDays: lb.accessLogExpiryDays,
            forceDestroy: lb.accessLogsForceDestroy,
          }
        : undefined,
    });
  }

  private addOutputs(): void {
    new TerraformOutput(this, 'cluster_name', { value: this.cluster.name });
    if (this.loadBalancer) new TerraformOutput(this, 'load_balancer_dns_name', { value: this.loadBalancer.loadBalancer.dnsName });
    for (const [name, repository] of Object.entries(this.repositories)) {
      new TerraformOutput(this, `repository_url_${name.replace(/[^A-Za-z0-9_]/g, '_')}`, { value: repository.repository.repositoryUrl });
    }
    for (const [name, cache] of Object.entries(this.caches)) {
      new TerraformOutput(this, `cache_auth_token_secret_arn_${name.replace(/-/g, '_')}`, { value: cache.secret.arn });
    }
    for (const [name, database] of Object.entries(this.databases)) {
      new TerraformOutput(this, `database_secret_arn_${name.replace(/-/g, '_')}`, { value: database.secret.arn });
      new TerraformOutput(this, `database_master_secret_arn_${name.replace(/-/g, '_')}`, { value: database.masterSecretArn });
    }
  }
}
