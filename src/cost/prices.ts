/**
 * The pinned price table: AWS on-demand list prices in USD for the regions
 * the estimate knows, as published on the pages in PRICE_SOURCES on
 * PRICES_AS_OF. Nothing is fetched: refresh the figures by hand from those
 * pages (test/unit/cost-prices.test.ts keeps the figures quoted in the
 * source notes equal to the table, so an edit by accident fails).
 */

/**
 * The date the figures are as of. They were written from the pages' published
 * list prices as known then, not re-read on the day they were committed (the
 * build machines have no internet): check them against PRICE_SOURCES before
 * relying on an estimate, outside us-east-1 especially.
 */
export const PRICES_AS_OF = '2025-01-15';

/** Hours AWS bills in a month on its price pages (365 x 24 / 12). */
export const HOURS_PER_MONTH = 730;

/** One price page and figures quoted from it, which the price test holds the table to. */
export interface PriceSource {
  readonly service: string;
  readonly url: string;
  /** `region path = value` as read on the page, e.g. `us-east-1 fargate.vcpuHour = 0.04048`. */
  readonly quoted: readonly string[];
}

export const PRICE_SOURCES: readonly PriceSource[] = [
  {
    service: 'AWS Fargate',
    url: 'https://aws.amazon.com/fargate/pricing/',
    quoted: [
      'us-east-1 fargate.vcpuHour = 0.04048',
      'us-east-1 fargate.gbHour = 0.004445',
      'us-east-1 fargate.arm64VcpuHour = 0.03238',
      'us-east-1 fargate.arm64GbHour = 0.00356',
      'us-east-1 fargate.ephemeralGbHour = 0.000111',
      'eu-central-1 fargate.vcpuHour = 0.04656',
    ],
  },
  {
    service: 'Amazon VPC (NAT gateways, public IPv4)',
    url: 'https://aws.amazon.com/vpc/pricing/',
    quoted: ['us-east-1 nat.hour = 0.045', 'us-east-1 nat.gb = 0.045', 'eu-west-1 nat.hour = 0.048', 'us-east-1 publicIpv4Hour = 0.005'],
  },
  {
    service: 'Elastic Load Balancing',
    url: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
    quoted: ['us-east-1 alb.hour = 0.0225', 'us-east-1 alb.lcuHour = 0.008', 'eu-west-1 alb.hour = 0.0252'],
  },
  {
    service: 'Amazon RDS for PostgreSQL',
    url: 'https://aws.amazon.com/rds/postgresql/pricing/',
    quoted: [
      'us-east-1 rds.postgres.db.t4g.micro = 0.016',
      'us-east-1 rds.postgres.db.t3.micro = 0.018',
      'us-east-1 rds.postgres.db.r6g.large = 0.225',
      'us-east-1 rds.gp3GbMonth = 0.115',
    ],
  },
  {
    service: 'Amazon RDS for MySQL (MariaDB is priced the same)',
    url: 'https://aws.amazon.com/rds/mysql/pricing/',
    quoted: ['us-east-1 rds.mysql.db.t3.micro = 0.017', 'us-east-1 rds.mysql.db.m5.large = 0.171'],
  },
  {
    service: 'Amazon DynamoDB',
    url: 'https://aws.amazon.com/dynamodb/pricing/',
    quoted: [
      'us-east-1 dynamodb.writeRequestMillion = 0.625',
      'us-east-1 dynamodb.readRequestMillion = 0.125',
      'us-east-1 dynamodb.storageGbMonth = 0.25',
      'us-east-1 dynamodb.wcuHour = 0.00065',
      'us-east-1 dynamodb.rcuHour = 0.00013',
    ],
  },
  {
    service: 'Amazon CloudWatch',
    url: 'https://aws.amazon.com/cloudwatch/pricing/',
    quoted: [
      'us-east-1 cloudwatch.alarmMonth = 0.1',
      'us-east-1 cloudwatch.dashboardMonth = 3',
      'us-east-1 cloudwatch.logIngestGb = 0.5',
      'us-east-1 cloudwatch.logStorageGbMonth = 0.03',
      'us-east-1 cloudwatch.customMetricMonth = 0.3',
      'eu-central-1 cloudwatch.logStorageGbMonth = 0.0324',
    ],
  },
  { service: 'AWS Key Management Service', url: 'https://aws.amazon.com/kms/pricing/', quoted: ['us-east-1 kmsKeyMonth = 1'] },
  { service: 'AWS Secrets Manager', url: 'https://aws.amazon.com/secrets-manager/pricing/', quoted: ['us-east-1 secretMonth = 0.4'] },
  { service: 'Amazon ECR', url: 'https://aws.amazon.com/ecr/pricing/', quoted: ['us-east-1 ecrGbMonth = 0.1'] },
  { service: 'Amazon EFS', url: 'https://aws.amazon.com/efs/pricing/', quoted: ['us-east-1 efsStandardGbMonth = 0.3'] },
  {
    service: 'Amazon S3',
    url: 'https://aws.amazon.com/s3/pricing/',
    quoted: ['us-east-1 s3StandardGbMonth = 0.023', 'us-east-1 s3PutThousand = 0.005', 'eu-central-1 s3PutThousand = 0.0054'],
  },
  {
    service: 'Amazon SQS',
    url: 'https://aws.amazon.com/sqs/pricing/',
    quoted: ['us-east-1 sqsStandardRequestMillion = 0.4', 'us-east-1 sqsFifoRequestMillion = 0.5'],
  },
  {
    service: 'Amazon EventBridge Scheduler',
    url: 'https://aws.amazon.com/eventbridge/pricing/',
    quoted: ['us-east-1 schedulerInvocationMillion = 1'],
  },
  {
    service:
      "Amazon ElastiCache (node-based, Redis OSS; Valkey 20% less; outside us-east-1 and us-west-2 the figures follow the region's RDS ratio: check the page)",
    url: 'https://aws.amazon.com/elasticache/pricing/',
    quoted: [
      'us-east-1 elasticache.t4g.micro = 0.016',
      'us-east-1 elasticache.t4g.small = 0.032',
      'us-east-1 elasticache.t3.micro = 0.017',
      'us-east-1 elasticache.r7g.large = 0.219',
      'us-east-1 elasticache.valkeyDiscount = 0.2',
    ],
  },
  {
    service: 'AWS WAF',
    url: 'https://aws.amazon.com/waf/pricing/',
    quoted: ['us-east-1 waf.webAclMonth = 5', 'us-east-1 waf.ruleMonth = 1', 'us-east-1 waf.requestsMillion = 0.6'],
  },
  {
    service: 'Amazon Route 53 and AWS Cloud Map',
    url: 'https://aws.amazon.com/route53/pricing/ and https://aws.amazon.com/cloud-map/pricing/',
    quoted: ['us-east-1 route53ZoneMonth = 0.5', 'us-east-1 cloudMapInstanceMonth = 0.1'],
  },
];

/**
 * Where the per-region Spot discounts come from and when: Spot prices are
 * not list prices, so each region's figure is the discount of its current
 * Spot price off its on-demand price as read then (printed with every
 * estimate that has Spot tasks; cost.spotDiscount overrides it).
 */
export const SPOT_DISCOUNT_SOURCE = {
  url: 'https://aws.amazon.com/fargate/pricing/ (the Fargate Spot tab: current Spot price per region)',
  /** The figure as quoted from that page's Spot table by a published comparison, not re-read here (no internet on the build machines). */
  quotedBy: 'https://tomgregory.com/aws/aws-fargate-spot-vs-fargate-price-comparison/ (eu-west-1)',
  asOf: '2025-01-15',
  /** `region = Spot vCPU-hour / on-demand vCPU-hour`, as read: 1 - 0.01334053 / 0.04048 = 0.6704. */
  quoted: ['eu-west-1 = 0.01334053 / 0.04048'],
  /** The regions without a figure of their own read take eu-west-1's discount (Spot discounts are close across regions); read them before relying on it. */
  assumedLikeEuWest1: ['us-east-1', 'us-west-2', 'eu-central-1', 'ap-southeast-1'],
} as const;

/** RDS instance classes by engine family: USD per instance-hour, single-AZ (Multi-AZ is twice). */
export type RdsClassPrices = Readonly<Record<string, number>>;

/** The prices of one region. */
export interface RegionPrices {
  readonly fargate: {
    /** Linux/x86 per vCPU-hour. */
    readonly vcpuHour: number;
    /** Linux/x86 per GB of memory per hour. */
    readonly gbHour: number;
    readonly arm64VcpuHour: number;
    readonly arm64GbHour: number;
    /** Per GB-hour of ephemeral storage beyond the 20 GB every task has. */
    readonly ephemeralGbHour: number;
    /**
     * Fargate Spot's discount off the x86 prices, an assumption: Spot prices
     * move with supply and demand (AWS quotes "up to 70%"); this is the
     * region's observed discount (SPOT_DISCOUNT_SOURCE), overridable with
     * cost.spotDiscount.
     */
    readonly spotDiscount: number;
  };
  readonly nat: { readonly hour: number; readonly gb: number };
  readonly publicIpv4Hour: number;
  readonly alb: { readonly hour: number; readonly lcuHour: number };
  readonly rds: {
    readonly postgres: RdsClassPrices;
    /** MySQL and MariaDB. */
    readonly mysql: RdsClassPrices;
    /** gp3 storage per GB-month, single-AZ (Multi-AZ is twice). */
    readonly gp3GbMonth: number;
  };
  readonly dynamodb: {
    readonly writeRequestMillion: number;
    readonly readRequestMillion: number;
    readonly storageGbMonth: number;
    readonly wcuHour: number;
    readonly rcuHour: number;
    /** Point-in-time recovery (continuous backups), per GB-month of table size. */
    readonly pitrGbMonth: number;
  };
  readonly cloudwatch: {
    /** Standard-resolution metric alarm (per metric). */
    readonly alarmMonth: number;
    /** High-resolution (period under 60 s) metric alarm. */
    readonly highResolutionAlarmMonth: number;
    readonly dashboardMonth: number;
    /** Logs ingested (standard class), per GB. */
    readonly logIngestGb: number;
    /** Logs stored (archived), per GB-month. */
    readonly logStorageGbMonth: number;
    /** A custom metric (Container Insights' metrics are billed as custom metrics), first 10,000 metrics, per metric-month. */
    readonly customMetricMonth: number;
  };
  readonly kmsKeyMonth: number;
  readonly secretMonth: number;
  readonly ecrGbMonth: number;
  readonly efsStandardGbMonth: number;
  readonly s3StandardGbMonth: number;
  /** SQS requests (64 KB chunks), standard queues, per million beyond the free tier's first million a month. */
  readonly sqsStandardRequestMillion: number;
  /** SQS requests of FIFO queues, per million. */
  readonly sqsFifoRequestMillion: number;
  /** EventBridge Scheduler invocations, per million beyond the 14 million a month free. */
  readonly schedulerInvocationMillion: number;
  /** S3 Standard PUT, COPY, POST and LIST requests, per 1,000. */
  readonly s3PutThousand: number;
  readonly route53ZoneMonth: number;
  readonly cloudMapInstanceMonth: number;
  /**
   * ElastiCache on-demand nodes (Redis OSS) per node-hour, by family and
   * size (`elasticache.t4g.micro` is cache.t4g.micro); m and r sizes above
   * large scale with the size. Valkey nodes cost `valkeyDiscount` less.
   */
  readonly elasticache: {
    readonly t3: Readonly<Record<string, number>>;
    readonly t4g: Readonly<Record<string, number>>;
    readonly m6g: Readonly<Record<string, number>>;
    readonly m7g: Readonly<Record<string, number>>;
    readonly r6g: Readonly<Record<string, number>>;
    readonly r7g: Readonly<Record<string, number>>;
    readonly valkeyDiscount: number;
  };
  /** WAF: a web ACL a month, a rule (a managed rule group counts as one) a month, a million requests inspected. */
  readonly waf: { readonly webAclMonth: number; readonly ruleMonth: number; readonly requestsMillion: number };
}

/** ElastiCache figures of a region: the burstable sizes, and large of the m and r families. */
function elasticache(t3: readonly number[], t4g: readonly number[], large: readonly number[]): RegionPrices['elasticache'] {
  const sizes = (values: readonly number[]) => ({ micro: values[0]!, small: values[1]!, medium: values[2]! });
  return {
    t3: sizes(t3),
    t4g: sizes(t4g),
    m6g: { large: large[0]! },
    m7g: { large: large[1]! },
    r6g: { large: large[2]! },
    r7g: { large: large[3]! },
    valkeyDiscount: 0.2,
  };
}

/** The same classes in every region; sizes above large in the m and r families scale with the size (xlarge 2x, 2xlarge 4x, ...). */
function rds(classes: readonly number[]): RdsClassPrices {
  const names = [
    'db.t3.micro',
    'db.t3.small',
    'db.t3.medium',
    'db.t3.large',
    'db.t4g.micro',
    'db.t4g.small',
    'db.t4g.medium',
    'db.t4g.large',
    'db.m5.large',
    'db.m6g.large',
    'db.m6i.large',
    'db.m7g.large',
    'db.r5.large',
    'db.r6g.large',
    'db.r6i.large',
    'db.r7g.large',
  ];
  return Object.fromEntries(names.map((name, i) => [name, classes[i]!]));
}

const FLAT = {
  s3PutThousand: 0.005,
  kmsKeyMonth: 1,
  secretMonth: 0.4,
  ecrGbMonth: 0.1,
  route53ZoneMonth: 0.5,
  cloudMapInstanceMonth: 0.1,
  publicIpv4Hour: 0.005,
  sqsStandardRequestMillion: 0.4,
  sqsFifoRequestMillion: 0.5,
  schedulerInvocationMillion: 1,
  waf: { webAclMonth: 5, ruleMonth: 1, requestsMillion: 0.6 },
} as const;

/** us-east-1 (N. Virginia); us-west-2 (Oregon) lists the same figures. */
const US_EAST_1: RegionPrices = {
  ...FLAT,
  fargate: {
    vcpuHour: 0.04048,
    gbHour: 0.004445,
    arm64VcpuHour: 0.03238,
    arm64GbHour: 0.00356,
    ephemeralGbHour: 0.000111,
    spotDiscount: 0.6704,
  },
  nat: { hour: 0.045, gb: 0.045 },
  alb: { hour: 0.0225, lcuHour: 0.008 },
  rds: {
    postgres: rds([0.018, 0.036, 0.072, 0.145, 0.016, 0.032, 0.065, 0.129, 0.178, 0.159, 0.178, 0.168, 0.25, 0.225, 0.25, 0.239]),
    mysql: rds([0.017, 0.034, 0.068, 0.136, 0.016, 0.032, 0.065, 0.129, 0.171, 0.152, 0.171, 0.161, 0.24, 0.215, 0.24, 0.227]),
    gp3GbMonth: 0.115,
  },
  dynamodb: {
    writeRequestMillion: 0.625,
    readRequestMillion: 0.125,
    storageGbMonth: 0.25,
    wcuHour: 0.00065,
    rcuHour: 0.00013,
    pitrGbMonth: 0.2,
  },
  cloudwatch: {
    alarmMonth: 0.1,
    highResolutionAlarmMonth: 0.3,
    dashboardMonth: 3,
    logIngestGb: 0.5,
    logStorageGbMonth: 0.03,
    customMetricMonth: 0.3,
  },
  efsStandardGbMonth: 0.3,
  s3StandardGbMonth: 0.023,
  elasticache: elasticache([0.017, 0.034, 0.068], [0.016, 0.032, 0.065], [0.149, 0.158, 0.206, 0.219]),
};

export const PRICES: Readonly<Record<string, RegionPrices>> = {
  'us-east-1': US_EAST_1,
  'us-west-2': US_EAST_1,
  'eu-west-1': {
    ...FLAT,
    fargate: {
      vcpuHour: 0.04048,
      gbHour: 0.004445,
      arm64VcpuHour: 0.03238,
      arm64GbHour: 0.00356,
      ephemeralGbHour: 0.000111,
      spotDiscount: 0.6704,
    },
    nat: { hour: 0.048, gb: 0.048 },
    alb: { hour: 0.0252, lcuHour: 0.008 },
    rds: {
      postgres: rds([0.019, 0.038, 0.076, 0.152, 0.017, 0.034, 0.068, 0.136, 0.195, 0.174, 0.195, 0.184, 0.275, 0.247, 0.275, 0.262]),
      mysql: rds([0.018, 0.036, 0.072, 0.144, 0.017, 0.034, 0.068, 0.136, 0.19, 0.169, 0.19, 0.179, 0.265, 0.237, 0.265, 0.251]),
      gp3GbMonth: 0.127,
    },
    dynamodb: {
      writeRequestMillion: 0.7068,
      readRequestMillion: 0.1413,
      storageGbMonth: 0.283,
      wcuHour: 0.000735,
      rcuHour: 0.000147,
      pitrGbMonth: 0.2264,
    },
    cloudwatch: {
      alarmMonth: 0.1,
      highResolutionAlarmMonth: 0.3,
      dashboardMonth: 3,
      logIngestGb: 0.57,
      logStorageGbMonth: 0.03,
      customMetricMonth: 0.3,
    },
    efsStandardGbMonth: 0.33,
    s3StandardGbMonth: 0.023,

    elasticache: elasticache([0.018, 0.036, 0.072], [0.017, 0.034, 0.068], [0.164, 0.174, 0.226, 0.241]),
  },
  'eu-central-1': {
    ...FLAT,
    fargate: {
      vcpuHour: 0.04656,
      gbHour: 0.00511,
      arm64VcpuHour: 0.03725,
      arm64GbHour: 0.00409,
      ephemeralGbHour: 0.000122,
      spotDiscount: 0.6704,
    },
    nat: { hour: 0.052, gb: 0.052 },
    alb: { hour: 0.027, lcuHour: 0.008 },
    rds: {
      postgres: rds([0.021, 0.041, 0.082, 0.164, 0.019, 0.037, 0.074, 0.148, 0.214, 0.19, 0.214, 0.2, 0.3, 0.27, 0.3, 0.287]),
      mysql: rds([0.02, 0.04, 0.08, 0.16, 0.019, 0.037, 0.074, 0.148, 0.205, 0.182, 0.205, 0.192, 0.29, 0.26, 0.29, 0.276]),
      gp3GbMonth: 0.137,
    },
    dynamodb: {
      writeRequestMillion: 0.7625,
      readRequestMillion: 0.1525,
      storageGbMonth: 0.306,
      wcuHour: 0.000793,
      rcuHour: 0.0001586,
      pitrGbMonth: 0.2448,
    },
    cloudwatch: {
      alarmMonth: 0.1,
      highResolutionAlarmMonth: 0.3,
      dashboardMonth: 3,
      logIngestGb: 0.63,
      logStorageGbMonth: 0.0324,
      customMetricMonth: 0.3,
    },
    efsStandardGbMonth: 0.36,
    s3StandardGbMonth: 0.0245,
    s3PutThousand: 0.0054,
    elasticache: elasticache([0.02, 0.039, 0.078], [0.019, 0.037, 0.074], [0.179, 0.19, 0.247, 0.263]),
  },
  'ap-southeast-1': {
    ...FLAT,
    fargate: {
      vcpuHour: 0.05056,
      gbHour: 0.00553,
      arm64VcpuHour: 0.04045,
      arm64GbHour: 0.00442,
      ephemeralGbHour: 0.000122,
      spotDiscount: 0.6704,
    },
    nat: { hour: 0.059, gb: 0.059 },
    alb: { hour: 0.0252, lcuHour: 0.008 },
    rds: {
      postgres: rds([0.026, 0.052, 0.104, 0.208, 0.024, 0.048, 0.096, 0.192, 0.246, 0.22, 0.246, 0.232, 0.3, 0.27, 0.3, 0.287]),
      mysql: rds([0.025, 0.05, 0.1, 0.2, 0.024, 0.048, 0.096, 0.192, 0.24, 0.214, 0.24, 0.226, 0.29, 0.26, 0.29, 0.276]),
      gp3GbMonth: 0.138,
    },
    dynamodb: {
      writeRequestMillion: 0.7125,
      readRequestMillion: 0.1425,
      storageGbMonth: 0.285,
      wcuHour: 0.00074,
      rcuHour: 0.000148,
      pitrGbMonth: 0.228,
    },
    cloudwatch: {
      alarmMonth: 0.1,
      highResolutionAlarmMonth: 0.3,
      dashboardMonth: 3,
      logIngestGb: 0.67,
      logStorageGbMonth: 0.033,
      customMetricMonth: 0.3,
    },
    efsStandardGbMonth: 0.36,
    s3StandardGbMonth: 0.025,

    elasticache: elasticache([0.025, 0.05, 0.099], [0.024, 0.047, 0.095], [0.206, 0.218, 0.247, 0.263]),
  },
};

/** Size multipliers over `large` for the m and r families (RDS prices scale with the size there). */
const SIZE_FACTORS: Readonly<Record<string, number>> = {
  large: 1,
  xlarge: 2,
  '2xlarge': 4,
  '4xlarge': 8,
  '8xlarge': 16,
  '12xlarge': 24,
  '16xlarge': 32,
  '24xlarge': 48,
};

/** The hourly single-AZ price of an RDS class, or undefined when the table has none for it. */
export function rdsInstanceHour(prices: RegionPrices, engine: string, instanceClass: string): number | undefined {
  const table = engine === 'postgres' ? prices.rds.postgres : engine === 'mysql' || engine === 'mariadb' ? prices.rds.mysql : undefined;
  if (!table) return undefined;
  if (table[instanceClass] !== undefined) return table[instanceClass];
  const match = /^(db\.[mr]\d+[a-z]*)\.(\w+)$/.exec(instanceClass);
  const base = match ? table[`${match[1]}.large`] : undefined;
  const factor = match ? SIZE_FACTORS[match[2]!] : undefined;
  return base !== undefined && factor !== undefined ? round(base * factor, 6) : undefined;
}

/** The prices of `region`; an error naming the regions that have them. */
export function pricesFor(region: string): RegionPrices {
  const prices = PRICES[region];
  if (!prices)
    throw new Error(
      `no prices for region ${region}: the pinned price table (src/cost/prices.ts, as of ${PRICES_AS_OF}) has ${Object.keys(PRICES).join(', ')}; add the region's figures from the pages it lists`,
    );
  return prices;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** The hourly price of one ElastiCache node, or undefined when the table has none for the type. */
export function elasticacheNodeHour(prices: RegionPrices, engine: string, nodeType: string): number | undefined {
  const match = /^cache\.([a-z0-9]+)\.(\w+)$/.exec(nodeType);
  if (!match) return undefined;
  const [, family, size] = match as unknown as [string, string, string];
  const table = (prices.elasticache as unknown as Record<string, Record<string, number> | undefined>)[family];
  let hourly = table?.[size];
  if (hourly === undefined && /^[mr]/.test(family) && table?.large !== undefined && SIZE_FACTORS[size] !== undefined)
    hourly = table.large * SIZE_FACTORS[size]!;
  if (hourly === undefined) return undefined;
  return round(engine === 'valkey' ? hourly * (1 - prices.elasticache.valkeyDiscount) : hourly, 6);
}
