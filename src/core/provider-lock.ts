/**
 * The project's provider lock file (`.terraform.lock.hcl`, committed): the
 * providers every stack requires, at their pinned versions, with hashes for
 * the platforms the team uses. Synth copies it into each stack folder, so
 * `terraform init` anywhere installs exactly these providers.
 *
 * Hashes come from the provider mirror when there is one (then only the
 * platforms the mirror holds can be hashed: the others are reported, to be
 * added where the registry is reachable), else from the registry.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EnvironmentConfig } from '../config/resolve';
import { findProviderMirror, mirrorHas } from '../terraform/cli-config';
import { terraform } from '../terraform/run';
import { DEFAULT_LOCK_PLATFORMS } from './names';
import { synthesize } from './synthesize';

export { DEFAULT_LOCK_PLATFORMS };

export interface LockResult {
  readonly file: string;
  /** `provider platform` pairs hashed. */
  readonly locked: readonly string[];
  /** `provider platform: why` for pairs that could not be hashed here. */
  readonly missing: readonly string[];
}

interface RequiredProvider {
  readonly source: string;
  readonly version: string;
}

/** The providers the stacks require (source -> version), from their `required_providers` blocks. */
function requiredProviders(configs: readonly EnvironmentConfig[]): Map<string, RequiredProvider> {
  const providers = new Map<string, RequiredProvider>();
  for (const stack of synthesize(configs)) {
    const required =
      (JSON.parse(stack.json) as { terraform?: { required_providers?: Record<string, RequiredProvider> } }).terraform?.required_providers ??
      {};
    for (const [name, provider] of Object.entries(required)) providers.set(name, provider);
  }
  return providers;
}

/** Writes `lockFile` with hashes of every required provider for `platforms`. */
export async function lockProviders(
  configs: readonly EnvironmentConfig[],
  lockFile: string,
  platforms: readonly string[] = DEFAULT_LOCK_PLATFORMS,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LockResult> {
  const providers = requiredProviders(configs);
  const mirror = findProviderMirror(env);
  const dir = mkdtempSync(join(tmpdir(), 'platform-lock-'));
  try {
    const required = Object.fromEntries([...providers].sort(([a], [b]) => a.localeCompare(b)));
    writeFileSync(join(dir, 'versions.tf.json'), JSON.stringify({ terraform: { required_providers: required } }, null, 2));
    if (existsSync(lockFile)) copyFileSync(lockFile, join(dir, '.terraform.lock.hcl'));
    const locked: string[] = [];
    const missing: string[] = [];
    const runEnv = { ...env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    for (const [name, provider] of [...providers].sort(([a], [b]) => a.localeCompare(b))) {
      const fromMirror = mirror !== undefined;
      if (fromMirror && !mirrorHas(mirror, name)) {
        for (const platform of platforms) missing.push(`${provider.source} ${platform}: not in the provider mirror ${mirror}`);
        continue;
      }
      for (const platform of platforms) {
        const args = [
          'providers',
          'lock',
          '-no-color',
          `-platform=${platform}`,
          ...(fromMirror ? [`-fs-mirror=${mirror}`] : []),
          provider.source,
        ];
        const result = await terraform(args, dir, runEnv);
        if (result.ok) locked.push(`${provider.source} ${platform}`);
        else
          missing.push(`${provider.source} ${platform}: ${fromMirror ? `not in the provider mirror ${mirror}` : lastLine(result.output)}`);
      }
    }
    if (locked.length > 0) copyFileSync(join(dir, '.terraform.lock.hcl'), lockFile);
    return { file: lockFile, locked, missing };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function lastLine(output: string): string {
  return (
    output
      .trim()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .pop()
      ?.trim() ?? 'terraform providers lock failed'
  );
}
