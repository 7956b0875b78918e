import { defineRule, resources, type Finding } from '../rule';

export const ecsEfsTransitEncryption = defineRule(__filename, {
  description: 'Tasks mount EFS volumes with TLS and their IAM identity',
  scannerIds: ['CKV_AWS_97'],
  scope: 'all',
  fix: 'give the volume to FargateService, which mounts it through an access point with transit encryption and IAM',
  check: (stack) =>
    resources(stack, 'aws_ecs_task_definition').flatMap((task): Finding[] =>
      ((task.values.volume ?? []) as any[])
        .filter((v) => v.efs_volume_configuration)
        .flatMap((v) => {
          const efs = v.efs_volume_configuration;
          return efs.transit_encryption === 'ENABLED' && efs.authorization_config?.iam === 'ENABLED'
            ? []
            : [{ address: task.address, message: `volume ${v.name} is mounted without TLS or without IAM authorization` }];
        }),
    ),
});
