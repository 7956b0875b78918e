/** `cost`: the usage the monthly cost estimate cannot read from the stack (npx platform cost). */
import { z } from 'zod';
import { computedDefault } from './schema-defaults';
import { strictObject } from './strict-object';

/** One service's usage for the cost estimate (src/cost/assumptions.ts ServiceUsage). */
const serviceUsageSchema = strictObject({
  tasks: z
    .number()
    .min(0)
    .max(10000)
    .optional()
    .describe('Tasks running on average, instead of the desired count and schedules')
    .meta(computedDefault('those')),
  requestsPerSecond: z
    .number()
    .min(0)
    .optional()
    .describe('Requests a second the load balancer routes to this service; the routed services without one share albRequestsPerSecond')
    .meta(computedDefault('a share of albRequestsPerSecond')),
  logGbPerDay: z
    .number()
    .min(0)
    .optional()
    .describe('GB of logs the service writes a day; the log groups without one share logGbPerDay')
    .meta(computedDefault('a share of logGbPerDay')),
});

/** Per-resource usage of the cost estimate, by the names of the environment file. */
const costOverridesSchema = strictObject({
  services: z
    .record(z.string(), serviceUsageSchema)
    .default({})
    .describe('Service name -> its usage: tasks, requestsPerSecond, logGbPerDay'),
});

/** Usage the cost estimate cannot read from the stack (src/cost/assumptions.ts has the same defaults). */
export const costSchema = strictObject({
  natGbPerMonth: z.number().min(0).default(100).describe('Cost estimate: GB processed by the NAT gateways a month, all together'),
  albRequestsPerSecond: z
    .number()
    .min(0)
    .default(5)
    .describe('Cost estimate: average requests a second through the load balancer, for its LCUs'),
  logGbPerDay: z.number().min(0).default(1).describe('Cost estimate: GB of logs ingested a day, all log groups together'),
  dynamodbReadsPerSecond: z.number().min(0).default(5).describe('Cost estimate: average reads a second of each on-demand table'),
  dynamodbWritesPerSecond: z
    .number()
    .min(0)
    .default(1)
    .describe('Cost estimate: average writes a second of each on-demand table, each also written to every index'),
  dynamodbStorageGb: z.number().min(0).default(1).describe('Cost estimate: GB stored in each DynamoDB table'),
  ecrStorageGb: z.number().min(0).default(1).describe('Cost estimate: GB of images kept in each ECR repository'),
  efsStorageGb: z.number().min(0).default(10).describe('Cost estimate: GB stored in each EFS file system'),
  s3StorageGb: z
    .number()
    .min(0)
    .default(1)
    .describe(
      "Cost estimate: GB stored in each S3 bucket of the environment other than the load balancer's access logs, which are priced from the requests",
    ),
  sqsRequestsMillionPerQueue: z
    .number()
    .min(0)
    .default(1)
    .describe('Cost estimate: million SQS requests a month of each queue, dead-letter queues aside'),
  jobRunMinutes: z.number().min(0).max(1440).default(10).describe('Cost estimate: minutes each run of a scheduled job takes'),
  /** USD a month: an AWS Budgets cost budget of the environment's Environment tag, alerting at 80% actual and 100% forecast. */
  /** The AWS account's creation date: chooses the free-tier rules of `cost --free-tier`. */
  accountCreated: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a date, YYYY-MM-DD (quote it: "2024-03-01")')
    .optional()
    .describe(
      "Cost estimate: the AWS account's creation date, YYYY-MM-DD; before 2025-07-15 the 12-month free-tier allowances apply in its first 12 months, from then the Free plan's credits",
    )
    .meta(computedDefault('unknown, always-free allowances only')),
  monthlyBudget: z
    .number()
    .positive()
    .max(1e9)
    .optional()
    .describe(
      'USD a month: an AWS Budgets cost budget of the resources tagged with this environment, alerts at 80% actual and 100% forecast to monitoring.topicArn or alarmEmails',
    ),
  /** Fargate Spot's discount off on-demand. */
  spotDiscount: z
    .number()
    .min(0)
    .max(0.9)
    .optional()
    .describe("Cost estimate: Fargate Spot's discount off on-demand prices, 0-0.9; Spot prices move")
    .meta(computedDefault("the region's in the price table, 0.6704 as of 2025-01-15")),
  /** Usage of named resources instead of the environment-wide figures. */
  overrides: costOverridesSchema
    .prefault({})
    .describe('Cost estimate: usage of named services instead of the environment-wide assumptions'),
});
