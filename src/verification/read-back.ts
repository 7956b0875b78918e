/**
 * What an applied stack asked for, read back from the AWS API (the emulator
 * in check-apply) through the AWS SDK, independently of Terraform's state:
 * ECS services (desired count, task definition containers, their secrets and
 * log configuration), listener rules (priorities, hosts, paths), security
 * group rules, RDS instances (class, Multi-AZ, encryption), DynamoDB tables
 * (keys, indexes), alarms (actions, threshold) and dashboards. After a
 * destroy, `remaining` lists what of them is still there.
 */
import { CloudWatchClient, DescribeAlarmsCommand, GetDashboardCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';

type Json = Record<string, any>;
type Resources = Record<string, Record<string, Json>>;

export interface ReadBackClients {
  readonly ecs: ECSClient;
  readonly elb: ElasticLoadBalancingV2Client;
  readonly ec2: EC2Client;
  readonly rds: RDSClient;
  readonly dynamodb: DynamoDBClient;
  readonly cloudwatch: CloudWatchClient;
}

/** SDK settings: region, endpoint, credentials, path-style. */
export function readBackClients(settings: ConstructorParameters<typeof ECSClient>[0] & object): ReadBackClients {
  return {
    ecs: new ECSClient(settings),
    elb: new ElasticLoadBalancingV2Client(settings),
    ec2: new EC2Client(settings),
    rds: new RDSClient(settings),
    dynamodb: new DynamoDBClient(settings),
    cloudwatch: new CloudWatchClient(settings),
  };
}

export function closeReadBackClients(clients: ReadBackClients): void {
  for (const client of Object.values(clients)) client.destroy();
}

export interface ReadBack {
  /** How many things were compared. */
  readonly checked: number;
  /** Each difference between the stack and the API, in one line. */
  readonly problems: string[];
}

/** The resource a `${type.name.attribute}` reference points at. */
function referenced(resources: Resources, reference: unknown): Json | undefined {
  const match = typeof reference === 'string' ? /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}$/.exec(reference) : null;
  return match ? resources[match[1]!]?.[match[2]!] : undefined;
}

/** A service's cluster: the stack's own (by reference), or an existing one it names by ARN. */
function clusterOf(resources: Resources, reference: unknown): string {
  return (referenced(resources, reference)?.name as string | undefined) ?? String(reference);
}

const literal = (value: unknown): value is string => typeof value === 'string' && !value.includes('${');
const sorted = (values: readonly unknown[]) => JSON.stringify([...values].map(String).sort());

/** Compares every readable resource of the stack with the API. */
export async function readBack(stackJson: string, clients: ReadBackClients): Promise<ReadBack> {
  const resources = (JSON.parse(stackJson) as { resource?: Resources }).resource ?? {};
  const problems: string[] = [];
  let checked = 0;
  const expect = (what: string, actual: unknown, wanted: unknown) => {
    checked++;
    if (JSON.stringify(actual) !== JSON.stringify(wanted))
      problems.push(`${what}: the API has ${JSON.stringify(actual)}, the stack asked for ${JSON.stringify(wanted)}`);
  };

  for (const service of Object.values(resources.aws_ecs_service ?? {})) {
    const cluster = clusterOf(resources, service.cluster);
    const found = (await clients.ecs.send(new DescribeServicesCommand({ cluster, services: [service.name] }))).services?.[0];
    expect(`ECS service ${cluster}/${service.name} status`, found?.status, 'ACTIVE');
    if (!found) continue;
    if (typeof service.desired_count === 'number')
      expect(`ECS service ${service.name} desired count`, found.desiredCount, service.desired_count);
    const definition = (await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: found.taskDefinition }))).taskDefinition;
    const wanted = JSON.parse(referenced(resources, service.task_definition)?.container_definitions ?? '[]') as Json[];
    expect(
      `task definition ${definition?.family} containers`,
      sorted((definition?.containerDefinitions ?? []).map((c) => c.name)),
      sorted(wanted.map((c) => c.name)),
    );
    for (const container of wanted) {
      const actual = definition?.containerDefinitions?.find((c) => c.name === container.name);
      expect(
        `container ${definition?.family}/${container.name} secrets`,
        sorted((actual?.secrets ?? []).map((s) => s.name)),
        sorted((container.secrets ?? []).map((s: Json) => s.name)),
      );
      expect(
        `container ${definition?.family}/${container.name} log driver`,
        actual?.logConfiguration?.logDriver ?? null,
        container.logConfiguration?.logDriver ?? null,
      );
      if (literal(container.image)) expect(`container ${definition?.family}/${container.name} image`, actual?.image, container.image);
    }
  }

  const balancers = Object.values(resources.aws_lb ?? {}).filter((lb) => literal(lb.name));
  if (balancers.length > 0) {
    const ruleKey = (priority: unknown, hosts: unknown[], paths: unknown[]) => `${priority} hosts=${sorted(hosts)} paths=${sorted(paths)}`;
    const wanted = Object.values(resources.aws_lb_listener_rule ?? {}).map((rule) => {
      const conditions = (rule.condition ?? []) as Json[];
      return ruleKey(
        rule.priority,
        conditions.flatMap((c) => c.host_header?.values ?? []),
        conditions.flatMap((c) => c.path_pattern?.values ?? []),
      );
    });
    const actual: string[] = [];
    for (const lb of balancers) {
      const arn = (await clients.elb.send(new DescribeLoadBalancersCommand({ Names: [lb.name] }))).LoadBalancers?.[0]?.LoadBalancerArn;
      for (const listener of (await clients.elb.send(new DescribeListenersCommand({ LoadBalancerArn: arn }))).Listeners ?? []) {
        for (const rule of (await clients.elb.send(new DescribeRulesCommand({ ListenerArn: listener.ListenerArn }))).Rules ?? []) {
          if (rule.IsDefault) continue;
          const conditions = rule.Conditions ?? [];
          actual.push(
            ruleKey(
              Number(rule.Priority),
              conditions.flatMap((c) => c.HostHeaderConfig?.Values ?? (c.Field === 'host-header' ? (c.Values ?? []) : [])),
              conditions.flatMap((c) => c.PathPatternConfig?.Values ?? (c.Field === 'path-pattern' ? (c.Values ?? []) : [])),
            ),
          );
        }
      }
    }
    expect('listener rules (priority, hosts, paths)', actual.sort(), wanted.sort());
  }

  for (const [id, group] of Object.entries(resources.aws_security_group ?? {})) {
    if (!literal(group.name)) continue;
    const groupId = (await clients.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [group.name] }] })))
      .SecurityGroups?.[0]?.GroupId;
    const ruleKey = (egress: boolean, protocol: unknown, from: unknown, to: unknown) =>
      `${egress ? 'egress' : 'ingress'} ${protocol} ${from ?? -1}-${to ?? -1}`;
    const isThisGroup = (rule: Json) =>
      typeof rule.security_group_id === 'string' && rule.security_group_id.startsWith(`\${aws_security_group.${id}.`);
    const wanted = [
      ...Object.values(resources.aws_vpc_security_group_ingress_rule ?? {})
        .filter(isThisGroup)
        .map((r) => ruleKey(false, r.ip_protocol, r.from_port, r.to_port)),
      ...Object.values(resources.aws_vpc_security_group_egress_rule ?? {})
        .filter(isThisGroup)
        .map((r) => ruleKey(true, r.ip_protocol, r.from_port, r.to_port)),
      ...((group.ingress ?? []) as Json[]).map((r) => ruleKey(false, r.protocol, r.from_port, r.to_port)),
      ...((group.egress ?? []) as Json[]).map((r) => ruleKey(true, r.protocol, r.from_port, r.to_port)),
    ];
    const rules = groupId
      ? ((await clients.ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] })))
          .SecurityGroupRules ?? [])
      : [];
    expect(
      `security group ${group.name} rules`,
      rules.map((r) => ruleKey(r.IsEgress === true, r.IpProtocol, r.FromPort, r.ToPort)).sort(),
      wanted.sort(),
    );
  }

  for (const instance of Object.values(resources.aws_db_instance ?? {})) {
    if (!literal(instance.identifier)) continue;
    const found = (await clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instance.identifier }))).DBInstances?.[0];
    expect(
      `RDS ${instance.identifier} class, Multi-AZ, encryption`,
      [found?.DBInstanceClass, found?.MultiAZ, found?.StorageEncrypted],
      [instance.instance_class, instance.multi_az ?? false, instance.storage_encrypted ?? false],
    );
  }

  for (const table of Object.values(resources.aws_dynamodb_table ?? {})) {
    const found = (await clients.dynamodb.send(new DescribeTableCommand({ TableName: table.name }))).Table;
    expect(
      `DynamoDB ${table.name} keys`,
      (found?.KeySchema ?? []).map((k) => `${k.KeyType}:${k.AttributeName}`),
      [`HASH:${table.hash_key}`, ...(table.range_key ? [`RANGE:${table.range_key}`] : [])],
    );
    expect(
      `DynamoDB ${table.name} indexes`,
      sorted((found?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName)),
      sorted(((table.global_secondary_index ?? []) as Json[]).map((i) => i.name)),
    );
  }

  const alarms = Object.values(resources.aws_cloudwatch_metric_alarm ?? {}).filter((a) => literal(a.alarm_name));
  for (const alarm of alarms) {
    const found = (await clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarm.alarm_name] }))).MetricAlarms?.[0];
    expect(
      `alarm ${alarm.alarm_name} actions and threshold`,
      [found?.AlarmActions?.length ?? -1, found?.Threshold],
      [(alarm.alarm_actions ?? []).length, alarm.threshold],
    );
  }

  for (const dashboard of Object.values(resources.aws_cloudwatch_dashboard ?? {})) {
    const found = await clients.cloudwatch.send(new GetDashboardCommand({ DashboardName: dashboard.dashboard_name }));
    const widgets = (body: unknown) => (JSON.parse(typeof body === 'string' ? body : '{}') as { widgets?: unknown[] }).widgets?.length ?? 0;
    expect(`dashboard ${dashboard.dashboard_name} widgets`, widgets(found.DashboardBody), widgets(dashboard.dashboard_body));
  }
  return { checked, problems };
}

/** What of the stack's named services, load balancers, databases, tables, alarms and dashboards the API still has. */
export async function remaining(stackJson: string, clients: ReadBackClients): Promise<string[]> {
  const resources = (JSON.parse(stackJson) as { resource?: Resources }).resource ?? {};
  const left: string[] = [];
  const gone = async (what: string, call: () => Promise<boolean>) => {
    try {
      if (await call()) left.push(what);
    } catch (error) {
      if (!/NotFound|does not exist|ResourceNotFound/i.test(`${(error as Error).name} ${(error as Error).message}`)) throw error;
    }
  };
  for (const service of Object.values(resources.aws_ecs_service ?? {})) {
    const cluster = clusterOf(resources, service.cluster);
    await gone(`ECS service ${service.name}`, async () =>
      ((await clients.ecs.send(new DescribeServicesCommand({ cluster, services: [service.name] }))).services ?? []).some(
        (s) => s.status === 'ACTIVE',
      ),
    );
  }
  for (const lb of Object.values(resources.aws_lb ?? {}).filter((l) => literal(l.name))) {
    await gone(
      `load balancer ${lb.name}`,
      async () => ((await clients.elb.send(new DescribeLoadBalancersCommand({ Names: [lb.name] }))).LoadBalancers ?? []).length > 0,
    );
  }
  for (const instance of Object.values(resources.aws_db_instance ?? {}).filter((i) => literal(i.identifier))) {
    await gone(
      `RDS ${instance.identifier}`,
      async () =>
        ((await clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instance.identifier }))).DBInstances ?? []).length >
        0,
    );
  }
  for (const table of Object.values(resources.aws_dynamodb_table ?? {})) {
    await gone(
      `DynamoDB ${table.name}`,
      async () => (await clients.dynamodb.send(new DescribeTableCommand({ TableName: table.name }))).Table !== undefined,
    );
  }
  const alarmNames = Object.values(resources.aws_cloudwatch_metric_alarm ?? {})
    .map((a) => a.alarm_name)
    .filter(literal);
  for (let i = 0; i < alarmNames.length; i += 100) {
    const found =
      (await clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: alarmNames.slice(i, i + 100) }))).MetricAlarms ?? [];
    left.push(...found.map((a) => `alarm ${a.AlarmName}`));
  }
  for (const dashboard of Object.values(resources.aws_cloudwatch_dashboard ?? {})) {
    await gone(
      `dashboard ${dashboard.dashboard_name}`,
      async () =>
        (await clients.cloudwatch.send(new GetDashboardCommand({ DashboardName: dashboard.dashboard_name }))).DashboardBody !== undefined,
    );
  }
  return left;
}
