/** Policy statements that several resources share, written once. */
import type { AwsContext } from '../aws-context';
import type { PolicyStatement } from './policy-document';

/** Denies `actions` on `resources` to any request not made over TLS [CKV2_AWS_69-style TLS-only policies]. */
export function denyInsecureTransport(actions: string | readonly string[], resources: string | readonly string[]): PolicyStatement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: actions,
    Resource: resources,
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

/**
 * The first statement of every customer key's policy: the account (through
 * IAM) administers the key, so that no key is ever left without an owner.
 */
export function accountAdministers(aws: Pick<AwsContext, 'partition' | 'accountId'>): PolicyStatement {
  return {
    Sid: 'AccountAdministers',
    Effect: 'Allow',
    Principal: { AWS: `arn:${aws.partition}:iam::${aws.accountId}:root` },
    Action: 'kms:*',
    Resource: '*',
  };
}

/**
 * A key policy statement: CloudWatch Logs in this region may use the key for
 * this account's log groups only (the encryption context names the group).
 */
export function cloudWatchLogsUse(aws: AwsContext): PolicyStatement {
  return {
    Sid: 'CloudWatchLogsUse',
    Effect: 'Allow',
    Principal: { Service: `logs.${aws.region}.${aws.dnsSuffix}` },
    Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    Resource: '*',
    Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': aws.arn('logs', 'log-group:*') } },
  };
}
