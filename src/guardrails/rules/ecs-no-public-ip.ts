import { defineRule, everyResource } from '../rule';

export const ecsNoPublicIp = defineRule(__filename, {
  description: 'Tasks get no public IP address',
  scannerIds: ['CKV_AWS_333'],
  scope: 'all',
  fix: 'use network.natGateways single or perAz so tasks run in private subnets',
  check: (stack) =>
    everyResource(stack, 'aws_ecs_service', (s) => s.network_configuration?.assign_public_ip !== true, 'tasks get public IP addresses'),
});
