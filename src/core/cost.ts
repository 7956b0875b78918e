/**
 * Cost estimates for front ends: synthesize, then price each environment's
 * stack with its `cost:` assumptions; compare with a git ref or another
 * config folder. Pure results; the CLI and the controller format them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/problems';
import type { EnvironmentConfig } from '../config/resolve';
import { compareEstimates, type CostComparison } from '../cost/compare';
import { estimateStack, type CostEstimate } from '../cost/estimate';
import { PRICES } from '../cost/prices';
import { loadEnvironments, unknownEnvironment, type LoadedEnvironment } from './environments';
import { synthesize } from './synthesize';

export { compareEstimates, type CostComparison, type EnvironmentDifference, type LineDifference } from '../cost/compare';
export { type CostEstimate, type CostLine, type FreeTierUse } from '../cost/estimate';
export { formatComparisonMarkdown, formatEstimateMarkdown, formatEstimateTable, signedUsd, usd } from '../cost/format';
export { PRICE_SOURCES, PRICES, PRICES_AS_OF } from '../cost/prices';
export { DEFAULT_ASSUMPTIONS, type CostAssumptions } from '../cost/assumptions';

export interface CostOptions {
  /** Subtract the free-tier allowances that apply, and say which are exceeded (default: false). */
  readonly freeTier?: boolean;
  /** The day free-tier rules are judged on, YYYY-MM-DD (default: the price table's date). */
  readonly asOf?: string;
}

/** The estimate of one environment from its synthesized stack JSON. */
export function estimateEnvironment(config: EnvironmentConfig, stackJson: string, options: CostOptions = {}): CostEstimate {
  const { monthlyBudget, accountCreated, ...assumptions } = config.cost;
  return estimateStack(stackJson, config.environment, { assumptions, freeTier: options.freeTier, monthlyBudget, accountCreated, asOf: options.asOf });
}

/** Estimates of loaded environments (synthesized once, together); a region without prices is a ConfigError at aws.region. */
export function estimateLoaded(loaded: readonly LoadedEnvironment[], options: CostOptions = {}): CostEstimate[] {
  const unpriced = loaded.filter((e) => PRICES[e.config.aws.region] === undefined);
  if (unpriced.length > 0) {
    throw new ConfigError(unpriced.map((e) => e.source.problem(['aws', 'region'],
      `no prices for region ${e.config.aws.region} in the pinned price table (src/cost/prices.ts); the cost estimate knows ${Object.keys(PRICES).join(', ')}`)));
  }
  const configs = loaded.map((e) => e.config);
  const stacks = synthesize(configs);
  return configs.map((config) => estimateEnvironment(config, stacks.find((s) => s.environment === config.environment)!.json, options));
}

/** Estimates of the environments of `configDir` (only `environment` when given; an unknown name is a ConfigError). */
export function estimateCost(configDir: string, environment?: string, options: CostOptions = {}): CostEstimate[] {
  return estimateLoaded(selectLoaded(configDir, environment), options);
}

/**
 * The monthly difference from `ref` to `configDir`: `ref` is another config
 * folder, or a git ref (branch, tag, commit) of the repository holding
 * `configDir`, whose version of that folder is compared.
 */
export function compareCost(configDir: string, ref: string, environment?: string, options: CostOptions = {}): CostComparison {
  const folder = existsSync(ref) && statSync(ref).isDirectory();
  const dir = folder ? ref : configAtRef(configDir, ref);
  try {
    // A folder with no environments at the ref (the change that adds them) costs nothing before.
    const empty = !folder && readdirSync(dir).filter((f) => f !== 'defaults.yaml').length === 0;
    const before = empty ? [] : atRef(() => estimateLoaded(selectLoaded(dir, environment, true), options), folder ? undefined : { dir, shown: `${ref}:${configDir}` });
    return compareEstimates(before, estimateCost(configDir, environment, options));
  } finally {
    if (!folder) rmSync(dir, { recursive: true, force: true });
  }
}

function selectLoaded(configDir: string, environment: string | undefined, missingIsEmpty = false): LoadedEnvironment[] {
  const all = loadEnvironments(configDir);
  if (environment === undefined) return all;
  const selected = all.filter((e) => e.config.environment === environment);
  if (selected.length === 0 && !missingIsEmpty) {
    throw unknownEnvironment(configDir, environment, all.map((e) => e.config.environment));
  }
  return selected;
}

/** Runs `work`; problems in the files written out from a git ref name them as `REF:DIR/file`. */
function atRef<T>(work: () => T, written: { dir: string; shown: string } | undefined): T {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof ConfigError) || !written) throw error;
    throw new ConfigError(error.problems.map((p) => ({ ...p, file: p.file.replace(written.dir, written.shown) })));
  }
}

/** The YAML files of `configDir` as they are at git `ref`, written to a temporary folder (the caller removes it). */
function configAtRef(configDir: string, ref: string): string {
  const git = (args: string[]) => execFileSync('git', args, { cwd: configDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  try {
    git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new ConfigError([{ file: configDir, line: 1, column: 1, keyPath: '', message: `--compare ${ref}: neither a folder nor a commit of the git repository holding ${configDir}; give a branch, tag or commit, or a second config folder` }]);
  }
  const dir = mkdtempSync(join(tmpdir(), 'platform-compare-'));
  mkdirSync(dir, { recursive: true });
  for (const name of git(['ls-tree', '--name-only', ref, '--', '.']).split('\n').filter((n) => n.endsWith('.yaml'))) {
    writeFileSync(join(dir, name), git(['show', `${ref}:./${name}`]));
  }
  return dir;
}
