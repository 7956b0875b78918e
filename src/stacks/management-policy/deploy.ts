/** The GitHub deploy role: push images, register task definitions, roll out, pass exactly the services' roles. */
import type { EnvironmentConfig } from '../../config/resolve';
import { serviceRoleName } from '../../modules/service/service-roles';
import { Naming } from '../../naming';
import { repositoriesOf, repositoryName } from '../mapping';
import { arns, type ReasonedStatement } from './common';

/** What a GitHub Actions image workflow needs: push this environment's images, register task definitions, roll out and watch its services, pass exactly their roles. */
export function deployStatements(config: EnvironmentConfig, taskRoleNames: readonly string[]): ReasonedStatement[] {
  const { arn, prefix } = arns(config);
  const statements: ReasonedStatement[] = [
    {
      Sid: 'EcrLogin',
      Effect: 'Allow',
      Action: 'ecr:GetAuthorizationToken',
      Resource: '*',
      reason: 'ecr:GetAuthorizationToken has no resource-level permission',
    },
  ];
  if (repositoriesOf(config).length > 0) {
    statements.push({
      Sid: 'PushImages',
      Effect: 'Allow',
      Action: [
        'ecr:BatchCheckLayerAvailability',
        'ecr:InitiateLayerUpload',
        'ecr:UploadLayerPart',
        'ecr:CompleteLayerUpload',
        'ecr:PutImage',
        'ecr:BatchGetImage',
        'ecr:GetDownloadUrlForLayer',
        'ecr:DescribeImages',
      ],
      Resource: repositoriesOf(config).map((r) => arn('ecr', `repository/${repositoryName(config, r)}`)),
    });
  }
  statements.push(
    {
      Sid: 'TaskDefinitions',
      Effect: 'Allow',
      Action: ['ecs:RegisterTaskDefinition', 'ecs:DescribeTaskDefinition'],
      Resource: '*',
      reason: 'ECS offers no resource-level permission for registering and describing task definitions',
    },
    // A revision registered from the current one keeps its tags (rollout: DescribeTaskDefinition --include TAGS).
    {
      Sid: 'TagTaskDefinitions',
      Effect: 'Allow',
      Action: 'ecs:TagResource',
      Resource: arn('ecs', `task-definition/${prefix}-*:*`),
      Condition: { StringEquals: { 'ecs:CreateAction': 'RegisterTaskDefinition' } },
    },
    { Sid: 'RollOut', Effect: 'Allow', Action: ['ecs:UpdateService', 'ecs:DescribeServices'], Resource: arn('ecs', `service/${prefix}/*`) },
  );
  if (taskRoleNames.length > 0) {
    statements.push({
      Sid: 'PassServiceRoles',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: [...taskRoleNames].sort().map((name) => arn('iam', `role/${name}`, '')),
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    });
  }
  return statements;
}

/** The task and execution role names of every service (the names ServiceRoles gives them). */
export function serviceRoleNames(config: EnvironmentConfig): string[] {
  const prefix = new Naming(config.project, config.environment).prefix;
  return Object.keys(config.services)
    .sort()
    .flatMap((service) => (['execution', 'task'] as const).map((kind) => serviceRoleName(`${prefix}-${service}`, kind)));
}
