/**
 * The environment file format (README: Configuration), as one zod
 * schema. The TypeScript types and the editor JSON Schema both come from
 * here; rules that need more than one key are in `rules.ts`.
 *
 * Conventions: every object is strict (an unknown key is an error with a
 * suggestion), every default is written here with `.default()` (scalars) or
 * `.prefault({})` (objects, so their own defaults apply), and a default that
 * depends on another key stays optional here and is resolved in `resolve.ts`.
 */
import { z } from 'zod';
import {
  AWS_REGIONS,
  FARGATE_CPU_VALUES,
  FARGATE_MEMORY_BY_CPU,
  LOG_RETENTION_DAYS,
  TLS12_SSL_POLICIES,
} from '../aws-facts';
import { didYouMean } from './suggest';
import { isIpv4Cidr } from '../cidr';

/** A strict object whose unknown keys are reported one by one with a suggestion. */
function strictObject<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => `unknown key "${key}"; ${didYouMean(key, known)}`).join('\n')
        : undefined,
  });
}

/** Project and environment names: they prefix every AWS name. */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{1,19}$/;
const KEY = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$|^[a-z]$/;
const nameSchema = z
  .string()
  .regex(NAME_PATTERN, 'must be 2-20 characters: a lowercase letter, then lowercase letters, digits or hyphens');

/** A map keyed by names used in AWS resource names and DNS labels. */
function namedMap<T extends z.ZodType>(value: T) {
  return z.record(
    z.string().regex(KEY, 'names here must be 1-32 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen'),
    value,
  );
}

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const cidrSchema = z.string().refine(isIpv4Cidr, 'not an IPv4 CIDR with a network address (for example 10.0.0.0/16)');
const retentionDays = z.number().refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
  message: `CloudWatch Logs accepts only ${LOG_RETENTION_DAYS.join(', ')} days`,
});
const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable names are letters, digits and underscores, not starting with a digit');
const percent = z.number().positive().max(100);

/** A capacity strategy: all on-demand, all Spot, or a mix with weights and one base. */
export const capacitySchema = z.union([
  z.enum(['onDemand', 'spot']),
  strictObject({
    onDemandBase: nonNegativeInt.max(100000).default(0),
    spotBase: nonNegativeInt.max(100000).default(0),
    onDemandWeight: nonNegativeInt.max(1000).default(1),
    spotWeight: nonNegativeInt.max(1000).default(1),
  }).superRefine((c, ctx) => {
    if (c.onDemandBase > 0 && c.spotBase > 0) {
      ctx.addIssue({ code: 'custom', path: ['spotBase'], message: 'only one capacity provider may have a base; set onDemandBase or spotBase, not both' });
    }
    if (c.onDemandWeight + c.spotWeight === 0) {
      ctx.addIssue({ code: 'custom', path: ['spotWeight'], message: 'at least one of onDemandWeight and spotWeight must be above 0' });
    }
  }),
]);

const awsSchema = strictObject({
  region: z.enum(AWS_REGIONS, { error: (i) => `unknown AWS region ${JSON.stringify(i.input)}; ${didYouMean(String(i.input), AWS_REGIONS)}` }),
  accountId: z.string({ error: 'an account ID is 12 digits in quotes, for example "123456789012"' }).regex(/^\d{12}$/, 'an account ID is 12 digits, for example "123456789012"'),
  /** @default [`<region>a`, `<region>b`] */
  availabilityZones: z.array(z.string()).min(2, 'give at least 2 availability zones (load balancers and databases need two)').max(8).optional(),
});

const backendSchema = strictObject({
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'S3 bucket names are 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit')
    .refine((b) => !/^(xn--|sthree-|amzn-s3-demo-)|(-s3alias|--ol-s3|\.mrap|--x-s3)$|\.\.|^\d+\.\d+\.\d+\.\d+$/.test(b), 'S3 reserves this form of bucket name (xn-- or sthree- prefixes, -s3alias suffix, .., an IP address); pick another'),
  lockTable: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'DynamoDB table names are 3-255 letters, digits, underscores, dots and hyphens'),
  /** @default aws.region */
  region: z.enum(AWS_REGIONS).optional(),
  /** @default project */
  keyPrefix: z.string().regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, 'a key prefix is path segments of letters, digits, _ . - separated by /, with no leading or trailing /').optional(),
  useLockfile: z.boolean().default(false),
  /** The account that holds the state bucket and lock table. @default aws.accountId */
  accountId: z.string().regex(/^\d{12}$/, 'an account ID is 12 digits, for example "123456789012"').optional(),
  /** Keep the bootstrap stack's own state in the bucket (set after the first bootstrap apply). */
  bootstrapStateInBucket: z.boolean().default(false),
});

const tagsSchema = z
  .record(
    z.string().min(1).max(128).refine((k) => !k.toLowerCase().startsWith('aws:'), 'tag keys starting with aws: are reserved by AWS')
      .refine((k) => !['Project', 'Environment', 'ManagedBy'].includes(k), 'Project, Environment and ManagedBy are set by the project; remove this tag'),
    z.string().max(256),
  )
  .default({});

const networkSchema = strictObject({
  /** A new VPC with this CIDR (/16 to /24). */
  cidr: cidrSchema.optional(),
  /** @default single (with cidr) */
  natGateways: z.enum(['none', 'single', 'perAz']).optional(),
  /** VPC flow logs to CloudWatch Logs. */
  flowLogs: z.boolean().default(true),
  /** @default logRetentionDays */
  flowLogRetentionDays: retentionDays.optional(),
  existing: strictObject({
    vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'a VPC ID looks like vpc-0123456789abcdef0'),
    publicSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'a subnet ID looks like subnet-0123456789abcdef0')).min(2),
    privateSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'a subnet ID looks like subnet-0123456789abcdef0')).min(2),
  }).optional(),
}).superRefine((n, ctx) => {
  if (n.cidr === undefined && n.existing === undefined) {
    ctx.addIssue({ code: 'custom', path: ['cidr'], message: 'give either cidr (a new VPC) or existing (an existing VPC)' });
  }
  if (n.cidr !== undefined && n.existing !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['existing'], message: 'give either cidr or existing, not both (set one to null in the environment file to drop a default)' });
  }
  if (n.existing !== undefined && n.natGateways !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['natGateways'], message: 'natGateways applies to a new VPC only; remove it when using existing' });
  }
  if (n.cidr !== undefined) {
    const prefix = Number(n.cidr.split('/')[1]);
    if (prefix < 16 || prefix > 24) {
      ctx.addIssue({ code: 'custom', path: ['cidr'], message: `a /${prefix} cannot hold the subnets; use a prefix from /16 to /24` });
    }
  }
});

const clusterSchema = strictObject({
  containerInsights: z.boolean().default(true),
  capacity: capacitySchema.default('onDemand'),
});

const registrySchema = strictObject({
  scanOnPush: z.boolean().default(true),
  immutableTags: z.boolean().default(true),
  lifecycle: strictObject({
    keepTaggedImages: positiveInt.max(10000).default(30),
    untaggedExpiryDays: positiveInt.max(3650).default(7),
    protectedTagPrefixes: z.array(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'tag prefixes are letters, digits, _ . -')).default([]),
  }).prefault({}),
});

const loadBalancerSchema = strictObject({
  internal: z.boolean().default(false),
  /** A key of `certificates`; absent: HTTP only. */
  certificate: z.string().optional(),
  sslPolicy: z.enum(TLS12_SSL_POLICIES, { error: `use a TLS 1.2+ policy: one of ${TLS12_SSL_POLICIES.join(', ')}` }).default('ELBSecurityPolicy-TLS13-1-2-2021-06'),
  idleTimeoutSeconds: positiveInt.max(4000).default(60),
  /** @default 0.0.0.0/0, or the VPC CIDR for an internal load balancer */
  allowedCidrs: z.array(cidrSchema).min(1).optional(),
  accessLogs: z.boolean().default(true),
  /** @default 90 */
  accessLogExpiryDays: positiveInt.max(3650).default(90),
  deletionProtection: z.boolean().default(true),
});

const domainName = z.string().regex(/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'not a domain name (lowercase, for example api.example.com or *.example.com)');

const certificateSchema = strictObject({
  domain: domainName,
  subjectAlternativeNames: z.array(domainName).max(99).default([]),
  hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, 'a hosted zone ID looks like Z0123456789ABCDEFGHIJ').optional(),
});

const imageSchema = z.union([
  z.string().regex(/^([a-z0-9.-]+(:[0-9]+)?\/)?[a-z0-9._\/-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$/, 'a full image reference needs a tag or digest, for example public.ecr.aws/nginx/nginx:1.27 (for an ECR repository of this project use { repository, tag })'),
  strictObject({
    repository: z.string().regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, 'ECR repository names are lowercase letters, digits, and . _ - / between them'),
    tag: z.string({ error: 'quote the tag in YAML, for example "1.4.2"' }).regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'image tags are 1-128 letters, digits, _ . -, not starting with . or -'),
  }),
]);

const secretSchema = z.union([
  strictObject({
    /** A Secrets Manager secret name or ARN. */
    secretsManager: z.string().min(1),
    /** A JSON key inside the secret. */
    key: z.string().min(1).optional(),
  }),
  strictObject({
    /** An SSM parameter name (/path/name) or ARN. */
    ssm: z.string().regex(/^(\/[A-Za-z0-9_.-]+)+$|^arn:aws[a-z-]*:ssm:/, 'an SSM parameter is a path like /shop/prod/flags or an ARN'),
  }),
], { error: 'a secret is { secretsManager: NAME_OR_ARN, key: JSON_KEY } or { ssm: /parameter/name }' });

const routingSchema = strictObject({
  hosts: z.array(z.string().regex(/^[A-Za-z0-9*?.-]{1,128}$/, 'not a host name pattern')).default([]),
  paths: z.array(z.string().regex(/^\/[A-Za-z0-9_\-.$\/~"'@:+*?&=]{0,127}$/, 'paths start with / (for example /api/*)')).default([]),
  priority: z.number().int().min(1).max(50000),
}).superRefine((r, ctx) => {
  if (r.hosts.length + r.paths.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['hosts'], message: 'routing needs at least one host or path' });
  }
  if (r.hosts.length + r.paths.length > 5) {
    ctx.addIssue({ code: 'custom', path: ['paths'], message: 'a listener rule takes at most 5 hosts and paths together; split the service or drop some' });
  }
});

const healthCheckSchema = strictObject({
  /** Load balancer health check path. */
  path: z.string().startsWith('/').default('/'),
  matcher: z.string().regex(/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/, 'a matcher is HTTP codes like 200 or 200-399').default('200-399'),
  intervalSeconds: z.number().int().min(5).max(300).default(30),
  timeoutSeconds: z.number().int().min(2).max(120).default(5),
  healthyThreshold: z.number().int().min(2).max(10).default(3),
  unhealthyThreshold: z.number().int().min(2).max(10).default(3),
  /** Container health check, run by the shell in the container. */
  command: z.string().min(1).optional(),
  gracePeriodSeconds: nonNegativeInt.max(2147483647).default(60),
});

const deploymentSchema = strictObject({
  minHealthyPercent: nonNegativeInt.max(100).default(100),
  maxPercent: z.number().int().min(100).max(200).default(200),
  circuitBreaker: z.boolean().default(true),
  externalImageUpdates: z.boolean().default(false),
}).superRefine((d, ctx) => {
  if (d.minHealthyPercent === 100 && d.maxPercent === 100) {
    ctx.addIssue({ code: 'custom', path: ['maxPercent'], message: 'with minHealthyPercent 100 the service needs maxPercent above 100 to deploy' });
  }
});

const scheduleSchema = strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'schedule names are 1-64 letters, digits, _ -'),
  cron: z.string().regex(/^(cron\(.+\)|rate\(.+\)|at\(.+\))$/, 'a schedule is cron(...), rate(...) or at(...), for example cron(0 20 * * ? *)'),
  timezone: z.string().optional(),
  min: nonNegativeInt,
  max: nonNegativeInt,
}).superRefine((s, ctx) => {
  if (s.min > s.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `min ${s.min} is above max ${s.max}` });
});

const autoscalingSchema = strictObject({
  min: nonNegativeInt.max(5000),
  max: positiveInt.max(5000),
  cpuTarget: percent.optional(),
  memoryTarget: percent.optional(),
  requestsPerTarget: positiveInt.optional(),
  scaleOutCooldownSeconds: nonNegativeInt.default(60),
  scaleInCooldownSeconds: nonNegativeInt.default(300),
  schedules: z.array(scheduleSchema).default([]),
}).superRefine((a, ctx) => {
  if (a.min > a.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `min ${a.min} is above max ${a.max}` });
  if (a.cpuTarget === undefined && a.memoryTarget === undefined && a.requestsPerTarget === undefined && a.schedules.length === 0) {
    ctx.addIssue({ code: 'custom', path: [], message: 'autoscaling needs cpuTarget, memoryTarget, requestsPerTarget or schedules' });
  }
  const names = new Set<string>();
  a.schedules.forEach((s, i) => {
    if (names.has(s.name)) ctx.addIssue({ code: 'custom', path: ['schedules', i, 'name'], message: `schedule name "${s.name}" is used twice` });
    names.add(s.name);
  });
});

const alarmThresholdsSchema = strictObject({
  cpuPercent: percent.optional(),
  memoryPercent: percent.optional(),
  http5xxPerMinute: nonNegativeInt.optional(),
  targetResponseTimeSeconds: z.number().positive().optional(),
});

const serviceSchema = strictObject({
  image: imageSchema,
  cpu: z.number().refine((v) => FARGATE_CPU_VALUES.includes(v), { message: `Fargate cpu is one of ${FARGATE_CPU_VALUES.join(', ')}` }),
  memory: positiveInt,
  port: z.number().int().min(1).max(65535).optional(),
  desiredCount: nonNegativeInt.max(5000).default(1),
  /** @default cluster.capacity */
  capacity: capacitySchema.optional(),
  cpuArchitecture: z.enum(['X86_64', 'ARM64']).default('X86_64'),
  command: z.array(z.string()).optional(),
  environment: z.record(envVarName, z.union([z.string(), z.number(), z.boolean()])).default({}),
  secrets: z.record(envVarName, secretSchema).default({}),
  routing: routingSchema.optional(),
  healthCheck: healthCheckSchema.prefault({}),
  deployment: deploymentSchema.prefault({}),
  autoscaling: autoscalingSchema.optional(),
  serviceDiscovery: z.boolean().default(false),
  exec: z.boolean().default(false),
  readonlyRootFilesystem: z.boolean().default(true),
  stopTimeoutSeconds: z.number().int().min(2).max(120).default(30),
  /** @default logRetentionDays */
  logRetentionDays: retentionDays.optional(),
  alarms: alarmThresholdsSchema.prefault({}),
}).superRefine((s, ctx) => {
  const allowed = FARGATE_MEMORY_BY_CPU[s.cpu];
  if (allowed && !allowed.includes(s.memory)) {
    ctx.addIssue({ code: 'custom', path: ['memory'], message: `${s.memory} is not a valid Fargate memory for cpu ${s.cpu}; use one of ${allowed.join(', ')}` });
  }
  if (s.autoscaling && (s.desiredCount < s.autoscaling.min || s.desiredCount > s.autoscaling.max)) {
    ctx.addIssue({ code: 'custom', path: ['desiredCount'], message: `desiredCount ${s.desiredCount} is outside autoscaling min ${s.autoscaling.min} .. max ${s.autoscaling.max}; set it within that range` });
  }
  for (const name of Object.keys(s.secrets)) {
    if (name in s.environment) {
      ctx.addIssue({ code: 'custom', path: ['secrets', name], message: `${name} is also in environment; a variable comes from one or the other` });
    }
  }
});

const databaseSchema = strictObject({
  engine: z.enum(['postgres', 'mysql', 'mariadb']),
  engineVersion: z.string({ error: 'quote the engine version in YAML, for example "16.4"' }).regex(/^\d+(\.\d+){0,2}$/, 'an engine version looks like "16.4" (quote it in YAML)'),
  instanceClass: z.string().regex(/^db\.[a-z0-9-]+\.[a-z0-9]+$/, 'an instance class looks like db.t4g.medium'),
  allocatedStorage: z.number().int().min(20).max(65536).default(20),
  /** Storage autoscaling ceiling; absent: no storage autoscaling. */
  maxAllocatedStorage: z.number().int().min(20).max(65536).optional(),
  /** @default the database key, with - replaced by _ */
  databaseName: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/, 'database names are letters, digits and _, starting with a letter, at most 63 characters').optional(),
  username: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,15}$/, 'user names are 1-16 letters, digits and _, starting with a letter')
    .refine((u) => !['admin', 'rdsadmin', 'postgres', 'root', 'rdsrepladmin', 'mysql'].includes(u.toLowerCase()), 'this user name is reserved by the engine or RDS; pick another')
    .default('app_admin'),
  multiAz: z.boolean().default(true),
  backupRetentionDays: z.number().int().min(1).max(35).default(7),
  deletionProtection: z.boolean().default(true),
  skipFinalSnapshot: z.boolean().default(false),
  /** @default true where the instance class supports it */
  performanceInsights: z.boolean().optional(),
  allowedServices: z.array(z.string()).default([]),
}).superRefine((d, ctx) => {
  if (d.maxAllocatedStorage !== undefined && d.maxAllocatedStorage < d.allocatedStorage) {
    ctx.addIssue({ code: 'custom', path: ['maxAllocatedStorage'], message: `maxAllocatedStorage ${d.maxAllocatedStorage} is below allocatedStorage ${d.allocatedStorage}` });
  }
});

const attributeSchema = strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,255}$/, 'attribute names are 1-255 letters, digits, _ . -'),
  type: z.enum(['S', 'N', 'B']),
});

const capacityUnits = { readCapacity: positiveInt.optional(), writeCapacity: positiveInt.optional() };

const tableSchema = strictObject({
  billingMode: z.enum(['PAY_PER_REQUEST', 'PROVISIONED']).default('PAY_PER_REQUEST'),
  ...capacityUnits,
  hashKey: attributeSchema,
  sortKey: attributeSchema.optional(),
  ttl: strictObject({ attribute: z.string().min(1) }).optional(),
  globalSecondaryIndexes: z.array(strictObject({
    name: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'index names are 3-255 letters, digits, _ . -'),
    hashKey: attributeSchema,
    sortKey: attributeSchema.optional(),
    projection: z.union([z.enum(['ALL', 'KEYS_ONLY']), strictObject({ include: z.array(z.string()).min(1).max(100) })]).default('ALL'),
    ...capacityUnits,
  })).max(20).default([]),
  pointInTimeRecovery: z.boolean().default(true),
  /** @default true in production */
  deletionProtection: z.boolean().optional(),
  allowedServices: strictObject({
    read: z.array(z.string()).default([]),
    write: z.array(z.string()).default([]),
  }).prefault({}),
});

const monitoringSchema = strictObject({
  alarmEmails: z.array(z.email('not an email address')).default([]),
  thresholds: strictObject({
    cpuPercent: percent.default(80),
    memoryPercent: percent.default(80),
    http5xxPerMinute: nonNegativeInt.default(10),
    targetResponseTimeSeconds: z.number().positive().default(2),
    databaseCpuPercent: percent.default(80),
    databaseFreeStorageGiB: z.number().positive().default(5),
    databaseFreeMemoryMiB: z.number().positive().default(256),
    databaseConnections: positiveInt.default(100),
  }).prefault({}),
  dashboard: z.boolean().default(true),
});

const guardrailsSchema = strictObject({
  /** Rule ID -> the reason a rule does not apply here. */
  waivers: z.record(z.string(), z.string().trim().min(10, 'give the reason for the waiver in a sentence')).default({}),
});

/** GitHub logins: 1-39 letters, digits and single hyphens, not starting or ending with one. */
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

const gitopsSchema = strictObject({
  /** Apply a plan without an approval. @default true outside production; production applies always need an approval */
  autoApply: z.boolean().optional().describe('Apply plans of the default branch without an approval (default: true outside production; production always needs one)'),
  /** GitHub logins who may approve runs and comment /plan and /apply. @default [] (nobody: every apply that needs an approval waits) */
  approvers: z.array(z.string().regex(GITHUB_LOGIN, 'must be a GitHub login (letters, digits and single hyphens, at most 39)')).default([]).describe('GitHub logins who may approve runs and comment /apply'),
  /** Plan pull requests from forks (their plans run with no credentials and are never applied). @default false */
  allowForks: z.boolean().default(false).describe('Plan pull requests from forks (never applied)'),
});

export const environmentSchema = strictObject({
  $schema: z.string().optional(),
  project: nameSchema.describe('Name prefix of every resource: 2-20 lowercase letters, digits, hyphens'),
  /** @default the file name */
  environment: nameSchema.optional().describe('Environment name (default: the file name); also the stack name'),
  /** Production environments get the strict defaults and must pass every guardrail. @default true for prod, production and prod-* */
  production: z.boolean().optional().describe('Stricter defaults and every guardrail (default: true for prod, production, prod-*)'),
  aws: awsSchema.describe('Region, account and availability zones'),
  backend: backendSchema.describe('S3 state bucket and DynamoDB lock table'),
  tags: tagsSchema.describe('Tags on every resource, besides Project, Environment and ManagedBy'),
  /** Default retention of the log groups the project creates. */
  logRetentionDays: retentionDays.default(30).describe('Retention of every log group without its own (a CloudWatch value)'),
  network: networkSchema.describe('A new VPC (cidr) or an existing one (existing)'),
  cluster: clusterSchema.prefault({}).describe('ECS cluster: Container Insights and the default capacity'),
  registry: registrySchema.prefault({}).describe('ECR repositories of images given as { repository, tag }'),
  loadBalancer: loadBalancerSchema.prefault({}).describe('The application load balancer, created when a service has routing'),
  certificates: namedMap(certificateSchema).default({}).describe('ACM certificates by name, validated through DNS'),
  services: namedMap(serviceSchema).default({}).describe('Fargate services by name'),
  databases: namedMap(databaseSchema).default({}).describe('RDS databases by name'),
  dynamodb: namedMap(tableSchema).default({}).describe('DynamoDB tables by name'),
  monitoring: monitoringSchema.prefault({}).describe('Alarm emails, thresholds and the dashboard'),
  guardrails: guardrailsSchema.prefault({}).describe('Waivers of guardrail rules: rule ID -> reason'),
  gitops: gitopsSchema.prefault({}).describe('What the GitOps controller may do with this environment'),
});

export type ParsedEnvironment = z.output<typeof environmentSchema>;
export type Capacity = z.output<typeof capacitySchema>;
