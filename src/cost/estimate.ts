/**
 * The monthly estimate of one synthesized stack (cdk.tf.json): every
 * resource is priced from the pinned table, known to cost nothing by
 * itself, or listed as "not priced" (never dropped). Usage the stack cannot
 * say (traffic, stored data) comes from the assumptions.
 */
import { DEFAULT_ASSUMPTIONS, type CostAssumptions, type ServiceUsage, type UsageOverrides } from './assumptions';
import { elasticacheNodeHour, HOURS_PER_MONTH, PRICES_AS_OF, pricesFor, rdsInstanceHour, type RegionPrices } from './prices';
import { runsPerMonth, scheduledTasks } from './schedule';

/** One line of an estimate. */
export interface CostLine {
  /** The Terraform address, `aws_nat_gateway.network_nat-eu-west-1a_90D93E34` (or `free-tier` for allowances). */
  readonly address: string;
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  /** USD per unit; null when not priced. */
  readonly unitPrice: number | null;
  /** USD a month (negative for a free-tier allowance). */
  readonly monthly: number;
  /** False for a billable resource the table has no price for (monthly is then 0). */
  readonly priced: boolean;
}

/** A free-tier allowance and how much of it the environment uses. */
export interface FreeTierUse {
  readonly allowance: string;
  readonly free: number;
  readonly used: number;
  readonly unit: string;
  /** The environment needs more than the allowance. */
  readonly exceeded: boolean;
}

/** Something the stacks create that costs money and the estimate does not price, and why (like Infracost's skipped resources). */
export interface NotPriced {
  readonly what: string;
  readonly why: string;
}

export interface CostEstimate {
  readonly environment: string;
  readonly region: string;
  readonly currency: 'USD';
  readonly pricesAsOf: string;
  readonly hoursPerMonth: number;
  readonly assumptions: CostAssumptions;
  /** Present when cost.overrides names services: their usage, used instead of the assumptions. */
  readonly overrides?: UsageOverrides;
  readonly lines: readonly CostLine[];
  /** USD a month, rounded to cents. */
  readonly total: number;
  /** What is billed but not in the total, printed with every estimate. */
  readonly notPriced: readonly NotPriced[];
  /** Present with the free-tier option. */
  readonly freeTier?: readonly FreeTierUse[];
  /** Present with the free-tier option: which free-tier rules it applied, and why. */
  readonly freeTierRules?: string;
  /** Present with cost.monthlyBudget: the budget and the estimate's share of it. */
  readonly budget?: { readonly monthly: number; readonly percent: number; readonly over: boolean };
}

export interface EstimateOptions {
  /** Default: DEFAULT_ASSUMPTIONS. */
  readonly assumptions?: Partial<CostAssumptions>;
  /** Subtract the free-tier allowances that apply (default: false). */
  readonly freeTier?: boolean;
  /** The account's creation date, YYYY-MM-DD (cost.accountCreated): chooses the free-tier rules. @default unknown: always-free allowances only */
  readonly accountCreated?: string;
  /** The day the free-tier rules are judged on, YYYY-MM-DD. @default PRICES_AS_OF */
  readonly asOf?: string;
  /** USD a month the estimate is held against (cost.monthlyBudget). @default none */
  readonly monthlyBudget?: number;
  /** Usage of named services instead of the environment-wide assumptions (cost.overrides). @default none */
  readonly overrides?: UsageOverrides;
}

type Resource = Record<string, unknown>;
type Resources = Record<string, Record<string, Resource>>;

/** Types that cost nothing by themselves (their usage, if any, is priced elsewhere: logs, NAT, the load balancer). */
const FREE_TYPES = new Set([
  'aws_vpc',
  'aws_subnet',
  'aws_route_table',
  'aws_route',
  'aws_route_table_association',
  'aws_internet_gateway',
  'aws_default_security_group',
  'aws_security_group',
  'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule',
  'aws_flow_log',
  'aws_iam_role',
  'aws_iam_role_policy',
  'aws_iam_role_policy_attachment',
  'aws_iam_policy',
  'aws_ecs_cluster_capacity_providers',
  'aws_ecs_task_definition',
  'aws_appautoscaling_target',
  'aws_appautoscaling_scheduled_action',
  'aws_lb_listener',
  'aws_lb_listener_rule',
  'aws_lb_target_group',
  'aws_lb_listener_certificate',
  'aws_acm_certificate',
  'aws_acm_certificate_validation',
  'aws_route53_record',
  'aws_kms_alias',
  'aws_db_subnet_group',
  'aws_db_parameter_group',
  'aws_ecr_lifecycle_policy',
  'aws_s3_bucket_lifecycle_configuration',
  'aws_s3_bucket_ownership_controls',
  'aws_s3_bucket_policy',
  'aws_s3_bucket_public_access_block',
  'aws_s3_bucket_server_side_encryption_configuration',
  'aws_s3_bucket_versioning',
  'aws_sns_topic',
  'aws_sns_topic_policy',
  'aws_sns_topic_subscription',
  'aws_efs_access_point',
  'aws_efs_mount_target',
  'aws_efs_file_system_policy',
  'aws_efs_backup_policy',
  'aws_secretsmanager_secret_version',
  // Teleport's files: standard-tier parameters (under 4 KB) are free; the recordings bucket's object lock costs nothing itself.
  'aws_ssm_parameter',
  'aws_s3_bucket_object_lock_configuration',
  'random_password',
  'terraform_data',
  // Budgets without actions cost nothing (the first two action-enabled ones are free too).
  'aws_budgets_budget',
  // Queue policies; EventBridge rules on AWS service events (a job's failed runs) are free.
  'aws_sqs_queue_policy',
  'aws_sqs_queue_redrive_allow_policy',
  'aws_cloudwatch_event_rule',
  // A cache's subnet group, a bucket's CORS rules, a web ACL's association and logging (the logs are priced by their group).
  'aws_elasticache_subnet_group',
  'aws_s3_bucket_cors_configuration',
  'aws_wafv2_web_acl_association',
  'aws_wafv2_web_acl_logging_configuration',
]);

/** The estimate of one stack. */
export function estimateStack(stackJson: string, environment: string, options: EstimateOptions = {}): CostEstimate {
  const document = JSON.parse(stackJson) as { provider?: { aws?: { region?: string }[] }; resource?: Resources };
  const region = document.provider?.aws?.[0]?.region ?? '';
  const prices = pricesFor(region);
  const given = Object.fromEntries(Object.entries(options.assumptions ?? {}).filter(([, value]) => value !== undefined));
  const assumptions: CostAssumptions = { ...DEFAULT_ASSUMPTIONS, spotDiscount: prices.fargate.spotDiscount, ...given };
  const resources = document.resource ?? {};
  const lines: CostLine[] = [];
  const overrides = options.overrides?.services ?? {};
  const context: Context = {
    resources,
    prices,
    assumptions,
    usage: (service) => overrides[String(service.name)],
    add: (line) => lines.push(line),
  };
  for (const type of Object.keys(resources).sort()) {
    const priceType = PRICERS[type];
    for (const name of Object.keys(resources[type]!).sort()) {
      const address = `${type}.${name}`;
      const resource = resources[type]![name]!;
      if (priceType) priceType(address, resource, context);
      else if (!FREE_TYPES.has(type))
        lines.push({
          address,
          item: `not priced: ${type} is not in the price table`,
          quantity: 1,
          unit: 'resource',
          unitPrice: null,
          monthly: 0,
          priced: false,
        });
    }
  }
  const rules = freeTierRules(options.accountCreated, options.asOf ?? PRICES_AS_OF);
  const freeTier = options.freeTier ? freeTierLines(lines, resources, prices, rules.twelveMonth) : undefined;
  const all = freeTier ? [...lines, ...freeTier.lines] : lines;
  return {
    environment,
    region,
    currency: 'USD',
    pricesAsOf: PRICES_AS_OF,
    hoursPerMonth: HOURS_PER_MONTH,
    assumptions,
    ...(Object.keys(overrides).length > 0 ? { overrides: { services: overrides } } : {}),
    lines: all,
    total: cents(all.reduce((sum, line) => sum + line.monthly, 0)),
    notPriced: notPriced(lines, context),
    ...(freeTier ? { freeTier: freeTier.uses, freeTierRules: rules.text } : {}),
    ...(options.monthlyBudget !== undefined ? { budget: budgetUse(all, options.monthlyBudget) } : {}),
  };
}

interface Context {
  readonly resources: Resources;
  readonly prices: RegionPrices;
  readonly assumptions: CostAssumptions;
  /** The cost.overrides of an aws_ecs_service (by its name, the service's name in the environment file). */
  usage(service: Resource): ServiceUsage | undefined;
  add(line: CostLine): void;
}

type Pricer = (address: string, resource: Resource, context: Context) => void;

function line(address: string, item: string, quantity: number, unit: string, unitPrice: number): CostLine {
  return { address, item, quantity: exact(quantity), unit, unitPrice, monthly: exact(quantity * unitPrice), priced: true };
}

const PRICERS: Readonly<Record<string, Pricer>> = {
  aws_ecs_service: priceService,
  aws_nat_gateway: (address, _r, { resources, prices, assumptions, add }) => {
    const gateways = Object.keys(resources.aws_nat_gateway ?? {}).length;
    add(line(address, 'NAT gateway hours', HOURS_PER_MONTH, 'hour', prices.nat.hour));
    add(
      line(
        address,
        `data processed (${assumptions.natGbPerMonth} GB a month across ${gateways} gateway(s))`,
        assumptions.natGbPerMonth / gateways,
        'GB',
        prices.nat.gb,
      ),
    );
  },
  aws_eip: (address, _r, { prices, add }) => add(line(address, 'public IPv4 address', HOURS_PER_MONTH, 'hour', prices.publicIpv4Hour)),
  aws_lb: (address, lb, context) => {
    const { resources, prices, add } = context;
    add(line(address, 'load balancer hours', HOURS_PER_MONTH, 'hour', prices.alb.hour));
    // LCUs: new connections (one request per connection, 25 a second per LCU) or rule evaluations beyond the 10 free (1,000 a second per LCU).
    const rules = Object.keys(resources.aws_lb_listener_rule ?? {}).length;
    const requests = loadBalancerRequests(context);
    const rps = requests.perSecond;
    const lcus = Math.max(rps / 25, (rps * Math.max(0, rules - 10)) / 1000);
    add(
      line(
        address,
        `LCUs (${rps} requests a second${requests.note}, ${rules} rules)`,
        lcus * HOURS_PER_MONTH,
        'LCU-hour',
        prices.alb.lcuHour,
      ),
    );
    const zones = Array.isArray(lb.subnets) ? lb.subnets.length : 2;
    if (lb.internal !== true) {
      add(line(address, `public IPv4 addresses (one per zone, ${zones})`, zones * HOURS_PER_MONTH, 'hour', prices.publicIpv4Hour));
    }
    // Each load balancer node (one per zone at least) delivers a log file every 5 minutes: one PUT each.
    if ((lb.access_logs as { enabled?: boolean } | undefined)?.enabled === true) {
      const puts = zones * ACCESS_LOG_FILES_PER_HOUR * HOURS_PER_MONTH;
      add(
        line(
          address,
          `access log S3 PUT requests (a file every 5 minutes from each of ${zones} node(s))`,
          puts / 1000,
          '1,000 requests',
          prices.s3PutThousand,
        ),
      );
    }
  },
  aws_db_instance: (address, db, { prices, add }) => {
    const multiAz = db.multi_az === true;
    const copies = multiAz ? 2 : 1;
    const engine = String(db.engine);
    const instanceClass = String(db.instance_class);
    const hourly = rdsInstanceHour(prices, engine, instanceClass);
    if (hourly === undefined)
      add({
        address,
        item: `not priced: ${engine} ${instanceClass} is not in the price table`,
        quantity: HOURS_PER_MONTH * copies,
        unit: 'hour',
        unitPrice: null,
        monthly: 0,
        priced: false,
      });
    else
      add(line(address, `${instanceClass} ${engine}${multiAz ? ' Multi-AZ (2 instances)' : ''}`, HOURS_PER_MONTH * copies, 'hour', hourly));
    add(
      line(
        address,
        `gp3 storage${multiAz ? ' Multi-AZ (2 copies)' : ''}`,
        Number(db.allocated_storage ?? 20) * copies,
        'GB-month',
        prices.rds.gp3GbMonth,
      ),
    );
  },
  aws_dynamodb_table: (address, table, { prices, assumptions, add }) => {
    const indexes = Array.isArray(table.global_secondary_index) ? (table.global_secondary_index as Resource[]) : [];
    if (table.billing_mode === 'PROVISIONED') {
      const sum = (key: string) => Number(table[key] ?? 0) + indexes.reduce((s, index) => s + Number(index[key] ?? 0), 0);
      add(
        line(
          address,
          'provisioned write capacity (table and indexes)',
          sum('write_capacity') * HOURS_PER_MONTH,
          'WCU-hour',
          prices.dynamodb.wcuHour,
        ),
      );
      add(
        line(
          address,
          'provisioned read capacity (table and indexes)',
          sum('read_capacity') * HOURS_PER_MONTH,
          'RCU-hour',
          prices.dynamodb.rcuHour,
        ),
      );
    } else {
      const seconds = HOURS_PER_MONTH * 3600;
      const writes = (assumptions.dynamodbWritesPerSecond * seconds * (1 + indexes.length)) / 1e6;
      add(
        line(
          address,
          `on-demand writes (${assumptions.dynamodbWritesPerSecond} a second, table and ${indexes.length} index(es))`,
          writes,
          'million WRU',
          prices.dynamodb.writeRequestMillion,
        ),
      );
      add(
        line(
          address,
          `on-demand reads (${assumptions.dynamodbReadsPerSecond} a second)`,
          (assumptions.dynamodbReadsPerSecond * seconds) / 1e6,
          'million RRU',
          prices.dynamodb.readRequestMillion,
        ),
      );
    }
    add(line(address, 'storage', assumptions.dynamodbStorageGb, 'GB-month', prices.dynamodb.storageGbMonth));
    if ((table.point_in_time_recovery as { enabled?: boolean } | undefined)?.enabled === true) {
      add(line(address, 'point-in-time recovery', assumptions.dynamodbStorageGb, 'GB-month', prices.dynamodb.pitrGbMonth));
    }
  },
  aws_cloudwatch_metric_alarm: (address, alarm, { prices, add }) => {
    const metrics = Array.isArray(alarm.metric_query) ? (alarm.metric_query as Resource[]).filter((q) => q.metric !== undefined).length : 1;
    const highResolution = Number(alarm.period ?? 60) < 60;
    add(
      line(
        address,
        highResolution ? 'high-resolution alarm' : 'alarm',
        metrics,
        'alarm metric-month',
        highResolution ? prices.cloudwatch.highResolutionAlarmMonth : prices.cloudwatch.alarmMonth,
      ),
    );
  },
  // Node hours of every node: the primary and its replicas.
  aws_elasticache_replication_group: (address, group, { prices, add }) => {
    const nodes = Number(group.num_cache_clusters ?? 1);
    const engine = String(group.engine ?? 'redis');
    const nodeType = String(group.node_type);
    const hourly = elasticacheNodeHour(prices, engine, nodeType);
    const item = `${nodeType} ${engine} node hours (${nodes} node(s): primary${nodes > 1 ? ` and ${nodes - 1} replica(s)` : ''})`;
    if (hourly === undefined)
      add({
        address,
        item: `not priced: ${nodeType} is not in the price table`,
        quantity: nodes * HOURS_PER_MONTH,
        unit: 'node-hour',
        unitPrice: null,
        monthly: 0,
        priced: false,
      });
    else add(line(address, item, nodes * HOURS_PER_MONTH, 'node-hour', hourly));
  },
  // A web ACL, each of its rules (a managed rule group is one), and every request through the load balancer inspected.
  aws_wafv2_web_acl: (address, acl, context) => {
    const { prices, add } = context;
    const rules = Array.isArray(acl.rule) ? acl.rule.length : 0;
    add(line(address, 'web ACL', 1, 'web ACL-month', prices.waf.webAclMonth));
    add(line(address, `rules (${rules}: the rate limit and each managed rule group)`, rules, 'rule-month', prices.waf.ruleMonth));
    // The load balancer's requests, per-service overrides included.
    const requests = loadBalancerRequests(context);
    const millions = (requests.perSecond * HOURS_PER_MONTH * 3600) / 1e6;
    add(
      line(
        address,
        `requests inspected (${requests.perSecond} a second${requests.note})`,
        millions,
        'million requests',
        prices.waf.requestsMillion,
      ),
    );
  },
  aws_cloudwatch_dashboard: (address, _r, { prices, add }) =>
    add(line(address, 'dashboard', 1, 'dashboard-month', prices.cloudwatch.dashboardMonth)),
  aws_kms_key: (address, _r, { prices, add }) => add(line(address, 'customer-managed key', 1, 'key-month', prices.kmsKeyMonth)),
  aws_secretsmanager_secret: (address, _r, { prices, add }) => add(line(address, 'secret', 1, 'secret-month', prices.secretMonth)),
  aws_ecr_repository: (address, _r, { prices, assumptions, add }) =>
    add(line(address, 'image storage', assumptions.ecrStorageGb, 'GB-month', prices.ecrGbMonth)),
  aws_efs_file_system: (address, _r, { prices, assumptions, add }) =>
    add(line(address, 'standard storage', assumptions.efsStorageGb, 'GB-month', prices.efsStandardGbMonth)),
  aws_s3_bucket: (address, bucket, context) => {
    const { prices, assumptions, add } = context;
    const accessLogs = Object.values(context.resources.aws_lb ?? {}).some((lb) => {
      const logs = lb.access_logs as { enabled?: boolean; bucket?: string } | undefined;
      return logs?.enabled === true && logs.bucket !== undefined && logs.bucket === bucket.bucket;
    });
    if (!accessLogs) {
      add(line(address, 'standard storage', assumptions.s3StorageGb, 'GB-month', prices.s3StandardGbMonth));
      return;
    }
    // The access logs kept: every request's entry, compressed, for the days the lifecycle keeps them.
    const rps = loadBalancerRequests(context).perSecond;
    const expiry = bucketExpiryDays(address, context.resources);
    const days = expiry ?? NEVER_EXPIRES_DAYS;
    const perDay = (rps * 86400 * ACCESS_LOG_BYTES_PER_REQUEST) / 1e9;
    const kept = expiry !== undefined ? `kept ${expiry} days` : `never expire, priced at ${NEVER_EXPIRES_DAYS} days' worth`;
    add(
      line(
        address,
        `access log storage (${rps} requests a second, ${ACCESS_LOG_BYTES_PER_REQUEST} bytes each compressed, ${kept})`,
        perDay * days,
        'GB-month',
        prices.s3StandardGbMonth,
      ),
    );
  },
  aws_route53_zone: (address, _r, { prices, add }) => add(line(address, 'hosted zone', 1, 'zone-month', prices.route53ZoneMonth)),
  // A private DNS namespace is a Route 53 private hosted zone.
  aws_service_discovery_private_dns_namespace: (address, _r, { prices, add }) =>
    add(line(address, 'private hosted zone (Cloud Map namespace)', 1, 'zone-month', prices.route53ZoneMonth)),
  aws_service_discovery_service: (address, _r, { resources, prices, usage, add }) => {
    const name = address.slice(address.indexOf('.') + 1);
    const tasks = Object.values(resources.aws_ecs_service ?? {})
      .filter((s) => JSON.stringify(s.service_registries ?? '').includes(`aws_service_discovery_service.${name}.`))
      .reduce((sum, s) => sum + taskUsage(s, resources, usage(s)?.tasks).tasks, 0);
    add(line(address, 'registered instances (tasks)', tasks, 'instance-month', prices.cloudMapInstanceMonth));
  },
  // Log ingestion is an environment-wide assumption, shared evenly by the log groups without a figure of their own
  // (cost.overrides.services.NAME.logGbPerDay); each keeps its retention's worth.
  aws_cloudwatch_log_group: (address, group, context) => {
    const { prices, assumptions, add } = context;
    const own = logGroupUsage(context);
    const name = address.slice(address.indexOf('.') + 1);
    const shared = Object.keys(context.resources.aws_cloudwatch_log_group ?? {}).filter((g) => own.get(g) === undefined).length;
    const ownPerDay = own.get(name);
    const perDay = ownPerDay ?? assumptions.logGbPerDay / shared;
    const ingested =
      ownPerDay !== undefined
        ? `${ownPerDay} GB a day, ${own.source.get(name)}`
        : `${assumptions.logGbPerDay} GB a day across ${shared} log group(s)`;
    add(line(address, `log ingestion (${ingested})`, (perDay * HOURS_PER_MONTH) / 24, 'GB', prices.cloudwatch.logIngestGb));
    const retention = Number(group.retention_in_days ?? 0);
    const days = retention > 0 ? retention : NEVER_EXPIRES_DAYS;
    const kept = retention > 0 ? `${retention} days' retention` : `never expires, priced at ${NEVER_EXPIRES_DAYS} days' worth`;
    add(
      line(
        address,
        `log storage (${kept} of ${exact(perDay)} GB a day, as ingested)`,
        perDay * days,
        'GB-month',
        prices.cloudwatch.logStorageGbMonth,
      ),
    );
  },
  // Container Insights' metrics are custom metrics: a set per cluster and one per service (standard, not enhanced, observability).
  aws_ecs_cluster: (address, cluster, { resources, prices, add }) => {
    const setting = (Array.isArray(cluster.setting) ? (cluster.setting as Resource[]) : []).find((s) => s.name === 'containerInsights');
    if (setting === undefined || setting.value === 'disabled') return;
    const name = address.slice(address.indexOf('.') + 1);
    const services = Object.values(resources.aws_ecs_service ?? {}).filter((s) => reference(s.cluster, 'aws_ecs_cluster') === name).length;
    const metrics = CONTAINER_INSIGHTS_METRICS.cluster + services * CONTAINER_INSIGHTS_METRICS.service;
    add(
      line(
        address,
        `Container Insights metrics (${CONTAINER_INSIGHTS_METRICS.cluster} for the cluster, ${CONTAINER_INSIGHTS_METRICS.service} for each of ${services} service(s))`,
        metrics,
        'metric-month',
        prices.cloudwatch.customMetricMonth,
      ),
    );
  },
  // Requests: an assumption per queue; a dead-letter queue (a queue no other queue's redrive names) sees only failed messages.
  aws_sqs_queue: (address, queue, { resources, prices, assumptions, add }) => {
    const name = address.slice(address.indexOf('.') + 1);
    const deadLetter =
      Object.values(resources.aws_sqs_queue ?? {}).some((q) => String(q.redrive_policy ?? '').includes(`aws_sqs_queue.${name}.arn`)) ||
      Object.values(resources.aws_scheduler_schedule ?? {}).some((s) =>
        JSON.stringify(s.target ?? '').includes(`aws_sqs_queue.${name}.arn`),
      );
    const fifo = queue.fifo_queue === true;
    const requests = deadLetter ? 0 : assumptions.sqsRequestsMillionPerQueue;
    add(
      line(
        address,
        `${fifo ? 'FIFO' : 'standard'} requests (${deadLetter ? 'a dead-letter queue: failed messages only, none assumed' : `${requests} million a month`})`,
        requests,
        'million requests',
        fifo ? prices.sqsFifoRequestMillion : prices.sqsStandardRequestMillion,
      ),
    );
  },
  // A scheduled job: the Scheduler's invocations and the Fargate time of its runs (jobRunMinutes each), Spot where its strategy says.
  aws_scheduler_schedule: (address, schedule, { resources, prices, assumptions, add }) => {
    const expression = String(schedule.schedule_expression ?? '');
    const runs = schedule.state === 'DISABLED' ? 0 : runsPerMonth(expression);
    if (typeof runs === 'string') {
      add({
        address,
        item: `not priced: ${expression}: ${runs}`,
        quantity: 1,
        unit: 'schedule',
        unitPrice: null,
        monthly: 0,
        priced: false,
      });
      return;
    }
    add(
      line(
        address,
        `Scheduler invocations (${exact(runs)} run(s) a month${schedule.state === 'DISABLED' ? ', disabled' : ''})`,
        runs / 1e6,
        'million invocations',
        prices.schedulerInvocationMillion,
      ),
    );
    const ecs = (schedule.target as { ecs_parameters?: Resource } | undefined)?.ecs_parameters;
    const taskName = reference(ecs?.task_definition_arn, 'aws_ecs_task_definition');
    const task = taskName ? resources.aws_ecs_task_definition?.[taskName] : undefined;
    if (!task || runs === 0) return;
    const hours = (runs * assumptions.jobRunMinutes) / 60;
    const vcpu = Number(task.cpu) / 1024;
    const gb = Number(task.memory) / 1024;
    const arm = (task.runtime_platform as { cpu_architecture?: string } | undefined)?.cpu_architecture === 'ARM64';
    const { onDemand, spot } = capacitySplit((ecs!.capacity_provider_strategy ?? []) as Strategy[], 1);
    const f = prices.fargate;
    const shape = `${exact(runs)} run(s) of ${assumptions.jobRunMinutes} min, ${vcpu} vCPU, ${gb} GB`;
    if (onDemand > 0) {
      add(
        line(
          address,
          `Fargate vCPU (${shape}${spot > 0 ? `, on-demand share ${exact(onDemand)}` : ''})`,
          onDemand * vcpu * hours,
          'vCPU-hour',
          arm ? f.arm64VcpuHour : f.vcpuHour,
        ),
      );
      add(
        line(
          address,
          `Fargate memory (${shape}${spot > 0 ? `, on-demand share ${exact(onDemand)}` : ''})`,
          onDemand * gb * hours,
          'GB-hour',
          arm ? f.arm64GbHour : f.gbHour,
        ),
      );
    }
    if (spot > 0) {
      const discount = assumptions.spotDiscount;
      add(
        line(
          address,
          `Fargate Spot vCPU (${shape}, Spot share ${exact(spot)}, ${spotOff(discount)})`,
          spot * vcpu * hours,
          'vCPU-hour',
          exact(f.vcpuHour * (1 - discount)),
        ),
      );
      add(
        line(
          address,
          `Fargate Spot memory (${shape}, Spot share ${exact(spot)}, ${spotOff(discount)})`,
          spot * gb * hours,
          'GB-hour',
          exact(f.gbHour * (1 - discount)),
        ),
      );
    }
  },
  // Target tracking creates its own two alarms (scale out, scale in), billed like any other: per metric each reads.
  aws_appautoscaling_policy: (address, policy, { prices, add }) => {
    if (policy.policy_type !== 'TargetTrackingScaling') return;
    const metrics = targetTrackingMetrics(policy);
    const item = metrics > 1 ? `${AUTOSCALING_ALARM_ITEM}, each reading the ${metrics} metrics of its metric math` : AUTOSCALING_ALARM_ITEM;
    add(line(address, item, TARGET_TRACKING_ALARMS * metrics, 'alarm metric-month', prices.cloudwatch.alarmMonth));
  },
};

/** `67.04% off (cost.spotDiscount)`: the Spot assumption, said in every Spot line. */
function spotOff(discount: number): string {
  return `${exact(discount * 100)}% off (cost.spotDiscount)`;
}

/** Log groups and buckets that never expire are priced at a year's worth (they keep growing). */
const NEVER_EXPIRES_DAYS = 365;

/** Log files a load balancer node delivers an hour (one every 5 minutes). */
const ACCESS_LOG_FILES_PER_HOUR = 12;

/**
 * Bytes stored per request in the access logs: an entry is about 700 bytes
 * of text (some 30 fields, ARNs among them) and the files are gzip-compressed,
 * about 7 to 1.
 */
export const ACCESS_LOG_BYTES_PER_REQUEST = 100;

/**
 * The requests a second through the load balancer: the routed services'
 * own figures (cost.overrides.services.NAME.requestsPerSecond), plus
 * albRequestsPerSecond for the routed services without one (or when none is routed).
 */
function loadBalancerRequests({ resources, assumptions, usage }: Context): { perSecond: number; note: string } {
  const routed = Object.values(resources.aws_ecs_service ?? {}).filter((s) => Array.isArray(s.load_balancer) && s.load_balancer.length > 0);
  const own = routed.filter((s) => usage(s)?.requestsPerSecond !== undefined);
  if (own.length === 0) return { perSecond: assumptions.albRequestsPerSecond, note: '' };
  const ownSum = own.reduce((sum, s) => sum + usage(s)!.requestsPerSecond!, 0);
  const rest = own.length < routed.length ? assumptions.albRequestsPerSecond : 0;
  const names = own
    .map((s) => String(s.name))
    .sort()
    .join(', ');
  return {
    perSecond: exact(ownSum + rest),
    note: `: ${exact(ownSum)} to ${names} (cost.overrides)${rest > 0 ? `, ${rest} to the other services` : ''}`,
  };
}

/** Log groups with a daily volume of their own (a service's cost.overrides), by resource name, and where the figure comes from. */
function logGroupUsage({ resources, usage }: Context): { get(name: string): number | undefined; source: Map<string, string> } {
  const own = new Map<string, number>();
  const source = new Map<string, string>();
  for (const service of Object.values(resources.aws_ecs_service ?? {})) {
    const perDay = usage(service)?.logGbPerDay;
    if (perDay === undefined) continue;
    // The service's log group is the one its task definition's main container sends to.
    const taskName = reference(service.task_definition, 'aws_ecs_task_definition');
    const containers = String(resources.aws_ecs_task_definition?.[taskName ?? '']?.container_definitions ?? '');
    for (const group of Object.keys(resources.aws_cloudwatch_log_group ?? {})) {
      const groupName = String(resources.aws_cloudwatch_log_group![group]!.name ?? '');
      if (
        groupName !== '' &&
        (containers.includes(`"awslogs-group":"${groupName}"`) || containers.includes(`aws_cloudwatch_log_group.${group}.name`))
      ) {
        own.set(group, perDay);
        source.set(group, `cost.overrides.services.${String(service.name)}`);
      }
    }
  }
  return { get: (name) => own.get(name), source };
}

/** The expiration days of a bucket's lifecycle rule, if one expires its objects. */
function bucketExpiryDays(address: string, resources: Resources): number | undefined {
  const name = address.slice(address.indexOf('.') + 1);
  for (const lifecycle of Object.values(resources.aws_s3_bucket_lifecycle_configuration ?? {})) {
    if (reference(lifecycle.bucket, 'aws_s3_bucket') !== name) continue;
    const rules = Array.isArray(lifecycle.rule) ? (lifecycle.rule as Resource[]) : [];
    for (const rule of rules) {
      const expiration = (Array.isArray(rule.expiration) ? rule.expiration[0] : rule.expiration) as { days?: number } | undefined;
      if (rule.status === 'Enabled' && expiration?.days !== undefined) return Number(expiration.days);
    }
  }
  return undefined;
}

/**
 * Container Insights (standard) custom metrics: the cluster-level metrics
 * (CPU and memory reserved and used, network, storage, task, service and
 * container-instance counts) and, per service, the same by service name and
 * by task definition family plus the desired, running, pending, deployment
 * and task-set counts. Standard observability has no per-task metrics; the
 * tasks add performance log events instead (listed as not priced).
 */
export const CONTAINER_INSIGHTS_METRICS = { cluster: 12, service: 25 } as const;

/** Alarms Application Auto Scaling creates for each target-tracking policy (one to scale out, one to scale in). */
export const TARGET_TRACKING_ALARMS = 2;

const AUTOSCALING_ALARM_ITEM = 'alarms Application Auto Scaling creates (target tracking: scale out and scale in)';

/**
 * The metrics a target-tracking policy's alarms read: one (a predefined or a
 * single custom metric), or each metric of its metric math (a queue's
 * backlog per task reads the visible messages and the running tasks).
 * CloudWatch bills an alarm per metric it reads, as for any alarm.
 */
function targetTrackingMetrics(policy: Resource): number {
  const one = (value: unknown) => (Array.isArray(value) ? value[0] : value) as Resource | undefined;
  const custom = one(one(policy.target_tracking_scaling_policy_configuration)?.customized_metric_specification);
  const metrics = Array.isArray(custom?.metrics)
    ? (custom.metrics as Resource[]).filter((m) => one(m.metric_stat) !== undefined).length
    : 0;
  return Math.max(1, metrics);
}

/** The alarms a stack creates: its own alarm resources and the two of each target-tracking policy. */
export function stackAlarms(resources: Resources): { own: number; autoscaling: number } {
  const policies = Object.values(resources.aws_appautoscaling_policy ?? {}).filter((p) => p.policy_type === 'TargetTrackingScaling').length;
  return { own: Object.keys(resources.aws_cloudwatch_metric_alarm ?? {}).length, autoscaling: policies * TARGET_TRACKING_ALARMS };
}

/** The terraform reference `${aws_x.name.attr}` in a value, as `aws_x.name`. */
function reference(value: unknown, type: string): string | undefined {
  const match = new RegExp(`\\$\\{${type}\\.([^.}]+)\\.`).exec(String(value ?? ''));
  return match ? match[1] : undefined;
}

/** Tasks a service runs on average (see taskUsage). */
export function taskCount(service: Resource, resources: Resources, override?: number): number {
  return taskUsage(service, resources, override).tasks;
}

/** The tasks a service runs on average, and how the estimate got there (said in its lines). */
export interface TaskUsage {
  readonly tasks: number;
  /** The assumption, for people: `desired count 3 within autoscaling 2-10`; empty without autoscaling. */
  readonly note: string;
  /** Scheduled actions it could not replay. */
  readonly skipped: readonly { readonly schedule: string; readonly why: string }[];
}

/**
 * A service without autoscaling runs its desired count. An autoscaled one is
 * priced at its desired count held between the target's min and max (the
 * load it is sized for; the tasks target tracking adds or removes are not
 * known), and its scheduled actions by the hours they run.
 */
export function taskUsage(service: Resource, resources: Resources, override?: number): TaskUsage {
  if (override !== undefined)
    return { tasks: override, note: `cost.overrides.services.${String(service.name)}.tasks: ${override} on average`, skipped: [] };
  const desired = Number(service.desired_count ?? 1);
  const serviceName = Object.entries(resources.aws_ecs_service ?? {}).find(([, s]) => s === service)?.[0];
  const targetEntry = Object.entries(resources.aws_appautoscaling_target ?? {}).find(
    ([, t]) => serviceName !== undefined && reference(t.resource_id, 'aws_ecs_service') === serviceName,
  );
  if (!targetEntry) return { tasks: desired, note: '', skipped: [] };
  const [targetName, target] = targetEntry;
  const min = Number(target.min_capacity ?? 0);
  const max = Number(target.max_capacity ?? min);
  const held = Math.min(Math.max(desired, min), max);
  const note = `desired count ${held}${held !== desired ? ` (${desired} held to the range)` : ''} within autoscaling ${min}-${max}`;
  const actions = Object.keys(resources.aws_appautoscaling_scheduled_action ?? {})
    .sort()
    .map((name) => resources.aws_appautoscaling_scheduled_action![name]!)
    .filter((a) => reference(a.resource_id, 'aws_appautoscaling_target') === targetName)
    .map((a) => {
      const range = (a.scalable_target_action ?? {}) as { min_capacity?: string | number; max_capacity?: string | number };
      return { schedule: String(a.schedule ?? ''), min: Number(range.min_capacity ?? min), max: Number(range.max_capacity ?? max) };
    });
  if (actions.length === 0) return { tasks: held, note, skipped: [] };
  const scheduled = scheduledTasks(held, actions);
  return {
    tasks: exact(scheduled.averageTasks),
    note: `${note}, scheduled scaling: ${exact(scheduled.averageTasks)} on average, running ${Math.round(scheduled.hoursRunning * 10) / 10} of ${HOURS_PER_MONTH} hours`,
    skipped: scheduled.skipped,
  };
}

interface Strategy {
  readonly capacity_provider: string;
  readonly base?: number;
  readonly weight?: number;
}

/** On-demand and Spot tasks out of `tasks`: the base first, the rest by weight (shares, not whole tasks). */
export function capacitySplit(strategy: readonly Strategy[], tasks: number): { onDemand: number; spot: number } {
  const base = strategy.find((s) => (s.base ?? 0) > 0);
  const baseTasks = Math.min(base?.base ?? 0, tasks);
  const rest = tasks - baseTasks;
  const weight = (provider: string) =>
    strategy.filter((s) => s.capacity_provider === provider).reduce((sum, s) => sum + (s.weight ?? 0), 0);
  const onDemandWeight = weight('FARGATE');
  const spotWeight = weight('FARGATE_SPOT');
  const onDemandShare = onDemandWeight + spotWeight === 0 ? 1 : onDemandWeight / (onDemandWeight + spotWeight);
  const baseOnDemand = base?.capacity_provider === 'FARGATE_SPOT' ? 0 : baseTasks;
  const onDemand = baseOnDemand + rest * onDemandShare;
  return { onDemand, spot: tasks - onDemand };
}

function priceService(address: string, service: Resource, { resources, prices, assumptions, usage: usageOf, add }: Context): void {
  const taskName = reference(service.task_definition, 'aws_ecs_task_definition');
  const task = taskName ? resources.aws_ecs_task_definition?.[taskName] : undefined;
  if (!task) {
    add({
      address,
      item: 'not priced: the task definition is not in this stack',
      quantity: 1,
      unit: 'service',
      unitPrice: null,
      monthly: 0,
      priced: false,
    });
    return;
  }
  const usage = taskUsage(service, resources, usageOf(service)?.tasks);
  const tasks = usage.tasks;
  const vcpu = Number(task.cpu) / 1024;
  const gb = Number(task.memory) / 1024;
  const arm = (task.runtime_platform as { cpu_architecture?: string } | undefined)?.cpu_architecture === 'ARM64';
  const clusterStrategy = (Object.values(resources.aws_ecs_cluster_capacity_providers ?? {})[0]?.default_capacity_provider_strategy ??
    []) as Strategy[];
  const strategy =
    (service.capacity_provider_strategy as Strategy[] | undefined) ??
    (service.launch_type === 'FARGATE' ? [{ capacity_provider: 'FARGATE', weight: 1 }] : clusterStrategy);
  const { onDemand, spot } = capacitySplit(strategy, tasks);
  const shape = `${tasks} task(s) of ${vcpu} vCPU, ${gb} GB${arm ? ', ARM64' : ''}${usage.note ? `; ${usage.note}` : ''}`;
  const f = prices.fargate;
  const discount = assumptions.spotDiscount;
  const off = spotOff(discount);
  if (onDemand > 0 || spot === 0) {
    const which = spot > 0 ? `, on-demand share ${exact(onDemand)}` : '';
    add(
      line(address, `Fargate vCPU (${shape}${which})`, onDemand * vcpu * HOURS_PER_MONTH, 'vCPU-hour', arm ? f.arm64VcpuHour : f.vcpuHour),
    );
    add(line(address, `Fargate memory (${shape}${which})`, onDemand * gb * HOURS_PER_MONTH, 'GB-hour', arm ? f.arm64GbHour : f.gbHour));
  }
  if (spot > 0) {
    const which = onDemand > 0 ? `, Spot share ${exact(spot)}` : ', Spot';
    add(
      line(
        address,
        `Fargate Spot vCPU (${shape}${which}, ${off})`,
        spot * vcpu * HOURS_PER_MONTH,
        'vCPU-hour',
        exact(f.vcpuHour * (1 - discount)),
      ),
    );
    add(
      line(
        address,
        `Fargate Spot memory (${shape}${which}, ${off})`,
        spot * gb * HOURS_PER_MONTH,
        'GB-hour',
        exact(f.gbHour * (1 - discount)),
      ),
    );
  }
  const ephemeral = Number((task.ephemeral_storage as { size_in_gib?: number } | undefined)?.size_in_gib ?? 20);
  if (ephemeral > 20)
    add(
      line(
        address,
        `ephemeral storage beyond 20 GB (${ephemeral} GB a task)`,
        tasks * (ephemeral - 20) * HOURS_PER_MONTH,
        'GB-hour',
        f.ephemeralGbHour,
      ),
    );
  if ((service.network_configuration as { assign_public_ip?: boolean } | undefined)?.assign_public_ip === true) {
    add(line(address, `public IPv4 addresses (one per task, ${tasks})`, tasks * HOURS_PER_MONTH, 'hour', prices.publicIpv4Hour));
  }
}

/** Billed but not in the total: resources without a price, usage the assumptions do not cover, schedules it cannot replay. */
function notPriced(lines: readonly CostLine[], { resources, usage }: Context): NotPriced[] {
  const out: NotPriced[] = lines.filter((l) => !l.priced).map((l) => ({ what: l.address, why: l.item.replace(/^not priced: /, '') }));
  for (const name of Object.keys(resources.aws_ecs_service ?? {}).sort()) {
    const service = resources.aws_ecs_service![name]!;
    for (const skipped of taskUsage(service, resources, usage(service)?.tasks).skipped) {
      out.push({
        what: `aws_ecs_service.${name}: scheduled action ${skipped.schedule}`,
        why: `${skipped.why}; priced as if it never fired`,
      });
    }
  }
  for (const name of Object.keys(resources.aws_ecs_cluster ?? {}).sort()) {
    const setting = (
      Array.isArray(resources.aws_ecs_cluster![name]!.setting) ? (resources.aws_ecs_cluster![name]!.setting as Resource[]) : []
    ).find((s) => s.name === 'containerInsights');
    if (setting !== undefined && setting.value !== 'disabled') {
      out.push({
        what: `aws_ecs_cluster.${name}: Container Insights performance log events`,
        why: 'ingested and stored as logs of their own; their volume grows with tasks and containers; add it to cost.logGbPerDay',
      });
    }
  }
  for (const name of Object.keys(resources.aws_lb ?? {}).sort()) {
    if ((resources.aws_lb![name]!.access_logs as { enabled?: boolean } | undefined)?.enabled === true) {
      out.push({
        what: `aws_lb.${name}: access log PUT requests of nodes beyond one per zone`,
        why: 'AWS adds load balancer nodes with traffic; each delivers its own file every 5 minutes (4 cents a month per node)',
      });
    }
  }
  for (const name of Object.keys(resources.aws_elasticache_replication_group ?? {}).sort()) {
    if (Number(resources.aws_elasticache_replication_group![name]!.snapshot_retention_limit ?? 0) > 0) {
      out.push({
        what: `aws_elasticache_replication_group.${name}: snapshot storage`,
        why: "one snapshot per cache is free; more are billed per GB-month and their size is the cache's data",
      });
    }
  }
  for (const name of Object.keys(resources.aws_wafv2_web_acl ?? {}).sort()) {
    out.push({
      what: `aws_wafv2_web_acl.${name}: the managed rule groups' own fees`,
      why: 'the groups the project offers carry no subscription fee; Bot Control, Fraud Control and marketplace groups would',
    });
  }
  out.push(
    {
      what: 'data transfer out to the internet and between availability zones',
      why: 'depends on traffic; the cost: assumptions cover NAT processing and load balancer requests only',
    },
    {
      what: 'API requests (KMS, Secrets Manager, CloudWatch metric reads, S3, ECR image pulls)',
      why: 'billed per request; depends on use',
    },
  );
  return out;
}

/** The allowances, as negative lines, and how much of each the environment uses. */
function freeTierLines(
  lines: readonly CostLine[],
  resources: Resources,
  prices: RegionPrices,
  twelveMonth: boolean,
): { lines: CostLine[]; uses: FreeTierUse[] } {
  const out: CostLine[] = [];
  const uses: FreeTierUse[] = [];
  const allow = (allowance: string, free: number, used: number, unit: string, unitPrice: number) => {
    if (allowance.endsWith('(12 months)') && !twelveMonth) return;
    uses.push({ allowance, free, used: Math.round(used * 1000) / 1000, unit, exceeded: used > free });
    const covered = Math.min(free, used);
    if (covered > 0) out.push({ ...line('free-tier', allowance, -covered, unit, unitPrice), monthly: exact(-covered * unitPrice) });
  };
  const micro = Object.values(resources.aws_db_instance ?? {}).filter(
    (db) => /^db\.(t2|t3|t4g)\.micro$/.test(String(db.instance_class)) && db.multi_az !== true,
  );
  const microHourly =
    micro.length > 0 ? Math.min(...micro.map((db) => rdsInstanceHour(prices, String(db.engine), String(db.instance_class)) ?? 0)) : 0;
  allow('RDS: 750 hours of a single-AZ db.t2/t3/t4g.micro (12 months)', 750, micro.length * HOURS_PER_MONTH, 'hour', microHourly);
  const storage = Object.values(resources.aws_db_instance ?? {}).reduce(
    (sum, db) => sum + Number(db.allocated_storage ?? 20) * (db.multi_az === true ? 2 : 1),
    0,
  );
  if (storage > 0) allow('RDS: 20 GB of General Purpose storage (12 months)', 20, storage, 'GB-month', prices.rds.gp3GbMonth);
  const alarms = lines
    .filter((l) => l.unit === 'alarm metric-month' && (l.item === 'alarm' || l.item.startsWith(AUTOSCALING_ALARM_ITEM)))
    .reduce((sum, l) => sum + l.quantity, 0);
  allow('CloudWatch: 10 standard alarm metrics (always)', 10, alarms, 'alarm metric-month', prices.cloudwatch.alarmMonth);
  const dashboards = Object.keys(resources.aws_cloudwatch_dashboard ?? {}).length;
  if (dashboards > 0) allow('CloudWatch: 3 dashboards (always)', 3, dashboards, 'dashboard-month', prices.cloudwatch.dashboardMonth);
  const logs = lines.filter((l) => l.item.startsWith('log ingestion')).reduce((sum, l) => sum + l.quantity, 0);
  if (logs > 0) allow('CloudWatch: 5 GB of log ingestion (always)', 5, logs, 'GB', prices.cloudwatch.logIngestGb);
  const tableStorage = lines
    .filter((l) => l.address.startsWith('aws_dynamodb_table.') && l.item === 'storage')
    .reduce((sum, l) => sum + l.quantity, 0);
  if (tableStorage > 0) allow('DynamoDB: 25 GB of storage (always)', 25, tableStorage, 'GB-month', prices.dynamodb.storageGbMonth);
  const provisioned = (unit: string) => lines.filter((l) => l.unit === unit).reduce((sum, l) => sum + l.quantity, 0);
  if (provisioned('WCU-hour') > 0)
    allow('DynamoDB: 25 provisioned WCUs (always)', 25 * HOURS_PER_MONTH, provisioned('WCU-hour'), 'WCU-hour', prices.dynamodb.wcuHour);
  if (provisioned('RCU-hour') > 0)
    allow('DynamoDB: 25 provisioned RCUs (always)', 25 * HOURS_PER_MONTH, provisioned('RCU-hour'), 'RCU-hour', prices.dynamodb.rcuHour);
  const lbHours = lines.filter((l) => l.item === 'load balancer hours').reduce((sum, l) => sum + l.quantity, 0);
  if (lbHours > 0) {
    allow('Load balancer: 750 hours (12 months)', 750, lbHours, 'hour', prices.alb.hour);
    allow('Load balancer: 15 LCUs (12 months)', 15 * HOURS_PER_MONTH, provisioned('LCU-hour'), 'LCU-hour', prices.alb.lcuHour);
  }
  // Since public IPv4 addresses are billed (2024-02-01), the 12-month free tier has 750 hours of them a month.
  const ipv4 = lines.filter((l) => l.item.startsWith('public IPv4')).reduce((sum, l) => sum + l.quantity, 0);
  if (ipv4 > 0) allow('Public IPv4: 750 hours of in-use addresses (12 months)', 750, ipv4, 'hour', prices.publicIpv4Hour);
  const ecr = lines.filter((l) => l.address.startsWith('aws_ecr_repository.')).reduce((sum, l) => sum + l.quantity, 0);
  if (ecr > 0) allow('ECR: 0.5 GB of private image storage (12 months)', 0.5, ecr, 'GB-month', prices.ecrGbMonth);
  const efs = lines.filter((l) => l.address.startsWith('aws_efs_file_system.')).reduce((sum, l) => sum + l.quantity, 0);
  if (efs > 0) allow('EFS: 5 GB of standard storage (12 months)', 5, efs, 'GB-month', prices.efsStandardGbMonth);
  const s3 = lines.filter((l) => l.address.startsWith('aws_s3_bucket.')).reduce((sum, l) => sum + l.quantity, 0);
  if (s3 > 0) allow('S3: 5 GB of standard storage (12 months)', 5, s3, 'GB-month', prices.s3StandardGbMonth);
  return { lines: out, uses };
}

function budgetUse(lines: readonly CostLine[], monthly: number): { monthly: number; percent: number; over: boolean } {
  const total = cents(lines.reduce((sum, line) => sum + line.monthly, 0));
  return { monthly, percent: Math.round((total / monthly) * 1000) / 10, over: total > monthly };
}

/** Accounts created from this day have the Free plan's credits instead of the 12-month allowances. */
export const CREDIT_PLAN_FROM = '2025-07-15';

/** Which free-tier rules an account has on `asOf`: the 12-month allowances, or only the always-free ones (and why). */
export function freeTierRules(accountCreated: string | undefined, asOf: string): { twelveMonth: boolean; text: string } {
  const always = 'always-free allowances';
  if (accountCreated === undefined) {
    return {
      twelveMonth: false,
      text: `${always} only: cost.accountCreated is not set (the 12-month allowances apply only in the first 12 months of accounts created before ${CREDIT_PLAN_FROM})`,
    };
  }
  const [year, month, day] = accountCreated.split('-').map(Number) as [number, number, number];
  const ends = `${year + 1}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  if (accountCreated >= CREDIT_PLAN_FROM) {
    const [y, m] = [month + 6 > 12 ? year + 1 : year, ((month + 5) % 12) + 1];
    const planEnds = `${y}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    return {
      twelveMonth: false,
      text: `${always} only: an account created on ${accountCreated} (from ${CREDIT_PLAN_FROM}) has the Free plan's credits (up to USD 200, until ${planEnds} at the latest), not subtracted here, instead of the 12-month allowances`,
    };
  }
  if (asOf < ends)
    return {
      twelveMonth: true,
      text: `${always} and the 12-month allowances: an account created on ${accountCreated} has them until ${ends} (judged on ${asOf})`,
    };
  return {
    twelveMonth: false,
    text: `${always} only: the 12-month allowances of an account created on ${accountCreated} ended on ${ends} (judged on ${asOf})`,
  };
}

/** Six decimals: enough for unit prices and quantities, stable across platforms. */
function exact(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function cents(value: number): number {
  return Math.round(value * 100) / 100;
}
