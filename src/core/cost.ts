/**
 * Cost estimates for front ends: synthesize, then price each environment's
 * stack with its `cost:` assumptions; compare with a git ref or another
 * config folder. Pure results; the CLI and the controller format them.
 */
import { existsSync, statSync } from 'node:fs';
import { ConfigError } from '../config/problems';
import type { EnvironmentConfig } from '../config/resolve';
import { compareEstimates, type CostComparison } from '../cost/compare';
import { estimateStack, type CostEstimate } from '../cost/estimate';
import { PRICES } from '../cost/prices';
import { loadEnvironments, unknownEnvironment, type LoadedEnvironment } from './environments';
import { withConfigAtRef } from './config-at-ref';
import { synthesize, type SynthesizedStack } from './synthesize';

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
  const { monthlyBudget, accountCreated, overrides, ...assumptions } = config.cost;
  return estimateStack(stackJson, config.environment, {
    assumptions,
    overrides,
    freeTier: options.freeTier,
    monthlyBudget,
    accountCreated,
    asOf: options.asOf,
  });
}

/**
 * Estimates of loaded environments (synthesized once, together, unless `synthesized` holds their stacks already); a
 * region without prices is a ConfigError at aws.region.
 */
export function estimateLoaded(
  loaded: readonly LoadedEnvironment[],
  options: CostOptions = {},
  synthesized?: readonly SynthesizedStack[],
): CostEstimate[] {
  const unpriced = loaded.filter((e) => PRICES[e.config.aws.region] === undefined);
  if (unpriced.length > 0) {
    throw new ConfigError(
      unpriced.map((e) =>
        e.source.problem(
          ['aws', 'region'],
          `no prices for region ${e.config.aws.region} in the pinned price table (src/cost/prices.ts); the cost estimate knows ${Object.keys(PRICES).join(', ')}`,
        ),
      ),
    );
  }
  const configs = loaded.map((e) => e.config);
  const stacks = synthesized ?? synthesize(configs);
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
  const after = () => estimateCost(configDir, environment, options);
  if (existsSync(ref) && statSync(ref).isDirectory())
    return compareEstimates(estimateLoaded(selectLoaded(ref, environment, true), options), after());
  // A folder with no environments at the ref (the change that adds them) costs nothing before.
  const before = withConfigAtRef(
    configDir,
    ref,
    '--compare',
    ({ dir, empty }) => (empty ? [] : estimateLoaded(selectLoaded(dir, environment, true), options)),
    'give a branch, tag or commit, or a second config folder',
  );
  return compareEstimates(before, after());
}

function selectLoaded(configDir: string, environment: string | undefined, missingIsEmpty = false): LoadedEnvironment[] {
  const all = loadEnvironments(configDir);
  if (environment === undefined) return all;
  const selected = all.filter((e) => e.config.environment === environment);
  if (selected.length === 0 && !missingIsEmpty) {
    throw unknownEnvironment(
      configDir,
      environment,
      all.map((e) => e.config.environment),
    );
  }
  return selected;
}
