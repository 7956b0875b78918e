import { defineRule, everyResource } from '../rule';

export const ecsContainerInsights = defineRule(__filename, {
  description: 'ECS clusters collect Container Insights metrics',
  scannerIds: ['CKV_AWS_65'],
  scope: 'all',
  fix: 'set cluster.containerInsights: true',
  check: (stack) =>
    everyResource(
      stack,
      'aws_ecs_cluster',
      (c) => (c.setting ?? []).some((s: any) => s.name === 'containerInsights' && ['enabled', 'enhanced'].includes(s.value)),
      'Container Insights is off',
    ),
});
