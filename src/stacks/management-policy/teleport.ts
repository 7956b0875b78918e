/** Teleport (environment-teleport.ts): its configuration parameters, state and events tables, audit and log buckets, and its own load balancer. */
import type { EnvironmentConfig } from '../../config/resolve';
import { Naming } from '../../naming';
import { arns, retagged, tagged, type ReasonedStatement } from './common';

export function teleportStatements(config: EnvironmentConfig): ReasonedStatement[] {
  const { arn, p, a, prefix } = arns(config);
  const t = config.teleport;
  const naming = new Naming(config.project, config.environment);
  const tables = [t.dynamodbTable, t.eventsTable].map((name) => arn('dynamodb', `table/${name}`));
  const buckets = [t.auditBucket, naming.bucket(a, config.aws.region, 'teleport-lb-logs')].map((name) => `arn:${p}:s3:::${name}`);
  return [
    {
      Sid: 'TeleportParameters',
      Effect: 'Allow',
      Action: [
        'ssm:PutParameter',
        'ssm:GetParameter',
        'ssm:GetParameters',
        'ssm:DeleteParameter',
        'ssm:AddTagsToResource',
        'ssm:RemoveTagsFromResource',
        'ssm:ListTagsForResource',
      ],
      Resource: arn('ssm', `parameter/${prefix}/teleport/*`),
    },
    {
      Sid: 'TeleportParameterList',
      Effect: 'Allow',
      Action: 'ssm:DescribeParameters',
      Resource: '*',
      reason: 'ssm:DescribeParameters has no resource-level permission; it lists names and changes nothing',
    },
    {
      Sid: 'TeleportTables',
      Effect: 'Allow',
      Action: [
        'dynamodb:CreateTable',
        'dynamodb:UpdateTable',
        'dynamodb:DeleteTable',
        'dynamodb:DescribeTable',
        'dynamodb:DescribeContinuousBackups',
        'dynamodb:UpdateContinuousBackups',
        'dynamodb:DescribeTimeToLive',
        'dynamodb:UpdateTimeToLive',
        'dynamodb:ListTagsOfResource',
        'dynamodb:TagResource',
        'dynamodb:UntagResource',
      ],
      Resource: tables,
    },
    {
      Sid: 'TeleportBuckets',
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
      Resource: buckets,
    },
    {
      Sid: 'TeleportLoadBalancerCreate',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup', 'elasticloadbalancing:CreateListener'],
      Resource: [
        arn('elasticloadbalancing', 'loadbalancer/*'),
        arn('elasticloadbalancing', 'targetgroup/*'),
        arn('elasticloadbalancing', 'listener/*'),
      ],
      Condition: tagged(config, 'RequestTag'),
    },
    {
      Sid: 'TeleportLoadBalancerTagOnCreate',
      Effect: 'Allow',
      Action: 'elasticloadbalancing:AddTags',
      Resource: [
        arn('elasticloadbalancing', 'loadbalancer/*'),
        arn('elasticloadbalancing', 'targetgroup/*'),
        arn('elasticloadbalancing', 'listener/*'),
      ],
      Condition: {
        StringEquals: {
          'elasticloadbalancing:CreateAction': ['CreateListener', 'CreateLoadBalancer', 'CreateTargetGroup'],
          ...tagged(config, 'RequestTag').StringEquals,
        },
      },
    },
    {
      Sid: 'TeleportLoadBalancerRetag',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
      Resource: [
        arn('elasticloadbalancing', 'loadbalancer/*'),
        arn('elasticloadbalancing', 'targetgroup/*'),
        arn('elasticloadbalancing', 'listener/*'),
      ],
      Condition: retagged(config),
    },
    {
      Sid: 'TeleportLoadBalancer',
      Effect: 'Allow',
      Action: [
        'elasticloadbalancing:DeleteLoadBalancer',
        'elasticloadbalancing:ModifyLoadBalancerAttributes',
        'elasticloadbalancing:SetSecurityGroups',
        'elasticloadbalancing:SetSubnets',
        'elasticloadbalancing:DeleteListener',
        'elasticloadbalancing:ModifyListener',
        'elasticloadbalancing:DeleteTargetGroup',
        'elasticloadbalancing:ModifyTargetGroup',
        'elasticloadbalancing:ModifyTargetGroupAttributes',
        'elasticloadbalancing:RegisterTargets',
        'elasticloadbalancing:DeregisterTargets',
      ],
      Resource: [
        arn('elasticloadbalancing', 'loadbalancer/*'),
        arn('elasticloadbalancing', 'targetgroup/*'),
        arn('elasticloadbalancing', 'listener/*'),
      ],
      Condition: tagged(config, 'ResourceTag'),
    },
  ];
}
