/**
 * Synthesis, one helper for every caller (synth, guardrails, the change
 * check, the controller, tests and the cdktf app): in memory, or into a
 * folder of Terraform working folders, written only once every stack is.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { EnvironmentConfig } from '../config/resolve';
import { synthesizeApp } from '../stacks/app';
import { siblingsOf } from './environments';

export interface SynthesizedStack {
  /** The stack name: the environment's name, or `bootstrap-<bucket>`. */
  readonly name: string;
  /** The environment it belongs to; undefined for a bootstrap stack and the controller's stack. */
  readonly environment?: string;
  /** cdk.tf.json as written by cdktf. */
  readonly json: string;
}

/**
 * What synthesizing `configs` builds, given the environments loaded with
 * them: the bootstrap stacks see every environment of their bucket, and the
 * controller's stack is built only when `configs` are all of them (as a
 * bootstrap stack is for `--env`, it is left out of a partial synth).
 */
function appOptions(configs: readonly EnvironmentConfig[]) {
  const all = siblingsOf(configs);
  return { all, controller: all.length === configs.length };
}

/** Synthesizes in memory: every environment's stack, one bootstrap stack per state bucket, and the controller's stack when configured. */
export function synthesize(configs: readonly EnvironmentConfig[]): SynthesizedStack[] {
  const out = mkdtempSync(join(tmpdir(), 'platform-synth-'));
  try {
    synthesizeApp(configs, { outdir: out, ...appOptions(configs) });
    return readStacks(out, configs);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export interface SynthesizeToDirOptions {
  /**
   * Remove stack folders of stacks no longer configured (default: true;
   * false when only some environments are synthesized). A folder holding a
   * local state file (`terraform.tfstate`, a bootstrap stack before its state
   * moves into the bucket) is never removed: only its stack JSON is.
   */
  readonly prune?: boolean;
  /**
   * A provider lock file (`.terraform.lock.hcl`) copied into every stack
   * folder, so `terraform init` there installs exactly the locked providers
   * (default: none; the CLI passes the project's committed lock file).
   */
  readonly lockFile?: string;
  /** Called with the stacks before anything is written; throwing stops the write (the guardrail gate). */
  readonly beforeWrite?: (stacks: readonly SynthesizedStack[]) => void;
}

/** What `synthesizeToDir` wrote. */
export interface SynthesizedToDir {
  readonly stacks: SynthesizedStack[];
  /** Stack folders of stacks no longer configured that were kept because they hold local state. */
  readonly keptWithState: string[];
}

/**
 * Synthesizes into `outDir`, as plain Terraform working folders: the stacks
 * are written to a sibling folder first, so a failure leaves the old output
 * exactly as it was; then each stack folder gets its new stack JSON and
 * keeps everything else (`.terraform/`, `.terraform.lock.hcl`, a local
 * state), so `terraform init` once is enough across synths.
 */
export function synthesizeToDir(
  configs: readonly EnvironmentConfig[],
  outDir: string,
  options: SynthesizeToDirOptions = {},
): SynthesizedToDir {
  const target = resolve(outDir);
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(join(dirname(target), `.${basename(target)}-`));
  try {
    synthesizeApp(configs, { outdir: staging, ...appOptions(configs) });
    const stacks = readStacks(staging, configs);
    options.beforeWrite?.(stacks);
    mkdirSync(join(target, 'stacks'), { recursive: true });
    const lock = options.lockFile !== undefined && existsSync(options.lockFile) ? readFileSync(options.lockFile) : undefined;
    for (const entry of readdirSync(staging).filter((e) => e !== 'stacks')) {
      if (entry === MANIFEST && options.prune === false) mergeManifest(join(staging, entry), join(target, entry));
      else replace(join(staging, entry), join(target, entry));
    }
    for (const stack of stacks) {
      const from = join(staging, 'stacks', stack.name);
      const to = join(target, 'stacks', stack.name);
      mkdirSync(to, { recursive: true });
      for (const entry of readdirSync(from)) replace(join(from, entry), join(to, entry));
      if (lock && !sameBytes(join(to, LOCK_FILE), lock)) writeFileSync(join(to, LOCK_FILE), lock);
    }
    const keptWithState = options.prune === false ? [] : pruneStacks(join(target, 'stacks'), new Set(stacks.map((s) => s.name)));
    return { stacks, keptWithState };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Terraform's provider lock file name. */
export const LOCK_FILE = '.terraform.lock.hcl';

/** cdktf's list of the stacks in an output folder (`cdktf deploy` reads it). */
const MANIFEST = 'manifest.json';

/** Some stacks synthesized (`--env`): the manifest keeps listing the others, whose folders stay. */
function mergeManifest(from: string, to: string): void {
  if (!existsSync(to)) return replace(from, to);
  const fresh = JSON.parse(readFileSync(from, 'utf8')) as { stacks?: Record<string, unknown> };
  const old = JSON.parse(readFileSync(to, 'utf8')) as { stacks?: Record<string, unknown> };
  const stacks = { ...old.stacks, ...fresh.stacks };
  const sorted = Object.fromEntries(
    Object.keys(stacks)
      .sort()
      .map((name) => [name, stacks[name]]),
  );
  writeFileSync(to, `${JSON.stringify({ ...fresh, stacks: sorted }, null, 2)}\n`);
}

function replace(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  renameSync(from, to);
}

function sameBytes(file: string, bytes: Buffer): boolean {
  return existsSync(file) && readFileSync(file).equals(bytes);
}

/** Removes folders of stacks not in `current`; those with a local state keep it and lose only their stack JSON. */
function pruneStacks(stacksDir: string, current: ReadonlySet<string>): string[] {
  const kept: string[] = [];
  for (const name of readdirSync(stacksDir)
    .filter((n) => !current.has(n))
    .sort()) {
    const dir = join(stacksDir, name);
    if (existsSync(join(dir, 'terraform.tfstate'))) {
      rmSync(join(dir, 'cdk.tf.json'), { force: true });
      kept.push(name);
    } else {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return kept;
}

/** The synthesized stack of one environment (and nothing else). */
export function synthesizeEnvironment(config: EnvironmentConfig): SynthesizedStack {
  return synthesize([config]).find((s) => s.environment === config.environment)!;
}

function readStacks(out: string, configs: readonly EnvironmentConfig[]): SynthesizedStack[] {
  const environments = new Set(configs.map((c) => c.environment));
  return readdirSync(join(out, 'stacks'))
    .sort()
    .map((name) => ({
      name,
      environment: environments.has(name) ? name : undefined,
      json: readFileSync(join(out, 'stacks', name, 'cdk.tf.json'), 'utf8'),
    }));
}
