/**
 * The CloudWatch metrics of the resources this project creates, as typed
 * objects shared by alarms and dashboards so that both name the same
 * namespace, metric and dimensions.
 */

export type Statistic = 'Average' | 'Sum' | 'Maximum' | 'Minimum' | 'SampleCount';

export interface Metric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: Statistic;
  /** @default 60 */
  readonly periodSeconds?: number;
}

const metric = (namespace: string, metricName: string, dimensions: Record<string, string>, statistic: Statistic): Metric => ({
  namespace,
  metricName,
  dimensions,
  statistic,
  periodSeconds: 60,
});

/** An ECS service: the cluster and service names. */
export function serviceMetrics(clusterName: string, serviceName: string) {
  const dimensions = { ClusterName: clusterName, ServiceName: serviceName };
  return {
    cpu: metric('AWS/ECS', 'CPUUtilization', dimensions, 'Average'),
    memory: metric('AWS/ECS', 'MemoryUtilization', dimensions, 'Average'),
    /** Container Insights' count of running tasks. */
    runningTasks: metric('ECS/ContainerInsights', 'RunningTaskCount', dimensions, 'Minimum'),
    /** Without Container Insights: tasks reporting CPU, a stand-in for the running count. */
    reportingTasks: metric('AWS/ECS', 'CPUUtilization', dimensions, 'SampleCount'),
  };
}

/** A load balancer, by its ARN suffix (app/<name>/<id>). */
export function loadBalancerMetrics(loadBalancer: string) {
  const dimensions = { LoadBalancer: loadBalancer };
  return {
    requests: metric('AWS/ApplicationELB', 'RequestCount', dimensions, 'Sum'),
    elb5xx: metric('AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count', dimensions, 'Sum'),
    target5xx: metric('AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', dimensions, 'Sum'),
    responseTime: metric('AWS/ApplicationELB', 'TargetResponseTime', dimensions, 'Average'),
  };
}

/** A target group of a load balancer, by both ARN suffixes. */
export function targetGroupMetrics(loadBalancer: string, targetGroup: string) {
  const dimensions = { LoadBalancer: loadBalancer, TargetGroup: targetGroup };
  return {
    target5xx: metric('AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', dimensions, 'Sum'),
    responseTime: metric('AWS/ApplicationELB', 'TargetResponseTime', dimensions, 'Average'),
    unhealthyHosts: metric('AWS/ApplicationELB', 'UnHealthyHostCount', dimensions, 'Maximum'),
    requests: metric('AWS/ApplicationELB', 'RequestCountPerTarget', dimensions, 'Sum'),
  };
}

/** An RDS instance, by identifier. */
export function databaseMetrics(identifier: string) {
  const dimensions = { DBInstanceIdentifier: identifier };
  return {
    cpu: metric('AWS/RDS', 'CPUUtilization', dimensions, 'Average'),
    freeStorage: metric('AWS/RDS', 'FreeStorageSpace', dimensions, 'Minimum'),
    freeMemory: metric('AWS/RDS', 'FreeableMemory', dimensions, 'Minimum'),
    connections: metric('AWS/RDS', 'DatabaseConnections', dimensions, 'Maximum'),
  };
}

/** A DynamoDB table, by name. */
export function tableMetrics(tableName: string) {
  const dimensions = { TableName: tableName };
  return {
    readThrottles: metric('AWS/DynamoDB', 'ReadThrottleEvents', dimensions, 'Sum'),
    writeThrottles: metric('AWS/DynamoDB', 'WriteThrottleEvents', dimensions, 'Sum'),
    consumedReads: metric('AWS/DynamoDB', 'ConsumedReadCapacityUnits', dimensions, 'Sum'),
    consumedWrites: metric('AWS/DynamoDB', 'ConsumedWriteCapacityUnits', dimensions, 'Sum'),
  };
}

/** One node of an ElastiCache replication group, by its cache cluster ID (`<group>-001`, ...). */
export function cacheMetrics(cacheClusterId: string) {
  const dimensions = { CacheClusterId: cacheClusterId };
  return {
    /** The engine thread's CPU: what saturates first on Valkey and Redis OSS. */
    engineCpu: metric('AWS/ElastiCache', 'EngineCPUUtilization', dimensions, 'Average'),
    memory: metric('AWS/ElastiCache', 'DatabaseMemoryUsagePercentage', dimensions, 'Average'),
    evictions: metric('AWS/ElastiCache', 'Evictions', dimensions, 'Sum'),
    connections: metric('AWS/ElastiCache', 'CurrConnections', dimensions, 'Maximum'),
  };
}

/** A regional WAFv2 web ACL, all its rules together. */
export function webAclMetrics(webAclName: string, region: string) {
  const dimensions = { WebACL: webAclName, Region: region, Rule: 'ALL' };
  return {
    allowed: metric('AWS/WAFV2', 'AllowedRequests', dimensions, 'Sum'),
    blocked: metric('AWS/WAFV2', 'BlockedRequests', dimensions, 'Sum'),
    counted: metric('AWS/WAFV2', 'CountedRequests', dimensions, 'Sum'),
  };
}
