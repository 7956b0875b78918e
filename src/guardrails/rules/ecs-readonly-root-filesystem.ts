import { defineRule, resources } from '../rule';

export const ecsReadonlyRootFilesystem = defineRule(__filename, {
  description: 'Containers mount their root filesystem read-only',
  scannerIds: ['CKV_AWS_336'],
  scope: 'all',
  fix: 'set services.<name>.readonlyRootFilesystem: true (a writable /tmp is mounted)',
  check: (stack) =>
    resources(stack, 'aws_ecs_task_definition').flatMap((task) =>
      (JSON.parse(task.values.container_definitions) as { name: string; readonlyRootFilesystem?: boolean }[])
        .filter((container) => container.readonlyRootFilesystem !== true)
        .map((container) => ({ address: task.address, message: `container ${container.name} has a writable root filesystem` })),
    ),
});
