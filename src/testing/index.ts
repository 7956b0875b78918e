/**
 * Helpers for a team's own tests of their environments (docs/testing-your-environments.md): synthesize from YAML text or from a config folder
 * and get the stack JSON that cdktf's `Testing` matchers take
 * (`expect(json).toHaveResourceWithProperties(EcsService, {...})`).
 * They go through the core, like every front end: the same validation,
 * merge and synthesis as `npx platform synth`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnvironments, synthesize, type EnvironmentConfig } from '../core/index';

export interface FromYamlOptions {
  /** A defaults.yaml merged under the environment (default: none). */
  readonly defaults?: string;
  /** The environment file's name, which names the environment unless it sets `environment:` (default: dev). */
  readonly name?: string;
}

/**
 * The stack JSON of one environment written as YAML text. Invalid YAML or
 * config throws a ConfigError whose message has every `FILE:LINE:COL KEY: problem`.
 */
export function synthEnvironmentFromYaml(yamlText: string, options: FromYamlOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'platform-test-'));
  try {
    const name = options.name ?? 'dev';
    writeFileSync(join(dir, `${name}.yaml`), yamlText);
    if (options.defaults !== undefined) writeFileSync(join(dir, 'defaults.yaml'), options.defaults);
    const configs = loadEnvironments(dir).map((e) => e.config);
    return synthesize(configs).find((s) => s.environment !== undefined)!.json;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A synthesized environment of a config folder: its config (as resolved, defaults applied) and stack JSON. */
export interface SynthesizedEnvironment {
  readonly name: string;
  readonly config: EnvironmentConfig;
  readonly json: string;
}

/** Every environment of a config folder (default: environments), synthesized once. */
export function synthEnvironments(configDir = 'environments'): SynthesizedEnvironment[] {
  const configs = loadEnvironments(configDir).map((e) => e.config);
  const stacks = synthesize(configs);
  return configs.map((config) => ({
    name: config.environment,
    config,
    json: stacks.find((s) => s.environment === config.environment)!.json,
  }));
}

/** The resources of one Terraform type in stack JSON, by name (for assertions the matchers do not cover). */
export function resourcesOf(stackJson: string, type: string): Record<string, Record<string, unknown>> {
  return (JSON.parse(stackJson).resource?.[type] ?? {}) as Record<string, Record<string, unknown>>;
}
