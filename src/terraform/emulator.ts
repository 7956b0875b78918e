/**
 * Terraform against an AWS API emulator instead of AWS (moto in the
 * project's checks, or any emulator a team runs): every AWS service the
 * stacks call goes to one endpoint, with dummy credentials and path-style S3,
 * and the S3 backend (bucket and lock table) lives on the same endpoint.
 * None of it is in the synthesized stacks: it is an override file beside
 * them and `-backend-config` values at init.
 */

/** The override file written beside cdk.tf.json (Terraform merges `*_override.tf.json` last). */
export const EMULATOR_OVERRIDE_FILE = 'emulator_override.tf.json';

/** The keys every request to the emulator carries (an emulator accepts any). */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'emulator', secretAccessKey: 'emulator' } as const;

/**
 * The AWS provider's `endpoints` keys of every service the stacks call,
 * `sts` included (the provider asks it for the account ID). A service
 * missing here would be called at AWS itself with the dummy keys and fail;
 * check-apply proves the list covers the examples.
 */
export const EMULATED_SERVICES = [
  'acm',
  'appautoscaling',
  'budgets',
  'cloudwatch',
  'dynamodb',
  'ec2',
  'ecr',
  'ecs',
  'efs',
  'elasticache',
  'elbv2',
  'events',
  'iam',
  'kms',
  'logs',
  'rds',
  'route53',
  's3',
  'scheduler',
  'secretsmanager',
  'servicediscovery',
  'sns',
  'sqs',
  'ssm',
  'sts',
  'wafv2',
] as const;

/** The endpoint as given, when it is an http(s) URL with a host; otherwise an error naming `source` and the fix. */
export function emulatorEndpoint(value: string, source: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.host) {
    throw new Error(`${source}=${value} is not an http(s) URL: give the emulator's endpoint, for example http://127.0.0.1:5000`);
  }
  return value.replace(/\/+$/, '');
}

/**
 * The provider override for the emulator. The account ID is asked of the
 * emulator's STS, so the stack's `allowed_account_ids` is checked as
 * against AWS (the emulator must answer for the environment's account).
 */
export function emulatorProviderOverride(endpoint: string): Record<string, unknown> {
  return {
    provider: {
      aws: [
        {
          access_key: EMULATOR_CREDENTIALS.accessKeyId,
          secret_key: EMULATOR_CREDENTIALS.secretAccessKey,
          skip_credentials_validation: true,
          skip_metadata_api_check: true,
          skip_region_validation: true,
          s3_use_path_style: true,
          endpoints: [Object.fromEntries(EMULATED_SERVICES.map((service) => [service, endpoint]))],
        },
      ],
    },
  };
}

/** `-backend-config` values that put the stack's S3 backend (bucket and lock table) on the emulator. */
export function emulatorBackendConfig(endpoint: string): string[] {
  return [
    `endpoints={s3=${JSON.stringify(endpoint)},dynamodb=${JSON.stringify(endpoint)},sts=${JSON.stringify(endpoint)}}`,
    'use_path_style=true',
    `access_key=${EMULATOR_CREDENTIALS.accessKeyId}`,
    `secret_key=${EMULATOR_CREDENTIALS.secretAccessKey}`,
    'skip_credentials_validation=true',
    'skip_requesting_account_id=true',
    'skip_metadata_api_check=true',
    'skip_region_validation=true',
  ];
}
