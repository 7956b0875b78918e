import { defineRule, everyResource } from '../rule';

export const albDropInvalidHeaders = defineRule(__filename, {
  description: 'Load balancers drop invalid HTTP header fields',
  scannerIds: ['CKV_AWS_131'],
  scope: 'all',
  fix: 'keep drop_invalid_header_fields on (the load balancer module sets it)',
  check: (stack) => everyResource(stack, 'aws_lb', (lb) => lb.drop_invalid_header_fields === true, 'invalid header fields are passed on'),
});
