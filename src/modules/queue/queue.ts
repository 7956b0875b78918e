import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { SqsQueueRedriveAllowPolicy } from '@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy';
import { Construct } from 'constructs';
import { policyDocument, type PolicyStatement } from '../iam/policy-document';
import { denyInsecureTransport } from '../iam/statements';
import { QUEUE_KEY_ACTIONS } from '../kms/queues-key';
import { ValidationError } from '../../validation-error';

/** What a grant allows: nothing more than these actions on the queue. */
export const QUEUE_ACTIONS = {
  send: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
  receive: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
} as const;

export interface QueueProps {
  /** The queue's name, `.fifo` at the end of a FIFO queue's. */
  readonly name: string;
  /** The dead-letter queue's name. */
  readonly deadLetterQueueName: string;
  /** @default false */
  readonly fifo?: boolean;
  /** FIFO only. @default false */
  readonly contentBasedDeduplication?: boolean;
  /** @default 30 */
  readonly visibilityTimeoutSeconds?: number;
  /** @default 345600 (4 days) */
  readonly messageRetentionSeconds?: number;
  /** @default 1209600 (14 days) */
  readonly deadLetterRetentionSeconds?: number;
  /** Receives before a message moves to the dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
  /** @default 20 (long polling) */
  readonly receiveWaitTimeSeconds?: number;
  /** @default 0 */
  readonly delaySeconds?: number;
  /** A customer-managed KMS key for both queues. @default SQS-managed encryption (SSE-SQS) */
  readonly kmsKeyArn?: string;
  /** Terraform refuses to destroy either queue (their messages are data): production. @default false */
  readonly preventDestroy?: boolean;
}

/**
 * An SQS queue with its dead-letter queue: both encrypted (SSE-SQS, or a
 * customer key), both refusing requests without TLS, the dead-letter queue
 * taking redrives from this queue only. `grant` gives a role send or
 * receive on the queue (and the key's use), nothing wider.
 */
export class Queue extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
  private readonly kmsKeyArn?: string;

  constructor(scope: Construct, id: string, props: QueueProps) {
    super(scope, id);
    const fifo = props.fifo ?? false;
    if (fifo !== props.name.endsWith('.fifo') || fifo !== props.deadLetterQueueName.endsWith('.fifo')) {
      throw new ValidationError(`Queue ${props.name}: a FIFO queue and its dead-letter queue end in .fifo, and only they do`, this);
    }
    this.kmsKeyArn = props.kmsKeyArn;
    const encryption = props.kmsKeyArn
      ? { kmsMasterKeyId: props.kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300 }
      : { sqsManagedSseEnabled: true };
    const fifoSettings = fifo ? { fifoQueue: true, contentBasedDeduplication: props.contentBasedDeduplication ?? false } : {};
    const lifecycle = props.preventDestroy ? { lifecycle: { preventDestroy: true } } : {};
    this.deadLetterQueue = new SqsQueue(this, 'dead-letter-queue', {
      name: props.deadLetterQueueName,
      messageRetentionSeconds: props.deadLetterRetentionSeconds ?? 1209600,
      ...encryption,
      ...fifoSettings,
      ...lifecycle,
    });
    this.queue = new SqsQueue(this, 'queue', {
      name: props.name,
      visibilityTimeoutSeconds: props.visibilityTimeoutSeconds ?? 30,
      messageRetentionSeconds: props.messageRetentionSeconds ?? 345600,
      receiveWaitTimeSeconds: props.receiveWaitTimeSeconds ?? 20,
      delaySeconds: props.delaySeconds ?? 0,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: props.maxReceiveCount ?? 5 }),
      ...encryption,
      ...fifoSettings,
      ...lifecycle,
    });
    new SqsQueueRedriveAllowPolicy(this, 'redrive-allow', {
      queueUrl: this.deadLetterQueue.url,
      redriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [this.queue.arn] }),
    });
    for (const [policyId, queue] of [
      ['policy', this.queue],
      ['dead-letter-policy', this.deadLetterQueue],
    ] as const) {
      new SqsQueuePolicy(this, policyId, { queueUrl: queue.url, policy: policyDocument(denyInsecureTransport('sqs:*', queue.arn)) });
    }
  }

  get arn(): string {
    return this.queue.arn;
  }

  get url(): string {
    return this.queue.url;
  }

  /** Send or receive on the queue for a role (a task role), as a policy `queue-<id>-<access>` of its own. */
  grant(id: string, roleId: string, access: keyof typeof QUEUE_ACTIONS): void {
    const statements: PolicyStatement[] = [
      {
        Sid: access === 'send' ? 'QueueSend' : 'QueueReceive',
        Effect: 'Allow',
        Action: [...QUEUE_ACTIONS[access]],
        Resource: this.queue.arn,
      },
    ];
    if (this.kmsKeyArn) statements.push({ Sid: 'QueueKey', Effect: 'Allow', Action: [...QUEUE_KEY_ACTIONS], Resource: this.kmsKeyArn });
    new IamRolePolicy(this, `grant-${id}-${access}`, {
      role: roleId,
      name: `${this.node.id}-${access}`,
      policy: policyDocument(...statements),
    });
  }
}
