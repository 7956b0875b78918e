/**
 * What may plan and apply an environment, derived from what the environment
 * contains: its state objects and lock, then create/update/delete only of
 * resources named with its `<project>-<environment>` prefix (resource ARN
 * patterns) or tagged with its Project and Environment (conditions, where a
 * service authorizes creation before there is an ARN). A service the
 * environment does not use gets no statement. Every `*` resource carries its
 * reason here; `wildcardWaiver` turns them into the guardrail waiver that the
 * stacks holding such a policy record.
 *
 * Pure functions of the EnvironmentConfig: the controller's task role, an
 * environment role made by the bootstrap (controller.environmentRoles) and
 * the GitHub apply role all use `managementStatements`; the GitHub deploy
 * role uses `deployStatements`.
 */
import type { EnvironmentConfig } from '../config/resolve';
import { controllerNames } from '../config/controller-schema';
import { environmentBoundaryName, fitName, githubRoleName, Naming, NAME_LIMITS } from '../naming';
import { databaseNames } from '../modules/database/database';
import { githubOidcProviderArn } from '../modules/ci/github-oidc-provider';
import type { PolicyStatement } from '../modules/iam/policy-document';
import { repositoriesOf, repositoryName } from './mapping';

/** A policy statement; one whose Resource is `*` says why. */
export interface ReasonedStatement extends PolicyStatement {
  readonly Sid: string;
  /** Why the statement needs `*` (required exactly when Resource is `*`). */
  readonly reason?: string;
}

type Condition = NonNullable<PolicyStatement['Condition']>;

/** The ARN building blocks of one environment. */
function arns(config: EnvironmentConfig) {
  const { partition: p, region: r, accountId: a } = config.aws;
  const prefix = new Naming(config.project, config.environment).prefix;
  return {
    p, r, a, prefix,
    arn: (service: string, resource: string, region: string = r, account: string = a) => `arn:${p}:${service}:${region}:${account}:${resource}`,
  };
}

/** The names of every database of the environment, as the Database module gives them, in key order. */
export function databasesOf(config: EnvironmentConfig): ReturnType<typeof databaseNames>[] {
  const prefix = new Naming(config.project, config.environment).prefix;
  return Object.values(config.databases).sort((x, y) => x.name.localeCompare(y.name)).map((db) => databaseNames(prefix, db.name, db.parameterGroupFamily));
}

/** Requests that create or change a resource tagged as this environment's. */
function tagged(config: EnvironmentConfig, kind: 'RequestTag' | 'ResourceTag'): Condition {
  return { StringEquals: { [`aws:${kind}/Project`]: config.project, [`aws:${kind}/Environment`]: config.environment } };
}

/** Tag keys that say whose a resource is: no policy here lets a role change them on an existing resource. */
export const OWNER_TAG_KEYS: readonly string[] = ['Project', 'Environment'];

/**
 * Tagging an existing resource: only one already tagged as this
 * environment's, and never its Project or Environment tag (so a role cannot
 * re-tag someone else's resource as its own, or give its own away).
 */
function retagged(config: EnvironmentConfig): Condition {
  return { ...tagged(config, 'ResourceTag'), 'ForAllValues:StringNotEquals': { 'aws:TagKeys': [...OWNER_TAG_KEYS] } };
}

/**
 * Tagging while creating, for services with no `CreateAction` condition key
 * (KMS, ACM, Cloud Map, Application Auto Scaling): the request tags the new resource as this
 * environment's, and the resource has no Project or Environment tag yet
 * (a new one has none; a resource tagged as anyone's is refused).
 */
function taggedOnCreate(config: EnvironmentConfig): Condition {
  return { ...tagged(config, 'RequestTag'), Null: { 'aws:ResourceTag/Project': 'true', 'aws:ResourceTag/Environment': 'true' } };
}

/** The state file, its lock file (useLockfile) and the lock table entry: what `init`, `plan` and `apply` read and write. */
export function stateStatements(config: EnvironmentConfig): ReasonedStatement[] {
  const { backend } = config;
  const p = config.aws.partition;
  const key = `${backend.keyPrefix}/${config.environment}.tfstate`;
  const objects = [`arn:${p}:s3:::${backend.bucket}/${key}`];
  const statements: ReasonedStatement[] = [
    { Sid: 'StateList', Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:${p}:s3:::${backend.bucket}`, Condition: { StringLike: { 's3:prefix': [key, `${key}*`] } } },
    { Sid: 'StateObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: objects },
  ];
  if (backend.useLockfile) statements.push({ Sid: 'StateLockFile', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: `arn:${p}:s3:::${backend.bucket}/${key}.tflock` });
  statements.push({
    Sid: 'StateLockTable',
    Effect: 'Allow',
    Action: ['dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
    Resource: `arn:${p}:dynamodb:${backend.region}:${backend.accountId}:table/${backend.lockTable}`,
    // Terraform's lock items are keyed <bucket>/<key> (and <bucket>/<key>-md5): this environment's only.
    Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${backend.bucket}/${key}`, `${backend.bucket}/${key}-md5`] } },
  });
  return statements;
}

/**
 * Read-only calls Terraform makes to refresh resources. These Describe and
 * List calls take no resource-level permissions (AWS's service authorization
 * reference lists `*` as their only resource), and they change nothing.
 */
function readStatements(config: EnvironmentConfig): ReasonedStatement[] {
  const actions = ['ec2:Describe*', 'elasticloadbalancing:Describe*', 'ecs:Describe*', 'ecs:List*', 'logs:Describe*', 'logs:ListTagsForResource', 'logs:ListTagsLogGroup', 'cloudwatch:Describe*', 'cloudwatch:ListTagsForResource', 'kms:ListAliases', 'iam:ListRoles'];
  const services = Object.values(config.services);
  if (services.some((s) => s.autoscaling)) actions.push('application-autoscaling:Describe*');
  if (services.some((s) => s.serviceDiscovery)) actions.push('servicediscovery:Get*', 'servicediscovery:List*');
  if (Object.keys(config.databases).length > 0) actions.push('rds:Describe*', 'rds:ListTagsForResource');
  if (Object.keys(config.dynamodb).length > 0) actions.push('dynamodb:ListTables');
  if (Object.keys(config.fileSystems).length > 0) actions.push('elasticfilesystem:Describe*');
  if (Object.values(config.certificates).some((c) => c.arn === undefined)) actions.push('acm:ListCertificates');
  if (repositoriesOf(config).length > 0) actions.push('ecr:DescribeRepositories');
  return [{
    Sid: 'ReadToRefresh', Effect: 'Allow', Action: actions.sort(), Resource: '*',
    reason: 'Describe/List calls to refresh state: AWS offers no resource-level permission for them, and they change nothing',
  }];
}

/** Every IAM action that changes something: what the deny statements refuse. */
export const IAM_WRITES = ['iam:Add*', 'iam:Attach*', 'iam:Create*', 'iam:Delete*', 'iam:Detach*', 'iam:PassRole', 'iam:Put*', 'iam:Remove*', 'iam:Set*', 'iam:Tag*', 'iam:Untag*', 'iam:Update*'];

/** The environment's permissions boundary policy, `<prefix>-boundary`, which the bootstrap creates (permissions-boundary.ts). */
export function boundaryPolicyName(config: EnvironmentConfig): string {
  return environmentBoundaryName(config.project, config.environment);
}

/** The ARN of the environment's permissions boundary policy, in the environment's account. */
export function boundaryPolicyArn(config: EnvironmentConfig): string {
  const { p, a } = arns(config);
  return `arn:${p}:iam::${a}:policy/${boundaryPolicyName(config)}`;
}

/** Requests about a role that has (or, creating it, gets) the environment's permissions boundary. */
function withBoundary(config: EnvironmentConfig): Condition {
  return { StringEquals: { 'iam:PermissionsBoundary': boundaryPolicyArn(config) } };
}

/**
 * The roles that hold this policy (the GitHub roles, the controller's
 * environment role and the controller's own roles), their policies, the
 * account's GitHub OIDC provider and the reserved boundary policy:
 * `role/<prefix>-*` would match the first ones, so without this a job could
 * widen its own permissions or trust.
 */
export function protectedIamArns(config: EnvironmentConfig): string[] {
  const { p, a } = arns(config);
  const iam = (resource: string) => `arn:${p}:iam::${a}:${resource}`;
  const holders = [githubRoleName(config.project, config.environment, 'apply'), githubRoleName(config.project, config.environment, 'deploy'), controllerNames.environmentRole(config.project, config.environment)];
  const controller = controllerNames.prefix(config.project);
  return [
    ...holders.flatMap((name) => [iam(`role/${name}`), iam(`policy/${name}-*`)]),
    iam(`role/${controller}-*`), iam(`policy/${controller}-*`),
    githubOidcProviderArn(p, a),
    iam(`policy/${boundaryPolicyName(config)}`),
  ];
}

/**
 * Resource patterns of this policy that also match a sibling environment's
 * names (`shop-prod-*` matches `shop-prod-eu-task`): the same pattern with the
 * sibling's prefix, denied. Siblings are the other environments whose name
 * starts with this one's and a `-`.
 */
export function siblingPatterns(config: EnvironmentConfig, statements: readonly ReasonedStatement[], others: readonly string[]): string[] {
  const prefix = arns(config).prefix;
  const siblings = others.filter((o) => o.startsWith(`${config.environment}-`)).map((o) => new Naming(config.project, o).prefix);
  if (siblings.length === 0) return [];
  const wide = [...new Set(statements.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Resource ?? []].flat()))]
    .filter((r) => r.includes(`${prefix}-*`) || r.includes(`${prefix}*`));
  return [...new Set(siblings.flatMap((sibling) => wide.map((r) => r.replace(prefix, sibling))))].sort();
}

/**
 * Every statement that plans and applies the environment, in a fixed order
 * (tests compare them exactly). `others`: the names of the other
 * environments of the config folder that this policy does not also manage,
 * whose resources a prefix pattern might match (siblingPatterns).
 */
export function managementStatements(config: EnvironmentConfig, others: readonly string[] = []): ReasonedStatement[] {
  const { arn, p, a, prefix } = arns(config);
  const services = Object.values(config.services);
  const statements: ReasonedStatement[] = [...stateStatements(config), ...readStatements(config)];
  const add = (s: ReasonedStatement) => statements.push(s);

  // Network: VPC pieces (a new VPC) and security groups (always). EC2 authorizes creation on the new resource's tags.
  const ec2Create = ['ec2:CreateSecurityGroup'];
  const ec2Change = ['ec2:AuthorizeSecurityGroupEgress', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress', 'ec2:RevokeSecurityGroupIngress',
    'ec2:ModifySecurityGroupRules', 'ec2:UpdateSecurityGroupRuleDescriptionsEgress', 'ec2:UpdateSecurityGroupRuleDescriptionsIngress', 'ec2:DeleteSecurityGroup'];
  if (config.network.kind === 'new') {
    ec2Create.push('ec2:CreateVpc', 'ec2:CreateSubnet', 'ec2:CreateRouteTable', 'ec2:CreateInternetGateway', 'ec2:CreateNatGateway', 'ec2:AllocateAddress');
    ec2Change.push('ec2:ModifyVpcAttribute', 'ec2:DeleteVpc', 'ec2:ModifySubnetAttribute', 'ec2:DeleteSubnet', 'ec2:CreateRoute', 'ec2:ReplaceRoute', 'ec2:DeleteRoute',
      'ec2:AssociateRouteTable', 'ec2:DisassociateRouteTable', 'ec2:DeleteRouteTable', 'ec2:AttachInternetGateway', 'ec2:DetachInternetGateway', 'ec2:DeleteInternetGateway',
      'ec2:DeleteNatGateway', 'ec2:ReleaseAddress', 'ec2:AssociateAddress', 'ec2:DisassociateAddress');
  }
  if (config.network.flowLogs) { ec2Create.push('ec2:CreateFlowLogs'); ec2Change.push('ec2:DeleteFlowLogs'); }
  add({ Sid: 'Ec2Create', Effect: 'Allow', Action: ec2Create, Resource: '*', Condition: tagged(config, 'RequestTag'),
    reason: 'EC2 authorizes a create on a resource ID that does not exist yet; the request must tag it with this Project and Environment' });
  add({ Sid: 'Ec2Change', Effect: 'Allow', Action: ec2Change, Resource: '*', Condition: tagged(config, 'ResourceTag'),
    reason: 'EC2 resource IDs are random, so ARNs cannot name them in advance; only resources tagged with this Project and Environment match' });
  // Tags: on creation only (ec2:CreateAction), or on a resource already this environment's, never its Project or Environment tag.
  add({ Sid: 'Ec2TagOnCreate', Effect: 'Allow', Action: 'ec2:CreateTags', Resource: '*',
    Condition: { StringEquals: { 'ec2:CreateAction': [...ec2Create, 'ec2:AuthorizeSecurityGroupEgress', 'ec2:AuthorizeSecurityGroupIngress'].map((a) => a.slice('ec2:'.length)).sort(), ...tagged(config, 'RequestTag').StringEquals } },
    reason: 'tags of a resource being created (ec2:CreateAction), which has no ID yet; the request must tag it with this Project and Environment' });
  add({ Sid: 'Ec2Retag', Effect: 'Allow', Action: ['ec2:CreateTags', 'ec2:DeleteTags'], Resource: '*', Condition: retagged(config),
    reason: 'EC2 resource IDs are random; only resources already tagged with this Project and Environment, and never those two tags' });
  if (config.network.kind === 'new') {
    // A new VPC comes with an untagged default security group, which the network adopts (aws_default_security_group) and tags.
    add({ Sid: 'Ec2DefaultSecurityGroupTags', Effect: 'Allow', Action: 'ec2:CreateTags', Resource: arn('ec2', 'security-group/*'), Condition: taggedOnCreate(config) });
  }

  // ECS: the environment's cluster, its services and task definition families.
  add({ Sid: 'EcsCluster', Effect: 'Allow', Action: ['ecs:CreateCluster', 'ecs:DeleteCluster', 'ecs:UpdateCluster', 'ecs:UpdateClusterSettings', 'ecs:PutClusterCapacityProviders', 'ecs:TagResource', 'ecs:UntagResource', 'ecs:CreateService', 'ecs:UpdateService', 'ecs:DeleteService'],
    Resource: [arn('ecs', `cluster/${prefix}`), arn('ecs', `service/${prefix}/*`), arn('ecs', `task-definition/${prefix}-*:*`)] });
  add({ Sid: 'EcsTaskDefinitions', Effect: 'Allow', Action: ['ecs:RegisterTaskDefinition', 'ecs:DeregisterTaskDefinition'], Resource: '*',
    reason: 'ECS offers no resource-level permission for registering and deregistering task definitions' });

  // IAM: roles named with the prefix, handed only to the services that run them.
  add({ Sid: 'IamRoles', Effect: 'Allow', Action: ['iam:DeleteRole', 'iam:GetRole', 'iam:UpdateRole', 'iam:UpdateAssumeRolePolicy', 'iam:TagRole', 'iam:UntagRole',
    'iam:GetRolePolicy', 'iam:DeleteRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:ListInstanceProfilesForRole'], Resource: arn('iam', `role/${prefix}-*`, '') });
  // Creating a role or giving it permissions only with the environment's boundary on it: a role made here can never do more than the boundary allows.
  add({ Sid: 'IamRolesWithBoundary', Effect: 'Allow', Action: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary', 'iam:PutRolePolicy'], Resource: arn('iam', `role/${prefix}-*`, ''), Condition: withBoundary(config) });
  const passedTo = ['ecs-tasks.amazonaws.com'];
  if (config.network.flowLogs) passedTo.push('vpc-flow-logs.amazonaws.com');
  if (Object.values(config.databases).some((d) => d.enhancedMonitoring)) passedTo.push('monitoring.rds.amazonaws.com');
  add({ Sid: 'IamPassRoles', Effect: 'Allow', Action: 'iam:PassRole', Resource: arn('iam', `role/${prefix}-*`, ''), Condition: { StringEquals: { 'iam:PassedToService': passedTo } } });
  const managed = [...new Set([
    ...services.flatMap((s) => s.taskRole.managedPolicyArns),
    ...(Object.values(config.databases).some((d) => d.enhancedMonitoring) ? [`arn:${p}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`] : []),
  ])].sort();
  if (managed.length > 0) {
    add({ Sid: 'IamAttachConfigured', Effect: 'Allow', Action: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'], Resource: arn('iam', `role/${prefix}-*`, ''),
      Condition: { ArnEquals: { 'iam:PolicyARN': managed }, ...withBoundary(config) } });
  }
  const linked = ['ecs.amazonaws.com', 'elasticloadbalancing.amazonaws.com'];
  if (services.some((s) => s.autoscaling)) linked.push('ecs.application-autoscaling.amazonaws.com');
  if (Object.keys(config.databases).length > 0) linked.push('rds.amazonaws.com');
  add({ Sid: 'IamServiceLinkedRoles', Effect: 'Allow', Action: 'iam:CreateServiceLinkedRole', Resource: arn('iam', 'role/aws-service-role/*', ''), Condition: { StringEquals: { 'iam:AWSServiceName': linked } } });

  // Logs: the environment's log groups.
  const logGroups = [arn('logs', `log-group:/ecs/${prefix}/*`)];
  if (config.network.flowLogs) logGroups.push(arn('logs', `log-group:/vpc/${prefix}/*`));
  // Engine log groups by the instances' identifiers (databaseNames, as the Database module names them).
  logGroups.push(...databasesOf(config).map((db) => arn('logs', `log-group:${db.logGroupPrefix}*`)));
  add({ Sid: 'LogGroups', Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', 'logs:AssociateKmsKey', 'logs:DisassociateKmsKey', 'logs:TagResource', 'logs:UntagResource', 'logs:TagLogGroup', 'logs:UntagLogGroup'],
    Resource: logGroups.flatMap((g) => [g, `${g}:*`]) });

  // KMS: keys tagged as this environment's, their aliases by name.
  if (config.logsCustomerKey || services.some((s) => s.exec) || Object.keys(config.fileSystems).length > 0 || (config.monitoring.alarms.enabled && config.monitoring.topicArn === undefined)) {
    add({ Sid: 'KmsCreateKey', Effect: 'Allow', Action: ['kms:CreateKey', 'kms:TagResource'], Resource: '*', Condition: taggedOnCreate(config),
      reason: 'kms:CreateKey authorizes before the key has an ARN; the request must tag it with this Project and Environment, and no key already tagged can be re-tagged' });
    add({ Sid: 'KmsKeys', Effect: 'Allow', Action: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:PutKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:EnableKeyRotation', 'kms:ListResourceTags', 'kms:ScheduleKeyDeletion', 'kms:CreateAlias', 'kms:DeleteAlias', 'kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: arn('kms', 'key/*'), Condition: tagged(config, 'ResourceTag') });
    add({ Sid: 'KmsRetag', Effect: 'Allow', Action: ['kms:TagResource', 'kms:UntagResource'], Resource: arn('kms', 'key/*'), Condition: retagged(config) });
    add({ Sid: 'KmsAliases', Effect: 'Allow', Action: ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'], Resource: arn('kms', `alias/${prefix}-*`) });
  }

  // Registry: the environment's repositories, <project>/<environment>/*.
  if (repositoriesOf(config).length > 0) {
    add({ Sid: 'EcrRepositories', Effect: 'Allow', Action: ['ecr:CreateRepository', 'ecr:DeleteRepository', 'ecr:PutLifecyclePolicy', 'ecr:GetLifecyclePolicy', 'ecr:DeleteLifecyclePolicy', 'ecr:PutImageTagMutability', 'ecr:PutImageScanningConfiguration', 'ecr:TagResource', 'ecr:UntagResource', 'ecr:ListTagsForResource', 'ecr:GetRepositoryPolicy'],
      Resource: arn('ecr', `repository/${config.project}/${config.environment}/*`) });
  }

  // Load balancer, its listeners, rules and target groups; the access-log bucket.
  if (services.some((s) => s.routing)) {
    const lb = new Naming(config.project, config.environment).loadBalancer();
    add({ Sid: 'LoadBalancer', Effect: 'Allow', Action: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:ModifyLoadBalancerAttributes', 'elasticloadbalancing:SetSecurityGroups', 'elasticloadbalancing:SetSubnets',
      'elasticloadbalancing:CreateListener', 'elasticloadbalancing:DeleteListener', 'elasticloadbalancing:ModifyListener', 'elasticloadbalancing:AddListenerCertificates', 'elasticloadbalancing:RemoveListenerCertificates',
      'elasticloadbalancing:CreateRule', 'elasticloadbalancing:DeleteRule', 'elasticloadbalancing:ModifyRule', 'elasticloadbalancing:SetRulePriorities',
      'elasticloadbalancing:CreateTargetGroup', 'elasticloadbalancing:DeleteTargetGroup', 'elasticloadbalancing:ModifyTargetGroup', 'elasticloadbalancing:ModifyTargetGroupAttributes',
      'elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
    // Target group names start with the load balancer's name (at least its first 25 characters, names/trimmedName).
    Resource: [arn('elasticloadbalancing', `loadbalancer/app/${lb}/*`), arn('elasticloadbalancing', `listener/app/${lb}/*`), arn('elasticloadbalancing', `listener-rule/app/${lb}/*`), arn('elasticloadbalancing', `targetgroup/${lb.slice(0, 25)}*/*`)] });
    if (config.loadBalancer.accessLogs) {
      const bucket = `arn:${p}:s3:::${new Naming(config.project, config.environment).bucket(a, config.aws.region, 'alb-logs')}`;
      add({ Sid: 'AccessLogBucket', Effect: 'Allow', Action: ['s3:CreateBucket', 's3:DeleteBucket', 's3:ListBucket', 's3:Get*', 's3:PutBucket*', 's3:DeleteBucketPolicy', 's3:PutEncryptionConfiguration', 's3:PutLifecycleConfiguration'], Resource: bucket });
    }
  }

  // Certificates the environment requests, and DNS records in its zones.
  if (Object.values(config.certificates).some((c) => c.arn === undefined)) {
    add({ Sid: 'AcmRequest', Effect: 'Allow', Action: ['acm:RequestCertificate', 'acm:AddTagsToCertificate'], Resource: '*', Condition: taggedOnCreate(config),
      reason: 'acm:RequestCertificate authorizes before the certificate has an ARN; the request must tag it with this Project and Environment, and no certificate already tagged can be re-tagged' });
    add({ Sid: 'AcmCertificates', Effect: 'Allow', Action: ['acm:DescribeCertificate', 'acm:ListTagsForCertificate', 'acm:DeleteCertificate'], Resource: arn('acm', 'certificate/*'), Condition: tagged(config, 'ResourceTag') });
    add({ Sid: 'AcmRetag', Effect: 'Allow', Action: ['acm:AddTagsToCertificate', 'acm:RemoveTagsFromCertificate'], Resource: arn('acm', 'certificate/*'), Condition: retagged(config) });
  }
  const zones = [...new Set([config.dns?.hostedZoneId, ...Object.values(config.certificates).map((c) => c.hostedZoneId)].filter((z): z is string => z !== undefined))].sort();
  if (zones.length > 0) {
    add({ Sid: 'DnsRecords', Effect: 'Allow', Action: ['route53:GetHostedZone', 'route53:ListResourceRecordSets', 'route53:ChangeResourceRecordSets', 'route53:ListTagsForResource'], Resource: zones.map((z) => `arn:${p}:route53:::hostedzone/${z}`) });
    add({ Sid: 'DnsChanges', Effect: 'Allow', Action: 'route53:GetChange', Resource: `arn:${p}:route53:::change/*` });
  }

  // Service discovery: Cloud Map creates the private zone of the namespace itself.
  if (services.some((s) => s.serviceDiscovery)) {
    add({ Sid: 'DiscoveryCreate', Effect: 'Allow', Action: ['servicediscovery:CreatePrivateDnsNamespace', 'servicediscovery:CreateService', 'servicediscovery:TagResource'], Resource: '*', Condition: taggedOnCreate(config),
      reason: 'Cloud Map authorizes creating a namespace and its services before they have IDs; the request must tag them with this Project and Environment' });
    // What Cloud Map's CreatePrivateDnsNamespace calls on the caller's behalf (AWS Cloud Map API permissions reference). No
    // route53:DeleteHostedZone: Route 53 has no tag conditions, so it would delete any zone; DeleteNamespace removes the namespace's zone itself.
    add({ Sid: 'DiscoveryZone', Effect: 'Allow', Action: ['route53:CreateHostedZone', 'route53:GetHostedZone', 'route53:ListHostedZonesByName', 'ec2:DescribeVpcs', 'ec2:DescribeRegions'], Resource: '*',
      reason: 'Cloud Map creates the namespace\'s private hosted zone as the caller; a new zone has no ID and Route 53 offers no tag condition (create and read only, no delete or tag change)' });
    add({ Sid: 'Discovery', Effect: 'Allow', Action: ['servicediscovery:DeleteNamespace', 'servicediscovery:UpdateService', 'servicediscovery:DeleteService', 'servicediscovery:GetOperation'],
      Resource: [arn('servicediscovery', 'namespace/*'), arn('servicediscovery', 'service/*')], Condition: tagged(config, 'ResourceTag') });
    add({ Sid: 'DiscoveryRetag', Effect: 'Allow', Action: ['servicediscovery:TagResource', 'servicediscovery:UntagResource'],
      Resource: [arn('servicediscovery', 'namespace/*'), arn('servicediscovery', 'service/*')], Condition: retagged(config) });
  }

  // Autoscaling of the services that scale.
  if (services.some((s) => s.autoscaling)) {
    add({ Sid: 'ServiceAutoscaling', Effect: 'Allow', Action: ['application-autoscaling:RegisterScalableTarget', 'application-autoscaling:DeregisterScalableTarget', 'application-autoscaling:PutScalingPolicy', 'application-autoscaling:DeleteScalingPolicy',
      'application-autoscaling:PutScheduledAction', 'application-autoscaling:DeleteScheduledAction', 'application-autoscaling:ListTagsForResource'], Resource: '*',
      Condition: { StringEquals: { 'application-autoscaling:service-namespace': 'ecs' } },
      reason: 'Application Auto Scaling names scalable targets by random IDs and authorizes policies and schedules on * only; limited to ECS' });
    add({ Sid: 'ServiceAutoscalingTagOnCreate', Effect: 'Allow', Action: 'application-autoscaling:TagResource', Resource: '*', Condition: taggedOnCreate(config),
      reason: 'tags of a scalable target being registered, which has no ID yet; the request must tag it with this Project and Environment, and no target already tagged can be re-tagged' });
    add({ Sid: 'ServiceAutoscalingRetag', Effect: 'Allow', Action: ['application-autoscaling:TagResource', 'application-autoscaling:UntagResource'], Resource: arn('application-autoscaling', 'scalable-target/*'), Condition: retagged(config) });
  }

  // Alarms and the dashboard, by name.
  if (config.monitoring.alarms.enabled) {
    add({ Sid: 'Alarms', Effect: 'Allow', Action: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:TagResource', 'cloudwatch:UntagResource'], Resource: arn('cloudwatch', `alarm:${prefix}-*`) });
  }
  if (config.monitoring.dashboard) {
    add({ Sid: 'Dashboard', Effect: 'Allow', Action: ['cloudwatch:GetDashboard', 'cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards'], Resource: arn('cloudwatch', `dashboard/${prefix}*`, '') });
  }
  if (config.monitoring.alarms.enabled && config.monitoring.topicArn === undefined) {
    const topic = arn('sns', fitName(`${prefix}-alerts`, NAME_LIMITS.snsTopic));
    add({ Sid: 'AlertTopic', Effect: 'Allow', Action: ['sns:CreateTopic', 'sns:DeleteTopic', 'sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:Subscribe', 'sns:Unsubscribe', 'sns:GetSubscriptionAttributes', 'sns:ListSubscriptionsByTopic', 'sns:TagResource', 'sns:UntagResource', 'sns:ListTagsForResource'], Resource: [topic, `${topic}:*`] });
  } else if (config.monitoring.alarms.enabled && config.monitoring.topicArn !== undefined && config.monitoring.alarmEmails.length > 0) {
    add({ Sid: 'AlertSubscriptions', Effect: 'Allow', Action: ['sns:Subscribe', 'sns:Unsubscribe', 'sns:GetSubscriptionAttributes'], Resource: [config.monitoring.topicArn, `${config.monitoring.topicArn}:*`] });
  }

  // Databases: instances, groups and connection secrets named with the prefix.
  if (Object.keys(config.databases).length > 0) {
    add({ Sid: 'Databases', Effect: 'Allow', Action: ['rds:CreateDBInstance', 'rds:ModifyDBInstance', 'rds:DeleteDBInstance', 'rds:RebootDBInstance', 'rds:CreateDBParameterGroup', 'rds:ModifyDBParameterGroup', 'rds:DeleteDBParameterGroup',
      'rds:CreateDBSubnetGroup', 'rds:ModifyDBSubnetGroup', 'rds:DeleteDBSubnetGroup', 'rds:AddTagsToResource', 'rds:RemoveTagsFromResource', 'rds:CreateDBSnapshot'],
      // The names the Database module gives (databaseNames), and the prefix patterns that also cover an old family's parameter group during a major upgrade.
      Resource: [...new Set([arn('rds', `db:${prefix}-*`), arn('rds', `pg:${prefix}-*`), arn('rds', `subgrp:${prefix}-*`), arn('rds', `snapshot:${prefix}-*`),
        ...databasesOf(config).flatMap((db) => [arn('rds', `db:${db.identifier}`), arn('rds', `pg:${db.parameterGroup}`), arn('rds', `subgrp:${db.subnetGroup}`), arn('rds', `snapshot:${db.finalSnapshot}`)])])] });
    // An instance joins its engine's default option group: CreateDBInstance and ModifyDBInstance authorize on it too (AWS's RDS example policies).
    add({ Sid: 'DatabaseOptionGroups', Effect: 'Allow', Action: ['rds:CreateDBInstance', 'rds:ModifyDBInstance'], Resource: arn('rds', 'og:default:*') });
    add({ Sid: 'DatabaseSecrets', Effect: 'Allow', Action: ['secretsmanager:CreateSecret', 'secretsmanager:DeleteSecret', 'secretsmanager:DescribeSecret', 'secretsmanager:GetResourcePolicy', 'secretsmanager:PutSecretValue', 'secretsmanager:GetSecretValue', 'secretsmanager:UpdateSecret', 'secretsmanager:TagResource', 'secretsmanager:UntagResource'],
      Resource: arn('secretsmanager', `secret:${prefix}/database/*`) });
    // The master password: RDS creates its secret (rds!db-<uuid>) in the caller's name while creating or modifying the instance.
    add({ Sid: 'DatabaseMasterSecretCreate', Effect: 'Allow', Action: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'], Resource: arn('secretsmanager', 'secret:rds!db-*') });
    if (Object.values(config.databases).some((d) => d.passwordRotationDays !== undefined)) {
      // Only the managed secrets of this environment's instances (RDS tags each with its instance's ARN).
      add({ Sid: 'DatabaseMasterSecretRotation', Effect: 'Allow', Action: ['secretsmanager:RotateSecret', 'secretsmanager:CancelRotateSecret', 'secretsmanager:DescribeSecret'], Resource: arn('secretsmanager', 'secret:rds!db-*'),
        Condition: { StringEquals: { 'aws:ResourceTag/aws:rds:primaryDBInstanceArn': databasesOf(config).map((db) => arn('rds', `db:${db.identifier}`)) } } });
    }
  }

  // DynamoDB tables named with the prefix.
  if (Object.keys(config.dynamodb).length > 0) {
    add({ Sid: 'Tables', Effect: 'Allow', Action: ['dynamodb:CreateTable', 'dynamodb:UpdateTable', 'dynamodb:DeleteTable', 'dynamodb:DescribeTable', 'dynamodb:DescribeContinuousBackups', 'dynamodb:UpdateContinuousBackups', 'dynamodb:DescribeTimeToLive', 'dynamodb:UpdateTimeToLive', 'dynamodb:ListTagsOfResource', 'dynamodb:TagResource', 'dynamodb:UntagResource'],
      Resource: arn('dynamodb', `table/${prefix}-*`) });
  }

  // EFS file systems tagged as this environment's.
  if (Object.keys(config.fileSystems).length > 0) {
    add({ Sid: 'FileSystemsCreate', Effect: 'Allow', Action: ['elasticfilesystem:CreateFileSystem', 'elasticfilesystem:CreateAccessPoint'], Resource: '*', Condition: tagged(config, 'RequestTag'),
      reason: 'EFS authorizes creating a file system or access point before it has an ID; the request must tag it with this Project and Environment' });
    add({ Sid: 'FileSystemsTagOnCreate', Effect: 'Allow', Action: 'elasticfilesystem:TagResource', Resource: '*',
      Condition: { StringEquals: { 'elasticfilesystem:CreateAction': ['CreateAccessPoint', 'CreateFileSystem'], ...tagged(config, 'RequestTag').StringEquals } },
      reason: 'tags of a file system or access point being created (elasticfilesystem:CreateAction), which has no ID yet' });
    add({ Sid: 'FileSystems', Effect: 'Allow', Action: ['elasticfilesystem:DeleteFileSystem', 'elasticfilesystem:UpdateFileSystem', 'elasticfilesystem:PutBackupPolicy', 'elasticfilesystem:PutFileSystemPolicy', 'elasticfilesystem:DeleteFileSystemPolicy', 'elasticfilesystem:CreateMountTarget', 'elasticfilesystem:DeleteMountTarget', 'elasticfilesystem:DeleteAccessPoint', 'elasticfilesystem:PutLifecycleConfiguration'],
      Resource: [arn('elasticfilesystem', 'file-system/*'), arn('elasticfilesystem', 'access-point/*')], Condition: tagged(config, 'ResourceTag') });
    add({ Sid: 'FileSystemsRetag', Effect: 'Allow', Action: ['elasticfilesystem:TagResource', 'elasticfilesystem:UntagResource'],
      Resource: [arn('elasticfilesystem', 'file-system/*'), arn('elasticfilesystem', 'access-point/*')], Condition: retagged(config) });
  }
  if (config.teleport.enabled) statements.push(...teleportStatements(config));

  // Explicit denies win over every allow above, and over any policy a role could attach to itself.
  add({ Sid: 'DenyOwnIam', Effect: 'Deny', Action: IAM_WRITES, Resource: protectedIamArns(config) });
  // A boundary, once a role has one, stays.
  add({ Sid: 'DenyBoundaryRemoval', Effect: 'Deny', Action: 'iam:DeleteRolePermissionsBoundary', Resource: arn('iam', `role/${prefix}-*`, '') });
  const siblings = siblingPatterns(config, statements, others);
  // IAM names: every write (a controller may still assume a sibling's role it is given); anything else: every action.
  const siblingIam = siblings.filter((r) => r.startsWith(`arn:${config.aws.partition}:iam::`));
  const siblingOther = siblings.filter((r) => !siblingIam.includes(r));
  if (siblingIam.length > 0) add({ Sid: 'DenySiblingIam', Effect: 'Deny', Action: IAM_WRITES, Resource: siblingIam });
  if (siblingOther.length > 0) add({ Sid: 'DenySiblingEnvironments', Effect: 'Deny', Action: '*', Resource: siblingOther });
  return statements;
}

/** Teleport (environment-teleport.ts): its configuration parameters, state and events tables, audit and log buckets, and its own load balancer. */
function teleportStatements(config: EnvironmentConfig): ReasonedStatement[] {
  const { arn, p, a, prefix } = arns(config);
  const t = config.teleport;
  const naming = new Naming(config.project, config.environment);
  const tables = [t.dynamodbTable, t.eventsTable].map((name) => arn('dynamodb', `table/${name}`));
  const buckets = [t.auditBucket, naming.bucket(a, config.aws.region, 'teleport-lb-logs')].map((name) => `arn:${p}:s3:::${name}`);
  return [
    { Sid: 'TeleportParameters', Effect: 'Allow', Action: ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:GetParameters', 'ssm:DeleteParameter', 'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource', 'ssm:ListTagsForResource'], Resource: arn('ssm', `parameter/${prefix}/teleport/*`) },
    { Sid: 'TeleportParameterList', Effect: 'Allow', Action: 'ssm:DescribeParameters', Resource: '*', reason: 'ssm:DescribeParameters has no resource-level permission; it lists names and changes nothing' },
    { Sid: 'TeleportTables', Effect: 'Allow', Action: ['dynamodb:CreateTable', 'dynamodb:UpdateTable', 'dynamodb:DeleteTable', 'dynamodb:DescribeTable', 'dynamodb:DescribeContinuousBackups', 'dynamodb:UpdateContinuousBackups', 'dynamodb:DescribeTimeToLive', 'dynamodb:UpdateTimeToLive', 'dynamodb:ListTagsOfResource', 'dynamodb:TagResource', 'dynamodb:UntagResource'], Resource: tables },
    { Sid: 'TeleportBuckets', Effect: 'Allow', Action: ['s3:CreateBucket', 's3:DeleteBucket', 's3:ListBucket', 's3:Get*', 's3:PutBucket*', 's3:DeleteBucketPolicy', 's3:PutEncryptionConfiguration', 's3:PutLifecycleConfiguration'], Resource: buckets },
    { Sid: 'TeleportLoadBalancerCreate', Effect: 'Allow', Action: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup', 'elasticloadbalancing:CreateListener'],
      Resource: [arn('elasticloadbalancing', 'loadbalancer/*'), arn('elasticloadbalancing', 'targetgroup/*'), arn('elasticloadbalancing', 'listener/*')], Condition: tagged(config, 'RequestTag') },
    { Sid: 'TeleportLoadBalancerTagOnCreate', Effect: 'Allow', Action: 'elasticloadbalancing:AddTags',
      Resource: [arn('elasticloadbalancing', 'loadbalancer/*'), arn('elasticloadbalancing', 'targetgroup/*'), arn('elasticloadbalancing', 'listener/*')],
      Condition: { StringEquals: { 'elasticloadbalancing:CreateAction': ['CreateListener', 'CreateLoadBalancer', 'CreateTargetGroup'], ...tagged(config, 'RequestTag').StringEquals } } },
    { Sid: 'TeleportLoadBalancerRetag', Effect: 'Allow', Action: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
      Resource: [arn('elasticloadbalancing', 'loadbalancer/*'), arn('elasticloadbalancing', 'targetgroup/*'), arn('elasticloadbalancing', 'listener/*')], Condition: retagged(config) },
    { Sid: 'TeleportLoadBalancer', Effect: 'Allow', Action: ['elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:ModifyLoadBalancerAttributes', 'elasticloadbalancing:SetSecurityGroups', 'elasticloadbalancing:SetSubnets', 'elasticloadbalancing:DeleteListener', 'elasticloadbalancing:ModifyListener',
      'elasticloadbalancing:DeleteTargetGroup', 'elasticloadbalancing:ModifyTargetGroup', 'elasticloadbalancing:ModifyTargetGroupAttributes', 'elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
      Resource: [arn('elasticloadbalancing', 'loadbalancer/*'), arn('elasticloadbalancing', 'targetgroup/*'), arn('elasticloadbalancing', 'listener/*')], Condition: tagged(config, 'ResourceTag') },
  ];
}

/** What a GitHub Actions image workflow needs: push this environment's images, register task definitions, roll out and watch its services, pass exactly their roles. */
export function deployStatements(config: EnvironmentConfig, taskRoleNames: readonly string[]): ReasonedStatement[] {
  const { arn, prefix } = arns(config);
  const statements: ReasonedStatement[] = [
    { Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*', reason: 'ecr:GetAuthorizationToken has no resource-level permission' },
  ];
  if (repositoriesOf(config).length > 0) {
    statements.push({ Sid: 'PushImages', Effect: 'Allow', Action: ['ecr:BatchCheckLayerAvailability', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:DescribeImages'],
      Resource: repositoriesOf(config).map((r) => arn('ecr', `repository/${repositoryName(config, r)}`)) });
  }
  statements.push(
    { Sid: 'TaskDefinitions', Effect: 'Allow', Action: ['ecs:RegisterTaskDefinition', 'ecs:DescribeTaskDefinition'], Resource: '*', reason: 'ECS offers no resource-level permission for registering and describing task definitions' },
    // A revision registered from the current one keeps its tags (rollout: DescribeTaskDefinition --include TAGS).
    { Sid: 'TagTaskDefinitions', Effect: 'Allow', Action: 'ecs:TagResource', Resource: arn('ecs', `task-definition/${prefix}-*:*`), Condition: { StringEquals: { 'ecs:CreateAction': 'RegisterTaskDefinition' } } },
    { Sid: 'RollOut', Effect: 'Allow', Action: ['ecs:UpdateService', 'ecs:DescribeServices'], Resource: arn('ecs', `service/${prefix}/*`) },
  );
  if (taskRoleNames.length > 0) {
    statements.push({ Sid: 'PassServiceRoles', Effect: 'Allow', Action: 'iam:PassRole', Resource: [...taskRoleNames].sort().map((name) => arn('iam', `role/${name}`, '')), Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } });
  }
  return statements;
}

/** The task and execution role names of every service (the names ServiceRoles gives them). */
export function serviceRoleNames(config: EnvironmentConfig): string[] {
  const prefix = new Naming(config.project, config.environment).prefix;
  return Object.keys(config.services).sort().flatMap((service) => ['execution', 'task'].map((kind) => fitName(`${prefix}-${service}-${kind}`, NAME_LIMITS.iamRole)));
}

/** The statements as IAM takes them (reasons are for people and the waiver). */
export function policyStatements(statements: readonly ReasonedStatement[]): PolicyStatement[] {
  return statements.map(({ reason: _reason, ...statement }) => statement);
}

/** Statements with a `*` resource and no reason: a programming error, refused before synthesis. */
export function unreasonedWildcards(statements: readonly ReasonedStatement[]): string[] {
  return statements.filter((s) => [s.Resource].flat().includes('*') && !s.reason).map((s) => s.Sid);
}

/** The guardrail waiver of a stack holding these statements: each `*` resource with its reason; undefined when there is none. */
export function wildcardWaiver(statements: readonly ReasonedStatement[]): string | undefined {
  const missing = unreasonedWildcards(statements);
  if (missing.length > 0) throw new Error(`management policy: statements ${missing.join(', ')} use "*" without a reason`);
  const reasons = new Map<string, string>();
  for (const s of statements) if (s.reason && [s.Resource].flat().includes('*')) reasons.set(s.Sid, s.reason);
  if (reasons.size === 0) return undefined;
  return `"*" resources only where AWS offers no resource-level permission: ${[...reasons].map(([sid, reason]) => `${sid}: ${reason}`).join('; ')}`;
}

/**
 * Statements of several environments as one list, with each environment's
 * conditions kept paired with its own resources: statements of the same Sid
 * merge into one only where they have the same effect, actions and
 * condition (then the union of their resources is exactly what each
 * allowed); otherwise each environment keeps its statement, its Sid
 * suffixed with the environment (`IamRolesWithBoundaryProd`), so that a
 * condition of one environment (a boundary, tags) never meets another's
 * resources. `environments` names the lists, in order.
 */
export function mergeStatements(lists: readonly (readonly ReasonedStatement[])[], environments: readonly string[]): ReasonedStatement[] {
  if (lists.length !== environments.length) throw new Error('mergeStatements: one environment name per list');
  const bySid = new Map<string, { environment: string; statement: ReasonedStatement }[]>();
  lists.forEach((list, i) => {
    for (const statement of list) bySid.set(statement.Sid, [...(bySid.get(statement.Sid) ?? []), { environment: environments[i]!, statement }]);
  });
  const key = (s: ReasonedStatement) => JSON.stringify([s.Effect, [s.Action].flat().sort(), s.Condition ?? null, s.NotResource ?? null]);
  const merged: ReasonedStatement[] = [];
  for (const [sid, members] of bySid) {
    if (new Set(members.map((m) => key(m.statement))).size === 1) {
      const resources = [...new Set(members.flatMap((m) => [m.statement.Resource ?? []].flat()))];
      const first = members[0]!.statement;
      merged.push(first.Resource === undefined ? first : { ...first, Resource: resources.length === 1 ? resources[0]! : resources });
      continue;
    }
    for (const { environment, statement } of members) merged.push({ ...statement, Sid: `${sid}${environment.split(/[^A-Za-z0-9]+/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}` });
  }
  return merged;
}

/** IAM's limit of a managed policy (6,144 characters without whitespace), less a margin. */
const MANAGED_POLICY_CHARACTERS = 6000;

/** Statements split into groups that each fit in one managed policy, in order. */
export function chunkStatements(statements: readonly PolicyStatement[], limit: number = MANAGED_POLICY_CHARACTERS): PolicyStatement[][] {
  const chunks: PolicyStatement[][] = [];
  let current: PolicyStatement[] = [];
  let size = 0;
  for (const statement of statements) {
    const length = JSON.stringify(statement).length + 1;
    if (length + 60 > limit) throw new Error(`management policy: statement ${statement.Sid ?? ''} alone is over IAM's policy size`);
    if (size + length + 60 > limit && current.length > 0) { chunks.push(current); current = []; size = 0; }
    current.push(statement);
    size += length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
