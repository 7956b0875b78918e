/** The environment stack: provider, backend and network, from the example environments. */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Testing } from 'cdktf';
import { BootstrapStack } from '../../src/stacks/bootstrap-stack';
import { MINIMAL_ENVIRONMENT, configOf, exampleConfig, resourcesOf, synthEnvironment } from '../support/helpers';

const dev = synthEnvironment(exampleConfig('dev'));
const prod = synthEnvironment(exampleConfig('prod'));

describe('provider and backend', () => {
  const json = JSON.parse(prod);

  it('pins the region, the account and the default tags', () => {
    expect(json.provider.aws[0]).toEqual({
      region: 'eu-west-1',
      allowed_account_ids: ['123456789012'],
      default_tags: [{ tags: { CostCenter: 'web', Team: 'platform', Project: 'shop', Environment: 'prod', ManagedBy: 'cdktf' } }],
    });
  });

  it('keeps state in S3 under <keyPrefix>/<environment>.tfstate with DynamoDB locking', () => {
    expect(json.terraform.backend.s3).toEqual({
      bucket: 'shop-tf-state-123456789012',
      key: 'platform/prod.tfstate',
      region: 'eu-west-1',
      dynamodb_table: 'shop-tf-locks',
      encrypt: true,
    });
  });

  it('with a lock table, adds S3-native locking only when asked (an existing project keeps its table until it opts out)', () => {
    const withLockfile = JSON.parse(
      synthEnvironment(configOf(MINIMAL_ENVIRONMENT.replace('  lockTable', '  useLockfile: true\n  lockTable'))),
    );
    expect(withLockfile.terraform.backend.s3.use_lockfile).toBe(true);
    expect(withLockfile.terraform.backend.s3.dynamodb_table).toBe('shop-tf-locks');
    expect(json.terraform.backend.s3.use_lockfile).toBeUndefined();
  });

  it('without a lock table, locks with the lock file alone and writes no dynamodb_table (Terraform 1.11 deprecates it)', () => {
    const lockfileOnly = JSON.parse(synthEnvironment(configOf(MINIMAL_ENVIRONMENT.replace('  lockTable: shop-tf-locks\n', ''))));
    expect(lockfileOnly.terraform.backend.s3).toEqual({
      bucket: 'shop-tf-state',
      key: 'shop/dev.tfstate',
      region: 'eu-west-1',
      encrypt: true,
      use_lockfile: true,
    });
  });
});

describe('network', () => {
  it('creates a public and a private subnet per zone, carved from the VPC CIDR', () => {
    expect(prod).toHaveResourceWithProperties(Vpc, { cidr_block: '10.30.0.0/16', enable_dns_hostnames: true });
    const subnets = Object.values(resourcesOf(prod, 'aws_subnet')).map((s) => [s.availability_zone, s.cidr_block, s.tags.Tier]);
    expect(subnets.sort((a, b) => a[1].localeCompare(b[1], 'en', { numeric: true }))).toEqual([
      ['eu-west-1a', '10.30.0.0/20', 'public'],
      ['eu-west-1b', '10.30.16.0/20', 'public'],
      ['eu-west-1c', '10.30.32.0/20', 'public'],
      ['eu-west-1a', '10.30.128.0/20', 'private'],
      ['eu-west-1b', '10.30.144.0/20', 'private'],
      ['eu-west-1c', '10.30.160.0/20', 'private'],
    ]);
  });

  it('creates a NAT gateway per zone in prod and one in dev', () => {
    expect(Object.keys(resourcesOf(prod, 'aws_nat_gateway'))).toHaveLength(3);
    expect(Object.keys(resourcesOf(dev, 'aws_nat_gateway'))).toHaveLength(1);
    // every private route table still gets a default route through that one NAT
    const devRoutes = Object.values(resourcesOf(dev, 'aws_route')).filter((r) => r.nat_gateway_id);
    expect(devRoutes).toHaveLength(2);
  });

  it('creates no NAT and no private default route with natGateways: none', () => {
    const stack = synthEnvironment(configOf(`${MINIMAL_ENVIRONMENT}  natGateways: none\n`));
    expect(stack).not.toHaveResource(NatGateway);
    expect(Object.values(resourcesOf(stack, 'aws_route')).filter((r) => r.nat_gateway_id)).toHaveLength(0);
  });

  it('sends flow logs to a log group with retention when asked', () => {
    expect(prod).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/vpc/shop-prod/flow-logs', retention_in_days: 365 });
    expect(prod).toHaveResourceWithProperties(FlowLog, { traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' });
    expect(dev).not.toHaveResource(FlowLog);
  });

  it('locks down the default security group', () => {
    expect(prod).toHaveResource(DefaultSecurityGroup);
    const [group] = Object.values(resourcesOf(prod, 'aws_default_security_group'));
    expect(group.ingress).toBeUndefined();
    expect(group.egress).toBeUndefined();
  });

  it('creates no VPC for an existing network', () => {
    const stack = synthEnvironment(
      configOf(
        MINIMAL_ENVIRONMENT.replace(
          '  cidr: 10.0.0.0/16\n',
          '  existing: { vpcId: vpc-0123456789abcdef0, publicSubnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1], privateSubnetIds: [subnet-0123456789abcdef2, subnet-0123456789abcdef3] }\n',
        ),
      ),
    );
    expect(stack).not.toHaveResource(Vpc);
    expect(stack).not.toHaveResource(Subnet);
    expect(stack).toHaveResourceWithProperties(FlowLog, { vpc_id: 'vpc-0123456789abcdef0' });
  });
});

describe('bootstrap stack', () => {
  const backend = exampleConfig('prod').backend;
  const bootstrap = Testing.synth(new BootstrapStack(Testing.app(), backend, { Project: 'shop' }));

  it('creates a versioned, encrypted, private, TLS-only state bucket', () => {
    expect(bootstrap).toHaveResourceWithProperties(S3Bucket, {
      bucket: 'shop-tf-state-123456789012',
      lifecycle: { prevent_destroy: true },
    });
    expect(bootstrap).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: 'Enabled' } });
    expect(bootstrap).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [expect.objectContaining({ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' } })],
    });
    expect(bootstrap).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(bootstrap).toHaveResourceWithProperties(S3BucketOwnershipControls, { rule: { object_ownership: 'BucketOwnerEnforced' } });
    const [policy] = Object.values(resourcesOf(bootstrap, 'aws_s3_bucket_policy'));
    expect(JSON.parse(policy.policy).Statement[0]).toMatchObject({
      Effect: 'Deny',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    expect(bootstrap).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 90 }] })],
    });
  });

  it('creates an on-demand, recoverable, encrypted, protected lock table', () => {
    expect(bootstrap).toHaveResourceWithProperties(DynamodbTable, {
      name: 'shop-tf-locks',
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'LockID',
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: true,
    });
  });

  it('without a lock table creates none, and forgets (does not destroy) one made before the migration', () => {
    const { lockTable: _, ...lockfileOnly } = { ...backend, useLockfile: true };
    const stack = Testing.synth(new BootstrapStack(Testing.app(), lockfileOnly, { Project: 'shop' }));
    expect(stack).not.toHaveResource(DynamodbTable);
    const tableAddress = `aws_dynamodb_table.${Object.keys(resourcesOf(bootstrap, 'aws_dynamodb_table'))[0]}`;
    expect(JSON.parse(stack).removed).toEqual([{ from: tableAddress, lifecycle: { destroy: false } }]);
    expect(JSON.parse(bootstrap).removed).toBeUndefined();
  });

  it('keeps its own state locally until asked to move it into the bucket', () => {
    expect(JSON.parse(bootstrap).terraform.backend.local).toEqual({ path: 'terraform.tfstate' });
    const moved = JSON.parse(Testing.synth(new BootstrapStack(Testing.app(), { ...backend, bootstrapStateInBucket: true }, {})));
    expect(moved.terraform.backend.s3).toMatchObject({ bucket: backend.bucket, key: 'bootstrap/terraform.tfstate' });
  });
});
