import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/resolve';
import { partitionOf } from '../aws-facts';
import { bootstrapStackName as bootstrapStackNameOf } from '../config/stack-names';
import { StateBackend } from '../modules/state/state-backend';
import { addS3Backend } from './s3-backend';

/** Where the bootstrap stack keeps its state once it is in the bucket. */
export const BOOTSTRAP_STATE_KEY = 'bootstrap/terraform.tfstate';

export type BackendConfig = EnvironmentConfig['backend'];

/** The stack name of the bootstrap stack that creates a state bucket. */
export function bootstrapStackName(backend: BackendConfig): string {
  return bootstrapStackNameOf(backend.bucket);
}

/**
 * Creates the state bucket and lock table that environment stacks use. Its
 * own state is local until `backend.bootstrapStateInBucket` moves it into the
 * bucket it created (README: bootstrap), locked like the environments'
 * states (with the lock file too when they use it; environments sharing a
 * bucket must agree on `useLockfile`).
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
      addS3Backend(this, {
        bucket: backend.bucket,
        key: BOOTSTRAP_STATE_KEY,
        region: backend.region,
        lockTable: backend.lockTable,
        useLockfile: backend.useLockfile,
      });
    } else {
      new LocalBackend(this, { path: 'terraform.tfstate' });
    }
    new StateBackend(this, 'state', { bucket: backend.bucket, lockTable: backend.lockTable, partition: partitionOf(backend.region) });
  }
}
