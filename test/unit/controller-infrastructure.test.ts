/**
 * The controller's own stack (controller-infrastructure): what it creates
 * for the examples (its own VPC, cluster and load balancer) and for the
 * controller fixture (existing VPC, cluster and listener, production in
 * another account through a role), the config rules of `controller:`, the
 * runs table against the store's own CreateTable, and the environment role
 * the runner hands to terraform.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTROLLER_STACK, GITHUB_HOOK_CIDRS } from '../../src/config/controller-schema';
import { selectStack } from '../../src/core/environments';
import { evaluateGuardrails } from '../../src/core/guardrails';
import { synthesize } from '../../src/core/synthesize';
import { ENVIRONMENT_PROFILE, environmentRolesFrom, withEnvironmentRole } from '../../src/controller/environment-role';
import { DynamoDbStore } from '../../src/controller/store/dynamodb-store';
import { RUNS_TABLE_SHAPE } from '../../src/modules/controller/runs-table';
import { defaultControllerImageTag } from '../../src/stacks/controller-stack';
import { configsOf, EXAMPLES_DIR, exampleConfigs, MINIMAL_ENVIRONMENT, problemsOf } from '../support/helpers';
import { fixtureStack, synthesizedFixture } from '../support/synth-cache';

const CONTROLLER_DIR = 'test/fixtures/controller';
const example = JSON.parse(fixtureStack(EXAMPLES_DIR, CONTROLLER_STACK));
const fixture = JSON.parse(fixtureStack(CONTROLLER_DIR, CONTROLLER_STACK));
const all = (stack: any, type: string): any[] => Object.values(stack.resource[type] ?? {});
const one = (stack: any, type: string): any => {
  const found = all(stack, type);
  expect(found).toHaveLength(1);
  return found[0];
};
const containerOf = (stack: any) => JSON.parse(one(stack, 'aws_ecs_task_definition').container_definitions)[0];
const taskPolicy = (stack: any) =>
  all(stack, 'aws_iam_policy')
    .filter((p) => p.name.startsWith('acme-controller-task-') || p.name.startsWith('shop-controller-task-'))
    .flatMap((p) => JSON.parse(p.policy).Statement);

describe('the stack name', () => {
  it('cannot be an environment (20 characters at most) or a bootstrap stack', () => {
    expect(CONTROLLER_STACK.length).toBeGreaterThan(20);
    expect(CONTROLLER_STACK.startsWith('bootstrap-')).toBe(false);
  });

  it('is selected by plan/apply --env, with every environment, and left out of a partial synth', () => {
    const selection = selectStack(EXAMPLES_DIR, CONTROLLER_STACK);
    expect(selection).toMatchObject({ stack: CONTROLLER_STACK, bootstrap: true });
    expect(selection.configs.map((c) => c.environment).sort()).toEqual(['dev', 'prod', 'staging']);
    expect(synthesize(exampleConfigs().filter((c) => c.environment === 'dev')).map((s) => s.name)).not.toContain(CONTROLLER_STACK);
    expect(() => selectStack(EXAMPLES_DIR, 'controller')).toThrow(`the controller's stack: ${CONTROLLER_STACK}`);
  });
});

describe('the example controller stack', () => {
  it("keeps its state beside the environments', under a key no environment can have", () => {
    expect(example.terraform.backend.s3).toMatchObject({
      bucket: 'shop-tf-state-123456789012',
      key: `platform/${CONTROLLER_STACK}.tfstate`,
      dynamodb_table: 'shop-tf-locks',
    });
  });

  it('has its image repository: scanned, immutable, with a lifecycle; the image tag is the package version', () => {
    expect(one(example, 'aws_ecr_repository')).toMatchObject({
      name: 'shop/controller',
      image_tag_mutability: 'IMMUTABLE',
      image_scanning_configuration: { scan_on_push: true },
    });
    expect(all(example, 'aws_ecr_lifecycle_policy')).toHaveLength(1);
    const version = JSON.parse(readFileSync('package.json', 'utf8')).version;
    expect(defaultControllerImageTag()).toBe(version);
    expect(containerOf(example).image).toBe(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/controller:${version}`);
  });

  it('has the runs table: on demand, point-in-time recovery, the customer key, deletion protection, TTL', () => {
    const key = Object.keys(example.resource.aws_kms_key).find((k) =>
      example.resource.aws_kms_key[k].description.includes('secrets, logs and runs table'),
    )!;
    expect(example.resource.aws_kms_key[key].enable_key_rotation).toBe(true);
    expect(one(example, 'aws_dynamodb_table')).toMatchObject({
      name: 'shop-controller-runs',
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'pk',
      range_key: 'sk',
      point_in_time_recovery: { enabled: true },
      deletion_protection_enabled: true,
      ttl: { attribute_name: 'expiresAt', enabled: true },
      server_side_encryption: { enabled: true, kms_key_arn: `\${aws_kms_key.${key}.arn}` },
    });
  });

  it('creates the three secrets empty (no version in Terraform), encrypted with its key, handed to the container by ARN', () => {
    expect(
      all(example, 'aws_secretsmanager_secret')
        .map((s) => s.name)
        .sort(),
    ).toEqual(['shop-controller/api-token', 'shop-controller/github-token', 'shop-controller/webhook-secret']);
    expect(example.resource.aws_secretsmanager_secret_version).toBeUndefined();
    for (const secret of all(example, 'aws_secretsmanager_secret')) expect(secret.kms_key_id).toMatch(/^\$\{aws_kms_key\./);
    const secrets = containerOf(example).secrets;
    expect(secrets.map((s: any) => s.name)).toEqual(['API_TOKEN', 'GITHUB_TOKEN', 'WEBHOOK_SECRET']);
    for (const s of secrets) expect(s.valueFrom).toMatch(/^\$\{aws_secretsmanager_secret\.secrets_.*\.arn\}$/);
    // The names serve reads.
    const serve = readFileSync('src/cli/serve.ts', 'utf8') + readFileSync('src/controller/serve.ts', 'utf8');
    for (const name of ['WEBHOOK_SECRET', 'API_TOKEN', 'GITHUB_TOKEN']) expect(serve).toContain(name);
  });

  it('runs two private tasks on a read-only root filesystem, replaced one at a time, sharing the queue of the watched repository in DynamoDB', () => {
    expect(one(example, 'aws_ecs_service')).toMatchObject({
      desired_count: 2,
      deployment_maximum_percent: 100,
      deployment_minimum_healthy_percent: 50,
      launch_type: 'FARGATE',
      network_configuration: { assign_public_ip: false },
      deployment_circuit_breaker: { enable: true, rollback: true },
    });
    const container = containerOf(example);
    expect(container.readonlyRootFilesystem).toBe(true);
    expect(container.command).toEqual([
      'serve',
      '--repo',
      'https://github.com/shop-org/shop-infra.git',
      '--branch',
      'main',
      '--config-path',
      'environments',
      '--host',
      '0.0.0.0',
      '--port',
      '8080',
      '--data-dir',
      '/data',
      '--store',
      'dynamodb://shop-controller-runs',
      '--drift-minutes',
      '0',
      '--controllers',
      '2',
      '--github-repository',
      'shop-org/shop-infra',
    ]);
    // The status page's session is kept by the task that signed a browser in.
    expect(one(example, 'aws_lb_target_group').stickiness).toEqual({ type: 'lb_cookie', enabled: true, cookie_duration: 43200 });
    expect(container.environment).toEqual([
      { name: 'AWS_DEFAULT_REGION', value: 'eu-west-1' },
      { name: 'AWS_REGION', value: 'eu-west-1' },
      { name: 'CHECKPOINT_DISABLE', value: '1' },
    ]);
  });

  it("serves HTTPS only, the webhook path to GitHub's hook ranges, every other path to allowedCidrs", () => {
    const listeners = all(example, 'aws_lb_listener');
    expect(listeners.map((l) => l.protocol).sort()).toEqual(['HTTP', 'HTTPS']);
    expect(listeners.find((l) => l.protocol === 'HTTP').default_action[0].type).toBe('redirect');
    const rules = all(example, 'aws_lb_listener_rule').sort((a, b) => a.priority - b.priority);
    // Only requests for the controller's host: an existing listener's other hosts never reach it.
    const host = { host_header: { values: ['gitops.shop.example.com'] } };
    expect(rules.map((r) => r.condition)).toEqual([
      [host, { path_pattern: { values: ['/webhooks/github'] } }, { source_ip: { values: GITHUB_HOOK_CIDRS.slice(0, 3) } }],
      [host, { path_pattern: { values: ['/webhooks/github'] } }, { source_ip: { values: GITHUB_HOOK_CIDRS.slice(3) } }],
      [host, { source_ip: { values: ['203.0.113.0/24'] } }],
    ]);
    // ALB's limit of five condition values per rule.
    for (const rule of rules)
      expect(rule.condition.reduce((n: number, c: any) => n + (Object.values(c)[0] as any).values.length, 0)).toBeLessThanOrEqual(5);
    const ingress = all(example, 'aws_vpc_security_group_ingress_rule').filter((r) => r.cidr_ipv4 !== undefined);
    expect([...new Set(ingress.map((r) => r.cidr_ipv4))].sort()).toEqual([...GITHUB_HOOK_CIDRS, '203.0.113.0/24'].sort());
    expect(ingress.every((r) => [80, 443].includes(r.from_port))).toBe(true);
  });

  it('alarms when no task runs and on 5XX answers, to its topic', () => {
    const alarms = all(example, 'aws_cloudwatch_metric_alarm').sort((a, b) => a.alarm_name.localeCompare(b.alarm_name));
    expect(alarms.map((a) => [a.alarm_name, a.metric_name, a.comparison_operator, a.threshold])).toEqual([
      ['shop-controller-not-running', 'RunningTaskCount', 'LessThanThreshold', 1],
      ['shop-controller-target-5xx-high', 'HTTPCode_Target_5XX_Count', 'GreaterThanThreshold', 5],
    ]);
    for (const alarm of alarms) expect(alarm.alarm_actions[0]).toMatch(/^\$\{aws_sns_topic\./);
    expect(one(example, 'aws_sns_topic_subscription').endpoint).toBe('oncall@shop.example.com');
    expect(
      all(example, 'aws_cloudwatch_log_group').map((g) => [g.name, g.retention_in_days, /^\$\{aws_kms_key\./.test(g.kms_key_id)]),
    ).toEqual([
      ['/ecs/shop-controller', 90, true],
      ['/vpc/shop-controller/flow-logs', 90, true],
    ]);
  });

  it('lets the task manage the environments it runs, through the derived policy, and its runs table', () => {
    const statements = taskPolicy(example);
    expect(statements.find((s: any) => s.Sid === 'RunsTable').Resource).toEqual([
      'arn:aws:dynamodb:eu-west-1:123456789012:table/shop-controller-runs',
      'arn:aws:dynamodb:eu-west-1:123456789012:table/shop-controller-runs/index/*',
    ]);
    expect(statements.find((s: any) => s.Sid === 'IamRoles').Resource).toEqual([
      'arn:aws:iam::123456789012:role/shop-dev-*',
      'arn:aws:iam::123456789012:role/shop-prod-*',
      'arn:aws:iam::123456789012:role/shop-staging-*',
    ]);
    expect(statements.map((s: any) => s.Sid)).not.toContain('AssumeEnvironmentRoles');
  });

  it("passes every guardrail as production; the only waivers are the reasoned wildcards and the webhook load balancer's WAF", () => {
    const report = evaluateGuardrails(exampleConfigs(), synthesizedFixture(EXAMPLES_DIR)).find((r) => r.environment === CONTROLLER_STACK)!;
    expect(report).toMatchObject({ production: true, failed: false });
    expect(report.results.filter((r) => r.status === 'waived').map((r) => r.rule.id)).toEqual(['iam-no-wildcards', 'waf-enabled']);
    expect(report.results.find((r) => r.rule.id === 'waf-enabled')!.reason).toMatch(/GitHub's push payloads exceed/);
    expect(report.unneededWaivers).toEqual([]);
  });
});

describe('a relaxation of the controller stack', () => {
  it('is refused by the guardrails unless controller.waivers gives the reason, which the stack records', () => {
    const base = `${MINIMAL_ENVIRONMENT}${CONTROLLER.replace('loadBalancer: {', 'loadBalancer: { accessLogs: false,')}`;
    const guard = (defaults: string) => {
      const configs = configsOf({ 'defaults.yaml': defaults, 'dev.yaml': 'production: false\n' });
      return evaluateGuardrails(configs, synthesize(configs)).find((r) => r.environment === CONTROLLER_STACK)!;
    };
    const refused = guard(base);
    expect(refused.failed).toBe(true);
    expect(refused.results.filter((r) => r.status === 'fail').map((r) => r.rule.id)).toEqual(['alb-access-logs']);
    const waived = guard(
      `${base}  waivers:\n    alb-access-logs: "the shared account's CloudTrail and WAF logs cover this load balancer"\n`,
    );
    expect(waived.failed).toBe(false);
    expect(waived.results.find((r) => r.rule.id === 'alb-access-logs')).toMatchObject({
      status: 'waived',
      reason: "the shared account's CloudTrail and WAF logs cover this load balancer (controller.waivers)",
    });
  });
});

describe('the controller fixture: existing VPC, cluster and listener, production through a role', () => {
  it('creates no VPC, cluster or load balancer, and uses the existing ones', () => {
    for (const type of ['aws_vpc', 'aws_ecs_cluster', 'aws_lb', 'aws_lb_listener', 'aws_sns_topic'])
      expect(fixture.resource[type]).toBeUndefined();
    expect(one(fixture, 'aws_ecs_service')).toMatchObject({
      cluster: 'arn:aws:ecs:eu-central-1:111122223333:cluster/shared-tools',
      network_configuration: { subnets: ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60712'] },
    });
    const rules = all(fixture, 'aws_lb_listener_rule');
    // GitHub's four ranges in two webhook rules (three CIDRs, the host and the path are five values), the two allowed CIDRs in one.
    expect(rules.map((r) => r.priority).sort()).toEqual([900, 901, 902]);
    for (const rule of rules) expect(rule.condition[0]).toEqual({ host_header: { values: ['gitops.acme.example.com'] } });
    for (const rule of rules)
      expect(rule.listener_arn).toBe(
        'arn:aws:elasticloadbalancing:eu-central-1:111122223333:listener/app/shared-tools/0123456789abcdef/fedcba9876543210',
      );
    const fiveXx = all(fixture, 'aws_cloudwatch_metric_alarm').find((a) => a.metric_name === 'HTTPCode_Target_5XX_Count');
    expect(fiveXx.dimensions.LoadBalancer).toBe('app/shared-tools/0123456789abcdef');
    expect(fiveXx.alarm_actions).toEqual(['arn:aws:sns:eu-central-1:111122223333:platform-alerts']);
    // An https://github.com/ URL: cloned as given, and statuses go to that repository.
    const command: string[] = containerOf(fixture).command;
    expect(command.slice(command.indexOf('--repo'), command.indexOf('--repo') + 2)).toEqual([
      '--repo',
      'https://github.com/acme/platform.git',
    ]);
    expect(command.slice(-2)).toEqual(['--github-repository', 'acme/platform']);
    // HTTPS out only: the repository is read over HTTPS with the token (ssh is refused in config).
    expect(
      all(fixture, 'aws_vpc_security_group_egress_rule')
        .map((r) => r.from_port)
        .sort(),
    ).toEqual([443]);
  });

  it("may only assume production's role, and holds no right of its own in production's account", () => {
    const statements = taskPolicy(fixture);
    expect(statements.find((s: any) => s.Sid === 'AssumeEnvironmentRoles')).toEqual({
      Sid: 'AssumeEnvironmentRoles',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: ['arn:aws:iam::444455556666:role/acme-prod-controller'],
    });
    const text = JSON.stringify(statements.filter((s: any) => s.Sid !== 'AssumeEnvironmentRoles'));
    expect(text).not.toContain('444455556666');
    expect(text).not.toContain('acme-prod');
    expect(text).toContain('acme-dev');
    expect(statements.map((s: any) => s.Sid)).not.toContain('Databases');
    expect(containerOf(fixture).environment).toContainEqual({
      name: 'CONTROLLER_ENVIRONMENT_ROLES',
      value: '{"prod":"arn:aws:iam::444455556666:role/acme-prod-controller"}',
    });
  });

  it("gets that role from production's bootstrap stack, trusted only for the controller's task role", () => {
    const bootstrap = JSON.parse(fixtureStack(CONTROLLER_DIR, 'bootstrap-acme-prod-state-444455556666'));
    const role = all(bootstrap, 'aws_iam_role').find((r) => r.name === 'acme-prod-controller');
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: 'sts:AssumeRole',
        Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/acme-controller-task' } },
      },
    ]);
    const statements = all(bootstrap, 'aws_iam_policy')
      .filter((p) => p.name.startsWith('acme-prod-controller-'))
      .flatMap((p) => JSON.parse(p.policy).Statement);
    expect(statements.find((s: any) => s.Sid === 'Databases').Resource).toContain('arn:aws:rds:eu-central-1:444455556666:db:acme-prod-*');
    expect(statements.find((s: any) => s.Sid === 'StateObjects').Resource).toEqual([
      'arn:aws:s3:::acme-prod-state-444455556666/acme/prod.tfstate',
    ]);
  });
});

const CONTROLLER = `controller:
  repository: shop-org/shop-infra
  loadBalancer: { host: gitops.shop.example.com, certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" }
`;

describe('controller: in config', () => {
  it('belongs in defaults.yaml: an environment file setting it is told to move it', () => {
    expect(problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}${CONTROLLER}` })).toEqual([
      'cfg/dev.yaml:10:1 controller: controller: is one per repository and belongs in defaults.yaml; move it there',
    ]);
  });

  it('names environments that exist, and a role for each environment in another account', () => {
    const defaults = `${MINIMAL_ENVIRONMENT}${CONTROLLER}  environmentRoles:\n    qa: arn:aws:iam::210987654321:role/shop-qa-controller\n`;
    expect(
      problemsOf({
        'defaults.yaml': defaults,
        'dev.yaml': 'production: false\n',
        'prod.yaml':
          'aws: { accountId: "210987654321" }\nbackend: { bucket: shop-prod-state }\nnetwork: { cidr: 10.1.0.0/16 }\ngitops: { approvers: [alice] }\n',
      }),
    ).toEqual([
      'cfg/defaults.yaml:14:5 controller.environmentRoles: the controller runs in account 123456789012 and prod is in 210987654321: give controller.environmentRoles.prod, a role in that account the controller assumes',
      'cfg/defaults.yaml:14:9 controller.environmentRoles.qa: no environment "qa"; found dev, prod',
    ]);
  });

  it('needs HTTPS: a certificate or an existing listener', () => {
    expect(
      problemsOf({
        'defaults.yaml': `${MINIMAL_ENVIRONMENT}controller:\n  repository: shop-org/shop-infra\n`,
        'dev.yaml': 'production: false\n',
      }),
    ).toEqual([
      'cfg/defaults.yaml:11:3 controller: the controller is reached over HTTPS only: give loadBalancer.certificateArn (a load balancer of its own) or loadBalancer.existing (a listener of yours)',
      'cfg/defaults.yaml:11:3 controller: give loadBalancer.host, the host name the controller is reached at (for example gitops.example.com): its listener rules match only that Host header',
    ]);
  });

  it('uses an existing listener only with the VPC of its load balancer', () => {
    const defaults = `${MINIMAL_ENVIRONMENT}controller:\n  repository: shop-org/shop-infra\n  loadBalancer:\n    host: gitops.shop.example.com\n    existing: { listenerArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/tools/0123456789abcdef/fedcba9876543210", securityGroupId: sg-0123456789abcdef0, priority: 10 }\n`;
    expect(problemsOf({ 'defaults.yaml': defaults, 'dev.yaml': 'production: false\n' })).toEqual([
      'cfg/defaults.yaml:14:15 controller.loadBalancer.existing: an existing load balancer forwards to targets in its own VPC: give network.existing (that VPC and its private subnets) too',
    ]);
  });

  it('reads its repository over HTTPS only, with no credentials in the URL', () => {
    const withRepository = (repository: string) => `${MINIMAL_ENVIRONMENT}${CONTROLLER.replace('shop-org/shop-infra', repository)}`;
    expect(
      problemsOf({ 'defaults.yaml': withRepository('git@github.com:shop-org/shop-infra.git'), 'dev.yaml': 'production: false\n' }),
    ).toEqual([
      'cfg/defaults.yaml:11:15 controller.repository: the deployed controller reads its repository over HTTPS with the GitHub token (secret GITHUB_TOKEN); give https://github.com/OWNER/NAME.git or OWNER/NAME instead of an ssh URL',
    ]);
    expect(
      problemsOf({ 'defaults.yaml': withRepository('ssh://git@github.com/shop-org/shop-infra.git'), 'dev.yaml': 'production: false\n' }),
    ).toHaveLength(1);
    expect(
      problemsOf({
        'defaults.yaml': withRepository('https://x-access-token:ghs_secret@github.com/shop-org/shop-infra.git'),
        'dev.yaml': 'production: false\n',
      }),
    ).toEqual([
      'cfg/defaults.yaml:11:15 controller.repository: no credentials in the URL: they would land in Terraform state and logs; the GitHub token comes from the secret GITHUB_TOKEN',
    ]);
    expect(
      problemsOf({ 'defaults.yaml': withRepository('https://github.com/shop-org/shop-infra.git'), 'dev.yaml': 'production: false\n' }),
    ).toEqual([]);
  });

  it("manages directly only environments of its own partition, assumes roles in the environment's partition and account, and takes a certificate of its own place", () => {
    const china = 'aws: { region: cn-north-1 }\nbackend: { bucket: shop-cn-state }\n';
    expect(
      problemsOf({
        'defaults.yaml': `${MINIMAL_ENVIRONMENT}${CONTROLLER}  aws: { region: eu-west-1 }\n`,
        'dev.yaml': 'production: false\n',
        'cn.yaml': `production: false\n${china}`,
      }),
    ).toEqual([
      "cfg/defaults.yaml:11:3 controller: the controller runs in partition aws (eu-west-1) and cn in aws-cn (cn-north-1): give controller.environmentRoles.cn, a role in cn's partition the controller assumes",
    ]);
    const prod = 'aws: { accountId: "210987654321" }\nbackend: { bucket: shop-prod-state }\ngitops: { approvers: [alice] }\n';
    expect(
      problemsOf({
        'defaults.yaml': `${MINIMAL_ENVIRONMENT}${CONTROLLER}  environmentRoles:\n    prod: arn:aws:iam::111111111111:role/shop-prod-controller\n`,
        'dev.yaml': 'production: false\n',
        'prod.yaml': prod,
      }),
    ).toEqual([
      'cfg/defaults.yaml:14:11 controller.environmentRoles.prod: arn:aws:iam::111111111111:role/shop-prod-controller is in account 111111111111, environment prod in 210987654321; use 210987654321',
    ]);
    expect(
      problemsOf({
        'defaults.yaml': `${MINIMAL_ENVIRONMENT}${CONTROLLER}  environmentRoles:\n    prod: arn:aws-cn:iam::210987654321:role/shop-prod-controller\n`,
        'dev.yaml': 'production: false\n',
        'prod.yaml': prod,
      }),
    ).toEqual([
      'cfg/defaults.yaml:14:11 controller.environmentRoles.prod: arn:aws-cn:iam::210987654321:role/shop-prod-controller is in partition aws-cn, environment prod in aws; use arn:aws:...',
    ]);
    expect(
      problemsOf({
        'defaults.yaml': `${MINIMAL_ENVIRONMENT}${CONTROLLER.replace(':eu-west-1:', ':us-east-1:')}`,
        'dev.yaml': 'production: false\n',
      }),
    ).toEqual([
      "cfg/defaults.yaml:12:66 controller.loadBalancer.certificateArn: arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 is in region us-east-1, the controller's load balancer in eu-west-1; use eu-west-1 (an ALB takes only certificates of its own region and account)",
    ]);
  });

  it('keeps the name controller for its own resources', () => {
    expect(problemsOf({ 'defaults.yaml': `${MINIMAL_ENVIRONMENT}${CONTROLLER}`, 'controller.yaml': 'production: false\n' })).toEqual([
      'cfg/controller.yaml:1:1 environment: with controller: set, its resources are named shop-controller-*; rename the environment "controller"',
    ]);
  });
});

describe('the runs table and the store', () => {
  it('has the keys, indexes and TTL attribute the store creates and reads', async () => {
    const sent: any[] = [];
    let described = 0;
    const client = {
      send: async (command: any) => {
        sent.push(command);
        const name = command.constructor.name;
        if (name === 'DescribeTableCommand' && described++ === 0)
          throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
        if (name === 'DescribeTableCommand') return { Table: { TableStatus: 'ACTIVE', GlobalSecondaryIndexes: [] } };
        return {};
      },
      destroy: () => undefined,
    };
    const store = new DynamoDbStore({ tableName: 'shop-controller-runs', client: client as never });
    await store.createTable({ timeoutMs: 5000 });
    const create = sent.find((c) => c.constructor.name === 'CreateTableCommand').input;
    const ttl = sent.find((c) => c.constructor.name === 'UpdateTimeToLiveCommand').input;
    const table = one(example, 'aws_dynamodb_table');
    expect(create.KeySchema).toEqual([
      { AttributeName: table.hash_key, KeyType: 'HASH' },
      { AttributeName: table.range_key, KeyType: 'RANGE' },
    ]);
    expect(
      create.GlobalSecondaryIndexes.map((i: any) => [
        i.IndexName,
        i.KeySchema.map((k: any) => k.AttributeName),
        i.Projection.ProjectionType,
      ]),
    ).toEqual(table.global_secondary_index.map((i: any) => [i.name, [i.hash_key, i.range_key], i.projection_type]));
    expect(create.AttributeDefinitions.map((a: any) => a.AttributeName).sort()).toEqual(table.attribute.map((a: any) => a.name));
    expect(ttl.TimeToLiveSpecification.AttributeName).toBe(RUNS_TABLE_SHAPE.ttlAttribute);
  });
});

describe('the environment role a run of terraform assumes', () => {
  const settings = (env: NodeJS.ProcessEnv) => ({ env, description: 'terraform', standInProviders: [] });
  const roles = JSON.stringify({ prod: 'arn:aws:iam::444455556666:role/acme-prod-controller' });

  it('is a generated AWS config profile sourcing the task credentials, for both the backend and the provider', () => {
    const dir = mkdtempSync(join(tmpdir(), 'controller-role-'));
    const result = withEnvironmentRole(
      settings({
        CONTROLLER_ENVIRONMENT_ROLES: roles,
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x',
        AWS_REGION: 'eu-central-1',
        WEBHOOK_SECRET: 'w',
        API_TOKEN: 'a',
        GITHUB_TOKEN: 'g',
        PATH: process.env.PATH,
      }),
      'prod',
      dir,
    );
    expect(result.env.AWS_PROFILE).toBe(ENVIRONMENT_PROFILE);
    expect(result.env.AWS_CONFIG_FILE).toBe(join(dir, 'prod.config'));
    expect(readFileSync(join(dir, 'prod.config'), 'utf8')).toBe(
      [
        '[profile environment]',
        'role_arn = arn:aws:iam::444455556666:role/acme-prod-controller',
        'credential_source = EcsContainer',
        'role_session_name = gitops-controller-prod',
        'duration_seconds = 3600',
        'region = eu-central-1',
        '',
      ].join('\n'),
    );
    expect(statSync(join(dir, 'prod.config')).mode & 0o777).toBe(0o600);
    // The environment terraform is started with: the profile, and none of the controller's secrets.
    const { AWS_PROFILE, AWS_CONFIG_FILE, WEBHOOK_SECRET, API_TOKEN, GITHUB_TOKEN } = result.env;
    expect([AWS_PROFILE, AWS_CONFIG_FILE, WEBHOOK_SECRET, API_TOKEN, GITHUB_TOKEN]).toEqual([
      ENVIRONMENT_PROFILE,
      join(dir, 'prod.config'),
      undefined,
      undefined,
      undefined,
    ]);
    expect(result.description).toBe('terraform; prod through the role arn:aws:iam::444455556666:role/acme-prod-controller');
  });

  it("leaves an environment without a role on the task's own credentials, and sources static credentials outside ECS", () => {
    const dir = mkdtempSync(join(tmpdir(), 'controller-role-'));
    const dev = withEnvironmentRole(settings({ CONTROLLER_ENVIRONMENT_ROLES: roles, WEBHOOK_SECRET: 'w' }), 'dev', dir);
    expect(dev.env).toEqual({ CONTROLLER_ENVIRONMENT_ROLES: roles });
    withEnvironmentRole(settings({ CONTROLLER_ENVIRONMENT_ROLES: roles }), 'prod', dir);
    expect(readFileSync(join(dir, 'prod.config'), 'utf8')).toContain('credential_source = Environment');
  });

  it('refuses a malformed mapping, naming the variable', () => {
    expect(environmentRolesFrom({})).toEqual({});
    expect(() => environmentRolesFrom({ CONTROLLER_ENVIRONMENT_ROLES: '{prod' })).toThrow('CONTROLLER_ENVIRONMENT_ROLES is not JSON');
    expect(() => environmentRolesFrom({ CONTROLLER_ENVIRONMENT_ROLES: '{"prod":"admin"}' })).toThrow(
      'CONTROLLER_ENVIRONMENT_ROLES must map environment names to role ARNs',
    );
  });
});

describe('where the controller runs', () => {
  it('must be said when every environment is reached through a role', () => {
    const defaults = `${MINIMAL_ENVIRONMENT}${CONTROLLER}  environmentRoles:\n    dev: arn:aws:iam::123456789012:role/shop-dev-controller\n`;
    expect(problemsOf({ 'defaults.yaml': defaults, 'dev.yaml': 'production: false\n' })).toEqual([
      "cfg/defaults.yaml:14:5 controller.environmentRoles: every environment is reached through a role, so the controller's account cannot be taken from one: give controller.aws.accountId and controller.aws.region",
    ]);
  });

  it('needs a state bucket in its own account', () => {
    const defaults = `${MINIMAL_ENVIRONMENT}${CONTROLLER}  aws: { accountId: "999988887777" }\n  environmentRoles:\n    dev: arn:aws:iam::123456789012:role/shop-dev-controller\n`;
    expect(problemsOf({ 'defaults.yaml': defaults, 'dev.yaml': 'production: false\n' })).toEqual([
      "cfg/defaults.yaml:11:3 controller: no environment keeps its state in the controller's account 999988887777, so its own stack has no state bucket there; run the controller in the account of one of them (controller.aws.accountId)",
      "cfg/defaults.yaml:12:66 controller.loadBalancer.certificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 is in account 123456789012, the controller's load balancer in 999988887777; use 999988887777 (an ALB takes only certificates of its own region and account)",
    ]);
  });
});
