/** Loading environments: the config layer, given the guardrail rules that waivers may name. */
import { loadEnvironments as loadConfigFolder, type LoadedEnvironment } from '../config/load';
import { ConfigError } from '../config/problems';
import type { EnvironmentConfig } from '../config/resolve';
import { RULE_IDS } from '../guardrails/index';
import { bootstrapStackName } from '../stacks/bootstrap-stack';

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

/** The stack `name` names: an environment's own, or a bootstrap stack with the environments sharing its bucket. */
export interface StackSelection {
  readonly stack: string;
  /** The environments to synthesize for it. */
  readonly configs: EnvironmentConfig[];
  readonly bootstrap: boolean;
}

/** Selects an environment or a bootstrap stack by name (an unknown name is a ConfigError listing both kinds). */
export function selectStack(configDir: string, name: string): StackSelection {
  const all = loadEnvironments(configDir).map((e) => e.config);
  const environment = all.filter((c) => c.environment === name);
  if (environment.length > 0) return { stack: name, configs: environment, bootstrap: false };
  const sharing = all.filter((c) => bootstrapStackName(c.backend) === name);
  if (sharing.length > 0) return { stack: name, configs: sharing, bootstrap: true };
  const bootstraps = [...new Set(all.map((c) => bootstrapStackName(c.backend)))].sort();
  throw new ConfigError([{
    file: configDir, line: 1, column: 1, keyPath: '',
    message: `no environment "${name}"; found ${all.map((c) => c.environment).join(', ')} (bootstrap stacks: ${bootstraps.join(', ')})`,
  }]);
}
