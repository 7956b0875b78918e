/**
 * The task role's declared permissions: `taskRole.statements` as written,
 * then the shorthands for S3 buckets, SQS queues and SNS topics expanded to
 * exact action lists on exact ARNs (docs/services.md).
 */
import type { EnvironmentConfig, ServiceConfig } from '../config/resolve';
import type { PolicyStatement } from '../modules/iam/policy-document';

type Aws = EnvironmentConfig['aws'];

/** The actions each shorthand grants, nothing more. */
export const SHORTHAND_ACTIONS = {
  s3Read: { bucket: ['s3:ListBucket'], objects: ['s3:GetObject'] },
  s3Write: { objects: ['s3:AbortMultipartUpload', 's3:PutObject'] },
  sqsSend: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
  sqsReceive: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
  snsPublish: ['sns:Publish'],
} as const;

const arnOr = (ref: string, arn: (name: string) => string) => (ref.startsWith('arn:') ? ref : arn(ref));

export function taskRoleStatements(service: Pick<ServiceConfig, 'taskRole'>, aws: Aws): PolicyStatement[] {
  const role = service.taskRole;
  const statements: PolicyStatement[] = role.statements.map((s, i) => ({
    Sid: s.sid ?? `Declared${i + 1}`,
    Effect: s.effect,
    Action: [...s.actions],
    Resource: [...s.resources],
    ...(s.conditions ? { Condition: s.conditions } : {}),
  }));
  const bucket = (ref: string) => arnOr(ref, (name) => `arn:${aws.partition}:s3:::${name}`);
  const queue = (ref: string) => arnOr(ref, (name) => `arn:${aws.partition}:sqs:${aws.region}:${aws.accountId}:${name}`);
  const topic = (ref: string) => arnOr(ref, (name) => `arn:${aws.partition}:sns:${aws.region}:${aws.accountId}:${name}`);
  const add = (sid: string, actions: readonly string[], resources: readonly string[]) => {
    if (resources.length > 0)
      statements.push({ Sid: sid, Effect: 'Allow', Action: [...actions], Resource: [...new Set(resources)].sort() });
  };
  const { s3Buckets, sqsQueues, snsTopics } = role;
  add('S3ReadBuckets', SHORTHAND_ACTIONS.s3Read.bucket, s3Buckets.read.map(bucket));
  add(
    'S3ReadObjects',
    SHORTHAND_ACTIONS.s3Read.objects,
    s3Buckets.read.map((b) => `${bucket(b)}/*`),
  );
  add(
    'S3WriteObjects',
    SHORTHAND_ACTIONS.s3Write.objects,
    s3Buckets.write.map((b) => `${bucket(b)}/*`),
  );
  add('SqsSend', SHORTHAND_ACTIONS.sqsSend, sqsQueues.send.map(queue));
  add('SqsReceive', SHORTHAND_ACTIONS.sqsReceive, sqsQueues.receive.map(queue));
  add('SnsPublish', SHORTHAND_ACTIONS.snsPublish, snsTopics.publish.map(topic));
  return statements;
}
