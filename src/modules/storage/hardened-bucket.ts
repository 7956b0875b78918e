import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import type { Construct } from 'constructs';
import { AwsContext } from '../aws-context';
import { policyDocument, type PolicyStatement } from '../iam/policy-document';
import { denyInsecureTransport } from '../iam/statements';

export interface HardenedBucketProps {
  /** The bucket name (globally unique). */
  readonly bucketName: string;
  /** `AES256` (S3-managed keys; what log delivery needs) or `aws:kms` (with an S3 bucket key). */
  readonly encryption: 'AES256' | 'aws:kms';
  /** With `aws:kms`: the customer key. @default S3's AWS managed key (aws/s3) */
  readonly kmsKeyArn?: string;
  /** Let `terraform destroy` delete a bucket that still holds objects. @default false */
  readonly forceDestroy?: boolean;
  /** Refuse `terraform destroy` of the bucket (state). @default false */
  readonly preventDestroy?: boolean;
  /** The construct ID of the bucket policy (part of its Terraform address). */
  readonly policyId: string;
  /** Statements placed before the TLS-only denial. @default none */
  readonly statements?: readonly PolicyStatement[];
}

export interface HardenedBucket {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;
}

/**
 * A private bucket as scanners want every bucket [CKV_AWS_21-style checks]:
 * owner-enforced objects, every public access blocked, encrypted, reachable
 * over TLS only. The resources are created in `scope` itself (IDs `bucket`,
 * `ownership`, `public-access-block`, `encryption` and `policyId`), so that
 * the buckets built with it keep their Terraform addresses.
 */
export function createHardenedBucket(scope: Construct, props: HardenedBucketProps): HardenedBucket {
  const arn = `arn:${AwsContext.of(scope).partition}:s3:::${props.bucketName}`;
  const bucket = new S3Bucket(scope, 'bucket', {
    bucket: props.bucketName,
    forceDestroy: props.preventDestroy ? undefined : (props.forceDestroy ?? false),
    lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
  });
  new S3BucketOwnershipControls(scope, 'ownership', { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
  new S3BucketPublicAccessBlock(scope, 'public-access-block', {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketServerSideEncryptionConfigurationA(scope, 'encryption', {
    bucket: bucket.id,
    rule: [
      props.encryption === 'aws:kms'
        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn }, bucketKeyEnabled: true }
        : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
    ],
  });
  const policy = new S3BucketPolicy(scope, props.policyId, {
    bucket: bucket.id,
    policy: policyDocument(...(props.statements ?? []), denyInsecureTransport('s3:*', [arn, `${arn}/*`])),
  });
  return { bucket, policy };
}
