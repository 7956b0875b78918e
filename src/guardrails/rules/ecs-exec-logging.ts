import { defineRule, resources } from '../rule';

export const ecsExecLogging = defineRule(__filename, {
  description: 'ECS Exec sessions are logged to an encrypted log group',
  scannerIds: ['CKV_AWS_223'],
  scope: 'all',
  fix: 'keep the cluster exec configuration the project creates when a service sets exec: true',
  check: (stack) => {
    if (!resources(stack, 'aws_ecs_service').some((s) => s.values.enable_execute_command === true)) return [];
    return resources(stack, 'aws_ecs_cluster')
      .filter((c) => {
        const exec = c.values.configuration?.execute_command_configuration;
        return exec?.logging !== 'OVERRIDE' || exec?.log_configuration?.cloud_watch_encryption_enabled !== true;
      })
      .map((c) => ({ address: c.address, message: 'a service allows exec but sessions are not logged encrypted' }));
  },
});
