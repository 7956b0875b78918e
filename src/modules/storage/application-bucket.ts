import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3BucketCorsConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-cors-configuration';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { AwsContext } from '../aws-context';
import { fitName, NAME_LIMITS } from '../../naming';
import { policyDocument, type PolicyStatement } from '../iam/policy-document';
import { createHardenedBucket, type HardenedBucket } from './hardened-bucket';

export interface ApplicationBucketProps {
  /** The bucket key. */
  readonly name: string;
  /** The bucket name, unique per account and region (Naming.bucket). */
  readonly bucketName: string;
  /** SSE-KMS with this customer key; absent: SSE-S3. @default SSE-S3 */
  readonly kmsKeyArn?: string;
  /** Keep every object version. */
  readonly versioning: boolean;
  readonly lifecycle: {
    /** Days before noncurrent versions are removed (versioned buckets). @default kept */
    readonly expireNoncurrentDays?: number;
    /** Days before current objects expire. @default never */
    readonly expireDays?: number;
    readonly abortIncompleteUploadDays: number;
  };
  /** Browser access. @default none */
  readonly cors?: {
    readonly allowedOrigins: readonly string[];
    readonly allowedMethods: readonly string[];
    readonly allowedHeaders: readonly string[];
    readonly exposeHeaders: readonly string[];
    readonly maxAgeSeconds: number;
  };
  /** Refuse `terraform destroy` of the bucket (production). */
  readonly preventDestroy: boolean;
  /** Let `terraform destroy` delete a bucket that still holds objects. */
  readonly forceDestroy: boolean;
}

/** What a reader and a writer get on the bucket and its objects; nothing else is ever granted. */
export const BUCKET_READ_ACTIONS = ['s3:GetBucketLocation', 's3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'];
export const BUCKET_WRITE_ACTIONS = ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:ListMultipartUploadParts', 's3:PutObject'];

/**
 * An S3 bucket of the application: the hardened bucket (private, owner
 * enforced, encrypted, TLS only), versioned where asked, lifecycle rules
 * (unfinished uploads always end), optional CORS, and grants of exactly read
 * or write to task roles.
 */
export class ApplicationBucket extends Construct {
  readonly bucket: HardenedBucket['bucket'];
  readonly bucketName: string;
  readonly arn: string;
  private readonly kmsKeyArn?: string;

  constructor(scope: Construct, id: string, props: ApplicationBucketProps) {
    super(scope, id);
    this.bucketName = props.bucketName;
    this.arn = `arn:${AwsContext.of(this).partition}:s3:::${props.bucketName}`;
    this.kmsKeyArn = props.kmsKeyArn;
    const { bucket } = createHardenedBucket(this, {
      bucketName: props.bucketName,
      encryption: props.kmsKeyArn ? 'aws:kms' : 'AES256',
      kmsKeyArn: props.kmsKeyArn,
      forceDestroy: props.forceDestroy,
      preventDestroy: props.preventDestroy,
      policyId: 'policy',
    });
    this.bucket = bucket;
    if (props.versioning) {
      new S3BucketVersioningA(this, 'versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
    }
    const { lifecycle } = props;
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: bucket.id,
      rule: [
        {
          id: 'application-bucket',
          status: 'Enabled',
          filter: [{}],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: lifecycle.abortIncompleteUploadDays }],
          ...(lifecycle.expireDays !== undefined ? { expiration: [{ days: lifecycle.expireDays }] } : {}),
          ...(props.versioning && lifecycle.expireNoncurrentDays !== undefined
            ? { noncurrentVersionExpiration: [{ noncurrentDays: lifecycle.expireNoncurrentDays }] }
            : {}),
        },
      ],
    });
    if (props.cors) {
      const { cors } = props;
      new S3BucketCorsConfiguration(this, 'cors', {
        bucket: bucket.id,
        corsRule: [
          {
            allowedOrigins: [...cors.allowedOrigins],
            allowedMethods: [...cors.allowedMethods],
            allowedHeaders: [...cors.allowedHeaders],
            exposeHeaders: [...cors.exposeHeaders],
            maxAgeSeconds: cors.maxAgeSeconds,
          },
        ],
      });
    }
  }

  /** Read or write on this bucket and its objects (and the key's matching use) for a task role. */
  grant(id: string, roleId: string, access: 'read' | 'write'): void {
    const statements: PolicyStatement[] =
      access === 'read'
        ? [
            { Sid: 'ReadBucket', Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket'], Resource: this.arn },
            { Sid: 'ReadObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: `${this.arn}/*` },
          ]
        : [{ Sid: 'WriteObjects', Effect: 'Allow', Action: BUCKET_WRITE_ACTIONS, Resource: `${this.arn}/*` }];
    if (this.kmsKeyArn) {
      statements.push({
        Sid: access === 'read' ? 'DecryptObjects' : 'EncryptObjects',
        Effect: 'Allow',
        Action: access === 'read' ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: this.kmsKeyArn,
      });
    }
    new IamRolePolicy(this, `grant-${id}-${access}`, {
      role: roleId,
      name: fitName(`s3-${this.bucketName}-${access}`, NAME_LIMITS.iamPolicy),
      policy: policyDocument(...statements),
    });
  }
}
