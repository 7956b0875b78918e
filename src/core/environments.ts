/** Loading environments: the config layer, given the guardrail rules that waivers may name. */
import { loadEnvironments as loadConfigFolder, type LoadedEnvironment } from '../config/load';
import { ConfigError } from '../config/problems';
import { closest } from '../config/suggest';
import type { EnvironmentConfig } from '../config/resolve';
import { RULE_IDS } from '../guardrails/index';
import { CONTROLLER_STACK } from '../config/controller-schema';
import { resolveController } from '../config/controller';
import { bootstrapStackName } from '../stacks/bootstrap-stack';

export type { LoadedEnvironment };

/**
 * Every environment loaded with each config: a bootstrap stack's GitHub and
 * controller roles, and the controller stack, depend on environments beside
 * the ones synthesized (`synth --env dev` must write dev's bootstrap stack
 * exactly as a full synth does), so synthesis looks them up here.
 */
const SIBLINGS = new WeakMap<EnvironmentConfig, readonly EnvironmentConfig[]>();

/** The environments loaded together with `configs` (their config folder's), or `configs` themselves when they were not loaded here. */
export function siblingsOf(configs: readonly EnvironmentConfig[]): readonly EnvironmentConfig[] {
  const all = new Set<EnvironmentConfig>(configs);
  for (const config of configs) for (const sibling of SIBLINGS.get(config) ?? []) all.add(sibling);
  return [...all];
}

/** Every environment of `configDir`, validated; throws ConfigError listing every problem. */
export function loadEnvironments(configDir: string): LoadedEnvironment[] {
  const loaded = loadConfigFolder(configDir, { guardrailRuleIds: RULE_IDS });
  const all = loaded.map((e) => e.config);
  for (const config of all) SIBLINGS.set(config, all);
  return loaded;
}

/**
 * The environments of `configDir`, only `environment` when given (an unknown
 * name is a ConfigError). The controller's stack name selects every
 * environment: its policy derives from all of them, so `--env
 * controller-infrastructure` synthesizes them all.
 */
export function selectEnvironments(configDir: string, environment?: string): EnvironmentConfig[] {
  const all = loadEnvironments(configDir).map((e) => e.config);
  if (environment === undefined) return all;
  if (environment === CONTROLLER_STACK && resolveController(all) !== undefined) return all;
  const selected = all.filter((c) => c.environment === environment);
  if (selected.length === 0) {
    throw unknownEnvironment(
      configDir,
      environment,
      all.map((c) => c.environment),
    );
  }
  return selected;
}

/** The stack `name` names: an environment's own, a bootstrap stack with the environments sharing its bucket, or the controller's stack with every environment. */
export interface StackSelection {
  readonly stack: string;
  /** The environments to synthesize for it. */
  readonly configs: EnvironmentConfig[];
  /** Not an environment's stack: a bootstrap stack, or the controller's. */
  readonly bootstrap: boolean;
}

/** Selects an environment or a bootstrap stack by name (an unknown name is a ConfigError listing both kinds). */
export function selectStack(configDir: string, name: string): StackSelection {
  const all = loadEnvironments(configDir).map((e) => e.config);
  const environment = all.filter((c) => c.environment === name);
  if (environment.length > 0) return { stack: name, configs: environment, bootstrap: false };
  const sharing = all.filter((c) => bootstrapStackName(c.backend) === name);
  if (sharing.length > 0) return { stack: name, configs: sharing, bootstrap: true };
  const controller = resolveController(all) !== undefined;
  if (controller && name === CONTROLLER_STACK) return { stack: name, configs: all, bootstrap: true };
  const bootstraps = [...new Set(all.map((c) => bootstrapStackName(c.backend)))].sort();
  const stacks = [...bootstraps, ...(controller ? [CONTROLLER_STACK] : [])];
  throw unknownEnvironment(
    configDir,
    name,
    all.map((c) => c.environment),
    stacks,
    ` (bootstrap stacks: ${bootstraps.join(', ')}${controller ? `; the controller's stack: ${CONTROLLER_STACK}` : ''})`,
  );
}

/**
 * `no environment "prdo"; did you mean "prod"? found dev, prod, staging`: a
 * name from the command line, so the problem has no position in a file.
 * `others`: more names it may mean (stacks), `more`: said after the list.
 */
export function unknownEnvironment(
  configDir: string,
  name: string,
  environments: readonly string[],
  others: readonly string[] = [],
  more = '',
): ConfigError {
  const match = closest(name, [...environments, ...others]);
  const guess = match !== undefined ? ` did you mean "${match}"?` : '';
  return new ConfigError([
    {
      file: configDir,
      line: 0,
      column: 0,
      keyPath: '',
      message: `no environment "${name}";${guess} found ${environments.join(', ')}${more}`,
    },
  ]);
}
