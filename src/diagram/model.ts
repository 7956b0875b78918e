/**
 * The architecture of one synthesized stack (cdk.tf.json), as nodes, groups
 * and edges that Mermaid and DOT both draw. Every edge is a grant in the
 * stack: a security-group ingress rule or an IAM policy, named by its
 * Terraform address, so the picture cannot show a path that does not exist.
 */

export type NodeKind =
  | 'internet'
  | 'subnet'
  | 'nat'
  | 'loadBalancer'
  | 'service'
  | 'database'
  | 'table'
  | 'fileSystem'
  | 'cache'
  | 'bucket'
  | 'firewall'
  | 'topic'
  | 'role'
  | 'boundary'
  | 'queue'
  | 'job';

export interface DiagramNode {
  /** Safe in Mermaid and DOT: letters, digits, underscores. */
  readonly id: string;
  readonly kind: NodeKind;
  /** Lines of the label. */
  readonly label: readonly string[];
  /** The group it is drawn in (a zone, the VPC), or undefined for the region. */
  readonly group?: string;
  /** The Terraform address it stands for (internet: none). */
  readonly address?: string;
}

export interface DiagramGroup {
  readonly id: string;
  readonly label: string;
  readonly parent?: string;
}

export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  /** The security-group rule or IAM policy that allows it. */
  readonly grant: string;
}

export interface Diagram {
  readonly title: string;
  readonly groups: readonly DiagramGroup[];
  readonly nodes: readonly DiagramNode[];
  readonly edges: readonly DiagramEdge[];
}

type Resource = Record<string, unknown>;
type Resources = Record<string, Record<string, Resource>>;

/** `${aws_x.name.attr}` -> name, for the first reference to `type` in `value`. */
function ref(value: unknown, type: string): string | undefined {
  const match = new RegExp(`\\$\\{${type}\\.([^.}]+)\\.`).exec(typeof value === 'string' ? value : JSON.stringify(value ?? ''));
  return match ? match[1] : undefined;
}

/** Every name of `type` referenced in `value`. */
function refs(value: unknown, type: string): string[] {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return [...new Set([...text.matchAll(new RegExp(`\\$\\{${type}\\.([^.}]+)\\.`, 'g'))].map((m) => m[1]!))];
}

function safeId(prefix: string, text: string): string {
  return `${prefix}_${text.replace(/[^A-Za-z0-9]+/g, '_')}`;
}

function entries(resources: Resources, type: string): [string, Resource][] {
  return Object.entries(resources[type] ?? {}).sort(([a], [b]) => a.localeCompare(b));
}

/** The key a module gave a resource: `service-api_service_454F4786` -> `api` (the part after `<module>-`). */
function keyOf(name: string, module: string): string {
  const head = name.split('_')[0]!;
  return head.startsWith(`${module}-`) ? head.slice(module.length + 1) : head;
}

/** The architecture of one stack. */
export function diagramOf(stackJson: string, environment: string): Diagram {
  const resources = (JSON.parse(stackJson) as { resource?: Resources }).resource ?? {};
  const groups: DiagramGroup[] = [];
  const nodes: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];
  /** Security group name -> the node it protects. */
  const bySecurityGroup = new Map<string, string>();

  const vpc = entries(resources, 'aws_vpc')[0]?.[1];
  const vpcGroup = 'vpc';
  groups.push({ id: vpcGroup, label: vpc ? `VPC ${String(vpc.cidr_block)}` : 'existing VPC' });
  const zones = [...new Set(entries(resources, 'aws_subnet').map(([, s]) => String(s.availability_zone)))].sort();
  for (const zone of zones) groups.push({ id: safeId('zone', zone), label: zone, parent: vpcGroup });
  for (const [name, subnet] of entries(resources, 'aws_subnet')) {
    const tier = (subnet.tags as Record<string, string> | undefined)?.Tier ?? 'subnet';
    nodes.push({
      id: safeId('subnet', name),
      kind: 'subnet',
      label: [`${tier} subnet`, String(subnet.cidr_block)],
      group: safeId('zone', String(subnet.availability_zone)),
      address: `aws_subnet.${name}`,
    });
  }
  const subnetZone = new Map(entries(resources, 'aws_subnet').map(([name, s]) => [name, String(s.availability_zone)]));
  for (const [name, nat] of entries(resources, 'aws_nat_gateway')) {
    const zone = subnetZone.get(ref(nat.subnet_id, 'aws_subnet') ?? '');
    nodes.push({
      id: safeId('nat', name),
      kind: 'nat',
      label: ['NAT gateway'],
      group: zone ? safeId('zone', zone) : vpcGroup,
      address: `aws_nat_gateway.${name}`,
    });
  }

  // The load balancer, its listeners, and which rule sends what to which target group.
  const targetRoutes = new Map<string, string[]>();
  /** Target group name -> the service node it forwards to. */
  const targetServices = new Map<string, string>();
  for (const [, rule] of entries(resources, 'aws_lb_listener_rule')) {
    const target = ref(rule.action, 'aws_lb_target_group');
    if (!target) continue;
    const conditions = (rule.condition as Resource[] | undefined) ?? [];
    const hosts = conditions.flatMap((c) => (c.host_header as { values?: string[] } | undefined)?.values ?? []);
    const paths = conditions.flatMap((c) => (c.path_pattern as { values?: string[] } | undefined)?.values ?? []);
    targetRoutes.set(target, [...(targetRoutes.get(target) ?? []), [hosts.join(', '), paths.join(', ')].filter(Boolean).join(' ')]);
  }
  for (const [name, lb] of entries(resources, 'aws_lb')) {
    const listeners = entries(resources, 'aws_lb_listener')
      .filter(([, l]) => ref(l.load_balancer_arn, 'aws_lb') === name)
      .map(
        ([, l]) =>
          `${String(l.protocol)} ${String(l.port)}${l.default_action && JSON.stringify(l.default_action).includes('"redirect"') ? ' (redirect)' : ''}`,
      );
    const id = safeId('lb', name);
    nodes.push({
      id,
      kind: 'loadBalancer',
      label: [`${lb.internal === true ? 'internal ' : ''}load balancer ${String(lb.name)}`, listeners.join(', ')],
      group: vpcGroup,
      address: `aws_lb.${name}`,
    });
    for (const sg of refs(lb.security_groups, 'aws_security_group')) bySecurityGroup.set(sg, id);
  }

  // Services: capacity, counts, sidecars; their task roles for the IAM edges.
  const taskRoleOf = new Map<string, string>();
  for (const [name, service] of entries(resources, 'aws_ecs_service')) {
    const key = String(service.name ?? keyOf(name, 'service'));
    const task = resources.aws_ecs_task_definition?.[ref(service.task_definition, 'aws_ecs_task_definition') ?? ''];
    const containers = task ? (JSON.parse(String(task.container_definitions)) as { name: string }[]) : [];
    const sidecars = containers.map((c) => c.name).filter((n) => n !== key);
    const target = entries(resources, 'aws_appautoscaling_target').find(([, t]) => ref(t.resource_id, 'aws_ecs_service') === name)?.[1];
    const count = target
      ? `${String(target.min_capacity)}-${String(target.max_capacity)} tasks (autoscaling)`
      : `${String(service.desired_count ?? 1)} task(s)`;
    const strategy =
      (service.capacity_provider_strategy as { capacity_provider: string; base?: number; weight?: number }[] | undefined) ?? [];
    const capacity =
      strategy.length === 1
        ? strategy[0]!.capacity_provider === 'FARGATE_SPOT'
          ? 'Spot'
          : 'on-demand'
        : strategy
            .map(
              (s) =>
                `${s.capacity_provider === 'FARGATE_SPOT' ? 'Spot' : 'on-demand'} ${s.base ? `base ${s.base}, ` : ''}weight ${s.weight ?? 0}`,
            )
            .join(' / ');
    const arm = (task?.runtime_platform as { cpu_architecture?: string } | undefined)?.cpu_architecture === 'ARM64' ? ', ARM64' : '';
    const size = task ? `${Number(task.cpu) / 1024} vCPU, ${Number(task.memory) / 1024} GB${arm}` : '';
    const id = safeId('service', key);
    nodes.push({
      id,
      kind: 'service',
      group: vpcGroup,
      address: `aws_ecs_service.${name}`,
      label: [
        `service ${key}${/teleport/i.test(key) ? ' (Teleport)' : ''}`,
        size,
        `${count}, ${capacity}`,
        ...(sidecars.length > 0 ? [`sidecars: ${sidecars.join(', ')}`] : []),
      ].filter(Boolean),
    });
    for (const sg of refs((service.network_configuration as Resource | undefined)?.security_groups, 'aws_security_group'))
      bySecurityGroup.set(sg, id);
    const role = task ? ref(task.task_role_arn, 'aws_iam_role') : undefined;
    if (role) taskRoleOf.set(role, id);
    for (const lb of (service.load_balancer as Resource[] | undefined) ?? []) {
      const tg = ref(lb.target_group_arn, 'aws_lb_target_group');
      if (tg) targetServices.set(tg, id);
    }
  }

  // Scheduled jobs: their schedule, size and capacity; their security groups and task roles, like a service's.
  for (const [name, schedule] of entries(resources, 'aws_scheduler_schedule')) {
    const key = keyOf(name, 'job');
    const ecs = ((schedule.target as Resource | undefined)?.ecs_parameters ?? {}) as Resource;
    const task = resources.aws_ecs_task_definition?.[ref(ecs.task_definition_arn, 'aws_ecs_task_definition') ?? ''];
    const strategy = (ecs.capacity_provider_strategy as { capacity_provider: string }[] | undefined) ?? [];
    const capacity = [...new Set(strategy.map((s) => (s.capacity_provider === 'FARGATE_SPOT' ? 'Spot' : 'on-demand')))].join(' / ');
    const id = safeId('job', key);
    nodes.push({
      id,
      kind: 'job',
      group: vpcGroup,
      address: `aws_scheduler_schedule.${name}`,
      label: [
        `job ${key}`,
        `${String(schedule.schedule_expression)}${schedule.schedule_expression_timezone && schedule.schedule_expression_timezone !== 'UTC' ? ` ${String(schedule.schedule_expression_timezone)}` : ''}${schedule.state === 'DISABLED' ? ' (disabled)' : ''}`,
        task ? `${Number(task.cpu) / 1024} vCPU, ${Number(task.memory) / 1024} GB, ${capacity}` : capacity,
      ].filter(Boolean),
    });
    for (const sg of refs((ecs.network_configuration as Resource | undefined)?.security_groups, 'aws_security_group'))
      bySecurityGroup.set(sg, id);
    const role = task ? ref(task.task_role_arn, 'aws_iam_role') : undefined;
    if (role) taskRoleOf.set(role, id);
  }
  // Queues (not dead-letter queues: a line of their queue's label).
  const queueIds = new Map<string, string>();
  for (const [name, queue] of entries(resources, 'aws_sqs_queue')) {
    const deadLetter = ref(queue.redrive_policy, 'aws_sqs_queue');
    if (deadLetter === undefined) continue;
    const id = safeId('queue', keyOf(name, 'queue'));
    queueIds.set(name, id);
    const dlq = resources.aws_sqs_queue?.[deadLetter];
    nodes.push({
      id,
      kind: 'queue',
      address: `aws_sqs_queue.${name}`,
      label: [
        `queue ${keyOf(name, 'queue')}`,
        `SQS${queue.fifo_queue === true ? ' FIFO' : ''}, dead letters to ${String(dlq?.name ?? 'its dead-letter queue')}`,
      ],
    });
  }

  for (const [name, db] of entries(resources, 'aws_db_instance')) {
    const id = safeId('database', keyOf(name, 'database'));
    nodes.push({
      id,
      kind: 'database',
      group: vpcGroup,
      address: `aws_db_instance.${name}`,
      label: [
        `database ${keyOf(name, 'database')}`,
        `${String(db.engine)} ${String(db.engine_version)}, ${String(db.instance_class)}`,
        `${String(db.allocated_storage)} GB${db.multi_az === true ? ', Multi-AZ' : ''}`,
      ],
    });
    for (const sg of refs(db.vpc_security_group_ids, 'aws_security_group')) bySecurityGroup.set(sg, id);
  }
  for (const [name, fs] of entries(resources, 'aws_efs_file_system')) {
    const id = safeId('filesystem', keyOf(name, 'file-system'));
    nodes.push({
      id,
      kind: 'fileSystem',
      group: vpcGroup,
      address: `aws_efs_file_system.${name}`,
      label: [`file system ${keyOf(name, 'file-system')}`, `EFS, ${String(fs.throughput_mode ?? 'bursting')}`],
    });
    for (const [, mount] of entries(resources, 'aws_efs_mount_target').filter(
      ([, m]) => ref(m.file_system_id, 'aws_efs_file_system') === name,
    )) {
      for (const sg of refs(mount.security_groups, 'aws_security_group')) bySecurityGroup.set(sg, id);
    }
  }
  for (const [name, group] of entries(resources, 'aws_elasticache_replication_group')) {
    const id = safeId('cache', keyOf(name, 'cache'));
    const count = Number(group.num_cache_clusters ?? 1);
    nodes.push({
      id,
      kind: 'cache',
      group: vpcGroup,
      address: `aws_elasticache_replication_group.${name}`,
      label: [
        `cache ${keyOf(name, 'cache')}`,
        `${String(group.engine)} ${String(group.engine_version)}, ${String(group.node_type)}`,
        `${count} node(s)${group.multi_az_enabled === true ? ', Multi-AZ' : ''}`,
      ],
    });
    for (const sg of refs(group.security_group_ids, 'aws_security_group')) bySecurityGroup.set(sg, id);
  }
  /** Application buckets (`bucket-<key>`), by their Terraform name, for the IAM edges. */
  const bucketIds = new Map<string, string>();
  for (const [name] of entries(resources, 'aws_s3_bucket').filter(([n]) => n.startsWith('bucket-'))) {
    const id = safeId('bucket', keyOf(name, 'bucket'));
    bucketIds.set(name, id);
    const versioned = entries(resources, 'aws_s3_bucket_versioning').some(([, v]) => ref(v.bucket, 'aws_s3_bucket') === name);
    nodes.push({
      id,
      kind: 'bucket',
      address: `aws_s3_bucket.${name}`,
      label: [`bucket ${keyOf(name, 'bucket')}`, `S3${versioned ? ', versioned' : ''}`],
    });
  }
  for (const [name, acl] of entries(resources, 'aws_wafv2_web_acl')) {
    const rules = Array.isArray(acl.rule) ? acl.rule.length : 0;
    const id = safeId('waf', name);
    nodes.push({
      id,
      kind: 'firewall',
      group: vpcGroup,
      address: `aws_wafv2_web_acl.${name}`,
      label: [`web ACL ${String(acl.name)}`, `${rules} rule(s)`],
    });
    for (const [association, values] of entries(resources, 'aws_wafv2_web_acl_association').filter(
      ([, a]) => ref(a.web_acl_arn, 'aws_wafv2_web_acl') === name,
    )) {
      const lb = ref(values.resource_arn, 'aws_lb');
      if (lb)
        edges.push({ from: id, to: safeId('lb', lb), label: 'inspects requests', grant: `aws_wafv2_web_acl_association.${association}` });
    }
  }
  const tableIds = new Map<string, string>();
  for (const [name, table] of entries(resources, 'aws_dynamodb_table')) {
    // Tables of dynamodb: are keyed by their key; others (Teleport's two) by their table name.
    const key = name.startsWith('table-') || typeof table.name !== 'string' ? keyOf(name, 'table') : table.name;
    const id = safeId('table', key);
    tableIds.set(name, id);
    const indexes = ((table.global_secondary_index as unknown[] | undefined) ?? []).length;
    nodes.push({
      id,
      kind: 'table',
      address: `aws_dynamodb_table.${name}`,
      label: [
        `table ${key}`,
        `DynamoDB ${table.billing_mode === 'PROVISIONED' ? 'provisioned' : 'on-demand'}${indexes > 0 ? `, ${indexes} index(es)` : ''}`,
      ],
    });
  }
  for (const [name, topic] of entries(resources, 'aws_sns_topic')) {
    const alarms = entries(resources, 'aws_cloudwatch_metric_alarm').filter(
      ([, a]) => ref(a.alarm_actions, 'aws_sns_topic') === name,
    ).length;
    nodes.push({
      id: safeId('topic', name),
      kind: 'topic',
      address: `aws_sns_topic.${name}`,
      label: [`alert topic ${String(topic.name)}`, `${alarms} alarm(s)`],
    });
  }

  // Edges from security-group ingress rules: the internet (CIDRs) or another group, to the group's node.
  const internet = 'internet';
  for (const [name, rule] of entries(resources, 'aws_vpc_security_group_ingress_rule')) {
    const to = bySecurityGroup.get(ref(rule.security_group_id, 'aws_security_group') ?? '');
    if (!to) continue;
    const grant = `aws_vpc_security_group_ingress_rule.${name}`;
    const port =
      rule.from_port === rule.to_port ? `port ${String(rule.from_port)}` : `ports ${String(rule.from_port)}-${String(rule.to_port)}`;
    const sourceGroup = ref(rule.referenced_security_group_id, 'aws_security_group');
    const from = sourceGroup
      ? bySecurityGroup.get(sourceGroup)
      : rule.cidr_ipv4 !== undefined || rule.cidr_ipv6 !== undefined
        ? internet
        : undefined;
    if (!from) continue;
    const route = from.startsWith('lb_') ? routeOf(to) : undefined;
    edges.push({
      from,
      to,
      grant,
      label: from === internet ? `${port} from ${String(rule.cidr_ipv4 ?? rule.cidr_ipv6)}` : route ? `${route}, ${port}` : port,
    });
  }
  // Edges from IAM policies of task roles that name a table: read and/or write.
  for (const [name, policy] of entries(resources, 'aws_iam_role_policy')) {
    const from = taskRoleOf.get(ref(policy.role, 'aws_iam_role') ?? '');
    if (!from) continue;
    for (const table of refs(policy.policy, 'aws_dynamodb_table')) {
      const to = tableIds.get(table);
      if (!to) continue;
      const text = String(policy.policy);
      const access = [
        /dynamodb:(GetItem|Query|Scan|BatchGetItem)/.test(text) ? 'read' : '',
        /dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)/.test(text) ? 'write' : '',
      ]
        .filter(Boolean)
        .join(' and ');
      edges.push({ from, to, grant: `aws_iam_role_policy.${name}`, label: `IAM ${access || 'access'}` });
    }
  }
  // Edges from IAM policies that name a queue: senders to the queue, the queue to its receivers.
  for (const [name, policy] of entries(resources, 'aws_iam_role_policy')) {
    const workload = taskRoleOf.get(ref(policy.role, 'aws_iam_role') ?? '');
    if (!workload) continue;
    for (const queue of refs(policy.policy, 'aws_sqs_queue')) {
      const id = queueIds.get(queue);
      if (!id) continue;
      const text = String(policy.policy);
      if (text.includes('sqs:SendMessage')) edges.push({ from: workload, to: id, grant: `aws_iam_role_policy.${name}`, label: 'IAM send' });
      if (text.includes('sqs:ReceiveMessage'))
        edges.push({ from: id, to: workload, grant: `aws_iam_role_policy.${name}`, label: 'IAM receive' });
    }
  }
  // Edges from IAM policies of task roles that name an application bucket: read and/or write.
  for (const [name, policy] of entries(resources, 'aws_iam_role_policy')) {
    const from = taskRoleOf.get(ref(policy.role, 'aws_iam_role') ?? '');
    if (!from) continue;
    const text = String(policy.policy);
    for (const [bucketName, to] of bucketIds) {
      const bucket = String(resources.aws_s3_bucket![bucketName]!.bucket);
      if (!text.includes(`:::${bucket}`)) continue;
      const access = [/s3:GetObject/.test(text) ? 'read' : '', /s3:PutObject/.test(text) ? 'write' : ''].filter(Boolean).join(' and ');
      edges.push({ from, to, grant: `aws_iam_role_policy.${name}`, label: `IAM ${access || 'access'}` });
    }
  }
  if (edges.some((e) => e.from === internet)) nodes.unshift({ id: internet, kind: 'internet', label: ['internet'] });
  return { title: environment, groups, nodes, edges };

  function routeOf(serviceId: string): string | undefined {
    const routes = [...targetServices.entries()].filter(([, id]) => id === serviceId).flatMap(([tg]) => targetRoutes.get(tg) ?? []);
    return routes.length > 0 ? routes.join('; ') : undefined;
  }
}
