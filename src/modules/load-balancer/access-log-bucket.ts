import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import type { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { Construct } from 'constructs';
import { ELB_LOG_DELIVERY_ACCOUNTS } from '../../aws-facts';
import { AwsContext } from '../aws-context';
import { createHardenedBucket } from '../storage/hardened-bucket';

export interface AccessLogBucketProps {
  /** The bucket name (globally unique). */
  readonly bucketName: string;
  /** Days to keep access logs. */
  readonly expiryDays: number;
  /** Let `terraform destroy` delete a bucket that still holds logs. */
  readonly forceDestroy: boolean;
}

/**
 * The bucket a load balancer writes its access logs to: private, encrypted
 * with S3-managed keys (the only kind log delivery supports), TLS only,
 * expiring, writable by the region's load balancer log delivery only (the
 * region and account of its stack's AWS context).
 */
export class AccessLogBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;
  readonly name: string;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    this.name = props.bucketName;
    const { partition, region, accountId } = AwsContext.of(this);
    // Regions opened before the log delivery service principal existed deliver from an ELB account.
    const elbAccount = ELB_LOG_DELIVERY_ACCOUNTS[region];
    const deliverer: Record<string, string> = elbAccount
      ? { AWS: `arn:${partition}:iam::${elbAccount}:root` }
      : { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' };
    const arn = `arn:${partition}:s3:::${props.bucketName}`;
    const { bucket, policy } = createHardenedBucket(this, {
      bucketName: props.bucketName,
      encryption: 'AES256',
      forceDestroy: props.forceDestroy,
      policyId: 'policy',
      statements: [
        {
          Sid: 'LoadBalancerLogDelivery',
          Effect: 'Allow',
          Principal: deliverer,
          Action: 's3:PutObject',
          Resource: `${arn}/AWSLogs/${accountId}/*`,
        },
      ],
    });
    this.bucket = bucket;
    this.policy = policy;
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'expire-access-logs',
          status: 'Enabled',
          filter: [{}],
          expiration: [{ days: props.expiryDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
  }
}
