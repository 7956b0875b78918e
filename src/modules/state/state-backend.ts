import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { legacyAddress } from '../addresses/moved-block';
import { RemovedBlock } from '../addresses/removed-block';
import { createHardenedBucket } from '../storage/hardened-bucket';

export interface StateBackendProps {
  /** The state bucket's name. */
  readonly bucket: string;
  /** The lock table's name; absent: no table (S3-native locking only). */
  readonly lockTable?: string;
  /** Days to keep replaced state versions. @default 90 */
  readonly noncurrentVersionExpiryDays?: number;
}

/**
 * The Terraform state bucket and, when `lockTable` is given, the DynamoDB
 * lock table. Both are protected from `destroy`: losing them loses every
 * environment's state. Without `lockTable`, a `removed` block (destroy =
 * false) for the table's address: a table made before is forgotten, not
 * deleted.
 */
export class StateBackend extends Construct {
  readonly bucket: S3Bucket;
  readonly lockTable?: DynamodbTable;

  constructor(scope: Construct, id: string, props: StateBackendProps) {
    super(scope, id);
    const noncurrentVersionExpiryDays = props.noncurrentVersionExpiryDays ?? 90;

    this.bucket = createHardenedBucket(this, {
      bucketName: props.bucket,
      encryption: 'aws:kms',
      preventDestroy: true,
      policyId: 'tls-only',
    }).bucket;
    new S3BucketVersioningA(this, 'versioning', { bucket: this.bucket.id, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'expire-old-state-versions',
          status: 'Enabled',
          filter: [{}],
          noncurrentVersionExpiration: [{ noncurrentDays: noncurrentVersionExpiryDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });

    if (props.lockTable === undefined) {
      // A project that moved to the lock file: Terraform forgets the table it created and leaves it in AWS,
      // with its deletion protection (delete it by hand; docs/bootstrap.md, state locking). For a new project, nothing.
      new RemovedBlock(this, 'lock-table-removed', legacyAddress(this, 'aws_dynamodb_table', 'lock-table'));
      return;
    }
    this.lockTable = new DynamodbTable(this, 'lock-table', {
      name: props.lockTable,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'LockID',
      attribute: [{ name: 'LockID', type: 'S' }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: true,
      lifecycle: { preventDestroy: true },
    });
  }
}
