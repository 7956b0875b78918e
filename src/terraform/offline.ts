/**
 * An offline copy of a synthesized stack for `init`/`validate`/`plan` with no
 * AWS account: a local backend and dummy credentials (an override file), and
 * where a provider cannot be installed, `terraform_data` standing in for its
 * resources.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMULATOR_OVERRIDE_FILE } from './emulator';

export const OVERRIDE_FILE = 'offline_override.tf.json';

/** The override that makes a stack plan with no AWS account and no remote state. */
export const OFFLINE_OVERRIDE = {
  terraform: { backend: { local: { path: 'terraform.tfstate' } } },
  provider: {
    aws: [
      {
        access_key: 'offline-plan',
        secret_key: 'offline-plan',
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        // With no account to ask, the provider cannot compare the account ID; the check is for real runs.
        allowed_account_ids: null,
      },
    ],
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
  /**
   * The override file to write instead of the offline one (dummy
   * credentials), as file name and content: an AWS API emulator's endpoints
   * (terraform/emulator.ts). @default the offline override
   */
  readonly override?: { readonly file: string; readonly content: Record<string, unknown> };
  /** Single resources (`type.name`) that stand in as terraform_data, whatever their provider. @default none */
  readonly standInAddresses?: readonly string[];
}

/** Every override file this module may write into a stack's folder. */
export const OVERRIDE_FILES = [OVERRIDE_FILE, EMULATOR_OVERRIDE_FILE];

/**
 * Writes the stack's JSON (cdk.tf.json text) and the override into `dir`.
 * Resources of the providers in `standInProviders` become `terraform_data`
 * with a placeholder output, and references to their attributes point at
 * that output.
 */
export function prepareOfflineStack(
  stackJson: string,
  dir: string,
  standInProviders: readonly string[],
  options: OfflineStackOptions = {},
): OfflineStack {
  const stack = JSON.parse(stackJson) as Json;
  const standIns: string[] = [];
  for (const provider of standInProviders) {
    standIns.push(...standIn(stack, provider));
  }
  for (const address of options.standInAddresses ?? []) {
    const [type, name] = address.split('.') as [string, string];
    if (!stack.resource?.[type]?.[name]) throw new Error(`${address} is not a resource of this stack; nothing can stand in for it`);
    standIns.push(...standIn(stack, type, name));
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(stack, null, 2));
  const override = options.override?.content ?? {
    ...(options.keepBackend ? {} : { terraform: OFFLINE_OVERRIDE.terraform }),
    ...(standInProviders.includes('aws') ? {} : { provider: OFFLINE_OVERRIDE.provider }),
  };
  const file = options.override?.file ?? OVERRIDE_FILE;
  // One override in the folder: a folder used offline, then against an emulator, keeps no stale file.
  for (const other of OVERRIDE_FILES.filter((f) => f !== file)) rmSync(join(dir, other), { force: true });
  if (Object.keys(override).length > 0) writeFileSync(join(dir, file), JSON.stringify(override, null, 2));
  else rmSync(join(dir, file), { force: true });
  return { dir, standIns };
}

/** Replaces a provider's resources (or, with `only`, the one resource `provider.only`, `provider` then being its type) by terraform_data. */
function standIn(stack: Json, provider: string, only?: string): string[] {
  const resources: Json = stack.resource ?? {};
  const replaced: string[] = [];
  const types = only === undefined ? Object.keys(resources).filter((t) => t.startsWith(`${provider}_`)) : [provider];
  for (const type of types) {
    for (const name of Object.keys(resources[type]).filter((n) => only === undefined || n === only)) {
      resources.terraform_data ??= {};
      // The placeholder changes with the resource's configuration, so that a changed resource plans a change.
      const digest = createHash('sha256').update(JSON.stringify(resources[type][name])).digest('hex').slice(0, 12);
      resources.terraform_data[`${type}_${name}`] = { input: `offline-placeholder-${type}-${digest}` };
      replaced.push(`${type}.${name}`);
      delete resources[type][name];
    }
    if (Object.keys(resources[type]).length === 0) delete resources[type];
  }
  if (replaced.length === 0) return replaced;
  if (only !== undefined) {
    // Only references to this resource change; its provider stays.
    const pattern = new RegExp(`\\b${provider}\\.${only.replace(/[^A-Za-z0-9_-]/g, '')}\\.[a-z_]+(\\[[^\\]]*\\])*(\\.[a-z_]+)*`, 'g');
    const text = JSON.stringify(stack)
      .replace(pattern, `terraform_data.${provider}_${only}.output`)
      .split(`"${provider}.${only}"`)
      .join(`"terraform_data.${provider}_${only}"`);
    Object.assign(stack, JSON.parse(text));
    if (Array.isArray(stack.moved)) stack.moved = stack.moved.filter((m: { to: string }) => m.to !== `${provider}.${only}`);
    return replaced;
  }
  // Moves between addresses of resources that no longer exist here mean nothing.
  if (Array.isArray(stack.moved)) stack.moved = stack.moved.filter((m: { to: string }) => !m.to.startsWith(`${provider}_`));
  if (Array.isArray(stack.moved) && stack.moved.length === 0) delete stack.moved;
  delete stack.terraform?.required_providers?.[provider];
  delete stack.provider?.[provider];
  if (stack.provider && Object.keys(stack.provider).length === 0) delete stack.provider;
  if (stack.terraform?.required_providers && Object.keys(stack.terraform.required_providers).length === 0)
    delete stack.terraform.required_providers;
  const pattern = new RegExp(`\\b${provider}_([a-z0-9_]+)\\.([A-Za-z0-9_-]+)\\.[a-z_]+`, 'g');
  const rewritten = JSON.parse(JSON.stringify(stack).replace(pattern, `terraform_data.${provider}_$1_$2.output`));
  Object.assign(stack, rewritten);
  return replaced;
}
