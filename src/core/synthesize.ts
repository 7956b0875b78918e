/**
 * Synthesis, one helper for every caller (synth, guardrails, the change
 * check, the controller, tests and the cdktf app): in memory, or into a
 * folder replaced whole only once every stack is written.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { EnvironmentConfig } from '../config/resolve';
import { synthesizeApp } from '../stacks/app';

export interface SynthesizedStack {
  /** The stack name: the environment's name, or `bootstrap-<bucket>`. */
  readonly name: string;
  /** The environment it belongs to; undefined for a bootstrap stack. */
  readonly environment?: string;
  /** cdk.tf.json as written by cdktf. */
  readonly json: string;
}

/** Synthesizes in memory: every environment's stack and one bootstrap stack per state bucket. */
export function synthesize(configs: readonly EnvironmentConfig[]): SynthesizedStack[] {
  const out = mkdtempSync(join(tmpdir(), 'platform-synth-'));
  try {
    synthesizeApp(configs, { outdir: out });
    return readStacks(out, configs);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * Synthesizes into `outDir`: what cdktf writes (`stacks/`, `manifest.json`)
 * is written to a sibling folder first and moved into place, so a failure
 * leaves the old output as it was, and stacks no longer configured
 * disappear. Everything else under `outDir` (Terraform working folders with
 * their providers and state) is kept. Returns the stacks written.
 */
export function synthesizeToDir(configs: readonly EnvironmentConfig[], outDir: string): SynthesizedStack[] {
  const target = resolve(outDir);
  mkdirSync(target, { recursive: true });
  const staging = mkdtempSync(join(dirname(target), `.${basename(target)}-`));
  try {
    synthesizeApp(configs, { outdir: staging });
    const stacks = readStacks(staging, configs);
    for (const entry of readdirSync(staging)) {
      rmSync(join(target, entry), { recursive: true, force: true });
      renameSync(join(staging, entry), join(target, entry));
    }
    return stacks;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The synthesized stack of one environment (and nothing else). */
export function synthesizeEnvironment(config: EnvironmentConfig): SynthesizedStack {
  return synthesize([config]).find((s) => s.environment === config.environment)!;
}

function readStacks(out: string, configs: readonly EnvironmentConfig[]): SynthesizedStack[] {
  const environments = new Set(configs.map((c) => c.environment));
  return readdirSync(join(out, 'stacks')).sort().map((name) => ({
    name,
    environment: environments.has(name) ? name : undefined,
    json: readFileSync(join(out, 'stacks', name, 'cdk.tf.json'), 'utf8'),
  }));
}
