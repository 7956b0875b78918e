/**
 * An offline copy of a synthesized stack for `init`/`validate`/`plan` with no
 * AWS account: a local backend and dummy credentials (an override file), and
 * where a provider cannot be installed, `terraform_data` standing in for its
 * resources.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const OVERRIDE_FILE = 'offline_override.tf.json';

/** The override that makes a stack plan with no AWS account and no remote state. */
export const OFFLINE_OVERRIDE = {
  terraform: { backend: { local: { path: 'terraform.tfstate' } } },
  provider: {
    aws: [{
      access_key: 'offline-plan',
      secret_key: 'offline-plan',
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      // With no account to ask, the provider cannot compare the account ID; the check is for real runs.
      allowed_account_ids: null,
    }],
  },
};

type Json = Record<string, any>;

export interface OfflineStack {
  readonly dir: string;
  /** Resources replaced by terraform_data, as `type.name`. */
  readonly standIns: string[];
}

export interface OfflineStackOptions {
  /**
   * Keep the stack's own backend (for local S3 and DynamoDB servers, given
   * as `-backend-config` at init); the override then holds only the dummy
   * credentials, and no file at all when every provider stands in.
   * @default false: a local backend
   */
  readonly keepBackend?: boolean;
}

/**
 * Writes the stack's JSON (cdk.tf.json text) and the override into `dir`.
 * Resources of the providers in `standInProviders` become `terraform_data`
 * with a placeholder output, and references to their attributes point at
 * that output.
 */
export function prepareOfflineStack(stackJson: string, dir: string, standInProviders: readonly string[], options: OfflineStackOptions = {}): OfflineStack {
  const stack = JSON.parse(stackJson) as Json;
  const standIns: string[] = [];
  for (const provider of standInProviders) {
    standIns.push(...standIn(stack, provider));
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(stack, null, 2));
  const override = {
    ...(options.keepBackend ? {} : { terraform: OFFLINE_OVERRIDE.terraform }),
    ...(standInProviders.includes('aws') ? {} : { provider: OFFLINE_OVERRIDE.provider }),
  };
  if (Object.keys(override).length > 0) writeFileSync(join(dir, OVERRIDE_FILE), JSON.stringify(override, null, 2));
  else rmSync(join(dir, OVERRIDE_FILE), { force: true });
  return { dir, standIns };
}

function standIn(stack: Json, provider: string): string[] {
  const resources: Json = stack.resource ?? {};
  const replaced: string[] = [];
  for (const type of Object.keys(resources).filter((t) => t.startsWith(`${provider}_`))) {
    for (const name of Object.keys(resources[type])) {
      resources.terraform_data ??= {};
      // The placeholder changes with the resource's configuration, so that a changed resource plans a change.
      const digest = createHash('sha256').update(JSON.stringify(resources[type][name])).digest('hex').slice(0, 12);
      resources.terraform_data[`${type}_${name}`] = { input: `offline-placeholder-${type}-${digest}` };
      replaced.push(`${type}.${name}`);
    }
    delete resources[type];
  }
  if (replaced.length === 0) return replaced;
  // Moves between addresses of resources that no longer exist here mean nothing.
  if (Array.isArray(stack.moved)) stack.moved = stack.moved.filter((m: { to: string }) => !m.to.startsWith(`${provider}_`));
  if (Array.isArray(stack.moved) && stack.moved.length === 0) delete stack.moved;
  delete stack.terraform?.required_providers?.[provider];
  delete stack.provider?.[provider];
  if (stack.provider && Object.keys(stack.provider).length === 0) delete stack.provider;
  if (stack.terraform?.required_providers && Object.keys(stack.terraform.required_providers).length === 0) delete stack.terraform.required_providers;
  const pattern = new RegExp(`\\b${provider}_([a-z0-9_]+)\\.([A-Za-z0-9_-]+)\\.[a-z_]+`, 'g');
  const rewritten = JSON.parse(JSON.stringify(stack).replace(pattern, `terraform_data.${provider}_$1_$2.output`));
  Object.assign(stack, rewritten);
  return replaced;
}
