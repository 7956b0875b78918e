/** DynamoDB: tables named with the prefix. */
import type { EnvironmentConfig } from '../../config/resolve';
import { type ReasonedStatement, arns } from './common';

export function tableStatements(config: EnvironmentConfig): ReasonedStatement[] {
  const { arn, prefix } = arns(config);
  const statements: ReasonedStatement[] = [];
  const add = (s: ReasonedStatement) => statements.push(s);

  // DynamoDB tables named with the prefix.
  if (Object.keys(config.dynamodb).length > 0) {
    add({
      Sid: 'Tables',
      Effect: 'Allow',
      Action: [
        'dynamodb:CreateTable',
        'dynamodb:UpdateTable',
        'dynamodb:DeleteTable',
        'dynamodb:DescribeTable',
        'dynamodb:DescribeContinuousBackups',
        'dynamodb:UpdateContinuousBackups',
        'dynamodb:DescribeTimeToLive',
        'dynamodb:UpdateTimeToLive',
        'dynamodb:ListTagsOfResource',
        'dynamodb:TagResource',
        'dynamodb:UntagResource',
      ],
      Resource: arn('dynamodb', `table/${prefix}-*`),
    });
  }
  return statements;
}
