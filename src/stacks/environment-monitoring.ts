/**
 * The monitoring of an environment: alarms on every service, target, load
 * balancer, database and table, and the dashboard. It reads only the narrow
 * view below, which the environment stack fills in.
 */
import { Construct } from 'constructs';
import type { EnvironmentConfig, ServiceConfig } from '../config/resolve';
import { Alarm, type AlarmDefinition } from '../modules/monitoring/alarm';
import {
  cacheAlarms,
  cacheNodeIds,
  databaseAlarms,
  loadBalancerAlarms,
  serviceAlarms,
  tableAlarms,
  targetAlarms,
} from '../modules/monitoring/alarm-definitions';
import { AwsContext } from '../modules/aws-context';
import { Dashboard, type DashboardSection } from '../modules/monitoring/dashboard';
import {
  cacheMetrics,
  databaseMetrics,
  loadBalancerMetrics,
  serviceMetrics,
  tableMetrics,
  webAclMetrics,
} from '../modules/monitoring/metrics';
import { fitName, NAME_LIMITS } from '../naming';
import { ownValue } from '../values';

/** What monitoring needs to know of an environment's resources. */
export interface MonitoredEnvironment {
  /** `<project>-<environment>`: alarm and dashboard names start with it. */
  readonly prefix: string;
  readonly containerInsights: boolean;
  readonly thresholds: EnvironmentConfig['monitoring']['thresholds'];
  /** Which kinds of alarms to create. */
  readonly alarms: Omit<EnvironmentConfig['monitoring']['alarms'], 'enabled'>;
  readonly services: readonly ServiceConfig[];
  readonly clusterName: string;
  /** The load balancer's ARN suffix and its target groups' ARN suffixes by service, when there is one. */
  readonly loadBalancer?: { readonly arnSuffix: string; readonly targetGroups: Readonly<Record<string, string>> };
  /** Database key -> instance identifier. */
  readonly databases: Readonly<Record<string, string>>;
  /** Table key -> table name. */
  readonly tables: Readonly<Record<string, string>>;
  /** More rows after the tables' (queues and jobs: jobs-monitoring.ts). @default none */
  readonly sections?: readonly DashboardSection[];
  /** Cache key -> its replication group ID and node count. @default none */
  readonly caches?: Readonly<Record<string, { readonly groupId: string; readonly nodes: number }>>;
  /** The load balancer's web ACL, when it has one. @default none */
  readonly webAclName?: string;
}

/** The fewest tasks a service should run at any time: its desired count, or the lowest floor autoscaling and its schedules allow. */
export function minimumTasks(service: ServiceConfig): number {
  if (!service.autoscaling) return service.desiredCount;
  return Math.min(service.autoscaling.min, ...service.autoscaling.schedules.map((s) => s.min));
}

/** Alarms on every service, target, load balancer, database and table, notifying the topic (under `monitoring/`). */
export function addAlarms(scope: Construct, env: MonitoredEnvironment, topicArn: string): void {
  const prefix = env.prefix;
  const monitoring = new Construct(scope, 'monitoring');
  const add = (parent: Construct, definitions: readonly AlarmDefinition[]) => {
    for (const { id, ...definition } of definitions) new Alarm(parent, `alarm-${id}`, { ...definition, topicArn });
  };
  const kinds = env.alarms;
  for (const service of env.services) {
    const targetGroup = ownValue(env.loadBalancer?.targetGroups, service.name);
    if (!kinds.services && !(kinds.targets && targetGroup)) continue;
    const serviceScope = new Construct(monitoring, `service-${service.name}`);
    if (kinds.services)
      add(
        serviceScope,
        serviceAlarms({
          prefix,
          clusterName: env.clusterName,
          serviceName: service.name,
          cpuPercent: service.alarms.cpuPercent,
          memoryPercent: service.alarms.memoryPercent,
          minimumTasks: minimumTasks(service),
          containerInsights: env.containerInsights,
        }),
      );
    if (kinds.targets && env.loadBalancer && targetGroup) {
      add(
        serviceScope,
        targetAlarms({
          prefix,
          serviceName: service.name,
          loadBalancer: env.loadBalancer.arnSuffix,
          targetGroup,
          http5xxPerMinute: service.alarms.http5xxPerMinute,
          targetResponseTimeSeconds: service.alarms.targetResponseTimeSeconds,
        }),
      );
    }
  }
  const thresholds = env.thresholds;
  if (kinds.loadBalancer && env.loadBalancer) {
    add(
      new Construct(monitoring, 'load-balancer'),
      loadBalancerAlarms({ prefix, loadBalancer: env.loadBalancer.arnSuffix, http5xxPerMinute: thresholds.http5xxPerMinute }),
    );
  }
  for (const [name, identifier] of kinds.databases ? Object.entries(env.databases) : []) {
    add(
      new Construct(monitoring, `database-${name}`),
      databaseAlarms({
        prefix,
        name,
        identifier,
        cpuPercent: thresholds.databaseCpuPercent,
        freeStorageGiB: thresholds.databaseFreeStorageGiB,
        freeMemoryMiB: thresholds.databaseFreeMemoryMiB,
        connections: thresholds.databaseConnections,
      }),
    );
  }
  for (const [name, tableName] of kinds.tables ? Object.entries(env.tables) : []) {
    add(new Construct(monitoring, `table-${name}`), tableAlarms({ prefix, name, tableName }));
  }
  for (const [name, cache] of kinds.caches ? Object.entries(env.caches ?? {}) : []) {
    add(
      new Construct(monitoring, `cache-${name}`),
      cacheAlarms({ prefix, name, ...cache, cpuPercent: thresholds.cacheCpuPercent, memoryPercent: thresholds.cacheMemoryPercent }),
    );
  }
}

/** One dashboard (`dashboard`): load balancer traffic, then each service, database and table. */
export function addDashboard(scope: Construct, env: MonitoredEnvironment): void {
  const sections: DashboardSection[] = [];
  if (env.loadBalancer) {
    const lb = loadBalancerMetrics(env.loadBalancer.arnSuffix);
    sections.push({
      heading: 'Load balancer',
      graphs: [
        { title: 'Requests', metrics: [lb.requests] },
        { title: 'Latency (s)', metrics: [lb.responseTime] },
        { title: 'Errors (5XX)', metrics: [lb.elb5xx, lb.target5xx] },
      ],
    });
  }
  for (const service of env.services) {
    const metrics = serviceMetrics(env.clusterName, service.name);
    sections.push({
      heading: `Service ${service.name}`,
      graphs: [
        { title: `${service.name} CPU %`, metrics: [metrics.cpu] },
        { title: `${service.name} memory %`, metrics: [metrics.memory] },
        { title: `${service.name} running tasks`, metrics: [env.containerInsights ? metrics.runningTasks : metrics.reportingTasks] },
      ],
    });
  }
  for (const [name, identifier] of Object.entries(env.databases)) {
    const metrics = databaseMetrics(identifier);
    sections.push({
      heading: `Database ${name}`,
      graphs: [
        { title: `${name} CPU %`, metrics: [metrics.cpu] },
        { title: `${name} connections`, metrics: [metrics.connections] },
        { title: `${name} free storage (bytes)`, metrics: [metrics.freeStorage] },
      ],
    });
  }
  for (const [name, tableName] of Object.entries(env.tables)) {
    const metrics = tableMetrics(tableName);
    sections.push({
      heading: `Table ${name}`,
      graphs: [
        { title: `${name} consumed capacity`, metrics: [metrics.consumedReads, metrics.consumedWrites] },
        { title: `${name} throttled requests`, metrics: [metrics.readThrottles, metrics.writeThrottles] },
      ],
    });
  }
  sections.push(...(env.sections ?? []));
  for (const [name, cache] of Object.entries(env.caches ?? {})) {
    const nodes = cacheNodeIds(cache.groupId, cache.nodes).map(cacheMetrics);
    sections.push({
      heading: `Cache ${name}`,
      graphs: [
        { title: `${name} engine CPU %`, metrics: nodes.map((m) => m.engineCpu) },
        { title: `${name} memory used %`, metrics: nodes.map((m) => m.memory) },
        { title: `${name} evictions and connections`, metrics: nodes.flatMap((m) => [m.evictions, m.connections]) },
      ],
    });
  }
  if (env.webAclName !== undefined) {
    const waf = webAclMetrics(env.webAclName, AwsContext.of(scope).region);
    sections.push({
      heading: 'Web application firewall',
      graphs: [{ title: 'Requests allowed, blocked, counted', metrics: [waf.allowed, waf.blocked, waf.counted] }],
    });
  }
  // CloudWatch has nothing to draw for an environment with no service, load balancer, database or table.
  if (sections.length === 0) return;
  new Dashboard(scope, 'dashboard', { name: fitName(env.prefix, NAME_LIMITS.dashboard), sections });
}
