/**
 * Loads every environment of a config folder: parse (with positions), merge
 * defaults.yaml, validate the schema, resolve defaults, check cross-key and
 * cross-environment rules. Either every environment is valid, or a
 * ConfigError carries every problem found, each with file, line and key.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { mergeDefaults } from './merge';
import { ConfigError, type Problem } from './problems';
import { resolveEnvironment, type EnvironmentConfig } from './resolve';
import { checkEnvironment, checkReferences, referencesOf } from './rules';
import { environmentSchema, NAME_PATTERN } from './schema';
import { isMap } from '../values';
import { explainIssues } from './zod-issues';
import { YamlSource, type KeyPath } from './yaml-source';

export const DEFAULTS_FILE = 'defaults.yaml';

export interface LoadedEnvironment {
  readonly config: EnvironmentConfig;
  /** The environment file, as shown in messages (the config folder as given, joined with the name). */
  readonly file: string;
  /** Positions of its keys, in the environment file or defaults.yaml. */
  readonly source: MergedSource;
}

/** Where a merged key comes from: the environment file, else defaults.yaml. */
export class MergedSource {
  constructor(
    private readonly environment: YamlSource,
    private readonly defaults: YamlSource | undefined,
  ) {}

  problem(path: KeyPath, message: string, atKey = false): Problem {
    const source = !this.environment.has(path) && this.defaults?.has(path) ? this.defaults : this.environment;
    const at = source.locate(path, atKey);
    return { file: source.file, line: at.line, column: at.column, keyPath: path.join('.'), message };
  }
}

export interface LoadOptions {
  /** The guardrail rule IDs that `guardrails.waivers` may name (config sits below the guardrails, so the caller tells). */
  readonly guardrailRuleIds: readonly string[];
}

/** Every environment in `dir`; throws ConfigError listing every problem. */
export function loadEnvironments(dir: string, options: LoadOptions): LoadedEnvironment[] {
  const problems: Problem[] = [];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ConfigError([{ file: dir, line: 1, column: 1, keyPath: '', message: 'config folder not found; pass --config DIR with your environments/*.yaml' }]);
  }
  const names = readdirSync(dir).sort();
  for (const name of names.filter((n) => n.endsWith('.yml'))) {
    problems.push({ file: join(dir, name), line: 1, column: 1, keyPath: '', message: `environment files end in .yaml; rename it to ${name.replace(/\.yml$/, '.yaml')}` });
  }
  const defaultsPath = join(dir, DEFAULTS_FILE);
  const defaults = existsSync(defaultsPath) ? new YamlSource(defaultsPath) : undefined;
  if (defaults) {
    problems.push(...defaults.problems);
    if (defaults.problems.length === 0 && !isMap(defaults.data)) {
      problems.push({ file: defaults.file, line: 1, column: 1, keyPath: '', message: 'defaults.yaml must be a map of keys' });
    }
  }

  const loaded: LoadedEnvironment[] = [];
  const environmentFiles = names.filter((n) => n.endsWith('.yaml') && n !== DEFAULTS_FILE);
  if (environmentFiles.length === 0) {
    problems.push({ file: dir, line: 1, column: 1, keyPath: '', message: 'no environment files; add one, for example dev.yaml' });
  }
  for (const name of environmentFiles) {
    const source = new YamlSource(join(dir, name));
    problems.push(...source.problems);
    if (source.problems.length > 0 || (defaults && defaults.problems.length > 0)) continue;
    if (!isMap(source.data)) {
      problems.push({ file: source.file, line: 1, column: 1, keyPath: '', message: 'an environment file must be a map of keys (project, aws, backend, ...)' });
      continue;
    }
    const result = loadEnvironment(source, defaults, basename(name, '.yaml'), options);
    if ('problems' in result) problems.push(...result.problems);
    else loaded.push(result);
  }
  problems.push(...crossEnvironmentProblems(loaded));
  if (problems.length > 0) throw new ConfigError(problems);
  return loaded;
}

function loadEnvironment(source: YamlSource, defaults: YamlSource | undefined, fileStem: string, options: LoadOptions): LoadedEnvironment | { problems: Problem[] } {
  const merged = new MergedSource(source, defaults);
  const data = mergeDefaults(defaults?.data ?? {}, source.data) as Record<string, unknown>;
  const problems: Problem[] = [];
  if (data.environment === undefined && !NAME_PATTERN.test(fileStem)) {
    problems.push(merged.problem(['environment'], `the file name "${fileStem}" is not a valid environment name (2-20 lowercase letters, digits, hyphens); rename the file or set environment:`));
  }
  const parsed = environmentSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of explainIssues(parsed.error.issues, data)) problems.push(merged.problem(issue.path, issue.message, issue.atKey));
    for (const issue of checkReferences(referencesOf(data))) problems.push(merged.problem(issue.path, issue.message));
    return { problems };
  }
  const config = resolveEnvironment(parsed.data, fileStem);
  for (const issue of checkEnvironment(config, options.guardrailRuleIds)) problems.push(merged.problem(issue.path, issue.message));
  return problems.length > 0 ? { problems } : { config, file: source.file, source: merged };
}

/** Environments must not share a name or a state file, and a state bucket has one lock table. */
function crossEnvironmentProblems(loaded: readonly LoadedEnvironment[]): Problem[] {
  const problems: Problem[] = [];
  const at = (env: LoadedEnvironment, path: KeyPath, message: string): Problem => env.source.problem(path, message);
  const byName = new Map<string, LoadedEnvironment>();
  const byStateKey = new Map<string, LoadedEnvironment>();
  const byBucket = new Map<string, LoadedEnvironment>();
  for (const env of loaded) {
    const { environment, backend } = env.config;
    const sameName = byName.get(environment);
    if (sameName) problems.push(at(env, ['environment'], `environment "${environment}" is also defined by ${sameName.file}; each environment needs its own name`));
    byName.set(environment, env);
    const stateKey = `${backend.bucket}/${backend.keyPrefix}/${environment}`;
    const sameState = byStateKey.get(stateKey);
    if (sameState && !sameName) problems.push(at(env, ['backend', 'keyPrefix'], `state file ${stateKey}.tfstate is also used by ${sameState.file}`));
    byStateKey.set(stateKey, env);
    const sameBucket = byBucket.get(backend.bucket);
    if (sameBucket) {
      for (const key of ['lockTable', 'region', 'accountId', 'bootstrapStateInBucket', 'useLockfile'] as const) {
        if (sameBucket.config.backend[key] !== backend[key]) {
          problems.push(at(env, ['backend', key], `bucket ${backend.bucket} is also used by ${sameBucket.file} with ${key} ${String(sameBucket.config.backend[key])}; environments sharing a state bucket must agree on it`));
        }
      }
    }
    if (!sameBucket) byBucket.set(backend.bucket, env);
  }
  return problems;
}
