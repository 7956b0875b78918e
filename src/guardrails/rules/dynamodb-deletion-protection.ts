import { defineRule, everyResource } from '../rule';

export const dynamodbDeletionProtection = defineRule(__filename, {
  description: 'Production tables are protected from deletion',
  scannerIds: [],
  scope: 'production',
  fix: 'set dynamodb.<name>.deletionProtection: true',
  check: (stack) => everyResource(stack, 'aws_dynamodb_table', (t) => t.deletion_protection_enabled === true, 'deletion protection is off'),
});
