/**
 * Scheduled jobs (`jobs.<name>`), queues (`queues.<name>`) and a service's
 * scaling on a queue's backlog (`services.<name>.autoscaling.queue`)
 * (docs/jobs-and-queues.md). A job takes the container keys of a service
 * (image, cpu/memory, command, environment, secrets, sidecars, task role,
 * container settings), so its schema is built from the container keys of
 * container-schema.ts and task-access-schema.ts. Cross-key rules are in `jobs-rules.ts`,
 * defaults that depend on other keys in `jobs-resolve.ts`.
 */
import { z } from 'zod';
import { FARGATE_CPU_VALUES, FARGATE_MEMORY_BY_CPU } from '../aws-facts';
import { capacitySchema } from './cluster-schema';
import { containerSettings, imageSchema, MAIN_CONTAINER, secretSchema, sidecarSchema } from './container-schema';
import { computedDefault } from './schema-defaults';
import { envVarName, namedMap, positiveInt, retentionDays, securityGroupId } from './schema-values';
import { strictObject } from './strict-object';
import { egressSchema, taskRoleSchema } from './task-access-schema';
import { refuse, scheduleProblem, timeZoneProblem, uniqueList } from './value-checks';

/** EventBridge Scheduler takes cron(...) and rate(...) for a recurring schedule (at(...) runs once). */
const recurringSchedule = z
  .string()
  .superRefine(
    refuse((expression: string) =>
      /^at\(/.test(expression) ? 'a job recurs: use cron(...) or rate(...); at(...) would run it once' : scheduleProblem(expression),
    ),
  );

/**
 * The keys only a job has; `jobSchema` adds the container keys of a service
 * (image, cpu, memory, environment, secrets, sidecars, taskRole, egress,
 * securityGroupIds, logRetentionDays and the container settings).
 */
export const jobKeys = {
  schedule: recurringSchedule.describe(
    'When it runs: an EventBridge Scheduler expression, cron(minutes hours day-of-month month day-of-week year) or rate(value unit) (required)',
  ),
  timezone: z
    .string()
    .superRefine(refuse(timeZoneProblem))
    .default('UTC')
    .describe('The IANA time zone of a cron schedule, for example Europe/Berlin'),
  enabled: z.boolean().default(true).describe('false: the schedule exists but is DISABLED; platform run still starts the job'),
  cpuArchitecture: z.enum(['X86_64', 'ARM64']).default('X86_64').describe('X86_64 or ARM64; ARM64 only with on-demand capacity'),
  command: z.array(z.string()).optional().describe("The container's command").meta(computedDefault("the image's")),
  retries: z
    .number()
    .int()
    .min(0)
    .max(185)
    .default(2)
    .describe('Scheduler retries of a failed invocation (RunTask refused: capacity, throttling) before its dead-letter queue, 0-185'),
  maximumEventAgeSeconds: z
    .number()
    .int()
    .min(60)
    .max(86400)
    .default(3600)
    .describe('Seconds the Scheduler keeps retrying an invocation, 60-86400'),
  readonlyRootFilesystem: z.boolean().default(true).describe('A read-only root filesystem with a writable /tmp'),
  stopTimeoutSeconds: z.number().int().min(2).max(120).default(30).describe('Seconds between SIGTERM and SIGKILL, 2-120'),
  assignPublicIp: z
    .boolean()
    .optional()
    .describe('Public IP addresses on the tasks, in public subnets')
    .meta(computedDefault('as services: only in a new VPC with natGateways none')),
  alarms: strictObject({
    failedRuns: z
      .boolean()
      .default(true)
      .describe(
        'Alarm when a run stops with a non-zero exit code of its main container or fails to start, and when the Scheduler gives up on an invocation',
      ),
  })
    .prefault({})
    .describe("The job's alarms; monitoring.alarms.enabled false turns them off"),
};

const QUEUE_DAY = 86400;

export const queueSchema = strictObject({
  fifo: z.boolean().default(false).describe('A FIFO queue, <prefix>-<name>.fifo, and its dead-letter queue FIFO too'),
  contentBasedDeduplication: z
    .boolean()
    .default(false)
    .describe('FIFO only: deduplicate by a hash of the body instead of a MessageDeduplicationId'),
  visibilityTimeoutSeconds: z
    .number()
    .int()
    .min(0)
    .max(43200)
    .default(30)
    .describe('Seconds a received message stays hidden from other consumers, 0-43200; longer than a worker takes'),
  messageRetentionSeconds: z
    .number()
    .int()
    .min(60)
    .max(14 * QUEUE_DAY)
    .default(4 * QUEUE_DAY)
    .describe('Seconds a message is kept, 60-1209600 (345600: 4 days)'),
  deadLetterRetentionSeconds: z
    .number()
    .int()
    .min(60)
    .max(14 * QUEUE_DAY)
    .default(14 * QUEUE_DAY)
    .describe('Seconds a message is kept in the dead-letter queue, 60-1209600 (1209600: 14 days, the most)'),
  maxReceiveCount: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(5)
    .describe('Receives before a message moves to the dead-letter queue <name>-dlq, 1-1000'),
  receiveWaitTimeSeconds: z
    .number()
    .int()
    .min(0)
    .max(20)
    .default(20)
    .describe('Long polling: seconds a receive waits for messages, 0-20; fewer empty receives to pay for'),
  delaySeconds: z.number().int().min(0).max(900).default(0).describe('Seconds every new message stays hidden, 0-900'),
  allowedServices: strictObject({
    send: uniqueList(z.string()).default([]).describe('Services (or jobs) that may send: sqs:SendMessage, GetQueueAttributes, GetQueueUrl'),
    receive: uniqueList(z.string())
      .default([])
      .describe(
        'Services (or jobs) that may receive: sqs:ReceiveMessage, DeleteMessage, ChangeMessageVisibility, GetQueueAttributes, GetQueueUrl',
      ),
  })
    .prefault({})
    .describe('Grants to task roles, each with QUEUE_<NAME>_URL injected: { send: [names], receive: [names] }'),
  alarms: strictObject({
    oldestMessageAgeSeconds: z
      .number()
      .int()
      .positive()
      .max(14 * QUEUE_DAY)
      .default(900)
      .describe('Alarm when the oldest message is older than this'),
    deadLetterMessages: z.boolean().default(true).describe('Alarm on any message in the dead-letter queue'),
  })
    .prefault({})
    .describe("The queue's alarms"),
}).superRefine((q, ctx) => {
  if (q.contentBasedDeduplication && !q.fifo)
    ctx.addIssue({
      code: 'custom',
      path: ['contentBasedDeduplication'],
      message: "content-based deduplication is a FIFO queue's; set fifo: true or remove it",
    });
});

/** `services.<name>.autoscaling.queue`: scale on the backlog per task. */
export const queueScalingSchema = strictObject({
  name: z.string().min(1).describe('A key of queues this service receives from (required)'),
  messagesPerTask: z
    .number()
    .int()
    .positive()
    .max(1000000)
    .describe('Visible messages per running task to hold: how many one task works off in the time you accept as latency (required)'),
}).describe(
  "Scale on the queue's backlog per task (ApproximateNumberOfMessagesVisible / RunningTaskCount, target tracking; from zero tasks a step policy starts the first): { name, messagesPerTask }; needs cluster.containerInsights",
);

export type ParsedQueue = z.output<typeof queueSchema>;

/** A job's main container takes a service's settings but mountPoints: a job has no volumes. */
const { mountPoints: _volumesOfServicesOnly, ...jobContainerSettings } = containerSettings;

/** A scheduled job: its own keys (jobs-schema.ts) and the container keys of a service. */
export const jobSchema = strictObject({
  image: imageSchema,
  cpu: z
    .number()
    .refine((v) => FARGATE_CPU_VALUES.includes(v), { message: `Fargate cpu is one of ${FARGATE_CPU_VALUES.join(', ')}` })
    .describe('Task CPU units, as services.<name>.cpu (required)'),
  memory: positiveInt.describe('Task memory in MiB, a valid Fargate pair with cpu, as services.<name>.memory (required)'),
  capacity: capacitySchema
    .optional()
    .describe('onDemand, spot or a mix, as cluster.capacity; FARGATE_SPOT suits a job that may be retried')
    .meta(computedDefault('cluster.capacity')),
  environment: z
    .record(envVarName, z.union([z.string(), z.number(), z.boolean()]))
    .default({})
    .describe('Environment variables, as services.<name>.environment'),
  secrets: z
    .record(envVarName, secretSchema)
    .default({})
    .describe('Secrets as environment variables, as services.<name>.secrets; the execution role may read exactly these'),
  sidecars: namedMap(sidecarSchema)
    .default({})
    .describe(`More containers in the task, as services.<name>.sidecars; dependsOn names the main container "${MAIN_CONTAINER}"`),
  taskRole: taskRoleSchema.prefault({}).describe('What the job may do beyond the grants of queues, as services.<name>.taskRole'),
  egress: z
    .array(egressSchema)
    .min(1)
    .max(20)
    .optional()
    .describe('Where the tasks may connect, as services.<name>.egress')
    .meta(computedDefault('every address on every port, reported by the ecs-open-egress guardrail')),
  securityGroupIds: z.array(securityGroupId).max(4).default([]).describe('Existing security groups the tasks join besides their own'),
  logRetentionDays: retentionDays.optional().describe("Retention of the job's log group").meta(computedDefault('logRetentionDays')),
  ...jobKeys,
  ...jobContainerSettings,
}).superRefine((j, ctx) => {
  const allowed = FARGATE_MEMORY_BY_CPU[j.cpu];
  if (allowed && !allowed.includes(j.memory)) {
    ctx.addIssue({
      code: 'custom',
      path: ['memory'],
      message: `${j.memory} is not a valid Fargate memory for cpu ${j.cpu}; use one of ${allowed.join(', ')}`,
    });
  }
  for (const name of Object.keys(j.secrets)) {
    if (Object.hasOwn(j.environment, name))
      ctx.addIssue({
        code: 'custom',
        path: ['secrets', name],
        message: `${name} is also in environment; a variable comes from one or the other`,
      });
  }
});

export type ParsedJob = z.output<typeof jobSchema>;
