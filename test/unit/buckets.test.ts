/**
 * Application buckets (docs/workloads.md): the hardened bucket,
 * versioning, encryption, lifecycle, CORS and grants in the workloads
 * fixture's dev and production stacks, the injected BUCKET_<NAME>_NAME, the
 * boundary, the validation problems, cost lines and diagram edges.
 */
import { estimateStack } from '../../src/cost/estimate';
import { diagramOf } from '../../src/diagram/model';
import { boundaryStatements } from '../../src/stacks/permissions-boundary';
import { MINIMAL_ENVIRONMENT, configOf, problemsOf } from '../support/helpers';
import { containersOf, only, workloads } from '../support/workloads-fixture';

const fixture = workloads();
const prod = fixture.stack('production');
const dev = fixture.stack('dev');
const ref = (address: string, attribute: string) => `\${${address}.${attribute}}`;
const UPLOADS = 'books-production-uploads-123456789012-eu-west-1';

describe('a production bucket', () => {
  const [bucketName, bucket] = only(prod, 'aws_s3_bucket', 'bucket-uploads_');
  const of = (type: string) => only(prod, type, 'bucket-uploads_')[1];

  it('is named for the project, environment, account and region, and kept from terraform destroy', () => {
    expect(bucket).toEqual({ bucket: UPLOADS, lifecycle: { prevent_destroy: true } });
  });

  it('is private, owner-enforced, versioned, encrypted with the customer key and reachable over TLS only', () => {
    expect(of('aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(of('aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
    expect(of('aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
    const keyName = Object.keys(prod.resource.aws_kms_key).find((k) => k.startsWith('logs-key_'))!;
    expect(of('aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      {
        apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: ref(`aws_kms_key.${keyName}`, 'arn') },
        bucket_key_enabled: true,
      },
    ]);
    const policy = JSON.parse(of('aws_s3_bucket_policy').policy);
    expect(policy.Statement).toEqual([
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${UPLOADS}`, `arn:aws:s3:::${UPLOADS}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
  });

  it('expires noncurrent versions and unfinished uploads, and admits the browser origins it lists', () => {
    expect(of('aws_s3_bucket_lifecycle_configuration').rule).toEqual([
      {
        id: 'application-bucket',
        status: 'Enabled',
        filter: [{}],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        noncurrent_version_expiration: [{ noncurrent_days: 30 }],
      },
    ]);
    expect(of('aws_s3_bucket_cors_configuration').cors_rule).toEqual([
      {
        allowed_origins: ['https://books.example.com'],
        allowed_methods: ['PUT', 'GET'],
        allowed_headers: ['*'],
        expose_headers: ['ETag'],
        max_age_seconds: 3000,
      },
    ]);
    expect(Object.keys(prod.resource.aws_s3_bucket_cors_configuration)).toHaveLength(1);
  });

  it("grants exactly read or write to the listed services' task roles, with the key's matching use", () => {
    const keyName = Object.keys(prod.resource.aws_kms_key).find((k) => k.startsWith('logs-key_'))!;
    const key = ref(`aws_kms_key.${keyName}`, 'arn');
    const grant = (service: string, access: string) =>
      JSON.parse(only(prod, 'aws_iam_role_policy', `bucket-uploads_grant-${service}-${access}_`)[1].policy).Statement;
    expect(grant('web', 'read')).toEqual([
      { Sid: 'ReadBucket', Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket'], Resource: `arn:aws:s3:::${UPLOADS}` },
      { Sid: 'ReadObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: `arn:aws:s3:::${UPLOADS}/*` },
      { Sid: 'DecryptObjects', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: key },
    ]);
    expect(grant('api', 'write')).toEqual([
      {
        Sid: 'WriteObjects',
        Effect: 'Allow',
        Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:ListMultipartUploadParts', 's3:PutObject'],
        Resource: `arn:aws:s3:::${UPLOADS}/*`,
      },
      { Sid: 'EncryptObjects', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: key },
    ]);
    expect(
      Object.keys(prod.resource.aws_iam_role_policy)
        .filter((n) => n.startsWith('bucket-'))
        .sort()
        .map((n) => n.replace(/_[0-9A-F]{8}$/, '')),
    ).toEqual([
      'bucket-exports_grant-api-read',
      'bucket-uploads_grant-api-read',
      'bucket-uploads_grant-api-write',
      'bucket-uploads_grant-web-read',
    ]);
  });

  it('injects BUCKET_<NAME>_NAME into the services it grants access, and no other', () => {
    const variables = (service: string) =>
      (containersOf(prod, service)[0].environment as { name: string; value: string }[]).filter((v) => v.name.startsWith('BUCKET_'));
    expect(variables('api')).toEqual([
      { name: 'BUCKET_EXPORTS_NAME', value: 'books-production-exports-123456789012-eu-west-1' },
      { name: 'BUCKET_UPLOADS_NAME', value: UPLOADS },
    ]);
    expect(variables('web')).toEqual([{ name: 'BUCKET_UPLOADS_NAME', value: UPLOADS }]);
  });

  it('is inside the boundary of the roles it grants, and nothing else is', () => {
    const statements = boundaryStatements(fixture.config('production'));
    const objects = statements.find((s) => s.Sid === 'OwnObjects')!;
    expect([objects.Resource].flat()).toEqual([
      `arn:aws:s3:::books-production-exports-123456789012-eu-west-1/*`,
      `arn:aws:s3:::${UPLOADS}/*`,
    ]);
  });

  it('is priced as stored data, and drawn with the IAM edges of its grants', () => {
    const estimate = estimateStack(fixture.json('production'), 'production');
    expect(estimate.lines.filter((l) => l.address === `aws_s3_bucket.${bucketName}`).map((l) => [l.item, l.quantity, l.unit])).toEqual([
      ['standard storage', 1, 'GB-month'],
    ]);
    const diagram = diagramOf(fixture.json('production'), 'production');
    expect(diagram.nodes.find((n) => n.id === 'bucket_uploads')?.label).toEqual(['bucket uploads', 'S3, versioned']);
    expect(
      diagram.edges
        .filter((e) => e.to === 'bucket_uploads')
        .map((e) => [e.from, e.label])
        .sort(),
    ).toEqual([
      ['service_api', 'IAM read'],
      ['service_api', 'IAM write'],
      ['service_web', 'IAM read'],
    ]);
  });
});

describe('a dev bucket', () => {
  it('is unversioned, SSE-S3, deleted with its objects on destroy, and expires objects as configured', () => {
    const [, bucket] = only(dev, 'aws_s3_bucket', 'bucket-uploads_');
    expect(bucket).toEqual({ bucket: 'books-dev-uploads-123456789012-eu-west-1', force_destroy: true });
    expect(Object.keys(dev.resource.aws_s3_bucket_versioning ?? {})).toEqual([]);
    expect(only(dev, 'aws_s3_bucket_server_side_encryption_configuration', 'bucket-uploads_')[1].rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
    ]);
    expect(only(dev, 'aws_s3_bucket_lifecycle_configuration', 'bucket-uploads_')[1].rule).toEqual([
      {
        id: 'application-bucket',
        status: 'Enabled',
        filter: [{}],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        expiration: [{ days: 30 }],
      },
    ]);
  });
});

describe('bucket configuration', () => {
  const services = `services:
  api: { image: public.ecr.aws/nginx/nginx:1.27, cpu: 256, memory: 512, port: 80 }
`;

  it('defaults: versioned, customer key and 90 days of old versions in production; none of that elsewhere', () => {
    const prod = configsOfProd(`${MINIMAL_ENVIRONMENT}${services}buckets:\n  uploads: {}\ngitops: { approvers: [alice] }\n`);
    expect(prod).toMatchObject({
      versioning: true,
      encryption: 'kms',
      lifecycle: { expireNoncurrentDays: 90, abortIncompleteUploadDays: 7 },
      preventDestroy: true,
      forceDestroy: false,
      bucketName: 'shop-prod-uploads-123456789012-eu-west-1',
    });
    const dev = configOf(`${MINIMAL_ENVIRONMENT}${services}buckets:\n  uploads: {}\n`).buckets.uploads!;
    expect(dev).toMatchObject({
      versioning: false,
      encryption: 's3',
      lifecycle: { expireNoncurrentDays: undefined },
      preventDestroy: false,
      forceDestroy: true,
    });
  });

  it("keeps long names within S3's 63 characters, deterministically", () => {
    const long = configOf(
      `${MINIMAL_ENVIRONMENT.replace('project: shop', 'project: a-long-project-name')}${services}buckets:\n  customer-uploads-of-the-store:\n    allowedServices: { write: [api] }\n`,
    );
    const name = long.buckets['customer-uploads-of-the-store']!.bucketName;
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
  });

  it("refuses relaxations in production, noncurrent expiry without versioning, the project's own names and unknown services", () => {
    expect(
      problemsOf({
        'prod.yaml': `${MINIMAL_ENVIRONMENT}${services}buckets:\n  uploads: { versioning: false, encryption: s3, allowedServices: { read: [web] } }\ngitops: { approvers: [alice] }\n`,
      }),
    ).toEqual([
      'cfg/prod.yaml:13:26 buckets.uploads.versioning: production buckets keep object versions (a deleted or overwritten object can be restored); remove versioning: false',
      "cfg/prod.yaml:13:45 buckets.uploads.encryption: production buckets are encrypted with the environment's customer key; remove encryption: s3",
      'cfg/prod.yaml:13:75 buckets.uploads.allowedServices.read.0: no service "web" in this environment; use one of api',
    ]);
    expect(
      problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}${services}buckets:\n  alb-logs: { lifecycle: { expireNoncurrentDays: 5 } }\n` }),
    ).toEqual([
      "cfg/dev.yaml:13:13 buckets.alb-logs: the bucket name shop-dev-alb-logs-123456789012-eu-west-1 is the project's own (alb-logs); rename this bucket",
      'cfg/dev.yaml:13:50 buckets.alb-logs.lifecycle.expireNoncurrentDays: an unversioned bucket has no noncurrent versions; set versioning: true or remove expireNoncurrentDays',
    ]);
    expect(
      problemsOf({
        'dev.yaml': `${MINIMAL_ENVIRONMENT}${services}buckets:\n  uploads: { cors: { allowedOrigins: [books.example.com], allowedMethods: [PATCH] } }\n`,
      }),
    ).toEqual([
      'cfg/dev.yaml:13:39 buckets.uploads.cors.allowedOrigins.0: an origin is a scheme and host, for example https://shop.example.com (or *)',
      'cfg/dev.yaml:13:76 buckets.uploads.cors.allowedMethods.0: a method is one of GET, PUT, POST, DELETE, HEAD',
    ]);
  });
});

function configsOfProd(file: string) {
  return configOf(file.replace('project: shop', 'project: shop\nenvironment: prod')).buckets.uploads!;
}
