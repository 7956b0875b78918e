/** What a task may do and reach, for services and jobs alike: its task role (statements and shorthands) and its egress. */
import { z } from 'zod';
import { computedDefault } from './schema-defaults';
import { cidrSchema } from './schema-values';
import { strictObject } from './strict-object';
import { addressPart, uniqueList } from './value-checks';

/** An S3 bucket, SQS queue or SNS topic: a name in this account and region, or an ARN. */
const bucketRef = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$|^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    'a bucket is an S3 bucket name or arn:aws:s3:::NAME',
  );
const queueRef = z
  .string()
  .regex(
    /^[A-Za-z0-9_-]{1,75}(\.fifo)?$|^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,75}(\.fifo)?$/,
    'a queue is an SQS queue name or ARN',
  );
const topicRef = z
  .string()
  .regex(
    /^[A-Za-z0-9_-]{1,251}(\.fifo)?$|^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,251}(\.fifo)?$/,
    'a topic is an SNS topic name or ARN',
  );

const statementSchema = strictObject({
  sid: z
    .string()
    .regex(/^[A-Za-z0-9]{1,100}$/, 'a statement ID is letters and digits')
    .optional()
    .describe('Statement ID')
    .meta(computedDefault('Declared<position>')),
  effect: z.enum(['Allow', 'Deny']).default('Allow').describe('Allow or Deny'),
  actions: z
    .array(z.string().regex(/^\*$|^[a-z0-9-]+:[A-Za-z0-9*?]+$/, 'actions look like service:Action, for example sqs:SendMessage'))
    .min(1)
    .describe('IAM actions, service:Action; * or service:* only with a waiver of iam-no-wildcards'),
  resources: z
    .array(z.string().regex(/^\*$|^arn:/, 'resources are ARNs (arn:PARTITION:SERVICE:REGION:ACCOUNT:...)'))
    .min(1)
    .describe("ARNs in this environment's partition, region and account; * only with a waiver of iam-no-wildcards"),
  conditions: z
    .record(
      z.string().regex(/^[A-Za-z]+$/, 'a condition operator looks like StringEquals'),
      z.record(z.string().min(1), z.union([z.string(), z.array(z.string()).min(1)])),
    )
    .optional()
    .describe('IAM conditions, { Operator: { key: value or [values] } }'),
});

export const taskRoleSchema = strictObject({
  statements: z
    .array(statementSchema)
    .default([])
    .describe('Policy statements of the task role: [{ effect, actions, resources, conditions }]'),
  s3Buckets: strictObject({
    read: z.array(bucketRef).default([]).describe('s3:ListBucket on the bucket, s3:GetObject on its objects'),
    write: z.array(bucketRef).default([]).describe('s3:PutObject and s3:AbortMultipartUpload on its objects'),
  })
    .prefault({})
    .describe('S3 buckets by name or ARN'),
  sqsQueues: strictObject({
    send: z.array(queueRef).default([]).describe('sqs:SendMessage, sqs:GetQueueAttributes, sqs:GetQueueUrl'),
    receive: z
      .array(queueRef)
      .default([])
      .describe('sqs:ReceiveMessage, sqs:DeleteMessage, sqs:ChangeMessageVisibility, sqs:GetQueueAttributes, sqs:GetQueueUrl'),
  })
    .prefault({})
    .describe('SQS queues by name (this account and region) or ARN'),
  snsTopics: strictObject({
    publish: z.array(topicRef).default([]).describe('sns:Publish'),
  })
    .prefault({})
    .describe('SNS topics by name (this account and region) or ARN'),
  managedPolicyArns: uniqueList(
    z
      .string()
      .regex(
        /^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/[A-Za-z0-9+=,.@_\/-]{1,128}$/,
        'a managed policy ARN looks like arn:aws:iam::123456789012:policy/NAME',
      ),
    (arn) => addressPart(arn.split(':policy/')[1] ?? arn),
  )
    .max(10)
    .default([])
    .describe('Existing managed policies attached to the task role'),
});

const egressPorts = z.array(z.number().int().min(1).max(65535)).min(1).max(10).default([443]).describe('TCP ports');

/** One destination a service may reach; absent `egress`: every address on every port. */
export const egressSchema = z.union(
  [
    strictObject({ cidr: cidrSchema.describe('An IPv4 CIDR'), ports: egressPorts }),
    strictObject({
      prefixList: z
        .string()
        .regex(/^pl-[0-9a-f]{8,17}$/, 'a prefix list ID looks like pl-0123456789abcdef0')
        .describe("A managed prefix list (an S3 or DynamoDB gateway endpoint's, for example)"),
      ports: egressPorts,
    }),
    strictObject({ vpc: z.literal(true).describe("The VPC's own CIDR (network.cidr)"), ports: egressPorts }),
    strictObject({
      service: z
        .string()
        .describe('Another service of the environment, on its port; it needs serviceDiscovery (which admits the other services)'),
    }),
  ],
  { error: 'an egress entry is one of { cidr, ports }, { prefixList, ports }, { vpc: true, ports } or { service }' },
);
