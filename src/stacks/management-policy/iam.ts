/** IAM: roles named with the prefix, created only with the environment's boundary, handed only to the services that run them. */
import type { EnvironmentConfig } from '../../config/resolve';
import { type ReasonedStatement, arns, withBoundary } from './common';

export function iamStatements(config: EnvironmentConfig): ReasonedStatement[] {
  const { arn, p, prefix } = arns(config);
  const services = Object.values(config.services);
  const statements: ReasonedStatement[] = [];
  const add = (s: ReasonedStatement) => statements.push(s);

  // IAM: roles named with the prefix, handed only to the services that run them.
  add({
    Sid: 'IamRoles',
    Effect: 'Allow',
    Action: [
      'iam:DeleteRole',
      'iam:GetRole',
      'iam:UpdateRole',
      'iam:UpdateAssumeRolePolicy',
      'iam:TagRole',
      'iam:UntagRole',
      'iam:GetRolePolicy',
      'iam:DeleteRolePolicy',
      'iam:ListRolePolicies',
      'iam:ListAttachedRolePolicies',
      'iam:ListInstanceProfilesForRole',
    ],
    Resource: arn('iam', `role/${prefix}-*`, ''),
  });
  // Creating a role or giving it permissions only with the environment's boundary on it: a role made here can never do more than the boundary allows.
  add({
    Sid: 'IamRolesWithBoundary',
    Effect: 'Allow',
    Action: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary', 'iam:PutRolePolicy'],
    Resource: arn('iam', `role/${prefix}-*`, ''),
    Condition: withBoundary(config),
  });
  const passedTo = ['ecs-tasks.amazonaws.com'];
  if (config.network.flowLogs) passedTo.push('vpc-flow-logs.amazonaws.com');
  if (Object.values(config.databases).some((d) => d.enhancedMonitoring)) passedTo.push('monitoring.rds.amazonaws.com');
  // The jobs' Scheduler roles, to EventBridge Scheduler.
  if (Object.keys(config.jobs).length > 0) passedTo.push('scheduler.amazonaws.com');
  add({
    Sid: 'IamPassRoles',
    Effect: 'Allow',
    Action: 'iam:PassRole',
    Resource: arn('iam', `role/${prefix}-*`, ''),
    Condition: { StringEquals: { 'iam:PassedToService': passedTo } },
  });
  const managed = [
    ...new Set([
      ...[...services, ...Object.values(config.jobs)].flatMap((s) => s.taskRole.managedPolicyArns),
      ...(Object.values(config.databases).some((d) => d.enhancedMonitoring)
        ? [`arn:${p}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`]
        : []),
    ]),
  ].sort();
  if (managed.length > 0) {
    add({
      Sid: 'IamAttachConfigured',
      Effect: 'Allow',
      Action: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
      Resource: arn('iam', `role/${prefix}-*`, ''),
      Condition: { ArnEquals: { 'iam:PolicyARN': managed }, ...withBoundary(config) },
    });
  }
  const linked = ['ecs.amazonaws.com', 'elasticloadbalancing.amazonaws.com'];
  if (services.some((s) => s.autoscaling)) linked.push('ecs.application-autoscaling.amazonaws.com');
  if (Object.keys(config.databases).length > 0) linked.push('rds.amazonaws.com');
  if (Object.keys(config.caches).length > 0) linked.push('elasticache.amazonaws.com');
  add({
    Sid: 'IamServiceLinkedRoles',
    Effect: 'Allow',
    Action: 'iam:CreateServiceLinkedRole',
    Resource: arn('iam', 'role/aws-service-role/*', ''),
    Condition: { StringEquals: { 'iam:AWSServiceName': linked } },
  });
  return statements;
}
