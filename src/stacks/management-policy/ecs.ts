/** ECS: the environment's cluster, its services and task definition families. */
import type { EnvironmentConfig } from '../../config/resolve';
import { type ReasonedStatement, arns } from './common';

export function ecsStatements(config: EnvironmentConfig): ReasonedStatement[] {
  const { arn, prefix } = arns(config);
  const statements: ReasonedStatement[] = [];
  const add = (s: ReasonedStatement) => statements.push(s);

  // ECS: the environment's cluster, its services and task definition families.
  add({
    Sid: 'EcsCluster',
    Effect: 'Allow',
    Action: [
      'ecs:CreateCluster',
      'ecs:DeleteCluster',
      'ecs:UpdateCluster',
      'ecs:UpdateClusterSettings',
      'ecs:PutClusterCapacityProviders',
      'ecs:TagResource',
      'ecs:UntagResource',
      'ecs:CreateService',
      'ecs:UpdateService',
      'ecs:DeleteService',
    ],
    Resource: [arn('ecs', `cluster/${prefix}`), arn('ecs', `service/${prefix}/*`), arn('ecs', `task-definition/${prefix}-*:*`)],
  });
  add({
    Sid: 'EcsTaskDefinitions',
    Effect: 'Allow',
    Action: ['ecs:RegisterTaskDefinition', 'ecs:DeregisterTaskDefinition'],
    Resource: '*',
    reason: 'ECS offers no resource-level permission for registering and deregistering task definitions',
  });
  return statements;
}
