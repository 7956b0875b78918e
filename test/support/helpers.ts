/** Shared test helpers: config fixtures in temporary folders, the CLI as a child process, and stacks synthesized once per file. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { loadEnvironments } from '../../src/core/index';
import { ConfigError, formatProblem } from '../../src/config/problems';
import type { EnvironmentConfig } from '../../src/config/resolve';
import { EnvironmentStack } from '../../src/stacks/environment-stack';
import { withoutTokenStackTraces } from '../../src/stacks/app';
import { EXAMPLES_DIR } from './fixture-dirs';

export { EXAMPLES_DIR, UNUSUAL_DIR } from './fixture-dirs';

/** Runs the CLI (`bin/platform.js`) with `args`; `env` adds to the environment. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, ['bin/platform.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A valid environment with every required key, for fixtures to change. */
export const MINIMAL_ENVIRONMENT = `project: shop
aws:
  region: eu-west-1
  accountId: "123456789012"
backend:
  bucket: shop-tf-state
  lockTable: shop-tf-locks
network:
  cidr: 10.0.0.0/16
`;

/** A small service for MINIMAL_ENVIRONMENT's `services:` map (public image, 0.25 vCPU, HTTPS out only), as YAML lines. */
export function minimalService(name: string): string {
  return `  ${name}:\n    image: public.ecr.aws/nginx/nginx:1.27.3\n    cpu: 256\n    memory: 512\n    egress:\n      - { cidr: 0.0.0.0/0, ports: [443] }\n`;
}

/** A copy of the examples, `scratch/name`, to edit. */
export function examplesCopy(scratch: string, name: string): string {
  const dir = join(scratch, name);
  cpSync(EXAMPLES_DIR, dir, { recursive: true });
  return dir;
}

/** A copy of the examples whose dev lost the waiver of a rule it breaks: an unwaived guardrail failure. */
export function failingGuardrailsCopy(scratch: string, name: string): string {
  const config = examplesCopy(scratch, name);
  const dev = readFileSync(join(config, 'dev.yaml'), 'utf8');
  writeFileSync(join(config, 'dev.yaml'), dev.replace(/^ {4}vpc-flow-logs: .*\n/m, ''));
  return config;
}

/** Writes `files` into a fresh folder and returns its path. */
export function writeConfig(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'platform-config-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** The problems of a config folder as CLI lines, with the folder shown as `cfg/`. */
export function problemsOf(files: Record<string, string>): string[] {
  const dir = writeConfig(files);
  try {
    loadEnvironments(dir);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => formatProblem(p).replaceAll(dir, 'cfg'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The loaded environments of a config folder written from `files`. */
export function configsOf(files: Record<string, string>): EnvironmentConfig[] {
  const dir = writeConfig(files);
  try {
    return loadEnvironments(dir).map((e) => e.config);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One environment from a single file (plus optional defaults). */
export function configOf(environment: string, defaults?: string): EnvironmentConfig {
  return configsOf({ 'dev.yaml': environment, ...(defaults ? { 'defaults.yaml': defaults } : {}) })[0]!;
}

/** The example environments (the project's copy), loaded once. */
let examples: EnvironmentConfig[] | undefined;
export function exampleConfigs(): EnvironmentConfig[] {
  examples ??= loadEnvironments(EXAMPLES_DIR).map((e) => e.config);
  return examples;
}

export function exampleConfig(name: string): EnvironmentConfig {
  const config = exampleConfigs().find((c) => c.environment === name);
  if (!config) throw new Error(`no example environment ${name}`);
  return config;
}

/** The synthesized JSON (string, for Testing matchers) of an environment's stack, synthesized as the product does. */
export function synthEnvironment(config: EnvironmentConfig): string {
  return withoutTokenStackTraces(() => Testing.synth(new EnvironmentStack(Testing.app(), config)));
}

/** The resources of one type in synthesized stack JSON, by name. */
export function resourcesOf(synthesized: string, type: string): Record<string, any> {
  return (JSON.parse(synthesized).resource?.[type] ?? {}) as Record<string, any>;
}
