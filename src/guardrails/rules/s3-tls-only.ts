import { defineRule, referencing, resources } from '../rule';

export const s3TlsOnly = defineRule(__filename, {
  description: 'Buckets refuse requests without TLS',
  scannerIds: [],
  scope: 'all',
  fix: 'add a bucket policy that denies requests where aws:SecureTransport is false',
  check: (stack) =>
    resources(stack, 'aws_s3_bucket')
      .filter(
        (bucket) =>
          !referencing(stack, 'aws_s3_bucket_policy', 'bucket', bucket).some((p) => {
            const statements: any[] = JSON.parse(p.values.policy).Statement ?? [];
            return statements.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false');
          }),
      )
      .map((bucket) => ({ address: bucket.address, message: 'requests without TLS are not denied' })),
});
