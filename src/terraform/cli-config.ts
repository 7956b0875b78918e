/**
 * Terraform CLI configuration for installing providers: the AWS provider from
 * a local filesystem mirror when there is one, everything else directly.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Set to a mirror folder (holding registry.terraform.io/...) to skip the search. */
export const MIRROR_VARIABLE = 'TF_PROVIDER_MIRROR';
const AWS_PROVIDER = 'registry.terraform.io/hashicorp/aws';
const SEARCH_ROOTS = [
  '/opt',
  '/usr/local/share',
  '/usr/share',
  '/usr/local/lib',
  join(homedir(), '.terraform.d'),
  join(homedir(), '.local/share'),
];
const SEARCH_DEPTH = 3;

/** The folder that holds registry.terraform.io/hashicorp/aws, or undefined. */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env[MIRROR_VARIABLE];
  if (explicit) {
    if (!existsSync(join(explicit, AWS_PROVIDER))) throw new Error(`${MIRROR_VARIABLE}=${explicit} has no ${AWS_PROVIDER} in it`);
    return resolve(explicit);
  }
  for (const root of SEARCH_ROOTS) {
    const found = search(root, SEARCH_DEPTH);
    if (found) return found;
  }
  return undefined;
}

function search(dir: string, depth: number): string | undefined {
  if (existsSync(join(dir, AWS_PROVIDER))) return dir;
  if (depth === 0) return undefined;
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const child = join(dir, entry);
    try {
      if (!statSync(child).isDirectory() || entry === 'node_modules' || entry.startsWith('.git')) continue;
    } catch {
      continue;
    }
    const found = search(child, depth - 1);
    if (found) return found;
  }
  return undefined;
}

/** Whether a provider (hashicorp/NAME) is in the mirror. */
export function mirrorHas(mirror: string | undefined, provider: string): boolean {
  return mirror !== undefined && existsSync(join(mirror, 'registry.terraform.io/hashicorp', provider));
}

export interface TerraformEnvironment {
  /** Environment variables for terraform commands. */
  readonly env: NodeJS.ProcessEnv;
  /** What was chosen, for the log. */
  readonly description: string;
  readonly mirror: string | undefined;
}

/**
 * Environment for running terraform: the user's own TF_CLI_CONFIG_FILE when
 * it exists, otherwise a generated one in `workDir` using the mirror.
 */
export function terraformEnvironment(workDir: string, env: NodeJS.ProcessEnv = process.env): TerraformEnvironment {
  const base = { ...env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
  const mirror = findProviderMirror(env);
  const userConfig = env.TF_CLI_CONFIG_FILE;
  if (userConfig && existsSync(userConfig)) {
    return { env: base, description: `Terraform CLI config: ${userConfig} (TF_CLI_CONFIG_FILE)`, mirror };
  }
  mkdirSync(workDir, { recursive: true });
  const cacheDir = join(workDir, 'plugin-cache');
  mkdirSync(cacheDir, { recursive: true });
  const installation = mirror
    ? `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["${AWS_PROVIDER}"]\n  }\n  direct {\n    exclude = ["${AWS_PROVIDER}"]\n  }\n}\n`
    : '';
  const file = join(workDir, 'terraform.rc');
  writeFileSync(file, `plugin_cache_dir = ${JSON.stringify(cacheDir)}\n${installation}`);
  return {
    env: { ...base, TF_CLI_CONFIG_FILE: file },
    description: mirror
      ? `AWS provider from the mirror ${mirror} (set ${MIRROR_VARIABLE} to choose another)`
      : 'providers from the registry (no local mirror found)',
    mirror,
  };
}
