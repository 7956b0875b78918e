/**
 * The derived policy that plans and applies an environment: exact on the
 * examples, smaller where an environment uses less (no database: no RDS),
 * every "*" resource with a reason, every resource type the stacks create
 * covered by a statement of its service, and IAM's size limits kept.
 */
import { loadEnvironments } from '../../src/core/index';
import {
  chunkStatements,
  deployStatements,
  managementStatements,
  mergeStatements,
  policyStatements,
  serviceRoleNames,
  stateStatements,
  unreasonedWildcards,
  wildcardWaiver,
  type ReasonedStatement,
} from '../../src/stacks/management-policy';
import { Command } from 'commander';
import { managementPolicyCommand } from '../../src/cli/management-policy';
import { EXAMPLES_DIR, exampleConfig, exampleConfigs, UNUSUAL_DIR } from '../support/helpers';
import { iamDecision } from '../support/iam-simulator';
import { synthesizedFixture } from '../support/synth-cache';

const CONTROLLER_DIR = 'test/fixtures/controller';
const controllerConfigs = loadEnvironments(CONTROLLER_DIR).map((e) => e.config);
const unusualConfigs = loadEnvironments(UNUSUAL_DIR).map((e) => e.config);
const sids = (statements: readonly ReasonedStatement[]) => statements.map((s) => s.Sid);
const actions = (statements: readonly ReasonedStatement[]) => statements.flatMap((s) => [s.Action].flat());
const resourcesOf = (statements: readonly ReasonedStatement[]) => statements.flatMap((s) => [s.Resource ?? []].flat());
const bySid = (statements: readonly ReasonedStatement[], sid: string) => statements.find((s) => s.Sid === sid)!;

describe('the policy of the example environments', () => {
  it('names exactly the statements each environment needs', () => {
    expect(sids(managementStatements(exampleConfig('prod')))).toEqual([
      'StateList',
      'StateObjects',
      'StateLockTable',
      'ReadToRefresh',
      'Ec2Create',
      'Ec2Change',
      'Ec2TagOnCreate',
      'Ec2Retag',
      'Ec2DefaultSecurityGroupTags',
      'EcsCluster',
      'EcsTaskDefinitions',
      'IamRoles',
      'IamRolesWithBoundary',
      'IamPassRoles',
      'IamAttachConfigured',
      'IamServiceLinkedRoles',
      'LogGroups',
      'KmsCreateKey',
      'KmsKeys',
      'KmsRetag',
      'KmsAliases',
      'EcrRepositories',
      'LoadBalancer',
      'AccessLogBucket',
      'AcmRequest',
      'AcmCertificates',
      'AcmRetag',
      'DnsRecords',
      'DnsChanges',
      'DiscoveryCreate',
      'DiscoveryZone',
      'Discovery',
      'DiscoveryRetag',
      'ServiceAutoscaling',
      'ServiceAutoscalingTagOnCreate',
      'ServiceAutoscalingRetag',
      'Alarms',
      'Dashboard',
      'AlertTopic',
      'CostBudget',
      'Databases',
      'DatabaseOptionGroups',
      'DatabaseSecrets',
      'DatabaseMasterSecretCreate',
      'Tables',
      // The web application firewall, on by default in production.
      'WebAcl',
      'WebAclManagedRules',
      'WebAclAssociation',
      'WebAclLogDelivery',
      'DenyOwnIam',
      'DenyBoundaryRemoval',
    ]);
    // dev: no access logs, no enhanced monitoring (no managed policy to attach), flow logs off.
    const dev = managementStatements(exampleConfig('dev'));
    expect(sids(dev)).not.toContain('AccessLogBucket');
    // The budget (prod's cost.monthlyBudget), by its name only.
    expect(sids(dev)).not.toContain('CostBudget');
    expect(managementStatements(exampleConfig('prod')).find((st) => st.Sid === 'CostBudget')!.Resource).toBe(
      'arn:aws:budgets::123456789012:budget/shop-prod',
    );
    expect(sids(dev)).not.toContain('IamAttachConfigured');
    expect(actions(dev)).not.toContain('ec2:CreateFlowLogs');
    expect(actions(managementStatements(exampleConfig('prod')))).toContain('ec2:CreateFlowLogs');
  });

  it("lets RDS create the managed master secret, and rotates only the environment's own instances' secrets", () => {
    const prod = exampleConfig('prod');
    const create = managementStatements(prod).find((s) => s.Sid === 'DatabaseMasterSecretCreate')!;
    expect(create).toEqual({
      Sid: 'DatabaseMasterSecretCreate',
      Effect: 'Allow',
      Action: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
      Resource: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-*',
    });
    expect(sids(managementStatements(prod))).not.toContain('DatabaseMasterSecretRotation');
    const rotated = { ...prod, databases: { main: { ...prod.databases.main!, passwordRotationDays: 30 } } };
    expect(managementStatements(rotated).find((s) => s.Sid === 'DatabaseMasterSecretRotation')!.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/aws:rds:primaryDBInstanceArn': ['arn:aws:rds:eu-west-1:123456789012:db:shop-prod-main'] },
    });
  });

  it('reads and writes only its own state object and lock entry', () => {
    const prod = exampleConfig('prod');
    expect(stateStatements(prod)).toEqual([
      {
        Sid: 'StateList',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::shop-tf-state-123456789012',
        Condition: { StringLike: { 's3:prefix': ['platform/prod.tfstate', 'platform/prod.tfstate*'] } },
      },
      {
        Sid: 'StateObjects',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: ['arn:aws:s3:::shop-tf-state-123456789012/platform/prod.tfstate'],
      },
      {
        Sid: 'StateLockTable',
        Effect: 'Allow',
        Action: ['dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
        Resource: 'arn:aws:dynamodb:eu-west-1:123456789012:table/shop-tf-locks',
        Condition: {
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': [
              'shop-tf-state-123456789012/platform/prod.tfstate',
              'shop-tf-state-123456789012/platform/prod.tfstate-md5',
            ],
          },
        },
      },
    ]);
    // With the S3 lock file, the .tflock object too.
    const lockfile = unusualConfigs.find((c) => c.backend.useLockfile)!;
    expect(bySid(stateStatements(lockfile), 'StateLockFile').Resource).toBe(
      `arn:aws:s3:::${lockfile.backend.bucket}/${lockfile.backend.keyPrefix}/${lockfile.environment}.tfstate.tflock`,
    );
    // The lock file alone (no lockTable): nothing on DynamoDB.
    const { lockTable: _, ...lockfileOnly } = { ...prod.backend, useLockfile: true };
    expect(sids(stateStatements({ ...prod, backend: lockfileOnly }))).toEqual(['StateList', 'StateObjects', 'StateLockFile']);
  });

  it('names resources with the environment prefix, or conditions on its Project and Environment tags', () => {
    const prod = managementStatements(exampleConfig('prod'));
    expect(bySid(prod, 'EcsCluster').Resource).toEqual([
      'arn:aws:ecs:eu-west-1:123456789012:cluster/shop-prod',
      'arn:aws:ecs:eu-west-1:123456789012:service/shop-prod/*',
      'arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-prod-*:*',
    ]);
    expect(bySid(prod, 'IamRoles').Resource).toBe('arn:aws:iam::123456789012:role/shop-prod-*');
    expect(bySid(prod, 'Tables').Resource).toBe('arn:aws:dynamodb:eu-west-1:123456789012:table/shop-prod-*');
    expect(bySid(prod, 'DnsRecords').Resource).toEqual(['arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ']);
    expect(bySid(prod, 'Ec2Change').Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/Project': 'shop', 'aws:ResourceTag/Environment': 'prod' },
    });
    expect(bySid(prod, 'Ec2Create').Condition).toEqual({
      StringEquals: { 'aws:RequestTag/Project': 'shop', 'aws:RequestTag/Environment': 'prod' },
    });
    expect(bySid(prod, 'IamPassRoles').Condition).toEqual({
      StringEquals: { 'iam:PassedToService': ['ecs-tasks.amazonaws.com', 'vpc-flow-logs.amazonaws.com', 'monitoring.rds.amazonaws.com'] },
    });
    const boundary = { StringEquals: { 'iam:PermissionsBoundary': 'arn:aws:iam::123456789012:policy/shop-prod-boundary' } };
    expect(bySid(prod, 'IamAttachConfigured').Condition).toEqual({
      ArnEquals: { 'iam:PolicyARN': ['arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole'] },
      ...boundary,
    });
    // A role is created, or given permissions, only with the environment's boundary on it.
    expect(bySid(prod, 'IamRolesWithBoundary')).toMatchObject({
      Effect: 'Allow',
      Action: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary', 'iam:PutRolePolicy'],
      Resource: 'arn:aws:iam::123456789012:role/shop-prod-*',
      Condition: boundary,
    });
    const unconditioned = prod.filter((s) => s.Effect === 'Allow' && !s.Condition).flatMap((s) => [s.Action].flat());
    for (const action of ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePermissionsBoundary'])
      expect(unconditioned).not.toContain(action);
    // No resource of another environment, and no action on every resource of a service.
    for (const resource of resourcesOf(prod)) expect(resource).not.toMatch(/shop-(dev|staging)/);
    for (const action of actions(prod)) expect(action).not.toMatch(/(^\*$|:\*$)/);
  });
});

describe('an environment that uses less', () => {
  const dev = controllerConfigs.find((c) => c.environment === 'dev')!;
  const statements = managementStatements(dev);

  it('has no statements of services it does not use', () => {
    expect(Object.keys(dev.databases)).toEqual([]);
    expect(Object.keys(dev.dynamodb)).toEqual([]);
    expect(sids(statements)).toEqual([
      'StateList',
      'StateObjects',
      'StateLockTable',
      'ReadToRefresh',
      'Ec2Create',
      'Ec2Change',
      'Ec2TagOnCreate',
      'Ec2Retag',
      'Ec2DefaultSecurityGroupTags',
      'EcsCluster',
      'EcsTaskDefinitions',
      'IamRoles',
      'IamRolesWithBoundary',
      'IamPassRoles',
      'IamServiceLinkedRoles',
      'LogGroups',
      'KmsCreateKey',
      'KmsKeys',
      'KmsRetag',
      'KmsAliases',
      'EcrRepositories',
      'Alarms',
      'AlertTopic',
      'DenyOwnIam',
      'DenyBoundaryRemoval',
    ]);
    const all = actions(statements);
    for (const service of [
      'rds:',
      'dynamodb:CreateTable',
      'secretsmanager:',
      'elasticloadbalancing:Create',
      'acm:',
      'route53:',
      'servicediscovery:',
      'application-autoscaling:',
      'elasticfilesystem:',
    ]) {
      expect(all.filter((a) => a.startsWith(service))).toEqual([]);
    }
    expect(bySid(statements, 'ReadToRefresh').Action).not.toContain('rds:Describe*');
  });

  it('the same environment with a database gets the RDS statements back', () => {
    const prod = managementStatements(controllerConfigs.find((c) => c.environment === 'prod')!);
    expect(sids(prod)).toEqual(expect.arrayContaining(['Databases', 'DatabaseSecrets', 'Tables', 'LoadBalancer', 'AccessLogBucket']));
    expect(bySid(prod, 'Databases').Resource).toContain('arn:aws:rds:eu-central-1:444455556666:db:acme-prod-*');
  });
});

/** Whether an IAM action pattern (iam:Put*) covers an action (iam:PutRolePolicy). */
const covers = (pattern: string, action: string) => new RegExp(`^${pattern.replace(/\*/g, '.*')}$`).test(action);
/** Whether an ARN pattern (IAM's * wildcard) matches an ARN. */
const matches = (pattern: string, arn: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(arn);
const allowsOn = (statements: readonly ReasonedStatement[], action: string, arn: string) =>
  statements.some(
    (s) =>
      s.Effect === 'Allow' && [s.Action].flat().some((a) => covers(a, action)) && [s.Resource ?? []].flat().some((r) => matches(r, arn)),
  );
const deniesOn = (statements: readonly ReasonedStatement[], action: string, arn: string) =>
  statements.some(
    (s) =>
      s.Effect === 'Deny' && [s.Action].flat().some((a) => covers(a, action)) && [s.Resource ?? []].flat().some((r) => matches(r, arn)),
  );

describe('a role holding the policy cannot widen itself', () => {
  const prod = managementStatements(exampleConfig('prod'));
  const iam = (resource: string) => `arn:aws:iam::123456789012:${resource}`;

  it('denies every IAM write on the GitHub roles, the controller roles, their policies and the OIDC provider, which role/shop-prod-* would allow', () => {
    for (const action of [
      'iam:CreateRole',
      'iam:PutRolePolicy',
      'iam:AttachRolePolicy',
      'iam:UpdateAssumeRolePolicy',
      'iam:DeleteRolePermissionsBoundary',
      'iam:PassRole',
      'iam:TagRole',
    ]) {
      for (const role of ['shop-prod-gh-apply', 'shop-prod-gh-deploy', 'shop-prod-controller', 'shop-controller-task']) {
        expect([action, role, deniesOn(prod, action, iam(`role/${role}`))]).toEqual([action, role, true]);
      }
    }
    // The holders are what role/shop-prod-* allowed before the deny; the services' own roles stay manageable.
    expect(allowsOn(prod, 'iam:PutRolePolicy', iam('role/shop-prod-gh-apply'))).toBe(true);
    expect(deniesOn(prod, 'iam:PutRolePolicy', iam('role/shop-prod-api-task'))).toBe(false);
    expect(deniesOn(prod, 'iam:CreatePolicyVersion', iam('policy/shop-prod-gh-apply-1'))).toBe(true);
    expect(deniesOn(prod, 'iam:CreatePolicyVersion', iam('policy/shop-prod-controller-2'))).toBe(true);
    expect(deniesOn(prod, 'iam:UpdateOpenIDConnectProviderThumbprint', iam('oidc-provider/token.actions.githubusercontent.com'))).toBe(
      true,
    );
    // The reserved boundary policy cannot be created or changed, and no role of the environment can lose a boundary.
    for (const action of [
      'iam:CreatePolicy',
      'iam:CreatePolicyVersion',
      'iam:DeletePolicy',
      'iam:DeletePolicyVersion',
      'iam:SetDefaultPolicyVersion',
    ]) {
      expect([action, deniesOn(prod, action, iam('policy/shop-prod-boundary'))]).toEqual([action, true]);
    }
    expect(deniesOn(prod, 'iam:DeleteRolePermissionsBoundary', iam('role/shop-prod-api-task'))).toBe(true);
  });

  it('tags only on creation or resources already its own, and never changes the Project or Environment tag', () => {
    // Every tagging action on an ARN pattern that is not a name of the environment's own (any config, teleport and file systems too).
    for (const config of [...exampleConfigs(), ...controllerConfigs, ...unusualConfigs]) {
      for (const s of managementStatements(config).filter((x) =>
        [x.Resource ?? []]
          .flat()
          .some(
            (r) =>
              r === '*' ||
              /:(key|certificate|loadbalancer|targetgroup|listener|namespace|service|file-system|access-point|scalable-target|security-group)\/\*$/.test(
                r,
              ),
          ),
      )) {
        const tagging = [s.Action]
          .flat()
          .filter((a) =>
            /:(CreateTags|DeleteTags|TagResource|UntagResource|AddTags|RemoveTags|AddTagsToCertificate|RemoveTagsFromCertificate|ChangeTagsForResource)$/.test(
              a,
            ),
          );
        if (tagging.length === 0) continue;
        // Only while creating (CreateAction), on a resource with no owner tags yet, or on one already this environment's without touching its owner tags.
        const onCreate = Object.keys(s.Condition?.StringEquals ?? {}).some((k) => k.endsWith(':CreateAction'));
        const untagged =
          s.Condition?.Null?.['aws:ResourceTag/Project'] === 'true' && s.Condition?.Null?.['aws:ResourceTag/Environment'] === 'true';
        const own =
          s.Condition?.StringEquals?.['aws:ResourceTag/Environment'] === config.environment &&
          s.Condition?.['ForAllValues:StringNotEquals']?.['aws:TagKeys']?.length === 2;
        expect([config.environment, s.Sid, onCreate || untagged || own]).toEqual([config.environment, s.Sid, true]);
        if (!own) expect([s.Sid, s.Condition?.StringEquals?.['aws:RequestTag/Project']]).toEqual([s.Sid, config.project]);
      }
    }
    expect(bySid(prod, 'Ec2TagOnCreate').Condition!.StringEquals!['ec2:CreateAction']).toEqual(
      expect.arrayContaining(['CreateSecurityGroup', 'CreateVpc']),
    );
    for (const sid of ['Ec2Retag', 'KmsRetag', 'AcmRetag', 'DiscoveryRetag', 'ServiceAutoscalingRetag']) {
      expect(bySid(prod, sid).Condition).toEqual({
        StringEquals: { 'aws:ResourceTag/Project': 'shop', 'aws:ResourceTag/Environment': 'prod' },
        'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['Project', 'Environment'] },
      });
    }
    // No other statement tags or untags.
    const taggers = prod.filter(
      (s) =>
        [s.Action]
          .flat()
          .some((a) => /:(CreateTags|DeleteTags|TagResource|UntagResource|AddTagsToCertificate|RemoveTagsFromCertificate)$/.test(a)) &&
        [s.Resource ?? []]
          .flat()
          .some(
            (r) =>
              r === '*' || r.endsWith(':key/*') || r.endsWith(':certificate/*') || r.includes(':namespace/') || r.includes(':file-system/'),
          ),
    );
    expect(sids(taggers).sort()).toEqual([
      'AcmRequest',
      'AcmRetag',
      'DiscoveryCreate',
      'DiscoveryRetag',
      'Ec2Retag',
      'Ec2TagOnCreate',
      'KmsCreateKey',
      'KmsRetag',
      'ServiceAutoscalingTagOnCreate',
    ]);
  });

  it('cannot delete or re-tag a hosted zone it did not name: Cloud Map creates its zone, DeleteNamespace removes it', () => {
    for (const action of ['route53:DeleteHostedZone', 'route53:ChangeTagsForResource']) {
      expect(actions(prod.filter((s) => [s.Resource].flat().includes('*')))).not.toContain(action);
      expect(allowsOn(prod, action, 'arn:aws:route53:::hostedzone/Z0SOMEONEELSE')).toBe(false);
    }
    expect(bySid(prod, 'DiscoveryZone').Action).toEqual([
      'route53:CreateHostedZone',
      'route53:GetHostedZone',
      'route53:ListHostedZonesByName',
      'ec2:DescribeVpcs',
      'ec2:DescribeRegions',
    ]);
    expect(bySid(prod, 'DiscoveryCreate').Condition!.StringEqualsIfExists).toBeUndefined();
  });

  it("creates and modifies databases in the engine's default option group", () => {
    expect(allowsOn(prod, 'rds:CreateDBInstance', 'arn:aws:rds:eu-west-1:123456789012:og:default:postgres-16')).toBe(true);
    expect(allowsOn(prod, 'rds:DeleteOptionGroup', 'arn:aws:rds:eu-west-1:123456789012:og:default:postgres-16')).toBe(false);
  });

  it("denies a sibling environment's names its prefix patterns match (prod beside prod-eu)", () => {
    const config = exampleConfig('prod');
    const withSibling = managementStatements(config, ['dev', 'prod-eu']);
    const role = iam('role/shop-prod-eu-api-task');
    expect(allowsOn(withSibling, 'iam:PutRolePolicy', role)).toBe(true);
    expect(deniesOn(withSibling, 'iam:PutRolePolicy', role)).toBe(true);
    expect(
      deniesOn(withSibling, 'ecs:RegisterTaskDefinition', 'arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-prod-eu-api:3'),
    ).toBe(true);
    expect(deniesOn(withSibling, 'cloudwatch:PutMetricAlarm', 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:shop-prod-eu-api-cpu')).toBe(
      true,
    );
    // Its own names, and environments that are not siblings, are untouched.
    expect(deniesOn(withSibling, 'iam:PutRolePolicy', iam('role/shop-prod-api-task'))).toBe(false);
    expect(sids(withSibling).slice(-4)).toEqual(['DenyOwnIam', 'DenyBoundaryRemoval', 'DenySiblingIam', 'DenySiblingEnvironments']);
    // A controller given the sibling's role may still assume it: IAM names are denied writes, not sts:AssumeRole.
    expect(deniesOn(withSibling, 'sts:AssumeRole', iam('role/shop-prod-eu-controller'))).toBe(false);
    expect(sids(managementStatements(config, ['dev', 'prodeu']))).not.toContain('DenySiblingEnvironments');
    expect(sids(managementStatements(exampleConfig('dev'), ['prod', 'prod-eu']))).not.toContain('DenySiblingEnvironments');
  });
});

describe('every wildcard resource', () => {
  const every = [...exampleConfigs(), ...controllerConfigs, ...unusualConfigs];

  it('carries a written reason', () => {
    for (const config of every) {
      expect(unreasonedWildcards(managementStatements(config))).toEqual([]);
      expect(unreasonedWildcards(deployStatements(config, serviceRoleNames(config)))).toEqual([]);
    }
    expect(wildcardWaiver(managementStatements(exampleConfig('prod')))).toContain('Ec2Create: EC2 authorizes a create');
  });

  it('is refused without one', () => {
    expect(() => wildcardWaiver([{ Sid: 'Wide', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }])).toThrow(
      'statements Wide use "*" without a reason',
    );
  });
});

/** The IAM service prefix of each Terraform resource type the stacks create; a new type must be added here and to the policy. */
const SERVICE_OF: Readonly<Record<string, string | null>> = {
  aws_acm_certificate: 'acm',
  aws_acm_certificate_validation: null,
  aws_appautoscaling_policy: 'application-autoscaling',
  aws_appautoscaling_scheduled_action: 'application-autoscaling',
  aws_appautoscaling_target: 'application-autoscaling',
  aws_cloudwatch_dashboard: 'cloudwatch',
  aws_cloudwatch_log_group: 'logs',
  aws_cloudwatch_metric_alarm: 'cloudwatch',
  aws_db_instance: 'rds',
  aws_db_parameter_group: 'rds',
  aws_db_subnet_group: 'rds',
  aws_default_security_group: 'ec2',
  aws_dynamodb_table: 'dynamodb',
  aws_ecr_lifecycle_policy: 'ecr',
  aws_ecr_repository: 'ecr',
  aws_budgets_budget: 'budgets',
  aws_ecs_cluster: 'ecs',
  aws_ecs_cluster_capacity_providers: 'ecs',
  aws_ecs_service: 'ecs',
  aws_ecs_task_definition: 'ecs',
  aws_efs_access_point: 'elasticfilesystem',
  aws_efs_backup_policy: 'elasticfilesystem',
  aws_efs_file_system: 'elasticfilesystem',
  aws_efs_file_system_policy: 'elasticfilesystem',
  aws_efs_mount_target: 'elasticfilesystem',
  aws_eip: 'ec2',
  aws_flow_log: 'ec2',
  aws_iam_role: 'iam',
  aws_iam_role_policy: 'iam',
  aws_iam_role_policy_attachment: 'iam',
  aws_internet_gateway: 'ec2',
  aws_kms_alias: 'kms',
  aws_kms_key: 'kms',
  aws_lb: 'elasticloadbalancing',
  aws_lb_listener: 'elasticloadbalancing',
  aws_lb_listener_certificate: 'elasticloadbalancing',
  aws_lb_listener_rule: 'elasticloadbalancing',
  aws_lb_target_group: 'elasticloadbalancing',
  aws_nat_gateway: 'ec2',
  aws_route: 'ec2',
  aws_route53_record: 'route53',
  aws_route_table: 'ec2',
  aws_route_table_association: 'ec2',
  aws_s3_bucket: 's3',
  aws_s3_bucket_lifecycle_configuration: 's3',
  aws_s3_bucket_ownership_controls: 's3',
  aws_s3_bucket_policy: 's3',
  aws_s3_bucket_public_access_block: 's3',
  aws_s3_bucket_server_side_encryption_configuration: 's3',
  aws_secretsmanager_secret: 'secretsmanager',
  aws_secretsmanager_secret_version: 'secretsmanager',
  aws_security_group: 'ec2',
  aws_service_discovery_private_dns_namespace: 'servicediscovery',
  aws_service_discovery_service: 'servicediscovery',
  aws_s3_bucket_versioning: 's3',
  aws_s3_bucket_object_lock_configuration: 's3',
  aws_ssm_parameter: 'ssm',
  aws_sns_topic: 'sns',
  aws_sns_topic_policy: 'sns',
  aws_sns_topic_subscription: 'sns',
  aws_subnet: 'ec2',
  aws_vpc: 'ec2',
  aws_vpc_security_group_egress_rule: 'ec2',
  aws_vpc_security_group_ingress_rule: 'ec2',
  aws_elasticache_replication_group: 'elasticache',
  aws_elasticache_subnet_group: 'elasticache',
  aws_s3_bucket_cors_configuration: 's3',
  aws_wafv2_web_acl: 'wafv2',
  aws_wafv2_web_acl_association: 'wafv2',
  aws_wafv2_web_acl_logging_configuration: 'wafv2',
  random_password: null,
  terraform_data: null,
};

describe('coverage of what the environments create', () => {
  it.each([
    ['examples', EXAMPLES_DIR],
    ['controller fixture', CONTROLLER_DIR],
    ['unusual', UNUSUAL_DIR],
    ['workloads fixture', 'test/fixtures/workloads'],
  ] as const)('every resource type of the %s has a statement of its service', (_name, dir) => {
    const configs = loadEnvironments(dir).map((e) => e.config);
    const stacks = synthesizedFixture(dir);
    for (const config of configs) {
      const stack = JSON.parse(stacks.find((s) => s.environment === config.environment)!.json) as { resource: Record<string, unknown> };
      const services = new Set(actions(managementStatements(config)).map((a) => a.split(':')[0]));
      const missing = Object.keys(stack.resource).filter((type) => {
        if (!Object.hasOwn(SERVICE_OF, type)) return true;
        const service = SERVICE_OF[type];
        return service !== null && !services.has(service!);
      });
      expect({ environment: config.environment, missing }).toEqual({ environment: config.environment, missing: [] });
    }
  });
});

describe('merging and size', () => {
  it("merges environments statement by statement, keeping each condition with its own environment's resources", () => {
    const merged = mergeStatements(
      ['dev', 'prod'].map((name) => managementStatements(exampleConfig(name))),
      ['dev', 'prod'],
    );
    expect(new Set(sids(merged)).size).toBe(merged.length);
    // Same actions, no condition: one statement, the union of resources is exactly what each allowed.
    expect(bySid(merged, 'IamRoles').Resource).toEqual([
      'arn:aws:iam::123456789012:role/shop-dev-*',
      'arn:aws:iam::123456789012:role/shop-prod-*',
    ]);
    // A condition of one environment never meets another's resources: one statement each.
    expect(sids(merged)).not.toContain('Ec2Change');
    expect(bySid(merged, 'Ec2ChangeDev').Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/Project': 'shop', 'aws:ResourceTag/Environment': 'dev' },
    });
    expect(bySid(merged, 'Ec2ChangeProd').Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/Project': 'shop', 'aws:ResourceTag/Environment': 'prod' },
    });
    // Same actions and resources, conditions that differ in the Environment tag only: one statement listing both is exactly the union.
    expect(bySid(merged, 'Ec2Retag').Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/Project': 'shop', 'aws:ResourceTag/Environment': ['dev', 'prod'] },
      'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['Project', 'Environment'] },
    });
    expect([bySid(merged, 'IamRolesWithBoundaryProd').Resource, bySid(merged, 'IamRolesWithBoundaryProd').Condition]).toEqual([
      'arn:aws:iam::123456789012:role/shop-prod-*',
      { StringEquals: { 'iam:PermissionsBoundary': 'arn:aws:iam::123456789012:policy/shop-prod-boundary' } },
    ]);
  });

  it("lets a controller holding both create prod's roles only with prod's boundary, and dev's only with dev's (IAM policy simulator)", async () => {
    const merged = policyStatements(
      mergeStatements(
        ['dev', 'prod'].map((name) => managementStatements(exampleConfig(name))),
        ['dev', 'prod'],
      ),
    );
    const create = (role: string, boundary: string) =>
      iamDecision({
        principal: 'arn:aws:iam::123456789012:role/shop-controller-task',
        action: 'iam:CreateRole',
        resource: `arn:aws:iam::123456789012:role/${role}`,
        identity: merged,
        context: { 'iam:PermissionsBoundary': `arn:aws:iam::123456789012:policy/${boundary}` },
      });
    expect(await create('shop-prod-x', 'shop-prod-boundary')).toBe('Allowed');
    expect(await create('shop-dev-x', 'shop-dev-boundary')).toBe('Allowed');
    expect(await create('shop-prod-x', 'shop-dev-boundary')).toBe('ImplicitlyDenied');
    expect(await create('shop-dev-x', 'shop-prod-boundary')).toBe('ImplicitlyDenied');
  });

  it('fits IAM managed policies (6,144 characters) and refuses a statement that cannot fit', () => {
    const chunks = chunkStatements(policyStatements(managementStatements(exampleConfig('prod'))));
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(JSON.stringify({ Version: '2012-10-17', Statement: chunk }).length).toBeLessThan(6144);
    expect(chunks.flat()).toEqual(policyStatements(managementStatements(exampleConfig('prod'))));
    expect(() => chunkStatements([{ Sid: 'Huge', Effect: 'Allow', Action: 's3:GetObject', Resource: 'x'.repeat(7000) }])).toThrow(
      'statement Huge alone is over',
    );
  });
});

describe('the deploy statements (GitHub image workflow)', () => {
  it("push only the environment's repositories, roll out only its services, pass only its service roles", () => {
    const dev = exampleConfig('dev');
    const statements = deployStatements(dev, serviceRoleNames(dev));
    expect(sids(statements)).toEqual(['EcrLogin', 'PushImages', 'TaskDefinitions', 'TagTaskDefinitions', 'RollOut', 'PassServiceRoles']);
    expect(bySid(statements, 'PushImages').Resource).toEqual([
      'arn:aws:ecr:eu-west-1:123456789012:repository/shop/dev/api',
      'arn:aws:ecr:eu-west-1:123456789012:repository/shop/dev/web',
      'arn:aws:ecr:eu-west-1:123456789012:repository/shop/dev/worker',
    ]);
    expect(bySid(statements, 'RollOut').Resource).toBe('arn:aws:ecs:eu-west-1:123456789012:service/shop-dev/*');
    expect(bySid(statements, 'PassServiceRoles').Resource).toEqual(
      ['api', 'web', 'worker'].flatMap((s) => [
        `arn:aws:iam::123456789012:role/shop-dev-${s}-execution`,
        `arn:aws:iam::123456789012:role/shop-dev-${s}-task`,
      ]),
    );
  });
});

describe('npx platform management-policy', () => {
  it('prints the policy document IAM takes, and each "*" with its reason on stderr', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((text: string) => void out.push(text));
    const error = jest.spyOn(console, 'error').mockImplementation((text: string) => void err.push(text));
    try {
      const program = new Command().exitOverride();
      managementPolicyCommand(program);
      await program.parseAsync(['node', 'platform', 'management-policy', '--config', EXAMPLES_DIR, '--env', 'prod']);
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
    const document = JSON.parse(out.join('\n'));
    expect(document.Version).toBe('2012-10-17');
    expect(document.Statement).toEqual(policyStatements(managementStatements(exampleConfig('prod'))));
    expect(document.Statement.some((s: any) => 'reason' in s)).toBe(false);
    expect(err).toContain(
      'EcsTaskDefinitions: "*" because ECS offers no resource-level permission for registering and deregistering task definitions',
    );
  });
});
