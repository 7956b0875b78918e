import { defineRule, referencing, resources } from '../rule';

const SETTINGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];

export const s3PublicAccessBlock = defineRule(__filename, {
  description: 'Buckets block every form of public access',
  scannerIds: ['CKV2_AWS_6'],
  scope: 'all',
  fix: 'add an aws_s3_bucket_public_access_block with all four settings on',
  check: (stack) =>
    resources(stack, 'aws_s3_bucket')
      .filter(
        (bucket) =>
          !referencing(stack, 'aws_s3_bucket_public_access_block', 'bucket', bucket).some((b) =>
            SETTINGS.every((s) => b.values[s] === true),
          ),
      )
      .map((bucket) => ({ address: bucket.address, message: 'public access is not fully blocked' })),
});
