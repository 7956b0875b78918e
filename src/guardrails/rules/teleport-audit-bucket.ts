import { defineRule, referencing, resources, type Resource, type StackJson } from '../rule';

/** The session recordings buckets: those a Teleport configuration names in audit_sessions_uri. */
export function teleportAuditBuckets(stack: StackJson): Resource[] {
  const names = resources(stack, 'aws_ssm_parameter').flatMap(
    (p) => /audit_sessions_uri:\s*"?s3:\/\/([a-z0-9.-]+)/.exec(String(p.values.value ?? ''))?.[1] ?? [],
  );
  return resources(stack, 'aws_s3_bucket').filter((b) => names.includes(b.values.bucket));
}

export const teleportAuditBucket = defineRule(__filename, {
  description: 'Teleport session recordings are encrypted with a customer key, versioned and reachable over TLS only',
  scannerIds: [],
  scope: 'all',
  fix: 'keep the recordings bucket the teleport module creates (customer KMS key, versioning, TLS-only policy)',
  check: (stack) =>
    teleportAuditBuckets(stack).flatMap((bucket) => {
      const findings: string[] = [];
      const encrypted = referencing(stack, 'aws_s3_bucket_server_side_encryption_configuration', 'bucket', bucket).some((e) =>
        (e.values.rule ?? []).some(
          (r: any) =>
            r.apply_server_side_encryption_by_default?.sse_algorithm === 'aws:kms' &&
            Boolean(r.apply_server_side_encryption_by_default?.kms_master_key_id),
        ),
      );
      if (!encrypted) findings.push('recordings are not encrypted with a customer KMS key');
      const tlsOnly = referencing(stack, 'aws_s3_bucket_policy', 'bucket', bucket).some((p) =>
        (JSON.parse(p.values.policy).Statement ?? []).some(
          (s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
        ),
      );
      if (!tlsOnly) findings.push('requests without TLS are not denied');
      const versioned = referencing(stack, 'aws_s3_bucket_versioning', 'bucket', bucket).some(
        (v) => v.values.versioning_configuration?.status === 'Enabled',
      );
      if (!versioned) findings.push('versioning is off, so a recording can be overwritten');
      return findings.map((message) => ({ address: bucket.address, message }));
    }),
});
