/** Loading environments: the config layer, given the guardrail rules that waivers may name. */
import { loadEnvironments as loadConfigFolder, type LoadedEnvironment } from '../config/load';
import { ConfigError } from '../config/problems';
import type { EnvironmentConfig } from '../config/resolve';
import { RULE_IDS } from '../guardrails/index';

export type { LoadedEnvironment };

/** Every environment of `configDir`, validated; throws ConfigError listing every problem. */
export function loadEnvironments(configDir: string): LoadedEnvironment[] {
  return loadConfigFolder(configDir, { guardrailRuleIds: RULE_IDS });
}

/** The environments of `configDir`, only `environment` when given (an unknown name is a ConfigError). */
export function selectEnvironments(configDir: string, environment?: string): EnvironmentConfig[] {
  const all = loadEnvironments(configDir).map((e) => e.config);
  if (environment === undefined) return all;
  const selected = all.filter((c) => c.environment === environment);
  if (selected.length === 0) {
    throw new ConfigError([{ file: configDir, line: 1, column: 1, keyPath: '', message: `no environment "${environment}"; found ${all.map((c) => c.environment).join(', ')}` }]);
  }
  return selected;
}
