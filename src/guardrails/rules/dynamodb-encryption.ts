import { defineRule, everyResource } from '../rule';

export const dynamodbEncryption = defineRule(__filename, {
  description: 'Tables are encrypted at rest with KMS (the AWS managed key unless one is given)',
  scannerIds: [],
  scope: 'all',
  fix: 'keep server_side_encryption on (the table module sets it)',
  check: (stack) => everyResource(stack, 'aws_dynamodb_table', (t) => t.server_side_encryption?.enabled === true, 'KMS encryption is off'),
});
