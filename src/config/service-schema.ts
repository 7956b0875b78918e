/**
 * `services.<name>`: a Fargate service, its routing, health checks,
 * deployments, autoscaling, alarms and volumes, on the container keys of
 * container-schema.ts. Cross-key rules are in `service-rules.ts`.
 */
import { z } from 'zod';
import { FARGATE_CPU_VALUES, FARGATE_MEMORY_BY_CPU } from '../aws-facts';
import { capacitySchema } from './cluster-schema';
import { containerSettings, imageSchema, MAIN_CONTAINER, secretSchema, sidecarSchema } from './container-schema';
import { queueScalingSchema } from './jobs-schema';
import { computedDefault } from './schema-defaults';
import { envVarName, namedMap, nonNegativeInt, percent, positiveInt, posixUser, retentionDays, securityGroupId } from './schema-values';
import { strictObject } from './strict-object';
import { egressSchema, taskRoleSchema } from './task-access-schema';
import { serviceTeleportSchema } from './teleport-schema';
import { refuse, scheduleProblem, timeZoneProblem } from './value-checks';

const routingSchema = strictObject({
  hosts: z
    .array(z.string().regex(/^[A-Za-z0-9*?.-]{1,128}$/, 'not a host name pattern'))
    .default([])
    .describe('Host names that route here; with paths, both must match (at least one host or path, 5 at most together)'),
  paths: z
    .array(z.string().regex(/^\/[A-Za-z0-9_\-.$\/~"'@:+*?&=]{0,127}$/, 'paths start with / (for example /api/*)'))
    .default([])
    .describe('Path patterns that route here, for example /api/*'),
  priority: z
    .number()
    .int()
    .min(1)
    .max(50000)
    .describe('Listener rule priority, 1-50000, unique in the environment (required with routing)'),
}).superRefine((r, ctx) => {
  if (r.hosts.length + r.paths.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['hosts'], message: 'routing needs at least one host or path' });
  }
  if (r.hosts.length + r.paths.length > 5) {
    ctx.addIssue({
      code: 'custom',
      path: ['paths'],
      message: 'a listener rule takes at most 5 hosts and paths together; split the service or drop some',
    });
  }
});

const healthCheckSchema = strictObject({
  /** Load balancer health check path. */
  path: z.string().startsWith('/').default('/').describe('Load balancer health check path'),
  matcher: z
    .string()
    .regex(/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/, 'a matcher is HTTP codes like 200 or 200-399')
    .default('200-399')
    .describe('HTTP codes that mean healthy'),
  intervalSeconds: z.number().int().min(5).max(300).default(30).describe('Seconds between checks'),
  timeoutSeconds: z.number().int().min(2).max(120).default(5).describe('Seconds a check may take, below intervalSeconds'),
  healthyThreshold: z.number().int().min(2).max(10).default(3).describe('Passes in a row before healthy'),
  unhealthyThreshold: z.number().int().min(2).max(10).default(3).describe('Failures in a row before unhealthy'),
  /** Container health check, run by the shell in the container. */
  command: z.string().min(1).optional().describe('Container health check, run by the shell; exit 0 means healthy'),
  gracePeriodSeconds: nonNegativeInt
    .max(2147483647)
    .default(60)
    .describe('Seconds after a task starts before load balancer health checks count'),
  retries: z
    .number()
    .int()
    .min(1)
    .max(10)
    .default(3)
    .describe(
      'Container health check: failures in a row before the container is unhealthy, 1-10; intervalSeconds and timeoutSeconds apply to it too',
    ),
  startPeriodSeconds: z
    .number()
    .int()
    .min(0)
    .max(300)
    .optional()
    .describe('Container health check: seconds after start before failures count, 0-300')
    .meta(computedDefault('gracePeriodSeconds, at most 300')),
}).superRefine((h, ctx) => {
  if (h.timeoutSeconds >= h.intervalSeconds) {
    ctx.addIssue({
      code: 'custom',
      path: ['timeoutSeconds'],
      message: `timeoutSeconds ${h.timeoutSeconds} must be below intervalSeconds ${h.intervalSeconds}; the load balancer refuses a check that times out after the next one starts`,
    });
  }
});

const deploymentSchema = strictObject({
  minHealthyPercent: nonNegativeInt.max(100).default(100).describe('Healthy tasks kept during a deployment, percent of desiredCount'),
  maxPercent: z.number().int().min(100).max(200).default(200).describe('Tasks allowed during a deployment, percent of desiredCount'),
  circuitBreaker: z.boolean().default(true).describe('Stop a failing deployment and roll back'),
  externalImageUpdates: z
    .boolean()
    .default(false)
    .describe(
      'A CI pipeline registers task definitions and updates the service; Terraform stops reverting them and stops rolling out its own',
    ),
}).superRefine((d, ctx) => {
  if (d.minHealthyPercent === 100 && d.maxPercent === 100) {
    ctx.addIssue({
      code: 'custom',
      path: ['maxPercent'],
      message: 'with minHealthyPercent 100 the service needs maxPercent above 100 to deploy',
    });
  }
});

const scheduleSchema = strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'schedule names are 1-64 letters, digits, _ -')
    .describe("The schedule's name, unique in the service"),
  cron: z
    .string()
    .superRefine(refuse(scheduleProblem))
    .describe('When: cron(minutes hours day-of-month month day-of-week year) with ? in one of the day fields, rate(...) or at(...)'),
  timezone: z
    .string()
    .superRefine(refuse(timeZoneProblem))
    .optional()
    .describe('An IANA time zone, for example Europe/Berlin')
    .meta(computedDefault('UTC')),
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
  if (
    a.cpuTarget === undefined &&
    a.memoryTarget === undefined &&
    a.requestsPerTarget === undefined &&
    a.schedules.length === 0 &&
    a.queue === undefined
  ) {
    ctx.addIssue({ code: 'custom', path: [], message: 'autoscaling needs cpuTarget, memoryTarget, requestsPerTarget, queue or schedules' });
  }
  const names = new Set<string>();
  a.schedules.forEach((s, i) => {
    if (names.has(s.name))
      ctx.addIssue({ code: 'custom', path: ['schedules', i, 'name'], message: `schedule name "${s.name}" is used twice` });
    names.add(s.name);
  });
});

const alarmThresholdsSchema = strictObject({
  cpuPercent: percent.optional().describe('Alarm above this average CPU percent').meta(computedDefault('monitoring.thresholds.cpuPercent')),
  memoryPercent: percent
    .optional()
    .describe('Alarm above this average memory percent')
    .meta(computedDefault('monitoring.thresholds.memoryPercent')),
  http5xxPerMinute: nonNegativeInt
    .optional()
    .describe('Alarm above this many 5XX responses a minute')
    .meta(computedDefault('monitoring.thresholds.http5xxPerMinute')),
  targetResponseTimeSeconds: z
    .number()
    .positive()
    .optional()
    .describe('Alarm above this average response time')
    .meta(computedDefault('monitoring.thresholds.targetResponseTimeSeconds')),
});

const volumeSchema = strictObject({
  efs: strictObject({
    fileSystem: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$|^[a-z]$/, 'file system names are 1-32 lowercase letters, digits and hyphens')
      .optional()
      .describe("The environment's file system to use; services naming the same one share it")
      .meta(computedDefault('the volume key')),
    rootDirectory: z
      .string()
      .regex(/^\/[A-Za-z0-9_.\/-]*$/, 'a root directory is an absolute path, for example /data')
      .optional()
      .describe('The directory of the file system this service sees as its root, created on first use')
      .meta(computedDefault('/<volume key>')),
    posixUser: posixUser
      .optional()
      .describe('UID:GID every file operation runs as, and owner of the root directory')
      .meta(computedDefault('the service\'s user when it is UID:GID, else "1000:1000"')),
    permissions: z
      .string()
      .regex(/^0?[0-7]{3}$/, 'permissions are octal, for example "0750"')
      .default('0750')
      .describe('Mode of a newly created root directory'),
  })
    .optional()
    .describe('A persistent EFS file system: encrypted, mounted with TLS and IAM through an access point'),
  ephemeral: strictObject({
    sizeGiB: z
      .number()
      .int()
      .min(21)
      .max(200)
      .default(21)
      .describe("The task's Fargate ephemeral storage, 21-200 GiB; 21 is the free amount"),
  })
    .optional()
    .describe("Scratch space on the task's ephemeral storage, gone when the task stops"),
}).superRefine((v, ctx) => {
  if ((v.efs === undefined) === (v.ephemeral === undefined)) {
    ctx.addIssue({ code: 'custom', path: [], message: 'a volume is either { efs: { ... } } or { ephemeral: { sizeGiB } }' });
  }
});

export const serviceSchema = strictObject({
  image: imageSchema,
  cpu: z
    .number()
    .refine((v) => FARGATE_CPU_VALUES.includes(v), { message: `Fargate cpu is one of ${FARGATE_CPU_VALUES.join(', ')}` })
    .describe('Task CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384, with a memory Fargate pairs with it (required)'),
  memory: positiveInt.describe(
    'Task memory in MiB: 256 takes 512-2048; 512 takes 1024-4096; 1024 takes 2048-8192; 2048 takes 4096-16384; 4096 takes 8192-30720 (1024 steps); 8192 takes 16384-61440 (4096 steps); 16384 takes 32768-122880 (8192 steps) (required)',
  ),
  port: z
    .number()
    .int()
    .min(1)
    .max(65535)
    .optional()
    .describe('The container port; needed for routing and for discovery traffic')
    .meta(computedDefault('none: no inbound traffic')),
  desiredCount: nonNegativeInt
    .max(5000)
    .optional()
    .describe('Tasks to run; within autoscaling.min..max when autoscaling')
    .meta(computedDefault('autoscaling.min, or 1 without autoscaling')),
  capacity: capacitySchema.optional().describe('As cluster.capacity, for this service').meta(computedDefault('cluster.capacity')),
  cpuArchitecture: z
    .enum(['X86_64', 'ARM64'])
    .default('X86_64')
    .describe('X86_64 or ARM64; ARM64 only with on-demand capacity, since Fargate Spot runs no ARM64'),
  command: z.array(z.string()).optional().describe("The container's command, a list of strings").meta(computedDefault("the image's")),
  environment: z
    .record(envVarName, z.union([z.string(), z.number(), z.boolean()]))
    .default({})
    .describe('Environment variables, name -> string, number or boolean; quote numbers whose text matters ("1.10")'),
  secrets: z
    .record(envVarName, secretSchema)
    .default({})
    .describe(
      'Secrets as environment variables, name -> { secretsManager: NAME_OR_ARN, key: JSON_KEY } or { ssm: /parameter/name or ARN }; the execution role may read exactly these',
    ),
  routing: routingSchema.optional().describe('Load balancer routing to this service: { hosts, paths, priority }; needs a port'),
  healthCheck: healthCheckSchema.prefault({}).describe('Load balancer and container health checks'),
  deployment: deploymentSchema
    .prefault({})
    .describe('Rolling deployments: { minHealthyPercent, maxPercent, circuitBreaker, externalImageUpdates }'),
  autoscaling: autoscalingSchema
    .optional()
    .describe('Target tracking and schedules: min, max, and any of cpuTarget, memoryTarget, requestsPerTarget, schedules')
    .meta(computedDefault('none: desiredCount tasks')),
  serviceDiscovery: z.boolean().default(false).describe('Register in Cloud Map as <name>.<project>-<environment>.local'),
  exec: z.boolean().default(false).describe('ECS Exec, with sessions logged to an encrypted log group'),
  readonlyRootFilesystem: z.boolean().default(true).describe('A read-only root filesystem, with a writable /tmp volume mounted'),
  stopTimeoutSeconds: z.number().int().min(2).max(120).default(30).describe('Seconds between SIGTERM and SIGKILL, 2-120'),
  logRetentionDays: retentionDays.optional().describe("Retention of the service's log group").meta(computedDefault('logRetentionDays')),
  alarms: alarmThresholdsSchema
    .prefault({})
    .describe("This service's alarm thresholds: cpuPercent, memoryPercent, http5xxPerMinute, targetResponseTimeSeconds"),
  sidecars: namedMap(sidecarSchema)
    .default({})
    .describe(
      `More containers in the same task (collector, agent, proxy), by name; dependsOn refers to the main container as "${MAIN_CONTAINER}"`,
    ),
  volumes: namedMap(volumeSchema)
    .default({})
    .describe('Volumes containers mount with mountPoints: { efs: {...} } or { ephemeral: { sizeGiB } }'),
  taskRole: taskRoleSchema
    .prefault({})
    .describe(
      'What the application may do beyond the grants of databases and tables: statements, shorthands for S3, SQS and SNS, managed policies',
    ),
  securityGroupIds: z.array(securityGroupId).max(4).default([]).describe('Existing security groups the tasks join besides their own'),
  egress: z
    .array(egressSchema)
    .min(1)
    .max(20)
    .optional()
    .describe(
      'Where the tasks may connect: CIDRs, prefix lists or the VPC on TCP ports, and other services; the databases that list the service and the file systems it mounts are added. Tasks reach AWS APIs and registries on 443 (through NAT: { cidr: 0.0.0.0/0, ports: [443] }, or VPC endpoints)',
    )
    .meta(computedDefault('every address on every port, reported by the ecs-open-egress guardrail')),
  assignPublicIp: z
    .boolean()
    .optional()
    .describe('Public IP addresses on the tasks, in public subnets')
    .meta(computedDefault('true only in a new VPC with natGateways none; only where the network allows it')),
  teleport: serviceTeleportSchema.prefault({}).describe('Teleport access to this service: { app, ssh }'),
  ...containerSettings,
}).superRefine((s, ctx) => {
  if (s.healthCheck.command !== undefined && s.healthCheck.timeoutSeconds > 60) {
    ctx.addIssue({
      code: 'custom',
      path: ['healthCheck', 'timeoutSeconds'],
      message: `a container health check times out after 60 seconds at most; set timeoutSeconds to 60 or less`,
    });
  }
  const allowed = FARGATE_MEMORY_BY_CPU[s.cpu];
  if (allowed && !allowed.includes(s.memory)) {
    ctx.addIssue({
      code: 'custom',
      path: ['memory'],
      message: `${s.memory} is not a valid Fargate memory for cpu ${s.cpu}; use one of ${allowed.join(', ')}`,
    });
  }
  if (s.autoscaling && s.desiredCount !== undefined && (s.desiredCount < s.autoscaling.min || s.desiredCount > s.autoscaling.max)) {
    ctx.addIssue({
      code: 'custom',
      path: ['desiredCount'],
      message: `desiredCount ${s.desiredCount} is outside autoscaling min ${s.autoscaling.min} .. max ${s.autoscaling.max}; set it within that range`,
    });
  }
  for (const name of Object.keys(s.secrets)) {
    if (Object.hasOwn(s.environment, name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['secrets', name],
        message: `${name} is also in environment; a variable comes from one or the other`,
      });
    }
  }
});
