/** The Terraform state: the state object, its lock file and the lock table entry of one environment. */
import type { EnvironmentConfig } from '../../config/resolve';
import type { ReasonedStatement } from './common';

/** The state file, its lock file (useLockfile) and, while the environment names a lockTable, its lock table entry: what `init`, `plan` and `apply` read and write. */
export function stateStatements(config: EnvironmentConfig): ReasonedStatement[] {
  const { backend } = config;
  const p = config.aws.partition;
  const key = `${backend.keyPrefix}/${config.environment}.tfstate`;
  const objects = [`arn:${p}:s3:::${backend.bucket}/${key}`];
  const statements: ReasonedStatement[] = [
    {
      Sid: 'StateList',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: `arn:${p}:s3:::${backend.bucket}`,
      Condition: { StringLike: { 's3:prefix': [key, `${key}*`] } },
    },
    { Sid: 'StateObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: objects },
  ];
  if (backend.useLockfile)
    statements.push({
      Sid: 'StateLockFile',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      Resource: `arn:${p}:s3:::${backend.bucket}/${key}.tflock`,
    });
  if (backend.lockTable === undefined) return statements;
  statements.push({
    Sid: 'StateLockTable',
    Effect: 'Allow',
    Action: ['dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
    Resource: `arn:${p}:dynamodb:${backend.region}:${backend.accountId}:table/${backend.lockTable}`,
    // Terraform's lock items are keyed <bucket>/<key> (and <bucket>/<key>-md5): this environment's only.
    Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${backend.bucket}/${key}`, `${backend.bucket}/${key}-md5`] } },
  });
  return statements;
}
