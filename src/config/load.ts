/**
 * Loads every environment of a config folder: parse (with positions), merge
 * defaults.yaml, validate the schema, resolve defaults, check cross-key and
 * cross-environment rules. Either every environment is valid, or a
 * ConfigError carries every problem found, each with file, line and key.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { mergeDefaults } from './merge';
import { ConfigError, excerpt, formatKeyPath, type Problem } from './problems';
import { resolveEnvironment, type EnvironmentConfig } from './resolve';
import { checkEnvironment, checkReferences, checkRules, referencesOf } from './rules';
import { environmentSchema, NAME_PATTERN } from './schema';
import { isMap } from '../values';
import { explainIssues } from './zod-issues';
import { decodeIssue, decodeKeys, encodeKeys } from './proto-keys';
import { bootstrapStackName } from './stack-names';
import { controllerProblems } from './controller';
import { projectPolicyProblems } from './project-policies';
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
    return { file: source.file, line: at.line, column: at.column, keyPath: formatKeyPath(path), message };
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
    throw new ConfigError([
      { file: dir, line: 1, column: 1, keyPath: '', message: 'config folder not found; pass --config DIR with your environments/*.yaml' },
    ]);
  }
  const names = readdirSync(dir).sort();
  for (const name of names.filter((n) => n.endsWith('.yml'))) {
    problems.push({
      file: join(dir, name),
      line: 1,
      column: 1,
      keyPath: '',
      message: `environment files end in .yaml; rename it to ${name.replace(/\.yml$/, '.yaml')}`,
    });
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
      problems.push({
        file: source.file,
        line: 1,
        column: 1,
        keyPath: '',
        message: 'an environment file must be a map of keys (project, aws, backend, ...)',
      });
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

function loadEnvironment(
  source: YamlSource,
  defaults: YamlSource | undefined,
  fileStem: string,
  options: LoadOptions,
): LoadedEnvironment | { problems: Problem[] } {
  const merged = new MergedSource(source, defaults);
  const data = mergeDefaults(defaults?.data ?? {}, source.data) as Record<string, unknown>;
  const problems: Problem[] = [];
  if (!Object.hasOwn(data, 'environment') && !NAME_PATTERN.test(fileStem)) {
    problems.push(
      merged.problem(
        ['environment'],
        `the file name "${fileStem}" is not a valid environment name (2-20 lowercase letters, digits, hyphens); rename the file or set environment:`,
      ),
    );
  }
  for (const issue of lossyVariables(data, [source, defaults])) problems.push(merged.problem(issue.path, issue.message));
  // One controller per repository: every environment must see the same controller: section.
  if (source.has(['controller']))
    problems.push(merged.problem(['controller'], `controller: is one per repository and belongs in ${DEFAULTS_FILE}; move it there`, true));
  const { config, issues } = validate(data, fileStem, options);
  for (const issue of issues) problems.push(merged.problem(issue.path, issue.message, issue.atKey));
  return problems.length > 0 || !config ? { problems } : { config, file: source.file, source: merged };
}

interface Issue {
  readonly path: KeyPath;
  readonly message: string;
  readonly atKey?: boolean;
}

/**
 * Schema, cross-reference and cross-key problems in one pass. When the
 * schema fails, the values it refused are taken out (or, for a required
 * top-level key, stood in for) and the rest is validated again, so that the
 * rules of the remaining keys run too; problems that could come from the
 * removal itself (at, under or above a removed key, or naming it) are left
 * out rather than guessed.
 */
function validate(data: Record<string, unknown>, fileStem: string, options: LoadOptions): { config?: EnvironmentConfig; issues: Issue[] } {
  let encoded = encodeKeys(data);
  let parsed = environmentSchema.safeParse(encoded);
  if (parsed.success) {
    const config = resolveEnvironment(decodeKeys(parsed.data), fileStem);
    return { config, issues: checkEnvironment(config, options.guardrailRuleIds) };
  }
  const issues: Issue[] = [];
  const removed: KeyPath[] = [];
  let salvaged = data;
  for (let pass = 0; pass < 20 && !parsed.success; pass++) {
    const explained = explainIssues(parsed.error.issues, encoded).map(decodeIssue);
    issues.push(...explained.filter((issue) => !fromRemoval(issue, removed)));
    const next = withoutRefused(salvaged, explained, removed);
    if (!next) break;
    salvaged = next;
    encoded = encodeKeys(salvaged);
    parsed = environmentSchema.safeParse(encoded);
  }
  // References are read from the file as written (a removed service is still there to refer to).
  issues.push(...checkReferences(referencesOf(data)).filter((issue) => !fromRemoval(issue, removed)));
  if (!parsed.success) return { issues };
  const config = resolveEnvironment(decodeKeys(parsed.data), fileStem);
  issues.push(...checkRules(config, options.guardrailRuleIds).filter((issue) => !fromRemoval(issue, removed, true)));
  return { issues };
}

/** Valid stand-ins for required top-level keys, so that a refused one does not stop every other check. */
const STAND_INS: Readonly<Record<string, unknown>> = {
  project: 'x',
  aws: { region: 'us-east-1', accountId: '000000000000' },
  backend: { bucket: 'placeholder-bucket' },
  network: { cidr: '10.0.0.0/16' },
};

/**
 * `data` without the values the schema refused: a refused value is removed
 * (a list as a whole, so positions stay meaningful), a missing required key
 * removes its parent, and a top-level key is stood in for. Undefined when
 * nothing more can be taken out.
 */
function withoutRefused(
  data: Record<string, unknown>,
  issues: readonly KeyIssueLike[],
  removed: KeyPath[],
): Record<string, unknown> | undefined {
  const copy = structuredClone(data) as Record<string, unknown>;
  let changed = false;
  for (const issue of issues) {
    let path = issue.path.slice(0, firstListIndex(copy, issue.path));
    if (valueAtPath(copy, path) === undefined) path = path.slice(0, -1);
    if (path.length === 0) continue;
    const parent = valueAtPath(copy, path.slice(0, -1)) as Record<string, unknown>;
    const key = String(path[path.length - 1]);
    if (path.length === 1 && Object.hasOwn(STAND_INS, key)) {
      if (JSON.stringify(parent[key]) === JSON.stringify(STAND_INS[key])) return undefined;
      parent[key] = structuredClone(STAND_INS[key]);
    } else if (isMap(parent) && Object.hasOwn(parent, key)) {
      delete parent[key];
    } else {
      continue;
    }
    removed.push(path);
    changed = true;
  }
  return changed ? copy : undefined;
}

type KeyIssueLike = { readonly path: KeyPath };

/** The length of the path up to and including its first list (its elements are not removed one by one). */
function firstListIndex(data: unknown, path: KeyPath): number {
  let value = data;
  for (let i = 0; i < path.length; i++) {
    if (Array.isArray(value)) return i;
    value = isMap(value) && Object.hasOwn(value, String(path[i])) ? value[String(path[i])] : undefined;
  }
  return path.length;
}

function valueAtPath(data: unknown, path: KeyPath): unknown {
  let value = data;
  for (const segment of path) {
    if (Array.isArray(value) && typeof segment === 'number') value = value[segment];
    else if (isMap(value) && Object.hasOwn(value, String(segment))) value = value[String(segment)];
    else return undefined;
  }
  return value;
}

/**
 * Whether a problem found after removing `removed` could be caused by the
 * removal; `checkedWithout`: the check ran on the data without the removed
 * keys (not on the file as written), so a removed entry it names was missing.
 */
function fromRemoval(issue: Issue, removed: readonly KeyPath[], checkedWithout = false): boolean {
  const starts = (path: KeyPath, prefix: KeyPath) =>
    prefix.length <= path.length && prefix.every((segment, i) => String(path[i]) === String(segment));
  return removed.some((path) => {
    if (starts(issue.path, path) || starts(path, issue.path)) return true;
    const named = new RegExp(`\\b${escapeRegExp(String(path[path.length - 1]))}\\b`).test(issue.message);
    // A sibling's problem that names the removed key, or anyone's that names a removed entry (a service, a certificate).
    const sibling = issue.path.length === path.length && starts(issue.path, path.slice(0, -1));
    return named && (sibling || (checkedWithout && path.length === 2));
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Environment variables written as YAML numbers or booleans whose text does
 * not survive (`1.10` reaches the container as 1.1, `0022` as 22, `True` as
 * true): they must be quoted.
 */
function lossyVariables(data: Record<string, unknown>, sources: readonly (YamlSource | undefined)[]): Issue[] {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  for (const source of sources) {
    for (const scalar of source?.lossyScalars ?? []) {
      const { path } = scalar;
      if (path.length < 2 || path[path.length - 2] !== 'environment' || typeof path[path.length - 1] !== 'string') continue;
      if (valueAtPath(data, path) !== scalar.value || seen.has(path.join('.'))) continue;
      // The environment file's value wins over the defaults' (merge rule): only the value that is used counts.
      if (source !== sources[0] && sources[0]?.has(path)) continue;
      seen.add(path.join('.'));
      const kind = typeof scalar.value === 'number' ? 'the number' : '';
      issues.push({
        path,
        message: `YAML reads ${excerpt(scalar.text)} as ${kind ? `${kind} ` : ''}${String(scalar.value)}, so the container would get "${String(scalar.value)}"; quote it to keep the text: "${excerpt(scalar.text)}"`,
      });
    }
  }
  return issues;
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
    if (sameName)
      problems.push(
        at(env, ['environment'], `environment "${environment}" is also defined by ${sameName.file}; each environment needs its own name`),
      );
    byName.set(environment, env);
    const stateKey = `${backend.bucket}/${backend.keyPrefix}/${environment}`;
    const sameState = byStateKey.get(stateKey);
    if (sameState && !sameName)
      problems.push(at(env, ['backend', 'keyPrefix'], `state file ${stateKey}.tfstate is also used by ${sameState.file}`));
    byStateKey.set(stateKey, env);
    const sameBucket = byBucket.get(backend.bucket);
    if (sameBucket) {
      for (const key of ['lockTable', 'region', 'accountId', 'bootstrapStateInBucket', 'useLockfile'] as const) {
        if (sameBucket.config.backend[key] !== backend[key]) {
          problems.push(
            at(
              env,
              ['backend', key],
              `bucket ${backend.bucket} is also used by ${sameBucket.file} with ${key} ${String(sameBucket.config.backend[key] ?? 'unset')}; environments sharing a state bucket must agree on it`,
            ),
          );
        }
      }
    }
    if (!sameBucket) byBucket.set(backend.bucket, env);
  }
  problems.push(...stackNameProblems(loaded));
  problems.push(...controllerProblems(loaded));
  problems.push(...projectPolicyProblems(loaded));
  return problems;
}

/** Every stack needs its own name: an environment may not be named like a bootstrap stack, nor may two buckets share one. */
function stackNameProblems(loaded: readonly LoadedEnvironment[]): Problem[] {
  const problems: Problem[] = [];
  const bucketOf = new Map<string, string>();
  for (const env of loaded) {
    const { bucket } = env.config.backend;
    const name = bootstrapStackName(bucket);
    const other = bucketOf.get(name);
    if (other !== undefined && other !== bucket) {
      problems.push(
        env.source.problem(
          ['backend', 'bucket'],
          `buckets ${other} and ${bucket} would both get the bootstrap stack ${name}; use one of them for both, or another name`,
        ),
      );
    }
    bucketOf.set(name, bucket);
  }
  for (const env of loaded) {
    const bucket = bucketOf.get(env.config.environment);
    if (bucket !== undefined) {
      problems.push(
        env.source.problem(
          ['environment'],
          `the environment name ${env.config.environment} is the name of the bootstrap stack of bucket ${bucket}; stack names must be unique, so rename the environment`,
        ),
      );
    }
  }
  return problems;
}
