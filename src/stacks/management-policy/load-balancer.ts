/** Elastic Load Balancing: the load balancer, its listeners, rules and target groups; the access-log bucket. */
import type { EnvironmentConfig } from '../../config/resolve';
import { targetGroupNamePattern } from '../../modules/load-balancer/application-load-balancer';
import { Naming } from '../../naming';
import { type ReasonedStatement, arns } from './common';

export function loadBalancerStatements(config: EnvironmentConfig): ReasonedStatement[] {
  const { arn, p, a } = arns(config);
  const services = Object.values(config.services);
  const statements: ReasonedStatement[] = [];
  const add = (s: ReasonedStatement) => statements.push(s);

  // Load balancer, its listeners, rules and target groups; the access-log bucket.
  if (services.some((s) => s.routing)) {
    const lb = new Naming(config.project, config.environment).loadBalancer();
    add({
      Sid: 'LoadBalancer',
      Effect: 'Allow',
      Action: [
        'elasticloadbalancing:CreateLoadBalancer',
        'elasticloadbalancing:DeleteLoadBalancer',
        'elasticloadbalancing:ModifyLoadBalancerAttributes',
        'elasticloadbalancing:SetSecurityGroups',
        'elasticloadbalancing:SetSubnets',
        'elasticloadbalancing:CreateListener',
        'elasticloadbalancing:DeleteListener',
        'elasticloadbalancing:ModifyListener',
        'elasticloadbalancing:AddListenerCertificates',
        'elasticloadbalancing:RemoveListenerCertificates',
        'elasticloadbalancing:CreateRule',
        'elasticloadbalancing:DeleteRule',
        'elasticloadbalancing:ModifyRule',
        'elasticloadbalancing:SetRulePriorities',
        'elasticloadbalancing:CreateTargetGroup',
        'elasticloadbalancing:DeleteTargetGroup',
        'elasticloadbalancing:ModifyTargetGroup',
        'elasticloadbalancing:ModifyTargetGroupAttributes',
        'elasticloadbalancing:RegisterTargets',
        'elasticloadbalancing:DeregisterTargets',
        'elasticloadbalancing:AddTags',
        'elasticloadbalancing:RemoveTags',
      ],
      // Target group names start with the load balancer's (targetGroupNamePattern, beside the module's targetGroupName).
      Resource: [
        arn('elasticloadbalancing', `loadbalancer/app/${lb}/*`),
        arn('elasticloadbalancing', `listener/app/${lb}/*`),
        arn('elasticloadbalancing', `listener-rule/app/${lb}/*`),
        arn('elasticloadbalancing', `targetgroup/${targetGroupNamePattern(lb)}/*`),
      ],
    });
    if (config.loadBalancer.accessLogs) {
      const bucket = `arn:${p}:s3:::${new Naming(config.project, config.environment).bucket(a, config.aws.region, 'alb-logs')}`;
      add({
        Sid: 'AccessLogBucket',
        Effect: 'Allow',
        Action: [
          's3:CreateBucket',
          's3:DeleteBucket',
          's3:ListBucket',
          's3:Get*',
          's3:PutBucket*',
          's3:DeleteBucketPolicy',
          's3:PutEncryptionConfiguration',
          's3:PutLifecycleConfiguration',
        ],
        Resource: bucket,
      });
    }
  }
  return statements;
}
