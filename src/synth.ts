/** Synthesis to a folder: validated first, written to a fresh folder and moved into place whole. */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { synthesizeApp } from './app';
import type { EnvironmentConfig } from './config/resolve';
import { loadEnvironments } from './config/load';
import { ConfigError } from './config/problems';

export interface SynthOptions {
  /** The config folder. @default environments */
  readonly configDir?: string;
  /** The output folder; replaced whole. @default cdktf.out */
  readonly outDir?: string;
  /** Only this environment (and its bootstrap stack). @default every environment */
  readonly environment?: string;
}

/** Loads and validates the environments, keeping only `environment` when given. */
export function loadSelected(configDir: string, environment?: string): EnvironmentConfig[] {
  const all = loadEnvironments(configDir).map((e) => e.config);
  if (environment === undefined) return all;
  const selected = all.filter((c) => c.environment === environment);
  if (selected.length === 0) {
    throw new ConfigError([{ file: configDir, line: 1, column: 1, keyPath: '', message: `no environment "${environment}"; found ${all.map((c) => c.environment).join(', ')}` }]);
  }
  return selected;
}

/** Synthesizes into `outDir`; on invalid input throws ConfigError having written nothing. Returns the stack names. */
export function synthToDir(options: SynthOptions = {}): string[] {
  return synthConfigs(loadSelected(options.configDir ?? 'environments', options.environment), options.outDir ?? 'cdktf.out');
}

/** Synthesizes loaded environments into `out` (replaced whole). Returns the stack names. */
export function synthConfigs(configs: readonly EnvironmentConfig[], out: string): string[] {
  const outDir = resolve(out);
  let stacks: string[] = [];
  mkdirSync(dirname(outDir), { recursive: true });
  const staging = mkdtempSync(join(dirname(outDir), `.${basename(outDir)}-`));
  try {
    const app = synthesizeApp(configs, { outdir: staging });
    stacks = app.node.children.map((c) => c.node.id);
    rmSync(outDir, { recursive: true, force: true });
    renameSync(staging, outDir);
  } finally {
    if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
  }
  return stacks;
}
