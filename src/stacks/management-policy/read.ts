/** The read-only calls Terraform makes to refresh state, which AWS authorizes on `*` only. */
import type { EnvironmentConfig } from '../../config/resolve';
import { repositoriesOf } from '../mapping';
import type { ReasonedStatement } from './common';

/**
 * Read-only calls Terraform makes to refresh resources. These Describe and
 * List calls take no resource-level permissions (AWS's service authorization
 * reference lists `*` as their only resource), and they change nothing.
 */
export function readStatements(config: EnvironmentConfig): ReasonedStatement[] {
  const actions = [
    'ec2:Describe*',
    'elasticloadbalancing:Describe*',
    'ecs:Describe*',
    'ecs:List*',
    'logs:Describe*',
    'logs:ListTagsForResource',
    'logs:ListTagsLogGroup',
    'cloudwatch:Describe*',
    'cloudwatch:ListTagsForResource',
    'kms:ListAliases',
    'iam:ListRoles',
  ];
  const services = Object.values(config.services);
  if (services.some((s) => s.autoscaling)) actions.push('application-autoscaling:Describe*');
  if (services.some((s) => s.serviceDiscovery)) actions.push('servicediscovery:Get*', 'servicediscovery:List*');
  if (Object.keys(config.databases).length > 0) actions.push('rds:Describe*', 'rds:ListTagsForResource');
  if (Object.keys(config.dynamodb).length > 0) actions.push('dynamodb:ListTables');
  if (Object.keys(config.fileSystems).length > 0) actions.push('elasticfilesystem:Describe*');
  if (Object.keys(config.caches).length > 0) actions.push('elasticache:Describe*');
  if (config.loadBalancer.waf.enabled) actions.push('wafv2:ListWebACLs');
  if (Object.values(config.certificates).some((c) => c.arn === undefined)) actions.push('acm:ListCertificates');
  if (repositoriesOf(config).length > 0) actions.push('ecr:DescribeRepositories');
  return [
    {
      Sid: 'ReadToRefresh',
      Effect: 'Allow',
      Action: actions.sort(),
      Resource: '*',
      reason: 'Describe/List calls to refresh state: AWS offers no resource-level permission for them, and they change nothing',
    },
  ];
}
