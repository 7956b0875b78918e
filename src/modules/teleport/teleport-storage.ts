import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { Construct } from 'constructs';
import { fitName, NAME_LIMITS } from '../../naming';
import { AwsContext } from '../aws-context';
import { policyDocument, type PolicyStatement } from '../iam/policy-document';
import { accountAdministers, denyInsecureTransport } from '../iam/statements';

export interface TeleportStorageProps {
  /** `<project>-<environment>`, for the key alias. */
  readonly namePrefix: string;
  /** The cluster state table (Teleport's `storage.table_name`). */
  readonly stateTableName: string;
  /** The audit events table (`audit_events_uri`). */
  readonly eventsTableName: string;
  /** The session recordings bucket (`audit_sessions_uri`). */
  readonly auditBucketName: string;
  /** Refuse `terraform destroy` of the tables and keep the bucket's recordings. */
  readonly deletionProtection: boolean;
  /** Lifecycle of recordings: days to Standard-IA, to Glacier Instant Retrieval, and to deletion. @default kept forever */
  readonly lifecycle: { readonly infrequentAccessDays: number; readonly glacierDays: number; readonly expireDays?: number };
  /** S3 Object Lock of every recording. @default off */
  readonly objectLock?: { readonly mode: 'GOVERNANCE' | 'COMPLIANCE'; readonly days: number };
}

/**
 * What a Teleport cluster keeps: its state table (streams, TTL: Teleport
 * watches the stream and expires items through TTL), its audit events table
 * (the `timesearchV2` index Teleport queries by day), and the session
 * recordings bucket (versioned, customer key, public access blocked, TLS
 * only, cheaper storage classes as recordings age). One customer key
 * encrypts all three; `taskStatements` is exactly what the cluster needs of them.
 */
export class TeleportStorage extends Construct {
  readonly key: KmsKey;
  readonly stateTable: DynamodbTable;
  readonly eventsTable: DynamodbTable;
  readonly bucket: S3Bucket;
  readonly bucketName: string;

  constructor(scope: Construct, id: string, props: TeleportStorageProps) {
    super(scope, id);
    const aws = AwsContext.of(this);
    this.bucketName = props.auditBucketName;
    this.key = new KmsKey(this, 'key', {
      description: `Teleport state, audit events and session recordings of ${props.namePrefix}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument(accountAdministers(aws)),
    });
    new KmsAlias(this, 'key-alias', {
      name: fitName(`alias/${props.namePrefix}-teleport`, NAME_LIMITS.kmsAlias),
      targetKeyId: this.key.keyId,
    });

    const common = {
      billingMode: 'PAY_PER_REQUEST',
      serverSideEncryption: { enabled: true, kmsKeyArn: this.key.arn },
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: props.deletionProtection,
      ttl: { attributeName: 'Expires', enabled: true },
    };
    this.stateTable = new DynamodbTable(this, 'state-table', {
      ...common,
      name: props.stateTableName,
      hashKey: 'HashKey',
      rangeKey: 'FullPath',
      attribute: [
        { name: 'HashKey', type: 'S' },
        { name: 'FullPath', type: 'S' },
      ],
      streamEnabled: true,
      streamViewType: 'NEW_IMAGE',
    });
    this.eventsTable = new DynamodbTable(this, 'events-table', {
      ...common,
      name: props.eventsTableName,
      hashKey: 'SessionID',
      rangeKey: 'EventIndex',
      attribute: [
        { name: 'SessionID', type: 'S' },
        { name: 'EventIndex', type: 'N' },
        { name: 'CreatedAtDate', type: 'S' },
        { name: 'CreatedAt', type: 'N' },
      ],
      globalSecondaryIndex: [{ name: 'timesearchV2', hashKey: 'CreatedAtDate', rangeKey: 'CreatedAt', projectionType: 'ALL' }],
    });

    const arn = `arn:${aws.partition}:s3:::${props.auditBucketName}`;
    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: props.auditBucketName,
      objectLockEnabled: props.objectLock !== undefined ? true : undefined,
      forceDestroy: props.deletionProtection ? undefined : true,
      lifecycle: props.deletionProtection ? { preventDestroy: true } : undefined,
    });
    const bucket = this.bucket;
    new S3BucketOwnershipControls(this, 'ownership', { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: this.key.arn }, bucketKeyEnabled: true }],
    });
    new S3BucketPolicy(this, 'bucket-policy', {
      bucket: bucket.id,
      policy: policyDocument(
        // Recordings are written with the cluster's key or the bucket default (which is that key), never another.
        {
          Sid: 'DenyOtherKeys',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:PutObject',
          Resource: `${arn}/*`,
          Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': this.key.arn } },
        },
        denyInsecureTransport('s3:*', [arn, `${arn}/*`]),
      ),
    });
    new S3BucketVersioningA(this, 'versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: bucket.id,
      rule: [
        {
          id: 'recordings',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          transition: [
            { days: props.lifecycle.infrequentAccessDays, storageClass: 'STANDARD_IA' },
            { days: props.lifecycle.glacierDays, storageClass: 'GLACIER_IR' },
          ],
          expiration: props.lifecycle.expireDays !== undefined ? [{ days: props.lifecycle.expireDays }] : undefined,
          // An overwritten or deleted recording stays as long as recordings are kept: never sooner than expireDays, kept without it.
          noncurrentVersionExpiration:
            props.lifecycle.expireDays !== undefined ? [{ noncurrentDays: props.lifecycle.expireDays }] : undefined,
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    if (props.objectLock) {
      new S3BucketObjectLockConfigurationA(this, 'object-lock', {
        bucket: bucket.id,
        rule: { defaultRetention: { mode: props.objectLock.mode, days: props.objectLock.days } },
      });
    }
  }

  /** Exactly what the auth service needs: its two tables (with their index and stream), its bucket, and its key. */
  taskStatements(): PolicyStatement[] {
    const bucketArn = `arn:${AwsContext.of(this).partition}:s3:::${this.bucketName}`;
    return [
      {
        Sid: 'TeleportTables',
        Effect: 'Allow',
        Action: [
          'dynamodb:BatchWriteItem',
          'dynamodb:ConditionCheckItem',
          'dynamodb:DeleteItem',
          'dynamodb:DescribeTable',
          'dynamodb:DescribeTimeToLive',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:Scan',
          'dynamodb:UpdateItem',
        ],
        Resource: [this.stateTable.arn, this.eventsTable.arn, `${this.eventsTable.arn}/index/timesearchV2`],
      },
      {
        Sid: 'TeleportStateStream',
        Effect: 'Allow',
        Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        Resource: `${this.stateTable.arn}/stream/*`,
      },
      {
        Sid: 'TeleportRecordingsBucket',
        Effect: 'Allow',
        Action: ['s3:GetBucketVersioning', 's3:ListBucket', 's3:ListBucketMultipartUploads', 's3:ListBucketVersions'],
        Resource: bucketArn,
      },
      {
        Sid: 'TeleportRecordings',
        Effect: 'Allow',
        Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:GetObjectVersion', 's3:ListMultipartUploadParts', 's3:PutObject'],
        Resource: `${bucketArn}/*`,
      },
      {
        Sid: 'TeleportKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: this.key.arn,
      },
    ];
  }
}
