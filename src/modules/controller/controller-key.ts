import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { AwsContext } from '../aws-context';
import { policyDocument } from '../iam/policy-document';
import { accountAdministers, cloudWatchLogsUse } from '../iam/statements';

export interface ControllerKeyProps {
  /** `<project>-controller`: the alias is alias/<namePrefix>. */
  readonly namePrefix: string;
}

/**
 * The controller's customer-managed key, rotated yearly: its secrets, its
 * log group and its runs table. Secrets Manager and DynamoDB use it on
 * behalf of IAM principals the account allows (the key's first statement);
 * CloudWatch Logs may use it for this account's log groups only.
 */
export class ControllerKey extends Construct {
  readonly key: KmsKey;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: ControllerKeyProps) {
    super(scope, id);
    const aws = AwsContext.of(this);
    this.key = new KmsKey(this, 'key', {
      description: `${props.namePrefix}: secrets, logs and runs table`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument(accountAdministers(aws), cloudWatchLogsUse(aws)),
    });
    new KmsAlias(this, 'alias', { name: `alias/${props.namePrefix}`, targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
  }
}
