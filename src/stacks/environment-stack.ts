import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/resolve';
import { Network } from '../modules/network/network';
import { Naming } from '../naming';

/** The tags every resource of an environment carries (provider default_tags). */
export function environmentTags(config: EnvironmentConfig): Record<string, string> {
  return { ...config.tags, Project: config.project, Environment: config.environment, ManagedBy: 'cdktf' };
}

/**
 * One environment: the only place where configuration is mapped onto module
 * props. Construct IDs here become Terraform addresses: renaming one destroys
 * and recreates its resources (modules-tests/addresses.test.ts guards them).
 */
export class EnvironmentStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  readonly naming: Naming;
  readonly network: Network;

  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, config.environment);
    this.config = config;
    this.naming = new Naming(config.project, config.environment);

    new AwsProvider(this, 'aws', {
      region: config.aws.region,
      allowedAccountIds: [config.aws.accountId],
      defaultTags: [{ tags: environmentTags(config) }],
    });
    const { backend } = config;
    new S3Backend(this, {
      bucket: backend.bucket,
      key: `${backend.keyPrefix}/${config.environment}.tfstate`,
      region: backend.region,
      dynamodbTable: backend.lockTable,
      encrypt: true,
    });
    // cdktf 0.21 has no prop for S3-native locking (Terraform >= 1.10).
    if (backend.useLockfile) this.addOverride('terraform.backend.s3.use_lockfile', true);

    const { network } = config;
    this.network = new Network(this, 'network', {
      namePrefix: this.naming.prefix,
      availabilityZones: config.aws.availabilityZones,
      vpc: network.kind === 'existing' ? network : { cidr: network.cidr, natGateways: network.natGateways },
      flowLogs: network.flowLogs ? { retentionDays: network.flowLogRetentionDays } : undefined,
    });
  }
}
