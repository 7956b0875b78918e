/**
 * The derived management policy against the resources the stacks really
 * create: every fixture is synthesized, and for each named resource (and
 * each resource tagged as its environment's, where ARNs carry random IDs) a
 * change Terraform makes to it is evaluated with an IAM policy simulator
 * (@cloud-copilot/iam-simulate, test/support/iam-simulator.ts) against the management statements of every
 * environment of the folder. It must be allowed by its own environment's
 * statements and by no other's: names in the policy and in the modules come
 * from the same functions, and the statements fence environments from one
 * another.
 */
import { loadEnvironments } from '../../src/core/index';
import type { EnvironmentConfig } from '../../src/config/resolve';
import { managementStatements, policyStatements } from '../../src/stacks/management-policy';
import { UNUSUAL_DIR } from '../support/fixture-dirs';
import { iamDecision } from '../support/iam-simulator';
import { synthesizedFixture } from '../support/synth-cache';

interface Target {
  readonly address: string;
  readonly action: string;
  readonly arn: string;
  readonly tagged: boolean;
}

/** A change Terraform makes to each kind of resource, on the ARN AWS would give it (random IDs as placeholders). */
function targetsOf(stack: any, config: EnvironmentConfig): Target[] {
  const { partition: p, region: r, accountId: a } = config.aws;
  const arn = (service: string, resource: string, region: string = r, account: string = a) =>
    `arn:${p}:${service}:${region}:${account}:${resource}`;
  const kinds: Record<string, (v: any) => [string, string, boolean?] | undefined> = {
    aws_cloudwatch_log_group: (v) => ['logs:PutRetentionPolicy', arn('logs', `log-group:${v.name}`)],
    aws_iam_role: (v) => ['iam:DeleteRole', arn('iam', `role/${v.name}`, '')],
    aws_db_instance: (v) => ['rds:ModifyDBInstance', arn('rds', `db:${v.identifier}`)],
    aws_db_parameter_group: (v) => ['rds:ModifyDBParameterGroup', arn('rds', `pg:${v.name}`)],
    aws_db_subnet_group: (v) => ['rds:ModifyDBSubnetGroup', arn('rds', `subgrp:${v.name}`)],
    aws_dynamodb_table: (v) => ['dynamodb:UpdateTable', arn('dynamodb', `table/${v.name}`)],
    aws_ecr_repository: (v) => ['ecr:PutLifecyclePolicy', arn('ecr', `repository/${v.name}`)],
    aws_ecs_cluster: (v) => ['ecs:UpdateCluster', arn('ecs', `cluster/${v.name}`)],
    aws_ecs_service: (v) => [
      'ecs:UpdateService',
      arn('ecs', `service/${/\$\{aws_ecs_cluster\./.test(v.cluster) ? stackClusterName(stack) : v.cluster}/${v.name}`),
    ],
    aws_secretsmanager_secret: (v) => ['secretsmanager:UpdateSecret', arn('secretsmanager', `secret:${v.name}-AbCdEf`)],
    aws_ssm_parameter: (v) => ['ssm:PutParameter', arn('ssm', `parameter/${v.name.replace(/^\//, '')}`)],
    aws_sns_topic: (v) => ['sns:SetTopicAttributes', arn('sns', v.name)],
    aws_cloudwatch_metric_alarm: (v) => ['cloudwatch:PutMetricAlarm', arn('cloudwatch', `alarm:${v.alarm_name}`)],
    aws_cloudwatch_dashboard: (v) => ['cloudwatch:PutDashboard', arn('cloudwatch', `dashboard/${v.dashboard_name}`, '')],
    aws_kms_alias: (v) => ['kms:UpdateAlias', arn('kms', v.name)],
    aws_sqs_queue: (v) => ['sqs:SetQueueAttributes', arn('sqs', v.name)],
    aws_scheduler_schedule: (v) => ['scheduler:UpdateSchedule', arn('scheduler', `schedule/default/${v.name}`)],
    aws_cloudwatch_event_rule: (v) => ['events:PutRule', arn('events', `rule/${v.name}`)],
    aws_s3_bucket: (v) => ['s3:PutBucketVersioning', `arn:${p}:s3:::${v.bucket}`],
    aws_lb: (v) => [
      'elasticloadbalancing:ModifyLoadBalancerAttributes',
      arn('elasticloadbalancing', `loadbalancer/app/${v.name}/0123456789abcdef`),
    ],
    aws_lb_target_group: (v) => [
      'elasticloadbalancing:ModifyTargetGroup',
      arn('elasticloadbalancing', `targetgroup/${v.name}/0123456789abcdef`),
    ],
    aws_elasticache_replication_group: (v) => [
      'elasticache:ModifyReplicationGroup',
      arn('elasticache', `replicationgroup:${v.replication_group_id}`),
    ],
    aws_elasticache_subnet_group: (v) => ['elasticache:ModifyCacheSubnetGroup', arn('elasticache', `subnetgroup:${v.name}`)],
    aws_wafv2_web_acl: (v) => ['wafv2:UpdateWebACL', arn('wafv2', `regional/webacl/${v.name}/1234abcd-12ab-34cd-56ef-1234567890ab`)],
    // Random IDs: these are the environment's by their tags.
    aws_kms_key: () => ['kms:EnableKeyRotation', arn('kms', 'key/1234abcd-12ab-34cd-56ef-1234567890ab'), true],
    aws_security_group: () => ['ec2:AuthorizeSecurityGroupIngress', arn('ec2', 'security-group/sg-0123456789abcdef0'), true],
    aws_efs_file_system: () => ['elasticfilesystem:UpdateFileSystem', arn('elasticfilesystem', 'file-system/fs-0123456789abcdef0'), true],
  };
  return Object.entries(stack.resource as Record<string, Record<string, any>>).flatMap(([type, byId]) => {
    const kind = kinds[type];
    if (!kind) return [];
    return Object.entries(byId).flatMap(([id, value]): Target[] => {
      const made = kind(value);
      return made ? [{ address: `${type}.${id}`, action: made[0], arn: made[1], tagged: made[2] ?? false }] : [];
    });
  });
}

function stackClusterName(stack: any): string {
  return (Object.values(stack.resource.aws_ecs_cluster) as any[])[0].name;
}

/** What IAM decides for the apply role of `owner`'s account holding `statements`, on a resource tagged as `owner`'s. */
function decide(statements: object[], target: Target, owner: EnvironmentConfig): Promise<string> {
  const account = /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(target.arn)?.[1] ?? owner.aws.accountId;
  return iamDecision({
    principal: `arn:${owner.aws.partition}:iam::${account}:role/platform-apply`,
    action: target.action,
    resource: target.arn,
    identity: statements,
    // Every resource carries its environment's tags (provider default_tags).
    context: { 'aws:ResourceTag/Project': owner.project, 'aws:ResourceTag/Environment': owner.environment },
  });
}

const suites: [string, string][] = [
  ['examples', 'test/fixtures/examples'],
  ['teleport', 'test/fixtures/teleport'],
  ['unusual', UNUSUAL_DIR],
  ['controller', 'test/fixtures/controller'],
  ['jobs', 'test/fixtures/jobs'],
  ['workloads', 'test/fixtures/workloads'],
];

describe.each(suites)('the management statements of the %s fixtures', (_name, dir) => {
  const configs = loadEnvironments(dir).map((e) => e.config);
  const stacks = synthesizedFixture(dir).filter((s) => s.environment !== undefined);
  const policies = new Map(
    configs.map((c) => [
      c.environment,
      policyStatements(
        managementStatements(
          c,
          configs.filter((o) => o.environment !== c.environment).map((o) => o.environment),
        ),
      ),
    ]),
  );

  it("allow every named or tagged resource of an environment to its own statements, and to no other environment's", async () => {
    let checked = 0;
    for (const stack of stacks) {
      const owner = configs.find((c) => c.environment === stack.environment)!;
      for (const target of targetsOf(JSON.parse(stack.json), owner)) {
        for (const config of configs) {
          // Other accounts are fenced by the account; only environments sharing one must be fenced by their statements.
          if (config.environment !== owner.environment && config.aws.accountId !== owner.aws.accountId) continue;
          const decision = await decide(policies.get(config.environment)!, target, owner);
          const expected = config.environment === owner.environment ? 'Allowed' : expect.stringMatching(/Denied$/);
          expect([owner.environment, target.address, target.action, target.arn, `statements of ${config.environment}`, decision]).toEqual([
            owner.environment,
            target.address,
            target.action,
            target.arn,
            `statements of ${config.environment}`,
            expected,
          ]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  }, 120_000);
});
