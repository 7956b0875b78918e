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
import { excerpt } from './problems';
import {
  addressPart, keyPrefixProblem, MAX_USER_TAGS, refuse, scheduleProblem, secretNameProblem, tagKeyProblem, tagValueProblem, timeZoneProblem, uniqueList,
} from './value-checks';
import { didYouMean } from './suggest';
import { isIpv4Cidr } from '../cidr';
import { serviceTeleportSchema, teleportSchema } from './teleport-schema';
import { ciSchema, controllerSchema } from './controller-schema';
import { bucketSchema, cacheSchema, wafSchema } from './workload-schema';
import { strictObject } from './strict-object';
import { jobKeys, queueScalingSchema, queueSchema } from './jobs-schema';
import { computedDefault, defaultByEnvironment, PRODUCTION_DEFAULTS } from './schema-defaults';


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
    onDemandBase: nonNegativeInt.max(100000).default(0).describe('Tasks always on FARGATE before the weights apply; one base at most'),
    spotBase: nonNegativeInt.max(100000).default(0).describe('Tasks always on FARGATE_SPOT before the weights apply; one base at most'),
    onDemandWeight: nonNegativeInt.max(1000).default(1).describe('Share of the remaining tasks on FARGATE'),
    spotWeight: nonNegativeInt.max(1000).default(1).describe('Share of the remaining tasks on FARGATE_SPOT; a weight above 0 in all'),
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
  region: z.enum(AWS_REGIONS, {
    error: (i) => (typeof i.input === 'string' ? `unknown AWS region ${JSON.stringify(excerpt(i.input))}; ${didYouMean(i.input, AWS_REGIONS)}` : 'a region is a name such as eu-west-1 (text, not a map or a list)'),
  }).describe('The AWS region of the environment, one known to AWS provider 5.100 (required)'),
  accountId: z.string({ error: 'an account ID is 12 digits in quotes, for example "123456789012"' }).regex(/^\d{12}$/, 'an account ID is 12 digits, for example "123456789012"').describe('The 12-digit account, in quotes; the provider\'s allowed_account_ids, and every ARN is built from it (required)'),
  /** @default [`<region>a`, `<region>b`] */
  availabilityZones: z.array(z.string()).min(2, 'give at least 2 availability zones (load balancers and databases need two)').max(8).optional().describe('2-8 zones of the region; subnet CIDRs follow this order, so add zones at the end').meta(computedDefault("<region>a, <region>b")),
});

const backendSchema = strictObject({
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'S3 bucket names are 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit')
    .refine((b) => !/^(xn--|sthree-|amzn-s3-demo-)|(-s3alias|--ol-s3|\.mrap|--x-s3)$|\.\.|^\d+\.\d+\.\d+\.\d+$/.test(b), 'S3 reserves this form of bucket name (xn-- or sthree- prefixes, -s3alias suffix, .., an IP address); pick another').describe('S3 bucket of the Terraform state, created by the bootstrap stack (required)'),
  /** Absent: S3-native locking only (a new project). */
  lockTable: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'DynamoDB table names are 3-255 letters, digits, underscores, dots and hyphens').optional().describe('DynamoDB table of the state locks, created by the bootstrap stack while an environment names it; Terraform 1.11 deprecates it (README: state locking)').meta(computedDefault("none: the lock file alone")),
  /** @default aws.region */
  region: z.enum(AWS_REGIONS).optional().describe('Region of the bucket and table').meta(computedDefault("aws.region")),
  /** @default project */
  keyPrefix: z.string().superRefine(refuse(keyPrefixProblem)).optional().describe('State key prefix: the state is <keyPrefix>/<environment>.tfstate; no leading / and no ..').meta(computedDefault("project")),
  /** @default true without lockTable, false with it (an existing project keeps its table until it opts out) */
  useLockfile: z.boolean().optional().describe('S3-native locking with a lock file next to the state, Terraform >= 1.10').meta(computedDefault("true without lockTable, false with it")),
  /** The account that holds the state bucket and lock table. @default aws.accountId */
  accountId: z.string().regex(/^\d{12}$/, 'an account ID is 12 digits, for example "123456789012"').optional().describe('The account holding the bucket and table').meta(computedDefault("aws.accountId")),
  /** Keep the bootstrap stack's own state in the bucket (set after the first bootstrap apply). */
  bootstrapStateInBucket: z.boolean().default(false).describe('Keep the bootstrap stack\'s own state in the bucket, at bootstrap/terraform.tfstate, once it exists; false keeps it in a local file'),
}).superRefine((backend, ctx) => {
  if (backend.useLockfile === false && backend.lockTable === undefined) {
    ctx.addIssue({ code: 'custom', path: ['useLockfile'], message: 'nothing would lock the state: remove useLockfile (S3-native locking is the default) or name a lockTable' });
  }
});

const tagsSchema = z
  .record(
    z.string().superRefine(refuse(tagKeyProblem)).refine((k) => !k.toLowerCase().startsWith('aws:'), 'tag keys starting with aws: are reserved by AWS')
      .refine((k) => !['Project', 'Environment', 'ManagedBy'].includes(k), 'Project, Environment and ManagedBy are set by the project; remove this tag'),
    z.string({ error: (i) => (typeof i.input === 'number' || typeof i.input === 'boolean' ? 'tag values are text; quote it in YAML' : undefined) }).superRefine(refuse(tagValueProblem)),
  )
  .refine((tags) => Object.keys(tags).length <= MAX_USER_TAGS, `at most ${MAX_USER_TAGS} tags: AWS takes 50 per resource, and the project adds Project, Environment, ManagedBy and up to two of its own (Name, Tier)`)
  .default({});

const networkSchema = strictObject({
  /** A new VPC with this CIDR (/16 to /24). */
  cidr: cidrSchema.optional().describe('A new VPC: /16 to /24, a network address; subnets are the VPC split in 16, zone i gets public block i and private block 8+i (exactly one of cidr and existing)'),
  /** @default single (with cidr) */
  natGateways: z.enum(['none', 'single', 'perAz']).optional().describe('none (tasks in public subnets with public IPs), single, or perAz').meta(computedDefault("single")),
  /** VPC flow logs to CloudWatch Logs. */
  flowLogs: z.boolean().default(true).describe('VPC flow logs of all traffic to /vpc/<prefix>/flow-logs'),
  /** @default logRetentionDays */
  flowLogRetentionDays: retentionDays.optional().describe('Retention of the flow logs, a CloudWatch retention value').meta(computedDefault("logRetentionDays")),
  existing: strictObject({
    vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'a VPC ID looks like vpc-0123456789abcdef0').describe('The VPC ID, vpc-... (required with existing)'),
    publicSubnetIds: uniqueList(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'a subnet ID looks like subnet-0123456789abcdef0')).min(2).describe('Public subnets of that VPC, one per zone, 2 or more, no repeats (required with existing)'),
    privateSubnetIds: uniqueList(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'a subnet ID looks like subnet-0123456789abcdef0')).min(2).describe('Private subnets of that VPC, one per zone, 2 or more, no repeats (required with existing)'),
    loadBalancerSecurityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'a security group ID looks like sg-0123456789abcdef0')).max(4).default([])
      .describe('Existing security groups the load balancer joins besides its own'),
  }).optional().describe('An existing VPC instead of cidr: { vpcId, publicSubnetIds, privateSubnetIds }, 2+ subnets each; natGateways does not apply'),
}).superRefine((n, ctx) => {
  if (n.cidr === undefined && n.existing === undefined) {
    ctx.addIssue({ code: 'custom', path: ['cidr'], message: 'give either cidr (a new VPC) or existing (an existing VPC)' });
  }
  if (n.cidr !== undefined && n.existing !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['existing'], message: 'give either cidr or existing, not both (set one to null in the environment file to drop a default)' });
  }
  n.existing?.privateSubnetIds.forEach((id, i) => {
    if (n.existing!.publicSubnetIds.includes(id)) {
      ctx.addIssue({ code: 'custom', path: ['existing', 'privateSubnetIds', i], message: `${id} is also a public subnet; a subnet is public or private, not both` });
    }
  });
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
  containerInsights: z.boolean().default(true).describe('CloudWatch Container Insights on the cluster'),
  capacity: capacitySchema.default('onDemand').describe('onDemand (FARGATE only), spot (FARGATE_SPOT only), or { onDemandBase, spotBase, onDemandWeight, spotWeight }'),
});

const registrySchema = strictObject({
  scanOnPush: z.boolean().default(true).describe('Scan every pushed image for vulnerabilities'),
  immutableTags: z.boolean().default(true).describe('Tags cannot be overwritten; moving tags such as latest are refused in images'),
  lifecycle: strictObject({
    keepTaggedImages: positiveInt.max(10000).default(30).describe('The newest tagged images kept per repository'),
    untaggedExpiryDays: positiveInt.max(3650).default(7).describe('Days before an untagged image expires'),
    protectedTagPrefixes: z.array(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'tag prefixes are letters, digits, _ . -')).default([]).describe('Images with a tag starting with one of these never expire'),
  }).prefault({}).describe('How long images are kept: { keepTaggedImages, untaggedExpiryDays, protectedTagPrefixes }'),
});

const loadBalancerSchema = strictObject({
  internal: z.boolean().default(false).describe('Place the load balancer in the private subnets'),
  /** A key of `certificates`; absent: HTTP only. */
  certificate: z.string().optional().describe('A key of certificates: HTTPS on 443 with it, and HTTP on 80 redirecting there').meta(computedDefault("none: HTTP on 80 only")),
  additionalCertificates: uniqueList(z.string()).max(25).default([]).describe('More keys of certificates, served by SNI on the same HTTPS listener; needs certificate, the default'),
  sslPolicy: z.enum(TLS12_SSL_POLICIES, { error: `use a TLS 1.2+ policy: one of ${TLS12_SSL_POLICIES.join(', ')}` }).default('ELBSecurityPolicy-TLS13-1-2-2021-06').describe('The HTTPS listener\'s TLS policy; TLS 1.2+ policies only'),
  idleTimeoutSeconds: positiveInt.max(4000).default(60).describe('Idle connection timeout, 1-4000'),
  /** @default 0.0.0.0/0, or the VPC CIDR for an internal load balancer */
  allowedCidrs: uniqueList(cidrSchema).min(1).optional().describe('Who may connect, on the listener ports only').meta(computedDefault("[0.0.0.0/0]")),
  accessLogs: z.boolean().default(true).describe('Access logs to a bucket created for them: private, SSE-S3, TLS only'),
  /** @default 90 */
  accessLogExpiryDays: positiveInt.max(3650).default(90).describe('Days access logs are kept'),
  deletionProtection: z.boolean().default(true).describe('Refuse to delete the load balancer'),
  waf: wafSchema.prefault({}).describe('A WAFv2 web ACL on the load balancer: AWS managed rule groups, a rate limit per client IP, logs to aws-waf-logs-<prefix>'),
});

const domainName = z.string().regex(/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'not a domain name (lowercase, for example api.example.com or *.example.com)');

const hostedZoneId = z.string().regex(/^Z[A-Z0-9]{1,31}$/, 'a hosted zone ID looks like Z0123456789ABCDEFGHIJ');

const certificateSchema = strictObject({
  domain: domainName.optional().describe('The certificate\'s domain, for a new DNS-validated certificate'),
  subjectAlternativeNames: uniqueList(domainName).max(99).default([]).describe('More names on the certificate, *. allowed'),
  hostedZoneId: hostedZoneId.optional().describe('Create the validation records in this zone and wait for issuance').meta(computedDefault("dns.hostedZoneId; absent: an output lists the records")),
  arn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, 'an ACM certificate ARN looks like arn:aws:acm:REGION:ACCOUNT:certificate/ID').optional()
    .describe('An existing ACM certificate of this account and region, used as it is (instead of domain)'),
}).superRefine((c, ctx) => {
  if ((c.domain === undefined) === (c.arn === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['domain'], message: 'a certificate has either domain (a new certificate) or arn (an existing one)' });
  }
  if (c.arn !== undefined && (c.subjectAlternativeNames.length > 0 || c.hostedZoneId !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['arn'], message: 'an existing certificate (arn) takes no subjectAlternativeNames or hostedZoneId; remove them' });
  }
});

const dnsSchema = strictObject({
  hostedZoneId: hostedZoneId.describe('Route 53 zone of the alias records (A and AAAA) for every routing.hosts entry, and of certificate validation records'),
  domain: domainName.optional().describe('The zone\'s domain; set, every routing host must be inside it'),
});

/** A full image reference: optional registry, path, and a tag or digest. */
const IMAGE_REFERENCE = /^([a-z0-9.-]+(:[0-9]+)?\/)?[a-z0-9._\/-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$/;

/**
 * Why an image reference is refused, or undefined. A reference whose first
 * segment is no registry host (reports:0.1.0, team/app:1) would be pulled
 * from Docker Hub without a word; it must say which registry it means.
 */
export function imageReferenceProblem(reference: string): string | undefined {
  if (!IMAGE_REFERENCE.test(reference)) {
    return 'a full image reference needs a registry and a tag or digest, for example public.ecr.aws/nginx/nginx:1.27 (for an ECR repository of this environment use { repository, tag })';
  }
  const first = reference.split('/')[0]!;
  if (reference.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return undefined;
  const at = reference.search(/[:@][^/]*$/);
  const name = reference.slice(0, at);
  const version = reference.slice(at);
  const tag = version.startsWith(':') ? version.slice(1) : 'TAG';
  const hub = `docker.io/${name.includes('/') ? name : `library/${name}`}${version}`;
  return `"${reference}" names no registry, so it would silently come from Docker Hub; write image: { repository: ${name}, tag: "${tag}" } for this environment's ECR repository, or image: ${hub} for Docker Hub`;
}

/** Tags that name a moving target: with immutable tags they cannot be pushed twice, and deployments would not say which build runs. */
export const MUTABLE_TAGS: readonly string[] = ['latest', 'stable', 'edge', 'nightly', 'main', 'master', 'develop', 'dev', 'current', 'snapshot', 'head', 'canary'];

export const imageSchema = z.union([
  z.string().superRefine((reference, ctx) => {
    const problem = imageReferenceProblem(reference);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  strictObject({
    repository: z.string().regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, 'ECR repository names are lowercase letters, digits, and . _ - / between them')
      .describe('Repository key; the ECR repository is <project>/<environment>/<repository>'),
    tag: z.string({ error: 'quote the tag in YAML, for example "1.4.2"' }).regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'image tags are 1-128 letters, digits, _ . -, not starting with . or -')
      .describe('Image tag: a version or build ID (moving tags such as latest are refused while registry.immutableTags is true)'),
  }),
]).describe('{ repository, tag } for an ECR repository of this environment, or a full reference with a registry and a tag or digest (public.ecr.aws/nginx/nginx:1.27, docker.io/library/nginx:1.27, 123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.2)');

const secretSchema = z.union([
  strictObject({
    /** A Secrets Manager secret name or ARN. */
    secretsManager: z.string().superRefine(refuse(secretNameProblem)).describe('A Secrets Manager secret name or ARN'),
    /** A JSON key inside the secret. */
    key: z.string().min(1).optional().describe('A JSON key inside the secret').meta(computedDefault("the whole secret")),
  }),
  strictObject({
    /** An SSM parameter name (/path/name) or ARN. */
    ssm: z.string().regex(/^(\/[A-Za-z0-9_.-]+)+$|^arn:aws[a-z-]*:ssm:/, 'an SSM parameter is a path like /shop/prod/flags or an ARN').describe('An SSM parameter name (/path) or ARN'),
  }),
], { error: 'a secret is { secretsManager: NAME_OR_ARN, key: JSON_KEY } or { ssm: /parameter/name }' });

const routingSchema = strictObject({
  hosts: z.array(z.string().regex(/^[A-Za-z0-9*?.-]{1,128}$/, 'not a host name pattern')).default([]).describe('Host names that route here; with paths, both must match (at least one host or path, 5 at most together)'),
  paths: z.array(z.string().regex(/^\/[A-Za-z0-9_\-.$\/~"'@:+*?&=]{0,127}$/, 'paths start with / (for example /api/*)')).default([]).describe('Path patterns that route here, for example /api/*'),
  priority: z.number().int().min(1).max(50000).describe('Listener rule priority, 1-50000, unique in the environment (required with routing)'),
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
  path: z.string().startsWith('/').default('/').describe('Load balancer health check path'),
  matcher: z.string().regex(/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/, 'a matcher is HTTP codes like 200 or 200-399').default('200-399').describe('HTTP codes that mean healthy'),
  intervalSeconds: z.number().int().min(5).max(300).default(30).describe('Seconds between checks'),
  timeoutSeconds: z.number().int().min(2).max(120).default(5).describe('Seconds a check may take, below intervalSeconds'),
  healthyThreshold: z.number().int().min(2).max(10).default(3).describe('Passes in a row before healthy'),
  unhealthyThreshold: z.number().int().min(2).max(10).default(3).describe('Failures in a row before unhealthy'),
  /** Container health check, run by the shell in the container. */
  command: z.string().min(1).optional().describe('Container health check, run by the shell; exit 0 means healthy'),
  gracePeriodSeconds: nonNegativeInt.max(2147483647).default(60).describe('Seconds after a task starts before load balancer health checks count'),
  retries: z.number().int().min(1).max(10).default(3).describe('Container health check: failures in a row before the container is unhealthy, 1-10; intervalSeconds and timeoutSeconds apply to it too'),
  startPeriodSeconds: z.number().int().min(0).max(300).optional().describe('Container health check: seconds after start before failures count, 0-300').meta(computedDefault("gracePeriodSeconds, at most 300")),
}).superRefine((h, ctx) => {
  if (h.timeoutSeconds >= h.intervalSeconds) {
    ctx.addIssue({ code: 'custom', path: ['timeoutSeconds'], message: `timeoutSeconds ${h.timeoutSeconds} must be below intervalSeconds ${h.intervalSeconds}; the load balancer refuses a check that times out after the next one starts` });
  }
});

const deploymentSchema = strictObject({
  minHealthyPercent: nonNegativeInt.max(100).default(100).describe('Healthy tasks kept during a deployment, percent of desiredCount'),
  maxPercent: z.number().int().min(100).max(200).default(200).describe('Tasks allowed during a deployment, percent of desiredCount'),
  circuitBreaker: z.boolean().default(true).describe('Stop a failing deployment and roll back'),
  externalImageUpdates: z.boolean().default(false).describe('A CI pipeline registers task definitions and updates the service; Terraform stops reverting them and stops rolling out its own'),
}).superRefine((d, ctx) => {
  if (d.minHealthyPercent === 100 && d.maxPercent === 100) {
    ctx.addIssue({ code: 'custom', path: ['maxPercent'], message: 'with minHealthyPercent 100 the service needs maxPercent above 100 to deploy' });
  }
});

const scheduleSchema = strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'schedule names are 1-64 letters, digits, _ -').describe('The schedule\'s name, unique in the service'),
  cron: z.string().superRefine(refuse(scheduleProblem)).describe('When: cron(minutes hours day-of-month month day-of-week year) with ? in one of the day fields, rate(...) or at(...)'),
  timezone: z.string().superRefine(refuse(timeZoneProblem)).optional().describe('An IANA time zone, for example Europe/Berlin').meta(computedDefault("UTC")),
  min: nonNegativeInt.describe('Fewest tasks from then on'),
  max: nonNegativeInt.describe('Most tasks from then on'),
}).superRefine((s, ctx) => {
  if (s.min > s.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `min ${s.min} is above max ${s.max}` });
});

const autoscalingSchema = strictObject({
  min: nonNegativeInt.max(5000).describe('Fewest tasks (required with autoscaling)'),
  max: positiveInt.max(5000).describe('Most tasks, at least min (required with autoscaling)'),
  cpuTarget: percent.optional().describe('Average CPU percent to hold'),
  memoryTarget: percent.optional().describe('Average memory percent to hold'),
  requestsPerTarget: positiveInt.optional().describe('Load balancer requests per task to hold; needs routing'),
  scaleOutCooldownSeconds: nonNegativeInt.default(60).describe('Seconds after scaling out before scaling out again'),
  scaleInCooldownSeconds: nonNegativeInt.default(300).describe('Seconds after scaling in before scaling in again'),
  schedules: z.array(scheduleSchema).default([]).describe('Scheduled min/max changes: [{ name, cron, timezone, min, max }]'),
  queue: queueScalingSchema.optional(),
}).superRefine((a, ctx) => {
  if (a.min > a.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `min ${a.min} is above max ${a.max}` });
  if (a.cpuTarget === undefined && a.memoryTarget === undefined && a.requestsPerTarget === undefined && a.schedules.length === 0 && a.queue === undefined) {
    ctx.addIssue({ code: 'custom', path: [], message: 'autoscaling needs cpuTarget, memoryTarget, requestsPerTarget, queue or schedules' });
  }
  const names = new Set<string>();
  a.schedules.forEach((s, i) => {
    if (names.has(s.name)) ctx.addIssue({ code: 'custom', path: ['schedules', i, 'name'], message: `schedule name "${s.name}" is used twice` });
    names.add(s.name);
  });
});

const alarmThresholdsSchema = strictObject({
  cpuPercent: percent.optional().describe('Alarm above this average CPU percent').meta(computedDefault("monitoring.thresholds.cpuPercent")),
  memoryPercent: percent.optional().describe('Alarm above this average memory percent').meta(computedDefault("monitoring.thresholds.memoryPercent")),
  http5xxPerMinute: nonNegativeInt.optional().describe('Alarm above this many 5XX responses a minute').meta(computedDefault("monitoring.thresholds.http5xxPerMinute")),
  targetResponseTimeSeconds: z.number().positive().optional().describe('Alarm above this average response time').meta(computedDefault("monitoring.thresholds.targetResponseTimeSeconds")),
});

const securityGroupId = z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'a security group ID looks like sg-0123456789abcdef0');
/** A POSIX user as UID:GID, never root. */
const posixUser = z.string().regex(/^\d{1,10}:\d{1,10}$/, 'a POSIX user is UID:GID in quotes, for example "10001:10001"')
  .refine((u) => !u.startsWith('0:'), 'UID 0 is root; use a non-root UID, for example "10001:10001"');

/** ECS ulimit names. */
const ULIMIT_NAMES = ['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack'] as const;

const ulimitSchema = strictObject({
  name: z.enum(ULIMIT_NAMES).describe('The limit, for example nofile'),
  soft: nonNegativeInt.describe('Soft limit'),
  hard: nonNegativeInt.describe('Hard limit, at least soft'),
}).superRefine((u, ctx) => {
  if (u.soft > u.hard) ctx.addIssue({ code: 'custom', path: ['soft'], message: `soft ${u.soft} is above hard ${u.hard}` });
});

const mountPointSchema = strictObject({
  volume: z.string().min(1).describe('A key of the service\'s volumes'),
  path: z.string().regex(/^\/[A-Za-z0-9_.\/-]*$/, 'a mount path is absolute, for example /var/lib/app').describe('Where the volume appears in the container'),
  readOnly: z.boolean().default(false).describe('Mount read-only'),
});

/** The name by which dependsOn and routing refer to a service's main container. */
export const MAIN_CONTAINER = 'app';

const dependsOnSchema = strictObject({
  container: z.string().min(1).describe(`A sidecar of the same service, or "${MAIN_CONTAINER}" for the main container`),
  condition: z.enum(['START', 'COMPLETE', 'SUCCESS', 'HEALTHY']).default('START').describe('START, COMPLETE (exited), SUCCESS (exited 0) or HEALTHY (its health check passes)'),
});

/** Settings every container takes, the main one and sidecars alike. */
const containerSettings = {
  user: z.string().regex(/^\d{1,10}(:\d{1,10})?$/, 'a user is a numeric UID or UID:GID in quotes, for example "10001:10001"')
    .refine((u) => !/^0(:|$)/.test(u), 'UID 0 is root; run as a non-root UID, for example "10001:10001"')
    .optional().describe('Run as this non-root UID or UID:GID').meta(computedDefault("the image's user")),
  ulimits: z.array(ulimitSchema).default([]).describe('Resource limits, [{ name, soft, hard }], beyond Fargate\'s own'),
  workingDirectory: z.string().regex(/^\/[A-Za-z0-9_.\/-]*$/, 'a working directory is an absolute path').optional().describe('Working directory of the command').meta(computedDefault("the image's")),
  dockerLabels: z.record(z.string().regex(/^[A-Za-z0-9_.\/-]{1,255}$/, 'label names are letters, digits, _ . / -'), z.string().max(4096)).default({}).describe('Docker labels on the container'),
  mountPoints: z.array(mountPointSchema).default([]).describe('Volumes of the service mounted in this container: [{ volume, path, readOnly }]'),
  dependsOn: z.array(dependsOnSchema).default([]).describe('Containers of the task that must reach a condition before this one starts'),
};

const sidecarHealthCheckSchema = strictObject({
  command: z.string().min(1).describe('Shell command; exit 0 means healthy'),
  intervalSeconds: z.number().int().min(5).max(300).default(30).describe('Seconds between checks, 5-300'),
  timeoutSeconds: z.number().int().min(2).max(60).default(5).describe('Seconds a check may take, 2-60'),
  retries: z.number().int().min(1).max(10).default(3).describe('Failures in a row before unhealthy, 1-10'),
  startPeriodSeconds: z.number().int().min(0).max(300).default(0).describe('Seconds after start before failures count, 0-300'),
});

const sidecarSchema = strictObject({
  image: imageSchema,
  cpu: nonNegativeInt.max(16384).default(0).describe('CPU units reserved for this container, out of the task\'s cpu; 0: a share of what is left'),
  memory: positiveInt.optional().describe('Hard memory limit in MiB, out of the task\'s memory').meta(computedDefault("no limit of its own")),
  essential: z.boolean().default(true).describe('The task stops when this container stops'),
  port: z.number().int().min(1).max(65535).optional().describe('A port the container listens on, reachable within the task').meta(computedDefault("none; load balancer traffic goes to the main container")),
  command: z.array(z.string()).optional().describe('Command').meta(computedDefault("the image's")),
  environment: z.record(envVarName, z.union([z.string(), z.number(), z.boolean()])).default({}).describe('Plain environment variables'),
  secrets: z.record(envVarName, secretSchema).default({}).describe('Secrets as environment variables; the execution role may read exactly these'),
  healthCheck: sidecarHealthCheckSchema.optional().describe('Container health check'),
  readonlyRootFilesystem: z.boolean().default(true).describe('Read-only root filesystem with a writable /tmp'),
  stopTimeoutSeconds: z.number().int().min(2).max(120).default(30).describe('Seconds between SIGTERM and SIGKILL, 2-120'),
  ...containerSettings,
}).superRefine((c, ctx) => {
  for (const name of Object.keys(c.secrets)) {
    if (Object.hasOwn(c.environment, name)) ctx.addIssue({ code: 'custom', path: ['secrets', name], message: `${name} is also in environment; a variable comes from one or the other` });
  }
});

const volumeSchema = strictObject({
  efs: strictObject({
    fileSystem: z.string().regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$|^[a-z]$/, 'file system names are 1-32 lowercase letters, digits and hyphens').optional()
      .describe('The environment\'s file system to use; services naming the same one share it').meta(computedDefault("the volume key")),
    rootDirectory: z.string().regex(/^\/[A-Za-z0-9_.\/-]*$/, 'a root directory is an absolute path, for example /data').optional()
      .describe('The directory of the file system this service sees as its root, created on first use').meta(computedDefault("/<volume key>")),
    posixUser: posixUser.optional().describe('UID:GID every file operation runs as, and owner of the root directory').meta(computedDefault("the service's user when it is UID:GID, else \"1000:1000\"")),
    permissions: z.string().regex(/^0?[0-7]{3}$/, 'permissions are octal, for example "0750"').default('0750').describe('Mode of a newly created root directory'),
  }).optional().describe('A persistent EFS file system: encrypted, mounted with TLS and IAM through an access point'),
  ephemeral: strictObject({
    sizeGiB: z.number().int().min(21).max(200).default(21).describe('The task\'s Fargate ephemeral storage, 21-200 GiB; 21 is the free amount'),
  }).optional().describe('Scratch space on the task\'s ephemeral storage, gone when the task stops'),
}).superRefine((v, ctx) => {
  if ((v.efs === undefined) === (v.ephemeral === undefined)) {
    ctx.addIssue({ code: 'custom', path: [], message: 'a volume is either { efs: { ... } } or { ephemeral: { sizeGiB } }' });
  }
});

/** An S3 bucket, SQS queue or SNS topic: a name in this account and region, or an ARN. */
const bucketRef = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$|^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'a bucket is an S3 bucket name or arn:aws:s3:::NAME');
const queueRef = z.string().regex(/^[A-Za-z0-9_-]{1,75}(\.fifo)?$|^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,75}(\.fifo)?$/, 'a queue is an SQS queue name or ARN');
const topicRef = z.string().regex(/^[A-Za-z0-9_-]{1,251}(\.fifo)?$|^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,251}(\.fifo)?$/, 'a topic is an SNS topic name or ARN');

const statementSchema = strictObject({
  sid: z.string().regex(/^[A-Za-z0-9]{1,100}$/, 'a statement ID is letters and digits').optional().describe('Statement ID').meta(computedDefault("Declared<position>")),
  effect: z.enum(['Allow', 'Deny']).default('Allow').describe('Allow or Deny'),
  actions: z.array(z.string().regex(/^\*$|^[a-z0-9-]+:[A-Za-z0-9*?]+$/, 'actions look like service:Action, for example sqs:SendMessage')).min(1).describe('IAM actions, service:Action; * or service:* only with a waiver of iam-no-wildcards'),
  resources: z.array(z.string().regex(/^\*$|^arn:/, 'resources are ARNs (arn:PARTITION:SERVICE:REGION:ACCOUNT:...)')).min(1).describe('ARNs in this environment\'s partition, region and account; * only with a waiver of iam-no-wildcards'),
  conditions: z.record(z.string().regex(/^[A-Za-z]+$/, 'a condition operator looks like StringEquals'), z.record(z.string().min(1), z.union([z.string(), z.array(z.string()).min(1)])))
    .optional().describe('IAM conditions, { Operator: { key: value or [values] } }'),
});

const taskRoleSchema = strictObject({
  statements: z.array(statementSchema).default([]).describe('Policy statements of the task role: [{ effect, actions, resources, conditions }]'),
  s3Buckets: strictObject({
    read: z.array(bucketRef).default([]).describe('s3:ListBucket on the bucket, s3:GetObject on its objects'),
    write: z.array(bucketRef).default([]).describe('s3:PutObject and s3:AbortMultipartUpload on its objects'),
  }).prefault({}).describe('S3 buckets by name or ARN'),
  sqsQueues: strictObject({
    send: z.array(queueRef).default([]).describe('sqs:SendMessage, sqs:GetQueueAttributes, sqs:GetQueueUrl'),
    receive: z.array(queueRef).default([]).describe('sqs:ReceiveMessage, sqs:DeleteMessage, sqs:ChangeMessageVisibility, sqs:GetQueueAttributes, sqs:GetQueueUrl'),
  }).prefault({}).describe('SQS queues by name (this account and region) or ARN'),
  snsTopics: strictObject({
    publish: z.array(topicRef).default([]).describe('sns:Publish'),
  }).prefault({}).describe('SNS topics by name (this account and region) or ARN'),
  managedPolicyArns: uniqueList(z.string().regex(/^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/[A-Za-z0-9+=,.@_\/-]{1,128}$/, 'a managed policy ARN looks like arn:aws:iam::123456789012:policy/NAME'),
  (arn) => addressPart(arn.split(':policy/')[1] ?? arn)).max(10).default([]).describe('Existing managed policies attached to the task role'),
});

const egressPorts = z.array(z.number().int().min(1).max(65535)).min(1).max(10).default([443]).describe('TCP ports');

/** One destination a service may reach; absent `egress`: every address on every port. */
const egressSchema = z.union([
  strictObject({ cidr: cidrSchema.describe('An IPv4 CIDR'), ports: egressPorts }),
  strictObject({ prefixList: z.string().regex(/^pl-[0-9a-f]{8,17}$/, 'a prefix list ID looks like pl-0123456789abcdef0').describe('A managed prefix list (an S3 or DynamoDB gateway endpoint\'s, for example)'), ports: egressPorts }),
  strictObject({ vpc: z.literal(true).describe('The VPC\'s own CIDR (network.cidr)'), ports: egressPorts }),
  strictObject({ service: z.string().describe('Another service of the environment, on its port; it needs serviceDiscovery (which admits the other services)') }),
], { error: 'an egress entry is one of { cidr, ports }, { prefixList, ports }, { vpc: true, ports } or { service }' });

const serviceSchema = strictObject({
  image: imageSchema,
  cpu: z.number().refine((v) => FARGATE_CPU_VALUES.includes(v), { message: `Fargate cpu is one of ${FARGATE_CPU_VALUES.join(', ')}` }).describe('Task CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384, with a memory Fargate pairs with it (required)'),
  memory: positiveInt.describe('Task memory in MiB: 256 takes 512-2048; 512 takes 1024-4096; 1024 takes 2048-8192; 2048 takes 4096-16384; 4096 takes 8192-30720 (1024 steps); 8192 takes 16384-61440 (4096 steps); 16384 takes 32768-122880 (8192 steps) (required)'),
  port: z.number().int().min(1).max(65535).optional().describe('The container port; needed for routing and for discovery traffic').meta(computedDefault("none: no inbound traffic")),
  /** @default autoscaling.min, or 1 without autoscaling */
  desiredCount: nonNegativeInt.max(5000).optional().describe('Tasks to run; within autoscaling.min..max when autoscaling').meta(computedDefault("autoscaling.min, or 1 without autoscaling")),
  /** @default cluster.capacity */
  capacity: capacitySchema.optional().describe('As cluster.capacity, for this service').meta(computedDefault("cluster.capacity")),
  cpuArchitecture: z.enum(['X86_64', 'ARM64']).default('X86_64').describe('X86_64 or ARM64; ARM64 only with on-demand capacity, since Fargate Spot runs no ARM64'),
  command: z.array(z.string()).optional().describe('The container\'s command, a list of strings').meta(computedDefault("the image's")),
  environment: z.record(envVarName, z.union([z.string(), z.number(), z.boolean()])).default({}).describe('Environment variables, name -> string, number or boolean; quote numbers whose text matters ("1.10")'),
  secrets: z.record(envVarName, secretSchema).default({}).describe('Secrets as environment variables, name -> { secretsManager: NAME_OR_ARN, key: JSON_KEY } or { ssm: /parameter/name or ARN }; the execution role may read exactly these'),
  routing: routingSchema.optional().describe('Load balancer routing to this service: { hosts, paths, priority }; needs a port'),
  healthCheck: healthCheckSchema.prefault({}).describe('Load balancer and container health checks'),
  deployment: deploymentSchema.prefault({}).describe('Rolling deployments: { minHealthyPercent, maxPercent, circuitBreaker, externalImageUpdates }'),
  autoscaling: autoscalingSchema.optional().describe('Target tracking and schedules: min, max, and any of cpuTarget, memoryTarget, requestsPerTarget, schedules').meta(computedDefault("none: desiredCount tasks")),
  serviceDiscovery: z.boolean().default(false).describe('Register in Cloud Map as <name>.<project>-<environment>.local'),
  exec: z.boolean().default(false).describe('ECS Exec, with sessions logged to an encrypted log group'),
  readonlyRootFilesystem: z.boolean().default(true).describe('A read-only root filesystem, with a writable /tmp volume mounted'),
  stopTimeoutSeconds: z.number().int().min(2).max(120).default(30).describe('Seconds between SIGTERM and SIGKILL, 2-120'),
  /** @default logRetentionDays */
  logRetentionDays: retentionDays.optional().describe('Retention of the service\'s log group').meta(computedDefault("logRetentionDays")),
  alarms: alarmThresholdsSchema.prefault({}).describe('This service\'s alarm thresholds: cpuPercent, memoryPercent, http5xxPerMinute, targetResponseTimeSeconds'),
  sidecars: namedMap(sidecarSchema).default({}).describe(`More containers in the same task (collector, agent, proxy), by name; dependsOn refers to the main container as "${MAIN_CONTAINER}"`),
  volumes: namedMap(volumeSchema).default({}).describe('Volumes containers mount with mountPoints: { efs: {...} } or { ephemeral: { sizeGiB } }'),
  taskRole: taskRoleSchema.prefault({}).describe('What the application may do beyond the grants of databases and tables: statements, shorthands for S3, SQS and SNS, managed policies'),
  securityGroupIds: z.array(securityGroupId).max(4).default([]).describe('Existing security groups the tasks join besides their own'),
  egress: z.array(egressSchema).min(1).max(20).optional()
    .describe('Where the tasks may connect: CIDRs, prefix lists or the VPC on TCP ports, and other services; the databases that list the service and the file systems it mounts are added. Tasks reach AWS APIs and registries on 443 (through NAT: { cidr: 0.0.0.0/0, ports: [443] }, or VPC endpoints)').meta(computedDefault("every address on every port, reported by the ecs-open-egress guardrail")),
  assignPublicIp: z.boolean().optional().describe('Public IP addresses on the tasks, in public subnets').meta(computedDefault("true only in a new VPC with natGateways none; only where the network allows it")),
  teleport: serviceTeleportSchema.prefault({}).describe('Teleport access to this service: { app, ssh }'),
  ...containerSettings,
}).superRefine((s, ctx) => {
  if (s.healthCheck.command !== undefined && s.healthCheck.timeoutSeconds > 60) {
    ctx.addIssue({ code: 'custom', path: ['healthCheck', 'timeoutSeconds'], message: `a container health check times out after 60 seconds at most; set timeoutSeconds to 60 or less` });
  }
  const allowed = FARGATE_MEMORY_BY_CPU[s.cpu];
  if (allowed && !allowed.includes(s.memory)) {
    ctx.addIssue({ code: 'custom', path: ['memory'], message: `${s.memory} is not a valid Fargate memory for cpu ${s.cpu}; use one of ${allowed.join(', ')}` });
  }
  if (s.autoscaling && s.desiredCount !== undefined && (s.desiredCount < s.autoscaling.min || s.desiredCount > s.autoscaling.max)) {
    ctx.addIssue({ code: 'custom', path: ['desiredCount'], message: `desiredCount ${s.desiredCount} is outside autoscaling min ${s.autoscaling.min} .. max ${s.autoscaling.max}; set it within that range` });
  }
  for (const name of Object.keys(s.secrets)) {
    if (Object.hasOwn(s.environment, name)) {
      ctx.addIssue({ code: 'custom', path: ['secrets', name], message: `${name} is also in environment; a variable comes from one or the other` });
    }
  }
});

/** A job's main container takes a service's settings but mountPoints: a job has no volumes. */
const { mountPoints: _volumesOfServicesOnly, ...jobContainerSettings } = containerSettings;

/** A scheduled job: its own keys (jobs-schema.ts) and the container keys of a service. */
const jobSchema = strictObject({
  image: imageSchema,
  cpu: z.number().refine((v) => FARGATE_CPU_VALUES.includes(v), { message: `Fargate cpu is one of ${FARGATE_CPU_VALUES.join(', ')}` }).describe('Task CPU units, as services.<name>.cpu (required)'),
  memory: positiveInt.describe('Task memory in MiB, a valid Fargate pair with cpu, as services.<name>.memory (required)'),
  capacity: capacitySchema.optional().describe('onDemand, spot or a mix, as cluster.capacity; FARGATE_SPOT suits a job that may be retried').meta(computedDefault("cluster.capacity")),
  environment: z.record(envVarName, z.union([z.string(), z.number(), z.boolean()])).default({}).describe('Environment variables, as services.<name>.environment'),
  secrets: z.record(envVarName, secretSchema).default({}).describe('Secrets as environment variables, as services.<name>.secrets; the execution role may read exactly these'),
  sidecars: namedMap(sidecarSchema).default({}).describe(`More containers in the task, as services.<name>.sidecars; dependsOn names the main container "${MAIN_CONTAINER}"`),
  taskRole: taskRoleSchema.prefault({}).describe('What the job may do beyond the grants of queues, as services.<name>.taskRole'),
  egress: z.array(egressSchema).min(1).max(20).optional().describe('Where the tasks may connect, as services.<name>.egress').meta(computedDefault("every address on every port, reported by the ecs-open-egress guardrail")),
  securityGroupIds: z.array(securityGroupId).max(4).default([]).describe('Existing security groups the tasks join besides their own'),
  logRetentionDays: retentionDays.optional().describe('Retention of the job\'s log group').meta(computedDefault("logRetentionDays")),
  ...jobKeys,
  ...jobContainerSettings,
}).superRefine((j, ctx) => {
  const allowed = FARGATE_MEMORY_BY_CPU[j.cpu];
  if (allowed && !allowed.includes(j.memory)) {
    ctx.addIssue({ code: 'custom', path: ['memory'], message: `${j.memory} is not a valid Fargate memory for cpu ${j.cpu}; use one of ${allowed.join(', ')}` });
  }
  for (const name of Object.keys(j.secrets)) {
    if (Object.hasOwn(j.environment, name)) ctx.addIssue({ code: 'custom', path: ['secrets', name], message: `${name} is also in environment; a variable comes from one or the other` });
  }
});

const databaseSchema = strictObject({
  engine: z.enum(['postgres', 'mysql', 'mariadb']).describe('postgres, mysql or mariadb (required)'),
  engineVersion: z.string({ error: 'quote the engine version in YAML, for example "16.4"' }).regex(/^\d+(\.\d+){0,2}$/, 'an engine version looks like "16.4" (quote it in YAML)').describe('The engine version, quoted; it needs a parameter group family (postgres 11-17, mysql 5.7/8.0/8.4, mariadb 10.4-10.11/11.4) (required)'),
  instanceClass: z.string().regex(/^db\.[a-z0-9-]+\.[a-z0-9]+$/, 'an instance class looks like db.t4g.medium').describe('db.<family>.<size>, for example db.t4g.small (required)'),
  allocatedStorage: z.number().int().min(20).max(65536).default(20).describe('Storage in GiB, gp3'),
  /** Storage autoscaling ceiling; absent: no storage autoscaling. */
  maxAllocatedStorage: z.number().int().min(20).max(65536).optional().describe('Storage autoscaling ceiling in GiB, at least allocatedStorage').meta(computedDefault("none: no autoscaling")),
  /** @default the database key, with - replaced by _ */
  databaseName: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/, 'database names are letters, digits and _, starting with a letter, at most 63 characters').optional().describe('The initial database').meta(computedDefault("the key, - as _")),
  username: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,15}$/, 'user names are 1-16 letters, digits and _, starting with a letter')
    .refine((u) => !['admin', 'rdsadmin', 'postgres', 'root', 'rdsrepladmin', 'mysql'].includes(u.toLowerCase()), 'this user name is reserved by the engine or RDS; pick another')
    .default('app_admin').describe('The master user, not a reserved name'),
  multiAz: z.boolean().default(true).describe('A standby in a second zone'),
  backupRetentionDays: z.number().int().min(1).max(35).default(7).describe('Days of automated backups, 1-35'),
  deletionProtection: z.boolean().default(true).describe('Refuse to delete the database'),
  skipFinalSnapshot: z.boolean().default(false).describe('Delete without a final snapshot'),
  /** @default true where the instance class supports it */
  performanceInsights: z.boolean().optional().describe('Performance Insights; an error on classes that do not support it').meta(computedDefault("true where the class supports it")),
  allowedServices: uniqueList(z.string()).default([]).describe('Services that get network access, read access to the connection secret and the DB_* variables, each once'),
  /** Absent: RDS's own schedule for the managed master secret (every 7 days), not managed by Terraform. */
  passwordRotationDays: z.number().int().min(1).max(365).optional()
    .describe('Days between rotations of the master password RDS manages in Secrets Manager, 1-365; set, Terraform manages the schedule. Tasks read DB_*_PASSWORD when they start: restart services after a rotation or connect with a user of your own').meta(computedDefault("none: RDS's own schedule, every 7 days")),
  backupWindow: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'a backup window is hh:mm-hh:mm in UTC, for example "03:00-04:00"')
    .default('03:00-04:00').describe('Daily backup window, hh:mm-hh:mm UTC, at least 30 minutes, apart from the maintenance window'),
  maintenanceWindow: z.string().regex(/^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/, 'a maintenance window is ddd:hh:mm-ddd:hh:mm in UTC, for example "sun:04:30-sun:05:30"')
    .default('sun:04:30-sun:05:30').describe('Weekly maintenance window, ddd:hh:mm-ddd:hh:mm UTC, at least 30 minutes'),
}).superRefine((d, ctx) => {
  if (d.maxAllocatedStorage !== undefined && d.maxAllocatedStorage < d.allocatedStorage) {
    ctx.addIssue({ code: 'custom', path: ['maxAllocatedStorage'], message: `maxAllocatedStorage ${d.maxAllocatedStorage} is below allocatedStorage ${d.allocatedStorage}` });
  }
});

const attributeSchema = strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,255}$/, 'attribute names are 1-255 letters, digits, _ . -').describe('Attribute name'),
  type: z.enum(['S', 'N', 'B']).describe('S (string), N (number) or B (binary); one attribute has one type everywhere'),
});

const capacityUnits = {
  readCapacity: positiveInt.optional().describe('Read capacity units, with PROVISIONED (required then)'),
  writeCapacity: positiveInt.optional().describe('Write capacity units, with PROVISIONED (required then)'),
};

const tableSchema = strictObject({
  billingMode: z.enum(['PAY_PER_REQUEST', 'PROVISIONED']).default('PAY_PER_REQUEST').describe('PAY_PER_REQUEST, or PROVISIONED with readCapacity/writeCapacity on the table and each index'),
  ...capacityUnits,
  hashKey: attributeSchema.describe('The partition key: { name, type: S|N|B } (required)'),
  sortKey: attributeSchema.optional().describe('The sort key: { name, type: S|N|B }'),
  ttl: strictObject({ attribute: z.string().min(1).describe('The attribute holding the expiry time, in epoch seconds') }).optional().describe('Items expire at the time in this attribute: { attribute }'),
  globalSecondaryIndexes: z.array(strictObject({
    name: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'index names are 3-255 letters, digits, _ . -').describe('The index name'),
    hashKey: attributeSchema.describe('The index\'s partition key: { name, type }'),
    sortKey: attributeSchema.optional().describe('The index\'s sort key: { name, type }'),
    projection: z.union([z.enum(['ALL', 'KEYS_ONLY']), strictObject({ include: z.array(z.string()).min(1).max(100).describe('Attributes projected besides the keys') })]).default('ALL').describe('ALL, KEYS_ONLY, or { include: [attributes] }'),
    ...capacityUnits,
  })).max(20).default([]).describe('Indexes: [{ name, hashKey, sortKey, projection, readCapacity, writeCapacity }]'),
  pointInTimeRecovery: z.boolean().default(true).describe('Continuous backups with point-in-time restore'),
  /** @default true in production */
  deletionProtection: z.boolean().optional().describe('Refuse to delete the table').meta(defaultByEnvironment(PRODUCTION_DEFAULTS.tableDeletionProtection)),
  allowedServices: strictObject({
    read: uniqueList(z.string()).default([]).describe('Services that may GetItem, BatchGetItem, Query, Scan, DescribeTable, ConditionCheckItem, each once'),
    write: uniqueList(z.string()).default([]).describe('Services that may PutItem, UpdateItem, DeleteItem, BatchWriteItem, each once'),
  }).prefault({}).describe('Grants: { read: [services], write: [services] }, on the table and its indexes only'),
});

const monitoringSchema = strictObject({
  alarmEmails: uniqueList(z.email('not an email address'), addressPart).default([]).describe('Each gets an email subscription to the alert topic, to confirm by mail'),
  thresholds: strictObject({
    cpuPercent: percent.default(80).describe('Service CPU percent'),
    memoryPercent: percent.default(80).describe('Service memory percent'),
    http5xxPerMinute: nonNegativeInt.default(10).describe('Load balancer 5XX responses a minute per service'),
    targetResponseTimeSeconds: z.number().positive().default(2).describe('Average response time in seconds'),
    databaseCpuPercent: percent.default(80).describe('Database CPU percent'),
    databaseFreeStorageGiB: z.number().positive().default(5).describe('Alarm below this free database storage'),
    databaseFreeMemoryMiB: z.number().positive().default(256).describe('Alarm below this freeable database memory'),
    databaseConnections: positiveInt.default(100).describe('Alarm above this many database connections'),
    cacheCpuPercent: percent.default(80).describe('Cache engine CPU percent, per node'),
    cacheMemoryPercent: percent.default(80).describe('Cache memory used percent, per node'),
  }).prefault({}).describe('Alarm thresholds of every service and database (per service: services.<name>.alarms)'),
  dashboard: z.boolean().default(true).describe('A CloudWatch dashboard of the environment\'s services, load balancer, databases, tables, caches and firewall'),
  alarms: strictObject({
    enabled: z.boolean().default(true).describe('false: no alarms and no alert topic in this environment; production needs a waiver of alarms-enabled'),
    services: z.boolean().default(true).describe('CPU, memory and running-task alarms per service'),
    targets: z.boolean().default(true).describe('5XX, response-time and unhealthy-host alarms per routed service'),
    loadBalancer: z.boolean().default(true).describe('The load balancer\'s own 5XX alarm'),
    databases: z.boolean().default(true).describe('CPU, storage, memory and connection alarms per database'),
    tables: z.boolean().default(true).describe('Throttle alarms per table'),
    caches: z.boolean().default(true).describe('Engine CPU, memory and eviction alarms per cache node'),
  }).prefault({}).describe('Which alarms the environment creates; synth prints how many'),
  topicArn: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'an SNS topic ARN looks like arn:aws:sns:REGION:ACCOUNT:NAME').optional()
    .describe('Send alarms to this existing SNS topic (same region) instead of creating <prefix>-alerts').meta(computedDefault("a topic is created")),
});

const guardrailsSchema = strictObject({
  /** Rule ID -> the reason a rule does not apply here. */
  waivers: z.record(z.string(), z.string().trim().min(10, 'give the reason for the waiver in a sentence')).default({}).describe('Guardrail rule ID -> the reason it does not apply here (a sentence); reported on every check, never silent'),
});

/** GitHub logins: 1-39 letters, digits and single hyphens, not starting or ending with one. */
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

const gitopsSchema = strictObject({
  /** Apply a plan without an approval. @default true outside production; production applies always need an approval */
  autoApply: z.boolean().optional().describe('Apply plans of the default branch without an approval; production always needs one').meta(defaultByEnvironment(PRODUCTION_DEFAULTS.autoApply)),
  /** GitHub logins who may approve runs and comment /plan and /apply. @default [] (nobody: every apply that needs an approval waits) */
  approvers: z.array(z.string().regex(GITHUB_LOGIN, 'must be a GitHub login (letters, digits and single hyphens, at most 39)')).default([]).describe('GitHub logins who may approve runs and comment /apply; a production environment needs at least one'),
  /** Plan pull requests from forks (their plans run with no credentials and are never applied). @default false */
  allowForks: z.boolean().default(false).describe('Plan pull requests from forks (never applied)'),
});

/** One service's usage for the cost estimate (src/cost/assumptions.ts ServiceUsage). */
const serviceUsageSchema = strictObject({
  tasks: z.number().min(0).max(10000).optional().describe('Tasks running on average, instead of the desired count and schedules').meta(computedDefault("those")),
  requestsPerSecond: z.number().min(0).optional().describe('Requests a second the load balancer routes to this service; the routed services without one share albRequestsPerSecond').meta(computedDefault("a share of albRequestsPerSecond")),
  logGbPerDay: z.number().min(0).optional().describe('GB of logs the service writes a day; the log groups without one share logGbPerDay').meta(computedDefault("a share of logGbPerDay")),
});

/** Per-resource usage of the cost estimate, by the names of the environment file. */
const costOverridesSchema = strictObject({
  services: z.record(z.string(), serviceUsageSchema).default({}).describe('Service name -> its usage: tasks, requestsPerSecond, logGbPerDay'),
});

/** Usage the cost estimate cannot read from the stack (src/cost/assumptions.ts has the same defaults). */
const costSchema = strictObject({
  natGbPerMonth: z.number().min(0).default(100).describe('Cost estimate: GB processed by the NAT gateways a month, all together'),
  albRequestsPerSecond: z.number().min(0).default(5).describe('Cost estimate: average requests a second through the load balancer, for its LCUs'),
  logGbPerDay: z.number().min(0).default(1).describe('Cost estimate: GB of logs ingested a day, all log groups together'),
  dynamodbReadsPerSecond: z.number().min(0).default(5).describe('Cost estimate: average reads a second of each on-demand table'),
  dynamodbWritesPerSecond: z.number().min(0).default(1).describe('Cost estimate: average writes a second of each on-demand table, each also written to every index'),
  dynamodbStorageGb: z.number().min(0).default(1).describe('Cost estimate: GB stored in each DynamoDB table'),
  ecrStorageGb: z.number().min(0).default(1).describe('Cost estimate: GB of images kept in each ECR repository'),
  efsStorageGb: z.number().min(0).default(10).describe('Cost estimate: GB stored in each EFS file system'),
  s3StorageGb: z.number().min(0).default(1).describe('Cost estimate: GB stored in each S3 bucket of the environment other than the load balancer\'s access logs, which are priced from the requests'),
  sqsRequestsMillionPerQueue: z.number().min(0).default(1).describe('Cost estimate: million SQS requests a month of each queue, dead-letter queues aside'),
  jobRunMinutes: z.number().min(0).max(1440).default(10).describe('Cost estimate: minutes each run of a scheduled job takes'),
  /** USD a month: an AWS Budgets cost budget of the environment's Environment tag, alerting at 80% actual and 100% forecast. @default no budget */
  /** The AWS account's creation date: chooses the free-tier rules of `cost --free-tier`. @default unknown: always-free allowances only */
  accountCreated: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a date, YYYY-MM-DD (quote it: "2024-03-01")').optional().describe('Cost estimate: the AWS account\'s creation date, YYYY-MM-DD; before 2025-07-15 the 12-month free-tier allowances apply in its first 12 months, from then the Free plan\'s credits').meta(computedDefault("unknown, always-free allowances only")),
  monthlyBudget: z.number().positive().max(1e9).optional().describe('USD a month: an AWS Budgets cost budget of the resources tagged with this environment, alerts at 80% actual and 100% forecast to monitoring.topicArn or alarmEmails'),
  /** Fargate Spot's discount off on-demand. @default the region's, from the price table (src/cost/prices.ts, SPOT_DISCOUNT_SOURCE) */
  spotDiscount: z.number().min(0).max(0.9).optional().describe('Cost estimate: Fargate Spot\'s discount off on-demand prices, 0-0.9; Spot prices move').meta(computedDefault("the region's in the price table, 0.6704 as of 2025-01-15")),
  /** Usage of named resources instead of the environment-wide figures. @default none */
  overrides: costOverridesSchema.prefault({}).describe('Cost estimate: usage of named services instead of the environment-wide assumptions'),
});

export const environmentSchema = strictObject({
  $schema: z.string().optional().describe('The editor schema this file follows (the yaml-language-server comment does the same); ignored by the CLI'),
  project: nameSchema.describe('Name prefix of every resource: 2-20 lowercase letters, digits, hyphens (required)'),
  /** @default the file name */
  environment: nameSchema.optional().describe('Environment name, also the stack name; unique across files').meta(computedDefault("the file name")),
  /** Production environments get the strict defaults and must pass every guardrail. @default true for prod, production and prod-* */
  production: z.boolean().optional().describe('Stricter defaults and every guardrail').meta(computedDefault("true for prod, production, prod-*")),
  aws: awsSchema.describe('Region, account and availability zones'),
  backend: backendSchema.describe('S3 state bucket and DynamoDB lock table'),
  tags: tagsSchema.describe('Tags on every resource, besides Project, Environment and ManagedBy (reserved); AWS\'s characters and lengths, 45 at most'),
  /** Default retention of the log groups the project creates. */
  logRetentionDays: retentionDays.default(30).describe('Retention of every log group without its own: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days'),
  network: networkSchema.describe('A new VPC (cidr) or an existing one (existing)'),
  cluster: clusterSchema.prefault({}).describe('ECS cluster: Container Insights and the default capacity'),
  registry: registrySchema.prefault({}).describe('ECR repositories of images given as { repository, tag }'),
  loadBalancer: loadBalancerSchema.prefault({}).describe('The application load balancer, created when a service has routing'),
  certificates: namedMap(certificateSchema).default({}).describe('ACM certificates by name: new ones validated through DNS, or existing ones by ARN'),
  dns: dnsSchema.optional().describe('The Route 53 zone of the environment\'s host names'),
  services: namedMap(serviceSchema).default({}).describe('Fargate services by name'),
  jobs: namedMap(jobSchema).default({}).describe('Scheduled jobs by name: a Fargate task run by EventBridge Scheduler on a cron or rate schedule'),
  queues: namedMap(queueSchema).default({}).describe('SQS queues by name, each with a dead-letter queue <name>-dlq'),
  databases: namedMap(databaseSchema).default({}).describe('RDS databases by name'),
  dynamodb: namedMap(tableSchema).default({}).describe('DynamoDB tables by name'),
  caches: namedMap(cacheSchema).default({}).describe('ElastiCache Valkey or Redis OSS replication groups by name: encrypted, AUTH token in Secrets Manager, private'),
  buckets: namedMap(bucketSchema).default({}).describe('S3 buckets of the application by name: private, encrypted, TLS only, with grants to services'),
  monitoring: monitoringSchema.prefault({}).describe('Alarm emails, thresholds and the dashboard'),
  guardrails: guardrailsSchema.prefault({}).describe('Waivers of guardrail rules: rule ID -> reason'),
  gitops: gitopsSchema.prefault({}).describe('What the GitOps controller may do with this environment'),
  controller: controllerSchema.optional().describe('The GitOps controller\'s own infrastructure, one per repository: set it in defaults.yaml only'),
  ci: ciSchema.describe('CI access through GitHub Actions OIDC: ci.github'),
  teleport: teleportSchema.prefault({}).describe('Teleport zero-trust access: the cluster, its storage, GitHub sign-in, roles and databases'),
  cost: costSchema.prefault({}).describe('Usage assumptions of the monthly cost estimate (npx platform cost); every one has a default'),
});

export type ParsedEnvironment = z.output<typeof environmentSchema>;
export type Capacity = z.output<typeof capacitySchema>;
export type ParsedJob = z.output<typeof jobSchema>;
