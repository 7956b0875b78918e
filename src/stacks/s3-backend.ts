import { S3Backend, type TerraformStack } from 'cdktf';

export interface S3StateProps {
  readonly bucket: string;
  /** The state object's key. */
  readonly key: string;
  readonly region: string;
  /** The DynamoDB lock table; absent: no `dynamodb_table` (Terraform 1.11 deprecates it and warns on every init). */
  readonly lockTable?: string;
  /** S3-native locking (a lock file beside the state, Terraform >= 1.10). */
  readonly useLockfile: boolean;
}

/** The S3 backend of a stack: encrypted state, locked with the lock file, the DynamoDB table, or both (during a migration). */
export function addS3Backend(stack: TerraformStack, props: S3StateProps): S3Backend {
  const backend = new S3Backend(stack, {
    bucket: props.bucket,
    key: props.key,
    region: props.region,
    ...(props.lockTable !== undefined && { dynamodbTable: props.lockTable }),
    encrypt: true,
  });
  // cdktf 0.21 has no prop for S3-native locking; the override goes on the backend element (StandaloneStack refuses stack-level ones).
  if (props.useLockfile) backend.addOverride('use_lockfile', true);
  return backend;
}
