/**
 * Input a construct refuses: a ValidationError naming the construct path
 * (like aws-cdk's), thrown before the construct makes any resource, and shown
 * by the CLI as its message and path, exit code 1, no stack trace.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformResource, TerraformStack, Testing } from 'cdktf';
import type { IConstruct } from 'constructs';
import { AwsContext } from '../../src/modules/aws-context';
import { EcsCluster } from '../../src/modules/cluster/ecs-cluster';
import { Table } from '../../src/modules/dynamodb/table';
import { ScheduledJob, type ScheduledJobProps } from '../../src/modules/job/scheduled-job';
import { Network } from '../../src/modules/network/network';
import { FargateService, type FargateServiceProps } from '../../src/modules/service/fargate-service';
import { BootstrapStack } from '../../src/stacks/bootstrap-stack';
import { ValidationError } from '../../src/validation-error';
import { cli } from '../support/cli-in-process';
import { MINIMAL_ENVIRONMENT, configsOf, minimalService, writeConfig } from '../support/helpers';

/** The resources anywhere under `scope`. */
const resourcesIn = (scope: IConstruct) =>
  scope.node
    .findAll()
    .filter((c) => c instanceof TerraformResource)
    .map((c) => c.node.path);

/** What `make` throws in a fresh stack, and the resources the stack holds after it. */
function refusal(make: (stack: TerraformStack) => unknown): { error: ValidationError; resources: string[] } {
  const stack = new TerraformStack(Testing.app(), 'shop-dev');
  AwsContext.set(stack, { region: 'eu-west-1', accountId: '123456789012' });
  try {
    make(stack);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { error, resources: resourcesIn(stack) };
  }
  throw new Error('no ValidationError thrown');
}

const SERVICE: FargateServiceProps = {
  name: 'api',
  namePrefix: 'shop-dev',
  cluster: { name: 'c', arn: 'arn' },
  image: 'nginx:1',
  cpu: 256,
  memory: 512,
  logs: { retentionDays: 7 },
  desiredCount: 1,
  capacity: [{ provider: 'FARGATE', weight: 1 }],
  deployment: { minHealthyPercent: 100, maxPercent: 200, circuitBreaker: true, externalImageUpdates: false },
  network: { vpcId: 'vpc', subnetIds: ['s'], assignPublicIp: false },
};
const JOB: ScheduledJobProps = { ...SERVICE, schedule: 'rate(1 hour)', network: SERVICE.network };
const sidecar = (name: string) => ({ name, image: 'otel/collector:1', essential: false });

describe('ValidationError', () => {
  it('names the construct that refused its input: the message, then "at" and its path', () => {
    const { error } = refusal((stack) => new EcsCluster(stack, 'cluster', { name: 'x', defaultCapacity: [] }));
    expect(error.detail).toBe('EcsCluster: defaultCapacity needs at least one provider');
    expect(error.constructPath).toBe('shop-dev/cluster');
    expect(error.message).toBe('EcsCluster: defaultCapacity needs at least one provider\n  at shop-dev/cluster');
    expect(error.name).toBe('ValidationError');
  });
});

describe('every check before any resource', () => {
  const cases: [string, (stack: TerraformStack) => unknown, RegExp, string][] = [
    [
      'a service sidecar named like the main container',
      (s) => new FargateService(s, 'service-api', { ...SERVICE, sidecars: [sidecar('api')] }),
      /Service api tasks: a sidecar cannot take the main container's name/,
      'shop-dev/service-api',
    ],
    [
      'two service sidecars of one name',
      (s) => new FargateService(s, 'service-api', { ...SERVICE, sidecars: [sidecar('otel'), sidecar('otel')] }),
      /two sidecars are named otel/,
      'shop-dev/service-api',
    ],
    [
      'a job sidecar named like the main container',
      (s) => new ScheduledJob(s, 'job-api', { ...JOB, sidecars: [sidecar('api')] }),
      /Job api tasks: a sidecar cannot take the main container's name/,
      'shop-dev/job-api',
    ],
    [
      'a VPC block too small for its subnets',
      (s) =>
        new Network(s, 'network', {
          namePrefix: 'shop-dev',
          availabilityZones: ['eu-west-1a', 'eu-west-1b'],
          vpc: { cidr: '10.0.0.0/26', natGateways: 'none' },
        }),
      /VPC block 10\.0\.0\.0\/26 is too small/,
      'shop-dev/network',
    ],
    [
      'more zones than the subnet layout holds',
      (s) =>
        new Network(s, 'network', {
          namePrefix: 'shop-dev',
          availabilityZones: 'abcdefghi'.split('').map((z) => `eu-west-1${z}`),
          vpc: { cidr: '10.0.0.0/16', natGateways: 'none' },
        }),
      /9 zones, more than the 8/,
      'shop-dev/network',
    ],
    [
      'a table attribute of two types',
      (s) =>
        new Table(s, 'table', {
          tableName: 't',
          billingMode: 'PAY_PER_REQUEST',
          hashKey: { name: 'id', type: 'S' },
          pointInTimeRecovery: true,
          deletionProtection: true,
          globalSecondaryIndexes: [{ name: 'by-id', hashKey: { name: 'id', type: 'N' }, projection: 'ALL' }],
        }),
      /attribute id is both S and N/,
      'shop-dev/table',
    ],
  ];

  it.each(cases)('%s: refused with nothing made', (_what, make, says, path) => {
    const { error, resources } = refusal(make);
    expect(error.detail).toMatch(says);
    expect(error.constructPath).toBe(path);
    expect(resources).toEqual([]);
  });

  it('a valid service makes its resources (the check above can fail)', () => {
    const stack = new TerraformStack(Testing.app(), 'shop-dev');
    AwsContext.set(stack, { region: 'eu-west-1', accountId: '123456789012' });
    new FargateService(stack, 'service-api', { ...SERVICE, sidecars: [sidecar('otel')] });
    expect(resourcesIn(stack).length).toBeGreaterThan(5);
  });

  it("a bootstrap stack refuses a permissions boundary over IAM's size before its state bucket or any other resource", () => {
    const [config] = configsOf({ 'dev.yaml': BIG_BOUNDARY });
    const { error, resources } = refusal(() => new BootstrapStack(Testing.app(), config!.backend, {}, [config!], [config!]));
    expect(error.detail).toMatch(/^the permissions boundary of dev is \d+ characters, over IAM's 6144/);
    expect(error.constructPath).toBe('bootstrap-shop-tf-state');
    expect(resources).toEqual([]);
  });
});

/** One service whose task role names so many queues that the environment's permissions boundary is over IAM's 6,144 characters. */
const BIG_BOUNDARY = `${MINIMAL_ENVIRONMENT}services:\n${minimalService('api')}    taskRole:\n      statements:\n        - { actions: ["sqs:SendMessage"], resources: [${Array.from(
  { length: 120 },
  (_, i) => `"arn:aws:sqs:eu-west-1:123456789012:shop-dev-queue-number-${String(i).padStart(3, '0')}"`,
).join(', ')}] }\n`;

describe('the CLI', () => {
  let config: string;
  let out: string;
  beforeAll(() => {
    config = writeConfig({ 'dev.yaml': BIG_BOUNDARY });
    out = mkdtempSync(join(tmpdir(), 'platform-out-'));
  });
  afterAll(() => {
    rmSync(config, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it('shows refused input as its message and construct path, exit code 1, no stack trace, nothing written', async () => {
    const result = await cli(['synth', '--config', config, '--out', join(out, 'text')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^invalid input: the permissions boundary of dev is \d+ characters, over IAM's 6144 for one managed policy; name fewer resources in its taskRole statements\n {2}at bootstrap-shop-tf-state\n$/,
    );
    expect(result.stdout).toBe('nothing was written.\n');
    expect(existsSync(join(out, 'text'))).toBe(false);
  });

  it('with --json, as a JSON document', async () => {
    const result = await cli(['synth', '--config', config, '--out', join(out, 'json'), '--json']);
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      invalid: { message: expect.stringMatching(/^the permissions boundary of dev/), constructPath: 'bootstrap-shop-tf-state' },
    });
  });
});
