/** Application Auto Scaling of the services that scale. */
import type { EnvironmentConfig } from '../../config/resolve';
import { type ReasonedStatement, arns, retagged, taggedOnCreate } from './common';

export function autoscalingStatements(config: EnvironmentConfig): ReasonedStatement[] {
  const { arn } = arns(config);
  const services = Object.values(config.services);
  const statements: ReasonedStatement[] = [];
  const add = (s: ReasonedStatement) => statements.push(s);

  // Autoscaling of the services that scale.
  if (services.some((s) => s.autoscaling)) {
    add({
      Sid: 'ServiceAutoscaling',
      Effect: 'Allow',
      Action: [
        'application-autoscaling:RegisterScalableTarget',
        'application-autoscaling:DeregisterScalableTarget',
        'application-autoscaling:PutScalingPolicy',
        'application-autoscaling:DeleteScalingPolicy',
        'application-autoscaling:PutScheduledAction',
        'application-autoscaling:DeleteScheduledAction',
        'application-autoscaling:ListTagsForResource',
      ],
      Resource: '*',
      Condition: { StringEquals: { 'application-autoscaling:service-namespace': 'ecs' } },
      reason:
        'Application Auto Scaling names scalable targets by random IDs and authorizes policies and schedules on * only; limited to ECS',
    });
    add({
      Sid: 'ServiceAutoscalingTagOnCreate',
      Effect: 'Allow',
      Action: 'application-autoscaling:TagResource',
      Resource: '*',
      Condition: taggedOnCreate(config),
      reason:
        'tags of a scalable target being registered, which has no ID yet; the request must tag it with this Project and Environment, and no target already tagged can be re-tagged',
    });
    add({
      Sid: 'ServiceAutoscalingRetag',
      Effect: 'Allow',
      Action: ['application-autoscaling:TagResource', 'application-autoscaling:UntagResource'],
      Resource: arn('application-autoscaling', 'scalable-target/*'),
      Condition: retagged(config),
    });
  }
  return statements;
}
