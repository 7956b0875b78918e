/**
 * Teleport in an environment: the only place where `teleport:` and
 * `services.<name>.teleport` become module props (docs/teleport.md). The
 * stack calls `teleportSidecar` while it builds services, and `addTeleport`
 * once the services and databases exist.
 */
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig, ServiceConfig } from '../config/resolve';
import { TELEPORT_INIT_IMAGE } from '../config/teleport-schema';
import { DnsValidatedCertificate } from '../modules/certificates/dns-validated-certificate';
import type { EcsCluster } from '../modules/cluster/ecs-cluster';
import type { Database } from '../modules/database/database';
import { AliasRecords } from '../modules/dns/alias-records';
import type { Network } from '../modules/network/network';
import type { FargateService, SidecarProps, TaskVolume } from '../modules/service/fargate-service';
import { AGENT_DATA_VOLUME, agentSidecar } from '../modules/teleport/agent-sidecar';
import {
  AGENT_JOIN_TOKEN,
  agentConfig,
  clusterConfig,
  githubConnectorResource,
  joinTokenResource,
  NODE_JOIN_TOKEN,
  resourcesYaml,
  roleResource,
  toYaml,
  type AgentApp,
  type AgentDatabase,
} from '../modules/teleport/teleport-config';
import { TeleportCluster } from '../modules/teleport/teleport-cluster';
import { TeleportDatabaseAgent, type AgentDatabaseAccess } from '../modules/teleport/teleport-database-agent';
import { TeleportStorage } from '../modules/teleport/teleport-storage';
import { Naming } from '../naming';
import { containerSecret } from './mapping';

/** The agent sidecar and its data volume, for a service with `teleport.ssh` (nothing otherwise). */
export function teleportSidecar(config: EnvironmentConfig, service: ServiceConfig): { sidecars: SidecarProps[]; volumes: TaskVolume[] } {
  if (!config.teleport.enabled || !service.teleport.ssh) return { sidecars: [], volumes: [] };
  return {
    sidecars: [
      agentSidecar({
        image: config.teleport.agentImage,
        proxyServer: `${config.teleport.domain}:443`,
        labels: { service: service.name, env: config.environment },
      }),
    ],
    volumes: [{ name: AGENT_DATA_VOLUME }],
  };
}

/** What Teleport attaches to. */
export interface TeleportSurroundings {
  readonly network: Network;
  readonly cluster: EcsCluster;
  readonly certificateArns: Readonly<Record<string, string>>;
  readonly databases: Readonly<Record<string, Database>>;
  readonly services: Readonly<Record<string, FargateService>>;
  /** The key of log groups: the customer key in production, else CloudWatch's own. */
  readonly logsKeyArn?: string;
}

export interface TeleportResources {
  readonly storage: TeleportStorage;
  readonly cluster: TeleportCluster;
  readonly agent?: TeleportDatabaseAgent;
  readonly certificate?: DnsValidatedCertificate;
  readonly records?: AliasRecords;
}

export function addTeleport(scope: Construct, config: EnvironmentConfig, env: TeleportSurroundings): TeleportResources | undefined {
  const t = config.teleport;
  if (!t.enabled) return undefined;
  const { aws } = config;
  const naming = new Naming(config.project, config.environment);
  const ecsCluster = { name: env.cluster.name, arn: env.cluster.arn, ready: env.cluster.capacityProviders };
  const noNat = config.network.kind === 'new' && config.network.natGateways === 'none';
  const taskNetwork = {
    vpcId: env.network.vpcId,
    subnetIds: noNat ? env.network.publicSubnetIds : env.network.privateSubnetIds,
    assignPublicIp: noNat,
  };
  const logs = { retentionDays: config.logRetentionDays, kmsKeyArn: env.logsKeyArn };

  const storage = new TeleportStorage(scope, 'teleport-storage', {
    namePrefix: naming.prefix,
    stateTableName: t.dynamodbTable,
    eventsTableName: t.eventsTable,
    auditBucketName: t.auditBucket,
    deletionProtection: t.deletionProtection,
    lifecycle: {
      infrequentAccessDays: t.recordingsToInfrequentAccessDays,
      glacierDays: t.recordingsToGlacierDays,
      expireDays: t.recordingsExpireDays,
    },
    objectLock: t.objectLock,
  });

  // The database and application agent: the databases Teleport fronts and the services published as applications.
  const apps: AgentApp[] = Object.values(config.services)
    .filter((s) => s.teleport.app)
    .map((s) => ({
      name: s.name,
      uri: `http://${s.name}.${naming.namespace()}:${s.port}`,
      publicAddr: `${s.name}.${t.domain}`,
      labels: { service: s.name, env: config.environment },
    }));
  const fronted = t.databases.map((name) => config.databases[name]!);
  const agentDatabases: AgentDatabase[] = fronted.map((db) => ({
    name: db.name,
    protocol: db.engine === 'postgres' ? 'postgres' : 'mysql',
    uri: `${env.databases[db.name]!.instance.address}:${db.port}`,
    instanceId: env.databases[db.name]!.identifier,
    labels: { database: db.name, env: config.environment, engine: db.engine },
  }));
  const access: AgentDatabaseAccess[] = fronted.map((db) => ({
    name: db.name,
    instanceArn: env.databases[db.name]!.instance.arn,
    resourceId: env.databases[db.name]!.instance.resourceId,
    users: [
      ...new Set(
        Object.values(t.roles)
          .filter((r) => r.databases.includes(db.name))
          .flatMap((r) => r.databaseUsers),
      ),
    ].sort(),
  }));
  let agent: TeleportDatabaseAgent | undefined;
  if (fronted.length > 0 || apps.length > 0) {
    agent = new TeleportDatabaseAgent(scope, 'teleport-agent', {
      namePrefix: naming.prefix,
      cluster: ecsCluster,
      vpcId: taskNetwork.vpcId,
      subnetIds: taskNetwork.subnetIds,
      assignPublicIp: taskNetwork.assignPublicIp,
      image: t.agentImage,
      configWriterImage: TELEPORT_INIT_IMAGE,
      cpu: t.databaseAgent.cpu,
      memory: t.databaseAgent.memory,
      configYaml: toYaml(agentConfig({ proxyServer: `${t.domain}:443`, region: aws.region, databases: agentDatabases, apps })),
      databases: access,
      logs,
    });
    for (const db of fronted) {
      env.databases[db.name]!.allowFrom('teleport-agent', agent.service.securityGroup.id, 'the Teleport agent');
      agent.service.allowTo(
        `database-${db.name}`,
        env.databases[db.name]!.securityGroup.id,
        env.databases[db.name]!.port,
        `database ${db.name}`,
      );
    }
    for (const app of apps) {
      env.services[app.name]!.allowFrom('from-teleport-agent', agent.service.securityGroup.id, 'the Teleport agent');
      agent.service.allowTo(
        `service-${app.name}`,
        env.services[app.name]!.securityGroup.id,
        config.services[app.name]!.port!,
        `service ${app.name}`,
      );
    }
  }

  // Agents join with the IAM join method, each kind with a token of its own: the database and application
  // agent's task role as Db and App, the sidecars' task roles as Node only (an application's role cannot join as a database agent).
  const sidecarRoles = Object.values(config.services)
    .filter((s) => s.teleport.ssh)
    .map((s) => env.services[s.name]!.roles.taskRole.name);
  const tokens = [
    ...(agent
      ? [joinTokenResource({ name: AGENT_JOIN_TOKEN, teleportRoles: ['Db', 'App'], roleNames: [agent.service.roles.taskRole.name] }, aws)]
      : []),
    ...(sidecarRoles.length > 0
      ? [joinTokenResource({ name: NODE_JOIN_TOKEN, teleportRoles: ['Node'], roleNames: sidecarRoles }, aws)]
      : []),
  ];
  const github = t.sso.github;
  const githubOn = github.enabled && github.clientIdRef !== undefined && github.clientSecretRef !== undefined;
  // Applied on startup: only kinds --apply-on-startup takes (roles, tokens). The connector is created by tctl in the task.
  const resources = [
    ...Object.entries(t.roles)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, role]) => roleResource({ name, ...role })),
    ...tokens,
  ];
  const connector = githubOn
    ? githubConnectorResource({
        domain: t.domain,
        endpointUrl: github.endpointUrl,
        teams: Object.entries(github.teams)
          .sort(([a], [b]) => a.localeCompare(b))
          .flatMap(([team, roles]) => {
            const [organization, slug] = team.includes('/') ? (team.split('/') as [string, string]) : [undefined, team];
            return (organization ? [organization] : github.allowedOrganizations).map((org) => ({ organization: org, team: slug, roles }));
          }),
      })
    : undefined;

  // Restricted allowedCidrs must still admit the environment's own agents, which reach the proxy's public name through the NAT gateways.
  const natAddresses = env.network.node
    .findAll()
    .filter((c): c is Eip => c instanceof Eip)
    .map((eip) => `${eip.publicIp}/32`);
  const open = t.allowedCidrs.includes('0.0.0.0/0');

  let certificate: DnsValidatedCertificate | undefined;
  let certificateArn: string;
  if (t.certificate !== undefined) {
    certificateArn = env.certificateArns[t.certificate]!;
  } else {
    // Application access needs the wildcard: every application is <service>.<domain>.
    certificate = new DnsValidatedCertificate(scope, 'teleport-certificate', {
      domain: t.domain,
      subjectAlternativeNames: [`*.${t.domain}`],
      hostedZoneId: t.hostedZoneId,
    });
    certificateArn = certificate.arn;
  }

  const cluster = new TeleportCluster(scope, 'teleport', {
    namePrefix: naming.prefix,
    cluster: ecsCluster,
    vpcId: taskNetwork.vpcId,
    taskSubnetIds: taskNetwork.subnetIds,
    assignPublicIp: taskNetwork.assignPublicIp,
    publicSubnetIds: env.network.publicSubnetIds,
    image: t.image,
    configWriterImage: TELEPORT_INIT_IMAGE,
    tctlImage: t.agentImage,
    cpu: t.cpu,
    memory: t.memory,
    replicas: t.replicas,
    configYaml: toYaml(
      clusterConfig({
        clusterName: t.clusterName,
        domain: t.domain,
        region: aws.region,
        stateTable: t.dynamodbTable,
        eventsTable: t.eventsTable,
        auditBucket: t.auditBucket,
        auditKeyArn: storage.key.arn,
        sessionRecording: t.sessionRecording,
        githubSignIn: githubOn,
      }),
    ),
    resourcesYaml: resourcesYaml(resources),
    github: connector
      ? {
          connectorYaml: resourcesYaml([connector]),
          clientId: containerSecret('GITHUB_CLIENT_ID', { secretsManager: github.clientIdRef! }, aws),
          clientSecret: containerSecret('GITHUB_CLIENT_SECRET', { secretsManager: github.clientSecretRef! }, aws),
        }
      : undefined,
    taskStatements: storage.taskStatements(),
    loadBalancer: {
      allowedCidrs: t.allowedCidrs,
      agentCidrs: open ? [] : natAddresses,
      certificateArn,
      sslPolicy: config.loadBalancer.sslPolicy,
      deletionProtection: t.deletionProtection,
      accessLogs: {
        bucketName: naming.bucket(aws.accountId, aws.region, 'teleport-lb-logs'),
        expiryDays: config.loadBalancer.accessLogExpiryDays,
        forceDestroy: config.loadBalancer.accessLogsForceDestroy,
      },
    },
    logs,
  });

  const records =
    t.hostedZoneId !== undefined
      ? new AliasRecords(scope, 'teleport-records', {
          zoneId: t.hostedZoneId,
          names: [t.domain, `*.${t.domain}`],
          target: { dnsName: cluster.loadBalancer.loadBalancer.dnsName, zoneId: cluster.loadBalancer.loadBalancer.zoneId },
        })
      : undefined;
  new TerraformOutput(scope, 'teleport_proxy_address', { value: `${t.domain}:443` });
  new TerraformOutput(scope, 'teleport_load_balancer_dns_name', { value: cluster.loadBalancer.loadBalancer.dnsName });
  return { storage, cluster, agent, certificate, records };
}
