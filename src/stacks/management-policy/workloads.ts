/**
 * Caches (ElastiCache replication groups, their subnet groups, snapshots and
 * AUTH token secrets), application buckets and the load balancer's web ACL,
 * by the names the modules and workload-resolve.ts give them.
 */
import type { EnvironmentConfig } from '../../config/resolve';
import { Naming } from '../../naming';
import { type ReasonedStatement, arns } from './common';

export function workloadStatements(config: EnvironmentConfig): ReasonedStatement[] {
  const { arn, p, prefix } = arns(config);
  const statements: ReasonedStatement[] = [];
  const add = (s: ReasonedStatement) => statements.push(s);
  const caches = Object.values(config.caches).sort((x, y) => x.name.localeCompare(y.name));
  const buckets = Object.values(config.buckets).sort((x, y) => x.name.localeCompare(y.name));

  if (caches.length > 0) {
    // The IDs the Cache module gives (cacheGroupId: shortened with a hash where long, so not always under the prefix);
    // a replication group's nodes are its member clusters <id>-001, ...; its final snapshot <id>-final.
    add({
      Sid: 'Caches',
      Effect: 'Allow',
      Action: [
        'elasticache:CreateReplicationGroup',
        'elasticache:ModifyReplicationGroup',
        'elasticache:DeleteReplicationGroup',
        'elasticache:CreateCacheCluster',
        'elasticache:DeleteCacheCluster',
        'elasticache:CreateCacheSubnetGroup',
        'elasticache:ModifyCacheSubnetGroup',
        'elasticache:DeleteCacheSubnetGroup',
        'elasticache:CreateSnapshot',
        'elasticache:AddTagsToResource',
        'elasticache:RemoveTagsFromResource',
        'elasticache:ListTagsForResource',
      ],
      Resource: caches.flatMap((c) => [
        arn('elasticache', `replicationgroup:${c.groupId}`),
        arn('elasticache', `cluster:${c.groupId}-*`),
        arn('elasticache', `subnetgroup:${c.groupId}`),
        arn('elasticache', `snapshot:${c.groupId}-*`),
      ]),
    });
    // A replication group joins its engine's default parameter group: CreateReplicationGroup authorizes on it too.
    add({
      Sid: 'CacheParameterGroups',
      Effect: 'Allow',
      Action: ['elasticache:CreateReplicationGroup', 'elasticache:ModifyReplicationGroup', 'elasticache:CreateCacheCluster'],
      Resource: arn('elasticache', 'parametergroup:default.*'),
    });
    add({
      Sid: 'CacheTokens',
      Effect: 'Allow',
      Action: [
        'secretsmanager:CreateSecret',
        'secretsmanager:DeleteSecret',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetResourcePolicy',
        'secretsmanager:PutSecretValue',
        'secretsmanager:GetSecretValue',
        'secretsmanager:UpdateSecret',
        'secretsmanager:TagResource',
        'secretsmanager:UntagResource',
      ],
      Resource: arn('secretsmanager', `secret:${prefix}/cache/*`),
    });
  }
  if (buckets.length > 0) {
    const names = buckets.map((b) => `arn:${p}:s3:::${b.bucketName}`);
    add({
      Sid: 'ApplicationBuckets',
      Effect: 'Allow',
      Action: [
        's3:CreateBucket',
        's3:DeleteBucket',
        's3:ListBucket',
        's3:ListBucketVersions',
        's3:Get*',
        's3:PutBucket*',
        's3:DeleteBucketPolicy',
        's3:PutEncryptionConfiguration',
        's3:PutLifecycleConfiguration',
      ],
      Resource: names,
    });
    // Outside production `terraform destroy` empties the bucket first (force_destroy).
    const emptied = buckets.filter((b) => b.forceDestroy).map((b) => `arn:${p}:s3:::${b.bucketName}/*`);
    if (emptied.length > 0)
      add({ Sid: 'ApplicationBucketsEmptied', Effect: 'Allow', Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'], Resource: emptied });
  }
  const waf = config.loadBalancer.waf;
  if (waf.enabled) {
    const lb = new Naming(config.project, config.environment).loadBalancer();
    add({
      Sid: 'WebAcl',
      Effect: 'Allow',
      Action: [
        'wafv2:CreateWebACL',
        'wafv2:UpdateWebACL',
        'wafv2:DeleteWebACL',
        'wafv2:GetWebACL',
        'wafv2:AssociateWebACL',
        'wafv2:DisassociateWebACL',
        'wafv2:PutLoggingConfiguration',
        'wafv2:DeleteLoggingConfiguration',
        'wafv2:GetLoggingConfiguration',
        'wafv2:TagResource',
        'wafv2:UntagResource',
        'wafv2:ListTagsForResource',
      ],
      Resource: arn('wafv2', `regional/webacl/${waf.webAclName}/*`),
    });
    // The managed rule groups a web ACL names, and the load balancer it is attached to.
    add({
      Sid: 'WebAclManagedRules',
      Effect: 'Allow',
      Action: ['wafv2:CreateWebACL', 'wafv2:UpdateWebACL'],
      Resource: arn('wafv2', 'regional/managedruleset/*/*'),
    });
    add({
      Sid: 'WebAclAssociation',
      Effect: 'Allow',
      Action: ['wafv2:AssociateWebACL', 'wafv2:DisassociateWebACL', 'wafv2:GetWebACLForResource', 'elasticloadbalancing:SetWebAcl'],
      Resource: arn('elasticloadbalancing', `loadbalancer/app/${lb}/*`),
    });
    add({
      Sid: 'WebAclLogDelivery',
      Effect: 'Allow',
      Action: [
        'logs:CreateLogDelivery',
        'logs:DeleteLogDelivery',
        'logs:GetLogDelivery',
        'logs:ListLogDeliveries',
        'logs:PutResourcePolicy',
        'logs:DescribeResourcePolicies',
      ],
      Resource: '*',
      reason:
        "WAF delivers to its log group through a CloudWatch Logs delivery and the account's logs resource policy, which it sets up in the caller's name; these calls have no resource-level permission",
    });
  }
  return statements;
}
