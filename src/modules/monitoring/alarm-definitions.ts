/**
 * The alarms of each kind of resource, as definitions: what is watched, the
 * threshold, and what missing data means. Names say environment, resource
 * and condition: `<project>-<environment>-<kind>-<name>-<condition>`.
 */
import type { AlarmDefinition } from './alarm';
import { cacheMetrics, databaseMetrics, loadBalancerMetrics, serviceMetrics, tableMetrics, targetGroupMetrics } from './metrics';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

export interface ServiceAlarmInput {
  readonly prefix: string;
  readonly clusterName: string;
  readonly serviceName: string;
  readonly cpuPercent: number;
  readonly memoryPercent: number;
  /** The fewest tasks the service should ever run; 0 means no running-task alarm. */
  readonly minimumTasks: number;
  /** Count tasks with Container Insights' metric, else with CPU sample counts. */
  readonly containerInsights: boolean;
}

export function serviceAlarms(input: ServiceAlarmInput): AlarmDefinition[] {
  const metrics = serviceMetrics(input.clusterName, input.serviceName);
  const name = `${input.prefix}-service-${input.serviceName}`;
  const alarms: AlarmDefinition[] = [
    {
      id: 'cpu-high',
      name: `${name}-cpu-high`,
      description: `Service ${input.serviceName}: average CPU above ${input.cpuPercent}%`,
      metric: metrics.cpu,
      comparison: 'GreaterThanThreshold',
      threshold: input.cpuPercent,
      missingData: 'notBreaching',
    },
    {
      id: 'memory-high',
      name: `${name}-memory-high`,
      description: `Service ${input.serviceName}: average memory above ${input.memoryPercent}%`,
      metric: metrics.memory,
      comparison: 'GreaterThanThreshold',
      threshold: input.memoryPercent,
      missingData: 'notBreaching',
    },
  ];
  if (input.minimumTasks > 0) {
    alarms.push({
      id: 'tasks-below-minimum',
      name: `${name}-tasks-below-minimum`,
      description: `Service ${input.serviceName}: fewer than ${input.minimumTasks} running task(s)`,
      metric: input.containerInsights ? metrics.runningTasks : metrics.reportingTasks,
      comparison: 'LessThanThreshold',
      threshold: input.minimumTasks,
      // No data: no task reports at all, which is the condition itself.
      missingData: 'breaching',
    });
  }
  return alarms;
}

export interface TargetAlarmInput {
  readonly prefix: string;
  readonly serviceName: string;
  readonly loadBalancer: string;
  readonly targetGroup: string;
  readonly http5xxPerMinute: number;
  readonly targetResponseTimeSeconds: number;
}

export function targetAlarms(input: TargetAlarmInput): AlarmDefinition[] {
  const metrics = targetGroupMetrics(input.loadBalancer, input.targetGroup);
  const name = `${input.prefix}-service-${input.serviceName}`;
  return [
    {
      id: 'target-5xx',
      name: `${name}-target-5xx-high`,
      description: `Service ${input.serviceName}: more than ${input.http5xxPerMinute} 5XX responses a minute`,
      metric: metrics.target5xx,
      comparison: 'GreaterThanThreshold',
      threshold: input.http5xxPerMinute,
      missingData: 'notBreaching',
    },
    {
      id: 'response-time',
      name: `${name}-response-time-high`,
      description: `Service ${input.serviceName}: average response time above ${input.targetResponseTimeSeconds}s`,
      metric: metrics.responseTime,
      comparison: 'GreaterThanThreshold',
      threshold: input.targetResponseTimeSeconds,
      missingData: 'notBreaching',
    },
    {
      id: 'unhealthy-hosts',
      name: `${name}-unhealthy-hosts`,
      description: `Service ${input.serviceName}: targets failing health checks`,
      metric: metrics.unhealthyHosts,
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      missingData: 'notBreaching',
    },
  ];
}

export function loadBalancerAlarms(input: { prefix: string; loadBalancer: string; http5xxPerMinute: number }): AlarmDefinition[] {
  const metrics = loadBalancerMetrics(input.loadBalancer);
  return [
    {
      id: 'elb-5xx',
      name: `${input.prefix}-alb-elb-5xx-high`,
      description: `Load balancer: more than ${input.http5xxPerMinute} of its own 5XX responses a minute`,
      metric: metrics.elb5xx,
      comparison: 'GreaterThanThreshold',
      threshold: input.http5xxPerMinute,
      missingData: 'notBreaching',
    },
  ];
}

export interface DatabaseAlarmInput {
  readonly prefix: string;
  readonly name: string;
  readonly identifier: string;
  readonly cpuPercent: number;
  readonly freeStorageGiB: number;
  readonly freeMemoryMiB: number;
  readonly connections: number;
}

export function databaseAlarms(input: DatabaseAlarmInput): AlarmDefinition[] {
  const metrics = databaseMetrics(input.identifier);
  const name = `${input.prefix}-db-${input.name}`;
  // RDS reports every minute while the instance runs: silence means it does not.
  return [
    {
      id: 'cpu-high',
      name: `${name}-cpu-high`,
      description: `Database ${input.name}: CPU above ${input.cpuPercent}%`,
      metric: metrics.cpu,
      comparison: 'GreaterThanThreshold',
      threshold: input.cpuPercent,
      missingData: 'breaching',
    },
    {
      id: 'free-storage-low',
      name: `${name}-free-storage-low`,
      description: `Database ${input.name}: less than ${input.freeStorageGiB} GiB free storage`,
      metric: metrics.freeStorage,
      comparison: 'LessThanThreshold',
      threshold: input.freeStorageGiB * GIB,
      missingData: 'breaching',
    },
    {
      id: 'free-memory-low',
      name: `${name}-freeable-memory-low`,
      description: `Database ${input.name}: less than ${input.freeMemoryMiB} MiB freeable memory`,
      metric: metrics.freeMemory,
      comparison: 'LessThanThreshold',
      threshold: input.freeMemoryMiB * MIB,
      missingData: 'breaching',
    },
    {
      id: 'connections-high',
      name: `${name}-connections-high`,
      description: `Database ${input.name}: more than ${input.connections} connections`,
      metric: metrics.connections,
      comparison: 'GreaterThanThreshold',
      threshold: input.connections,
      missingData: 'breaching',
    },
  ];
}

export function tableAlarms(input: { prefix: string; name: string; tableName: string }): AlarmDefinition[] {
  const metrics = tableMetrics(input.tableName);
  const name = `${input.prefix}-table-${input.name}`;
  return [
    {
      id: 'read-throttles',
      name: `${name}-read-throttled`,
      description: `Table ${input.name}: read requests throttled`,
      metric: metrics.readThrottles,
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      missingData: 'notBreaching',
    },
    {
      id: 'write-throttles',
      name: `${name}-write-throttled`,
      description: `Table ${input.name}: write requests throttled`,
      metric: metrics.writeThrottles,
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      missingData: 'notBreaching',
    },
  ];
}

export interface CacheAlarmInput {
  readonly prefix: string;
  readonly name: string;
  /** The replication group ID; its nodes are `<groupId>-001`, `-002`, ... */
  readonly groupId: string;
  readonly nodes: number;
  readonly cpuPercent: number;
  readonly memoryPercent: number;
}

/** The member cluster IDs ElastiCache gives the nodes of a replication group with cluster mode off. */
export function cacheNodeIds(groupId: string, nodes: number): string[] {
  return Array.from({ length: nodes }, (_, i) => `${groupId}-${String(i + 1).padStart(3, '0')}`);
}

/** Per node (the primary moves on failover): engine CPU, memory used, and any eviction (the cache is too small). */
export function cacheAlarms(input: CacheAlarmInput): AlarmDefinition[] {
  const name = `${input.prefix}-cache-${input.name}`;
  return cacheNodeIds(input.groupId, input.nodes).flatMap((node, i) => {
    const metrics = cacheMetrics(node);
    const n = i + 1;
    // ElastiCache reports every minute while the node runs: silence means it does not.
    return [
      {
        id: `node-${n}-engine-cpu-high`,
        name: `${name}-node-${n}-engine-cpu-high`,
        description: `Cache ${input.name} node ${node}: engine CPU above ${input.cpuPercent}%`,
        metric: metrics.engineCpu,
        comparison: 'GreaterThanThreshold' as const,
        threshold: input.cpuPercent,
        missingData: 'breaching' as const,
      },
      {
        id: `node-${n}-memory-high`,
        name: `${name}-node-${n}-memory-high`,
        description: `Cache ${input.name} node ${node}: more than ${input.memoryPercent}% of its memory used`,
        metric: metrics.memory,
        comparison: 'GreaterThanThreshold' as const,
        threshold: input.memoryPercent,
        missingData: 'breaching' as const,
      },
      {
        id: `node-${n}-evictions`,
        name: `${name}-node-${n}-evictions`,
        description: `Cache ${input.name} node ${node}: keys evicted for lack of memory`,
        metric: metrics.evictions,
        comparison: 'GreaterThanThreshold' as const,
        threshold: 0,
        missingData: 'notBreaching' as const,
      },
    ];
  });
}
