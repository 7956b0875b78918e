import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { AwsContext } from '../aws-context';
import { policyDocument } from '../iam/policy-document';
import { accountAdministers } from '../iam/statements';

export interface QueuesKeyProps {
  /** Prefix of the alias, `<project>-<environment>`. */
  readonly namePrefix: string;
  /** Days before a deleted key is gone. @default 30 */
  readonly deletionWindowDays?: number;
}

/**
 * The customer-managed KMS key of an environment's SQS queues (production),
 * rotated yearly. The key policy leaves its use to IAM: the task roles that
 * may send or receive, and the Scheduler roles that send to a job's
 * dead-letter queue, get kms:GenerateDataKey and kms:Decrypt on it.
 */
export class QueuesKey extends Construct {
  readonly key: KmsKey;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: QueuesKeyProps) {
    super(scope, id);
    this.key = new KmsKey(this, 'key', {
      description: `${props.namePrefix} SQS queues`,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowDays ?? 30,
      policy: policyDocument(accountAdministers(AwsContext.of(this))),
    });
    new KmsAlias(this, 'alias', { name: `alias/${props.namePrefix}-queues`, targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
  }
}

/** What a sender or receiver needs of a queue's customer key: SQS encrypts and decrypts with its data keys. */
export const QUEUE_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'] as const;
