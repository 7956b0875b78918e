import { defineRule, everyResource } from '../rule';

export const albAccessLogs = defineRule(__filename, {
  description: 'Load balancers write access logs',
  scannerIds: ['CKV_AWS_91'],
  scope: 'all',
  fix: 'set loadBalancer.accessLogs: true',
  check: (stack) => everyResource(stack, 'aws_lb', (lb) => lb.access_logs?.enabled === true, 'access logs are off'),
});
