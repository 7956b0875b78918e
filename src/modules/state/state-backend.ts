import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { createHardenedBucket } from '../storage/hardened-bucket';

export interface StateBackendProps {
  /** The state bucket's name. */
  readonly bucket: string;
  /** The lock table's name. */
  readonly lockTable: string;
  /** The ARN partition (aws, aws-cn, aws-us-gov). */
  readonly partition: string;
  /** Days to keep replaced state versions. @default 90 */
  readonly noncurrentVersionExpiryDays?: number;
}

/**
 * The Terraform state bucket and lock table. Both are protected from
 * `destroy`: losing them loses every environment's state.
 */
export class StateBackend extends Construct {
  readonly bucket: S3Bucket;
  readonly lockTable: DynamodbTable;

  constructor(scope: Construct, id: string, props: StateBackendProps) {
    super(scope, id);
    const noncurrentVersionExpiryDays = props.noncurrentVersionExpiryDays ?? 90;

    this.bucket = createHardenedBucket(this, {
      bucketName: props.bucket,
      partition: props.partition,
      encryption: 'aws:kms',
      preventDestroy: true,
      policyId: 'tls-only',
    }).bucket;
    new S3BucketVersioningA(this, 'versioning', { bucket: this.bucket.id, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [{
        id: 'expire-old-state-versions',
        status: 'Enabled',
        filter: [{}],
        noncurrentVersionExpiration: [{ noncurrentDays: noncurrentVersionExpiryDays }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
      }],
    });

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
