/**
 * The monitoring of an environment: alarms on every service, target, load
 * balancer, database and table, and the dashboard. Part of the environment
 * stack (the only place where configuration becomes module props), kept in
 * its own file.
 */
import { Construct } from 'constructs';
import type { ServiceConfig } from '../config/resolve';
import { Alarm, type AlarmDefinition } from '../modules/monitoring/alarm';
import { databaseAlarms, loadBalancerAlarms, serviceAlarms, tableAlarms, targetAlarms } from '../modules/monitoring/alarm-definitions';
import { Dashboard, type DashboardSection } from '../modules/monitoring/dashboard';
import { databaseMetrics, loadBalancerMetrics, serviceMetrics, tableMetrics } from '../modules/monitoring/metrics';
import { fitName, NAME_LIMITS } from '../naming';
import type { EnvironmentStack } from './environment-stack';

/** The fewest tasks a service should run at any time: its desired count, or the lowest floor autoscaling and its schedules allow. */
export function minimumTasks(service: ServiceConfig): number {
  if (!service.autoscaling) return service.desiredCount;
  return Math.min(service.autoscaling.min, ...service.autoscaling.schedules.map((s) => s.min));
}

/** Alarms on every service, target, load balancer, database and table, notifying the topic. */
export function addAlarms(stack: EnvironmentStack, topicArn: string): void {
  const { config } = stack;
  const prefix = stack.naming.prefix;
  const monitoring = new Construct(stack, 'monitoring');
  const add = (scope: Construct, definitions: readonly AlarmDefinition[]) => {
    for (const { id, ...definition } of definitions) new Alarm(scope, `alarm-${id}`, { ...definition, topicArn });
  };
  for (const service of Object.values(config.services)) {
    const scope = new Construct(monitoring, `service-${service.name}`);
    add(scope, serviceAlarms({
      prefix,
      clusterName: stack.cluster.name,
      serviceName: service.name,
      cpuPercent: service.alarms.cpuPercent,
      memoryPercent: service.alarms.memoryPercent,
      minimumTasks: minimumTasks(service),
      containerInsights: config.cluster.containerInsights,
    }));
    const targetGroup = stack.loadBalancer?.targetGroups[service.name];
    if (stack.loadBalancer && targetGroup) {
      add(scope, targetAlarms({
        prefix,
        serviceName: service.name,
        loadBalancer: stack.loadBalancer.loadBalancer.arnSuffix,
        targetGroup: targetGroup.arnSuffix,
        http5xxPerMinute: service.alarms.http5xxPerMinute,
        targetResponseTimeSeconds: service.alarms.targetResponseTimeSeconds,
      }));
    }
  }
  const thresholds = config.monitoring.thresholds;
  if (stack.loadBalancer) {
    add(new Construct(monitoring, 'load-balancer'), loadBalancerAlarms({ prefix, loadBalancer: stack.loadBalancer.loadBalancer.arnSuffix, http5xxPerMinute: thresholds.http5xxPerMinute }));
  }
  for (const [name, database] of Object.entries(stack.databases)) {
    add(new Construct(monitoring, `database-${name}`), databaseAlarms({
      prefix,
      name,
      identifier: database.identifier,
      cpuPercent: thresholds.databaseCpuPercent,
      freeStorageGiB: thresholds.databaseFreeStorageGiB,
      freeMemoryMiB: thresholds.databaseFreeMemoryMiB,
      connections: thresholds.databaseConnections,
    }));
  }
  for (const [name, table] of Object.entries(stack.tables)) {
    add(new Construct(monitoring, `table-${name}`), tableAlarms({ prefix, name, tableName: table.name }));
  }
}

/** One dashboard: load balancer traffic, then each service, database and table. */
export function addDashboard(stack: EnvironmentStack): void {
  const { config } = stack;
  const sections: DashboardSection[] = [];
  if (stack.loadBalancer) {
    const lb = loadBalancerMetrics(stack.loadBalancer.loadBalancer.arnSuffix);
    sections.push({
      heading: 'Load balancer',
      graphs: [
        { title: 'Requests', metrics: [lb.requests] },
        { title: 'Latency (s)', metrics: [lb.responseTime] },
        { title: 'Errors (5XX)', metrics: [lb.elb5xx, lb.target5xx] },
      ],
    });
  }
  for (const service of Object.values(config.services)) {
    const metrics = serviceMetrics(stack.cluster.name, service.name);
    sections.push({
      heading: `Service ${service.name}`,
      graphs: [
        { title: `${service.name} CPU %`, metrics: [metrics.cpu] },
        { title: `${service.name} memory %`, metrics: [metrics.memory] },
        { title: `${service.name} running tasks`, metrics: [config.cluster.containerInsights ? metrics.runningTasks : metrics.reportingTasks] },
      ],
    });
  }
  for (const [name, database] of Object.entries(stack.databases)) {
    const metrics = databaseMetrics(database.identifier);
    sections.push({
      heading: `Database ${name}`,
      graphs: [
        { title: `${name} CPU %`, metrics: [metrics.cpu] },
        { title: `${name} connections`, metrics: [metrics.connections] },
        { title: `${name} free storage (bytes)`, metrics: [metrics.freeStorage] },
      ],
    });
  }
  for (const [name, table] of Object.entries(stack.tables)) {
    const metrics = tableMetrics(table.name);
    sections.push({
      heading: `Table ${name}`,
      graphs: [
        { title: `${name} consumed capacity`, metrics: [metrics.consumedReads, metrics.consumedWrites] },
        { title: `${name} throttled requests`, metrics: [metrics.readThrottles, metrics.writeThrottles] },
      ],
    });
  }
  // CloudWatch has nothing to draw for an environment with no service, load balancer, database or table.
  if (sections.length === 0) return;
  new Dashboard(stack, 'dashboard', { name: fitName(stack.naming.prefix, NAME_LIMITS.dashboard), region: config.aws.region, sections });
}
