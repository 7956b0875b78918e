import { defineRule, everyResource } from '../rule';

export const ecsSeparateTaskRole = defineRule(__filename, {
  description: 'Tasks run with a task role separate from the execution role',
  scannerIds: ['CKV_AWS_249'],
  scope: 'all',
  fix: 'give the task definition its own task_role_arn (the service module does)',
  check: (stack) =>
    everyResource(
      stack,
      'aws_ecs_task_definition',
      (t) => Boolean(t.task_role_arn) && t.task_role_arn !== t.execution_role_arn,
      'the task role is missing or is the execution role',
    ),
});
