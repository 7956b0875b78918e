import { defineRule, everyResource } from '../rule';

export const albDeletionProtection = defineRule(__filename, {
  description: 'Production load balancers are protected from deletion',
  scannerIds: ['CKV_AWS_150'],
  scope: 'production',
  fix: 'set loadBalancer.deletionProtection: true',
  check: (stack) => everyResource(stack, 'aws_lb', (lb) => lb.enable_deletion_protection === true, 'deletion protection is off'),
});
