import { defineRule, referencing, resources } from '../rule';

export const s3Encryption = defineRule(__filename, {
  description: 'Buckets encrypt objects by default',
  scannerIds: ['CKV_AWS_19'],
  scope: 'all',
  fix: 'add an aws_s3_bucket_server_side_encryption_configuration',
  check: (stack) =>
    resources(stack, 'aws_s3_bucket')
      .filter((bucket) => referencing(stack, 'aws_s3_bucket_server_side_encryption_configuration', 'bucket', bucket).length === 0)
      .map((bucket) => ({ address: bucket.address, message: 'no default encryption' })),
});
