/**
 * AWS facts the configuration is checked against. Each list says where it
 * comes from so that it can be brought up to date in one place.
 */

/** Regions of the commercial, China and GovCloud partitions known to AWS provider 5.100. */
export const AWS_REGIONS = [
  'af-south-1',
  'ap-east-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'cn-north-1',
  'cn-northwest-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-west-1',
  'us-west-2',
] as const;
export type AwsRegion = (typeof AWS_REGIONS)[number];

/** The ARN partition of a region. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The DNS suffix of a region's service endpoints (for service principals and URLs). */
export function dnsSuffixOf(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** Fargate task sizes: cpu units -> the memory values (MiB) Fargate accepts with it. */
export const FARGATE_MEMORY_BY_CPU: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};
export const FARGATE_CPU_VALUES = Object.keys(FARGATE_MEMORY_BY_CPU).map(Number);

/** Retention values CloudWatch Logs accepts (days); 0 (never expire) is deliberately not offered. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Load balancer TLS policies that negotiate TLS 1.2 or newer only. */
export const TLS12_SSL_POLICIES = [
  'ELBSecurityPolicy-TLS13-1-2-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06',
  'ELBSecurityPolicy-TLS13-1-3-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04',
  'ELBSecurityPolicy-TLS-1-2-2017-01',
  'ELBSecurityPolicy-TLS-1-2-Ext-2018-06',
  'ELBSecurityPolicy-FS-1-2-2019-08',
  'ELBSecurityPolicy-FS-1-2-Res-2019-08',
  'ELBSecurityPolicy-FS-1-2-Res-2020-10',
] as const;

/**
 * RDS parameter group families per engine, by major version as RDS names it
 * (PostgreSQL: the first number; MySQL and MariaDB: the first two).
 */
export const RDS_PARAMETER_FAMILIES = {
  postgres: ['11', '12', '13', '14', '15', '16', '17'],
  mysql: ['5.7', '8.0', '8.4'],
  // 10.4 is left out: it has no require_secure_transport, so TLS cannot be forced.
  mariadb: ['10.5', '10.6', '10.11', '11.4'],
} as const;
export type DatabaseEngine = keyof typeof RDS_PARAMETER_FAMILIES;

/** The parameter group family for an engine version, or undefined when RDS has none. */
export function parameterGroupFamily(engine: DatabaseEngine, version: string): string | undefined {
  const parts = version.split('.');
  const major = engine === 'postgres' ? parts[0] : parts.slice(0, 2).join('.');
  const known: readonly string[] = RDS_PARAMETER_FAMILIES[engine];
  return major !== undefined && known.includes(major) ? `${engine}${major}` : undefined;
}

/**
 * Engine versions ElastiCache offers for replication groups with encryption
 * in transit and AUTH, major.minor as the AWS provider 5.100 takes them for
 * engines 6 and later (it accepts any X.Y there and leaves the check to
 * ElastiCache, so the project checks against this list). Oldest first.
 */
export const ELASTICACHE_ENGINE_VERSIONS = {
  valkey: ['7.2', '8.0', '8.1'],
  redis: ['6.2', '7.0', '7.1'],
} as const;
export type CacheEngine = keyof typeof ELASTICACHE_ENGINE_VERSIONS;

export const DATABASE_PORTS: Readonly<Record<DatabaseEngine, number>> = { postgres: 5432, mysql: 3306, mariadb: 3306 };

/** Performance Insights is not offered on the smallest burstable classes. */
export function supportsPerformanceInsights(instanceClass: string): boolean {
  return !/^db\.t[234]g?\.(micro|small)$/.test(instanceClass) && !instanceClass.startsWith('db.t2.');
}

/**
 * Accounts that deliver load balancer access logs in regions opened before
 * August 2022; newer regions use the log delivery service principal instead.
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  'us-east-1': '127311923021',
  'us-east-2': '033677994240',
  'us-west-1': '027434742980',
  'us-west-2': '797873946194',
  'af-south-1': '098369216593',
  'ap-east-1': '754344448648',
  'ap-south-1': '718504428378',
  'ap-northeast-3': '383597477331',
  'ap-northeast-2': '600734575887',
  'ap-southeast-1': '114774131450',
  'ap-southeast-2': '783225319266',
  'ap-northeast-1': '582318560864',
  'ca-central-1': '985666609251',
  'eu-central-1': '054676820928',
  'eu-west-1': '156460612806',
  'eu-west-2': '652711504416',
  'eu-south-1': '635631232127',
  'eu-west-3': '009996457667',
  'eu-north-1': '897822967062',
  'me-south-1': '076674570225',
  'sa-east-1': '507241528517',
  'us-gov-west-1': '048591011584',
  'us-gov-east-1': '190560391635',
  'cn-north-1': '638102146993',
  'cn-northwest-1': '037604701340',
};

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let v = from; v <= to; v += step) values.push(v);
  return values;
}

/** Actions AWS offers no resource-level permission for: "*" is the only resource they take (the iam-no-wildcards guardrail and the boundaries). */
export const ACTIONS_WITHOUT_RESOURCES: ReadonlySet<string> = new Set([
  'ecr:GetAuthorizationToken',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
  'logs:DescribeLogGroups',
]);
