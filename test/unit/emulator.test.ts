/**
 * Terraform against an AWS API emulator, without starting one: the override
 * and backend settings `--endpoint` writes, the resources that stand in by
 * address, the emulator's known gaps, and the hosted zones check-apply seeds.
 * (The real applies: `npm run check:apply` in .ci/run.)
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATED_SERVICES, emulatorEndpoint, terraformSettings, TerraformWorkspace, type SynthesizedStack } from '../../src/core/index';
import { EMULATOR_OVERRIDE_FILE, emulatorBackendConfig } from '../../src/terraform/emulator';
import { OVERRIDE_FILE, prepareOfflineStack } from '../../src/terraform/offline';
import {
  emulatorPython,
  existingNetworksOf,
  existingPoliciesOf,
  existingResourcesOf,
  existingSecurityGroupsOf,
  hostedZonesOf,
} from '../../src/terraform/emulator-server';
import { DIFF_GAPS, diffGapOf, STAND_IN_GAPS, standInsOf, type PlannedResourceChange } from '../../src/verification/emulator-gaps';
import { EXAMPLES_DIR, UNUSUAL_DIR } from '../support/fixture-dirs';
import { synthesizedFixture } from '../support/synth-cache';

const stacks: SynthesizedStack[] = [...synthesizedFixture(EXAMPLES_DIR), ...synthesizedFixture(UNUSUAL_DIR)];
const dev = stacks.find((s) => s.name === 'dev')!;
const work = mkdtempSync(join(tmpdir(), 'emulator-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The provider's endpoints key of each resource type prefix the stacks use (aws_lb_* -> elbv2). */
const SERVICE_OF_PREFIX: Record<string, string> = {
  acm: 'acm',
  appautoscaling: 'appautoscaling',
  cloudwatch_metric_alarm: 'cloudwatch',
  cloudwatch_dashboard: 'cloudwatch',
  cloudwatch_log: 'logs',
  db: 'rds',
  default: 'ec2',
  dynamodb: 'dynamodb',
  ecr: 'ecr',
  ecs: 'ecs',
  efs: 'efs',
  eip: 'ec2',
  iam: 'iam',
  internet_gateway: 'ec2',
  kms: 'kms',
  lb: 'elbv2',
  nat_gateway: 'ec2',
  route53: 'route53',
  route: 'ec2',
  s3: 's3',
  secretsmanager: 'secretsmanager',
  security_group: 'ec2',
  service_discovery: 'servicediscovery',
  sns: 'sns',
  ssm: 'ssm',
  subnet: 'ec2',
  vpc: 'ec2',
  flow_log: 'ec2',
  network_acl: 'ec2',
  sqs: 'sqs',
  elasticache: 'elasticache',
  scheduler: 'scheduler',
  wafv2: 'wafv2',
  budgets: 'budgets',
  cloudwatch_event: 'events',
};

describe('the emulator endpoint', () => {
  it('is an http(s) URL, else an error naming where it came from and the fix', () => {
    expect(emulatorEndpoint('http://127.0.0.1:5000/', '--endpoint')).toBe('http://127.0.0.1:5000');
    expect(() => emulatorEndpoint('127.0.0.1:5000', '--endpoint')).toThrow(
      "--endpoint=127.0.0.1:5000 is not an http(s) URL: give the emulator's endpoint, for example http://127.0.0.1:5000",
    );
    expect(() => emulatorEndpoint('ftp://x', 'PLATFORM_AWS_ENDPOINT')).toThrow(/^PLATFORM_AWS_ENDPOINT=ftp:\/\/x is not an http\(s\) URL/);
  });

  it('covers the service of every AWS resource type the fixtures synthesize, sts included', () => {
    const types = new Set(
      stacks.flatMap((s) => Object.keys((JSON.parse(s.json) as { resource?: object }).resource ?? {})).filter((t) => t.startsWith('aws_')),
    );
    const uncovered = [...types].filter((type) => {
      const prefix = Object.keys(SERVICE_OF_PREFIX)
        .sort((a, b) => b.length - a.length)
        .find((p) => type.startsWith(`aws_${p}`));
      return !prefix || !(EMULATED_SERVICES as readonly string[]).includes(SERVICE_OF_PREFIX[prefix]!);
    });
    expect(uncovered).toEqual([]);
    expect(EMULATED_SERVICES).toContain('sts');
  });

  it('a workspace for it holds the stack as synthesized beside an override with every endpoint, dummy keys and path-style S3; the S3 backend goes there too', () => {
    const dir = join(work, 'dev');
    TerraformWorkspace.prepare(dev, dir, {
      offline: false,
      settings: terraformSettings(join(work, 'cli')),
      endpoint: 'http://127.0.0.1:5999',
    });
    const written = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8'));
    // The backend block stays as generated: init points it at the emulator.
    expect(written.terraform.backend).toEqual(JSON.parse(dev.json).terraform.backend);
    expect(existsSync(join(dir, OVERRIDE_FILE))).toBe(false);
    const provider = JSON.parse(readFileSync(join(dir, EMULATOR_OVERRIDE_FILE), 'utf8')).provider.aws[0];
    expect(provider).toMatchObject({
      access_key: 'emulator',
      secret_key: 'emulator',
      s3_use_path_style: true,
      skip_credentials_validation: true,
    });
    // The account is asked of the emulator, so allowed_account_ids is checked as against AWS.
    expect(provider.skip_requesting_account_id).toBeUndefined();
    expect(Object.keys(provider.endpoints[0]).sort()).toEqual([...EMULATED_SERVICES].sort());
    expect(new Set(Object.values(provider.endpoints[0]))).toEqual(new Set(['http://127.0.0.1:5999']));
    expect(emulatorBackendConfig('http://127.0.0.1:5999')).toEqual(
      expect.arrayContaining([
        'endpoints={s3="http://127.0.0.1:5999",dynamodb="http://127.0.0.1:5999",sts="http://127.0.0.1:5999"}',
        'use_path_style=true',
        'access_key=emulator',
      ]),
    );
  });

  it('an offline workspace in the same folder afterwards keeps no emulator override', () => {
    const dir = join(work, 'dev');
    TerraformWorkspace.prepare(dev, dir, { offline: true, settings: terraformSettings(join(work, 'cli')) });
    expect(existsSync(join(dir, EMULATOR_OVERRIDE_FILE))).toBe(false);
    expect(existsSync(join(dir, OVERRIDE_FILE))).toBe(true);
  });
});

describe('stand-ins by address', () => {
  const bootstrap = stacks.find((s) => s.name.startsWith('bootstrap-shop'))!;
  const policy = standInsOf(bootstrap.json).map((s) => s.address);

  it('are the bucket policies whose Deny has a condition (moto enforces them without it), nothing else', () => {
    expect(policy).toEqual([expect.stringMatching(/^aws_s3_bucket_policy\.state_tls-only_/)]);
    const resources = JSON.parse(dev.json).resource;
    const conditional = Object.keys(resources.aws_s3_bucket_policy ?? {}).map((name) => `aws_s3_bucket_policy.${name}`);
    expect(standInsOf(dev.json).map((s) => s.address)).toEqual(conditional);
    const unconditional = JSON.stringify({
      resource: {
        aws_s3_bucket_policy: { p: { policy: JSON.stringify({ Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*' }] }) } },
      },
    });
    expect(standInsOf(unconditional)).toEqual([]);
  });

  it('replace only that resource by terraform_data, and every reference and depends_on that named it', () => {
    const dir = join(work, 'stand-in');
    const [type, name] = policy[0]!.split('.') as [string, string];
    const json = JSON.parse(bootstrap.json);
    json.resource.terraform_data = { user: { input: `\${${type}.${name}.id}`, depends_on: [`${type}.${name}`] } };
    const prepared = prepareOfflineStack(JSON.stringify(json), dir, [], { keepBackend: true, standInAddresses: policy });
    expect(prepared.standIns).toEqual(policy);
    const written = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8'));
    expect(written.resource[type]).toBeUndefined();
    expect(written.resource.aws_s3_bucket).toEqual(json.resource.aws_s3_bucket);
    expect(written.resource.terraform_data[`${type}_${name}`].input).toMatch(/^offline-placeholder-aws_s3_bucket_policy-[0-9a-f]{12}$/);
    expect(written.resource.terraform_data.user).toEqual({
      input: `\${terraform_data.${type}_${name}.output}`,
      depends_on: [`terraform_data.${type}_${name}`],
    });
    expect(written.provider.aws).toBeDefined();
    expect(() => prepareOfflineStack(bootstrap.json, dir, [], { standInAddresses: ['aws_s3_bucket_policy.missing'] })).toThrow(
      'aws_s3_bucket_policy.missing is not a resource of this stack; nothing can stand in for it',
    );
  });
});

describe('differences the emulator causes in a second plan', () => {
  const rule = (after: object, before: object, actions = ['update']): PlannedResourceChange => ({
    address: 'aws_vpc_security_group_ingress_rule.r',
    type: 'aws_vpc_security_group_ingress_rule',
    mode: 'managed',
    change: { actions, before, after },
  });

  it("a missing description on a rule that references a group is moto's", () => {
    expect(
      diffGapOf(
        rule(
          { description: 'From web', referenced_security_group_id: 'sg-1' },
          { description: null, referenced_security_group_id: 'sg-1' },
        ),
      )?.attributes,
    ).toEqual(['description']);
    expect(
      diffGapOf(rule({ description: 'To S3', prefix_list_id: 'pl-1' }, { description: null, prefix_list_id: 'pl-1' }))?.attributes,
    ).toEqual(['description']);
  });

  it("anything more, a CIDR rule, or a replacement is the project's", () => {
    expect(
      diffGapOf(
        rule(
          { description: 'x', referenced_security_group_id: 'sg-1', to_port: 80 },
          { description: null, referenced_security_group_id: 'sg-1', to_port: 81 },
        ),
      ),
    ).toBeUndefined();
    expect(
      diffGapOf(rule({ description: 'x', cidr_ipv4: '10.0.0.0/16' }, { description: null, cidr_ipv4: '10.0.0.0/16' })),
    ).toBeUndefined();
    expect(
      diffGapOf(
        rule({ description: 'x', referenced_security_group_id: 'sg-1' }, { description: null, referenced_security_group_id: 'sg-1' }, [
          'delete',
          'create',
        ]),
      ),
    ).toBeUndefined();
  });
});

describe('hosted zones seeded in the emulator', () => {
  it('are the zones the examples write records into, named after the domain their records share', () => {
    const examples = stacks.filter((s) => ['dev', 'staging', 'prod', 'controller-infrastructure'].includes(s.name)).map((s) => s.json);
    expect(hostedZonesOf(examples)).toEqual([{ id: 'Z0123456789ABCDEFGHIJ', name: 'shop.example.com' }]);
  });
});

describe('customer managed policies seeded in the emulator', () => {
  it('are the ones the stacks attach by ARN, not the AWS managed ones every account has', () => {
    const examples = stacks.filter((s) => ['dev', 'staging', 'prod'].includes(s.name)).map((s) => s.json);
    expect(examples.join('\n')).toMatch(/"policy_arn": "arn:aws:iam::aws:policy\//);
    expect(existingPoliciesOf(examples)).toEqual([]);
    expect(existingPoliciesOf([...examples, stacks.find((s) => s.name === 'apps')!.json])).toEqual([
      'arn:aws:iam::210987654321:policy/api-extra',
    ]);
  });
});

describe('security groups seeded in the emulator', () => {
  it('are the ones the stacks name by ID, with their region; the ones they create are references', () => {
    const examples = stacks.filter((s) => ['dev', 'staging', 'prod'].includes(s.name)).map((s) => s.json);
    expect(existingSecurityGroupsOf(examples)).toEqual([]);
    expect(existingSecurityGroupsOf([stacks.find((s) => s.name === 'apps')!.json])).toEqual(['us-east-1/sg-0abc1234def567890']);
  });
});

describe('existing networks seeded in the emulator', () => {
  it('are the VPC a stack names by ID with its subnets, each in the zone of its place in its list', () => {
    const examples = stacks.filter((s) => ['dev', 'staging', 'prod'].includes(s.name)).map((s) => s.json);
    expect(existingNetworksOf(examples)).toEqual([]);
    expect(existingNetworksOf([stacks.find((s) => s.name === 'qa-')!.json])).toEqual([
      // Its load balancer is internal: the private subnets are the ones it names.
      'us-east-1/vpc-0123456789abcdef0=subnet-0123456789abcdef2@us-east-1a,subnet-0123456789abcdef3@us-east-1b',
    ]);
  });
});

describe('an existing listener and cluster seeded in the emulator', () => {
  it('are the ones the controller fixture names by ARN; the examples name none', () => {
    const controller = synthesizedFixture('test/fixtures/controller').find((s) => s.name === 'controller-infrastructure')!;
    const existing = existingResourcesOf([controller.json]);
    expect(existing.listeners).toEqual([
      'arn:aws:elasticloadbalancing:eu-central-1:111122223333:listener/app/shared-tools/0123456789abcdef/fedcba9876543210',
    ]);
    expect(existing.clusters).toEqual(['arn:aws:ecs:eu-central-1:111122223333:cluster/shared-tools']);
    const examples = existingResourcesOf(
      stacks.filter((s) => ['dev', 'staging', 'prod', 'controller-infrastructure'].includes(s.name)).map((s) => s.json),
    );
    expect([...examples.listeners, ...examples.clusters]).toEqual([]);
  });
});

describe("the emulator's python", () => {
  it('is PLATFORM_EMULATOR_PYTHON when set, and an error saying how to install moto when nothing has it', () => {
    expect(emulatorPython({ PLATFORM_EMULATOR_PYTHON: process.execPath })).toBe(process.execPath);
    expect(() => emulatorPython({ PLATFORM_EMULATOR_PYTHON: '/nonexistent/python' })).toThrow(
      'PLATFORM_EMULATOR_PYTHON=/nonexistent/python does not exist',
    );
  });
});

describe('docs/apply-check.md', () => {
  it("lists every gap of the emulator with moto's words, as the check knows them", () => {
    const page = readFileSync('docs/apply-check.md', 'utf8');
    for (const gap of [...STAND_IN_GAPS, ...DIFF_GAPS]) {
      expect(page).toContain(`\`${gap.type}\``);
      expect(page).toContain(gap.moto);
    }
  });
});
