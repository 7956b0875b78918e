import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { AwsContext } from '../aws-context';
import { policyDocument } from '../iam/policy-document';
import { accountAdministers, cloudWatchLogsUse } from '../iam/statements';

export interface LogsKeyProps {
  /** Prefix of the alias, `<project>-<environment>`. */
  readonly namePrefix: string;
  /** Days before a deleted key is gone. @default 30 */
  readonly deletionWindowDays?: number;
}

/**
 * A customer-managed KMS key, rotated yearly, that CloudWatch Logs in this
 * account and region may use for the environment's log groups (and ECS Exec
 * sessions). The account root keeps administration through IAM.
 */
export class LogsKey extends Construct {
  readonly key: KmsKey;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: LogsKeyProps) {
    super(scope, id);
    const aws = AwsContext.of(this);
    this.key = new KmsKey(this, 'key', {
      description: `${props.namePrefix} CloudWatch Logs and ECS Exec`,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowDays ?? 30,
      policy: policyDocument(accountAdministers(aws), cloudWatchLogsUse(aws)),
    });
    new KmsAlias(this, 'alias', { name: `alias/${props.namePrefix}-logs`, targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
  }
}
