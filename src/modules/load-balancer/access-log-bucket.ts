import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { Construct } from 'constructs';
import { ELB_LOG_DELIVERY_ACCOUNTS } from '../../config/aws-facts';
import { policyDocument } from '../iam/policy-document';

export interface AccessLogBucketProps {
  /** The bucket name (globally unique). */
  readonly bucketName: string;
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** Days to keep access logs. */
  readonly expiryDays: number;
  /** Let `terraform destroy` delete a bucket that still holds logs. @default false */
  readonly forceDestroy?: boolean;
}

/**
 * The bucket a load balancer writes its access logs to: private, encrypted
 * with S3-managed keys (the only kind log delivery supports), TLS only,
 * expiring, writable by the region's load balancer log delivery only.
 */
export class AccessLogBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;
  readonly name: string;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    const arn = `arn:${props.partition}:s3:::${props.bucketName}`;
    this.name = props.bucketName;
    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName, forceDestroy: props.forceDestroy ?? false });
    new S3BucketOwnershipControls(this, 'ownership', { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket: this.bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [{ id: 'expire-access-logs', status: 'Enabled', filter: [{}], expiration: [{ days: props.expiryDays }], abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }] }],
    });
    // Regions opened before the log delivery service principal existed deliver from an ELB account.
    const elbAccount = ELB_LOG_DELIVERY_ACCOUNTS[props.region];
    const deliverer: Record<string, string> = elbAccount
      ? { AWS: `arn:${props.partition}:iam::${elbAccount}:root` }
      : { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' };
    this.policy = new S3BucketPolicy(this, 'policy', {
      bucket: this.bucket.id,
      policy: policyDocument(
        { Sid: 'LoadBalancerLogDelivery', Effect: 'Allow', Principal: deliverer, Action: 's3:PutObject', Resource: `${arn}/AWSLogs/${props.accountId}/*` },
        { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [arn, `${arn}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ),
    });
  }
}
