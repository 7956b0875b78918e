import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/resolve';
import { partitionOf } from '../config/aws-facts';
import { StateBackend } from '../modules/state/state-backend';

/** Where the bootstrap stack keeps its state once it is in the bucket. */
export const BOOTSTRAP_STATE_KEY = 'bootstrap/terraform.tfstate';

export type BackendConfig = EnvironmentConfig['backend'];

/** The stack name of the bootstrap stack that creates a state bucket. */
export function bootstrapStackName(backend: BackendConfig): string {
  return `bootstrap-${backend.bucket.replace(/\./g, '-')}`;
}

/**
 * Creates the state bucket and lock table that environment stacks use. Its
 * own state is local until `backend.bootstrapStateInBucket` moves it into the
 * bucket it created (README: bootstrap).
 */
export class BootstrapStack extends TerraformStack {
  constructor(scope: Construct, backend: BackendConfig, tags: Readonly<Record<string, string>>) {
    super(scope, bootstrapStackName(backend));
    new AwsProvider(this, 'aws', {
      region: backend.region,
      allowedAccountIds: [backend.accountId],
      defaultTags: [{ tags: { ...tags, ManagedBy: 'cdktf' } }],
    });
    if (backend.bootstrapStateInBucket) {
      new S3Backend(this, {
        bucket: backend.bucket,
        key: BOOTSTRAP_STATE_KEY,
        region: backend.region,
        dynamodbTable: backend.lockTable,
        encrypt: true,
      });
    } else {
      new LocalBackend(this, { path: 'terraform.tfstate' });
    }
    new StateBackend(this, 'state', { bucket: backend.bucket, lockTable: backend.lockTable, partition: partitionOf(backend.region) });
  }
}
