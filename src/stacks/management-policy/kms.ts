/** KMS: keys tagged as this environment's, their aliases by name. */
import type { EnvironmentConfig } from '../../config/resolve';
import { type ReasonedStatement, arns, retagged, tagged, taggedOnCreate } from './common';

export function kmsStatements(config: EnvironmentConfig): ReasonedStatement[] {
  const { arn, prefix } = arns(config);
  const services = Object.values(config.services);
  const statements: ReasonedStatement[] = [];
  const add = (s: ReasonedStatement) => statements.push(s);

  // KMS: keys tagged as this environment's, their aliases by name.
  // The same conditions as the environment stack's key (and the alert topic's), plus buckets under the customer key.
  if (
    config.logsCustomerKey ||
    services.some((s) => s.exec) ||
    Object.keys(config.fileSystems).length > 0 ||
    Object.values(config.buckets).some((b) => b.encryption === 'kms') ||
    (config.monitoring.alarms.enabled && config.monitoring.topicArn === undefined)
  ) {
    add({
      Sid: 'KmsCreateKey',
      Effect: 'Allow',
      Action: ['kms:CreateKey', 'kms:TagResource'],
      Resource: '*',
      Condition: taggedOnCreate(config),
      reason:
        'kms:CreateKey authorizes before the key has an ARN; the request must tag it with this Project and Environment, and no key already tagged can be re-tagged',
    });
    add({
      Sid: 'KmsKeys',
      Effect: 'Allow',
      Action: [
        'kms:DescribeKey',
        'kms:GetKeyPolicy',
        'kms:PutKeyPolicy',
        'kms:GetKeyRotationStatus',
        'kms:EnableKeyRotation',
        'kms:ListResourceTags',
        'kms:ScheduleKeyDeletion',
        'kms:CreateAlias',
        'kms:DeleteAlias',
        'kms:CreateGrant',
        'kms:Decrypt',
        'kms:GenerateDataKey',
      ],
      Resource: arn('kms', 'key/*'),
      Condition: tagged(config, 'ResourceTag'),
    });
    add({
      Sid: 'KmsRetag',
      Effect: 'Allow',
      Action: ['kms:TagResource', 'kms:UntagResource'],
      Resource: arn('kms', 'key/*'),
      Condition: retagged(config),
    });
    add({
      Sid: 'KmsAliases',
      Effect: 'Allow',
      Action: ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'],
      Resource: arn('kms', `alias/${prefix}-*`),
    });
  }
  return statements;
}
