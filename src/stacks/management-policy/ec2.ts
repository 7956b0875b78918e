/** Network: VPC pieces (a new VPC) and security groups (always); EC2 authorizes creation on the new resource's tags. */
import type { EnvironmentConfig } from '../../config/resolve';
import { type ReasonedStatement, arns, retagged, tagged, taggedOnCreate } from './common';

export function ec2Statements(config: EnvironmentConfig): ReasonedStatement[] {
  const { arn } = arns(config);
  const statements: ReasonedStatement[] = [];
  const add = (s: ReasonedStatement) => statements.push(s);

  // Network: VPC pieces (a new VPC) and security groups (always). EC2 authorizes creation on the new resource's tags.
  const ec2Create = ['ec2:CreateSecurityGroup'];
  const ec2Change = [
    'ec2:AuthorizeSecurityGroupEgress',
    'ec2:AuthorizeSecurityGroupIngress',
    'ec2:RevokeSecurityGroupEgress',
    'ec2:RevokeSecurityGroupIngress',
    'ec2:ModifySecurityGroupRules',
    'ec2:UpdateSecurityGroupRuleDescriptionsEgress',
    'ec2:UpdateSecurityGroupRuleDescriptionsIngress',
    'ec2:DeleteSecurityGroup',
  ];
  if (config.network.kind === 'new') {
    ec2Create.push(
      'ec2:CreateVpc',
      'ec2:CreateSubnet',
      'ec2:CreateRouteTable',
      'ec2:CreateInternetGateway',
      'ec2:CreateNatGateway',
      'ec2:AllocateAddress',
    );
    ec2Change.push(
      'ec2:ModifyVpcAttribute',
      'ec2:DeleteVpc',
      'ec2:ModifySubnetAttribute',
      'ec2:DeleteSubnet',
      'ec2:CreateRoute',
      'ec2:ReplaceRoute',
      'ec2:DeleteRoute',
      'ec2:AssociateRouteTable',
      'ec2:DisassociateRouteTable',
      'ec2:DeleteRouteTable',
      'ec2:AttachInternetGateway',
      'ec2:DetachInternetGateway',
      'ec2:DeleteInternetGateway',
      'ec2:DeleteNatGateway',
      'ec2:ReleaseAddress',
      'ec2:AssociateAddress',
      'ec2:DisassociateAddress',
    );
  }
  if (config.network.flowLogs) {
    ec2Create.push('ec2:CreateFlowLogs');
    ec2Change.push('ec2:DeleteFlowLogs');
  }
  add({
    Sid: 'Ec2Create',
    Effect: 'Allow',
    Action: ec2Create,
    Resource: '*',
    Condition: tagged(config, 'RequestTag'),
    reason: 'EC2 authorizes a create on a resource ID that does not exist yet; the request must tag it with this Project and Environment',
  });
  add({
    Sid: 'Ec2Change',
    Effect: 'Allow',
    Action: ec2Change,
    Resource: '*',
    Condition: tagged(config, 'ResourceTag'),
    reason:
      'EC2 resource IDs are random, so ARNs cannot name them in advance; only resources tagged with this Project and Environment match',
  });
  // Tags: on creation only (ec2:CreateAction), or on a resource already this environment's, never its Project or Environment tag.
  add({
    Sid: 'Ec2TagOnCreate',
    Effect: 'Allow',
    Action: 'ec2:CreateTags',
    Resource: '*',
    Condition: {
      StringEquals: {
        'ec2:CreateAction': [...ec2Create, 'ec2:AuthorizeSecurityGroupEgress', 'ec2:AuthorizeSecurityGroupIngress']
          .map((a) => a.slice('ec2:'.length))
          .sort(),
        ...tagged(config, 'RequestTag').StringEquals,
      },
    },
    reason:
      'tags of a resource being created (ec2:CreateAction), which has no ID yet; the request must tag it with this Project and Environment',
  });
  add({
    Sid: 'Ec2Retag',
    Effect: 'Allow',
    Action: ['ec2:CreateTags', 'ec2:DeleteTags'],
    Resource: '*',
    Condition: retagged(config),
    reason: 'EC2 resource IDs are random; only resources already tagged with this Project and Environment, and never those two tags',
  });
  if (config.network.kind === 'new') {
    // A new VPC comes with an untagged default security group, which the network adopts (aws_default_security_group) and tags.
    add({
      Sid: 'Ec2DefaultSecurityGroupTags',
      Effect: 'Allow',
      Action: 'ec2:CreateTags',
      Resource: arn('ec2', 'security-group/*'),
      Condition: taggedOnCreate(config),
    });
  }
  return statements;
}
