/**
 * `npm run fuzz -- [--runs N] [--seed S]`: a mutation fuzzer of environment
 * folders (fast-check). Each run copies a seed folder (the examples, the
 * unusual and the hostile fixtures), mutates one of its files (a value
 * replaced by a hostile one, a key renamed to `__proto__`, a list entry
 * repeated, a line of YAML trouble inserted, bytes that are not UTF-8, ...)
 * and checks the properties every input must keep:
 *
 * - loading throws nothing but a ConfigError (no crash, no stack trace);
 * - every problem is one `FILE:LINE:COL KEY.PATH: message` line pointing
 *   inside the file it names, sorted, each once;
 * - validate and synth agree: a folder that loads synthesizes;
 * - a failing synth leaves the output folder exactly as it was.
 *
 * test/unit/fuzz.test.ts runs a bounded, fixed-seed round of it in
 * `npm test`; a failure prints the seed and path that replay it.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { isMap, isScalar, isSeq, parseDocument, Scalar, visit, type Node } from 'yaml';
import {
  ConfigError,
  formatProblem,
  loadEnvironments,
  selectEnvironments,
  synthesize,
  synthesizeToDir,
  type Problem,
} from '../src/core/index';

/** The folders mutated: the examples and the fixtures at the edges of the contract. */
export const SEED_FOLDERS = ['test/fixtures/examples', 'test/fixtures/unusual', 'test/fixtures/hostile/accepted'];

/** The seed of the bounded run in `npm test` and the default of `npm run fuzz`. */
export const DEFAULT_SEED = 20261201;

const LONG = 'x'.repeat(200_000);

/** Values that have broken, or could break, a loader: prototype names, huge, empty, odd types and AWS-shaped nonsense. */
const HOSTILE_VALUES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e21,
  2 ** 53 + 1,
  65536,
  '',
  ' ',
  LONG,
  'a'.repeat(300),
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '${file("/etc/passwd")}',
  '%{ if true }',
  'é',
  '🙂',
  'line\nbreak',
  'null',
  '0.0.0.0/0',
  'cron(0 0 * * * *)',
  'rate(0 minutes)',
  'at(2026-02-30T00:00:00)',
  '../../etc',
  '/leading',
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x',
  [],
  {},
  [1, 2],
  ['api', 'api'],
  { a: 1 },
  { __proto__: null, constructor: 1 },
  [{}],
  [null],
];

const HOSTILE_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '',
  'A'.repeat(200),
  'api',
  'main',
  'environment',
  'services',
  'tags',
  'Project',
  'aws:x',
  'x y',
  'é',
];

/** Lines of YAML trouble inserted as text. */
const HOSTILE_LINES: readonly string[] = [
  'x: *undefined',
  'x: &a [*a]',
  '<<: 5',
  '<<: [1, 2]',
  '<<: *nowhere',
  '---',
  '--- !!map',
  '\tkey: tab',
  '? [a, b]\n: c',
  'x: !!binary aGk=',
  'x: !!set {a}',
  'x: !custom 1',
  ':',
  '{',
  '"unterminated',
  'a: b: c',
  'x: 1.10',
  'x: 0022',
  'x: True',
  '%YAML 1.1',
  '&anchor',
  'x: *',
  'b0: &b0 [a, a, a, a, a, a, a, a, a, a]\nb1: &b1 [*b0, *b0, *b0, *b0, *b0, *b0, *b0, *b0, *b0, *b0]\nb2: &b2 [*b1, *b1, *b1, *b1, *b1, *b1, *b1, *b1, *b1, *b1]\nb3: [*b2, *b2, *b2, *b2, *b2, *b2, *b2, *b2, *b2, *b2]\nb4: &b4 [*b2, *b2, *b2, *b2, *b2, *b2, *b2, *b2, *b2, *b2]\nb5: [*b4, *b4, *b4, *b4, *b4, *b4, *b4, *b4, *b4, *b4]',
];

type Mutation =
  | { kind: 'value'; at: number; value: number }
  | { kind: 'delete'; at: number }
  | { kind: 'rename'; at: number; key: number }
  | { kind: 'add'; at: number; key: number; value: number }
  | { kind: 'repeat'; at: number }
  | { kind: 'copy'; at: number; from: number }
  | { kind: 'line'; at: number; line: number; indent: number }
  | { kind: 'drop-line'; at: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'bytes'; at: number; byte: number };

export interface FuzzCase {
  readonly folder: string;
  readonly file: number;
  readonly mutations: readonly Mutation[];
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('value' as const), at: fc.nat(), value: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), key: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: fc.nat(), value: fc.nat() }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('copy' as const), at: fc.nat(), from: fc.nat() }),
  fc.record({ kind: fc.constant('line' as const), at: fc.nat(), line: fc.nat(), indent: fc.nat({ max: 6 }) }),
  fc.record({ kind: fc.constant('drop-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('bytes' as const), at: fc.nat(), byte: fc.integer({ min: 0x80, max: 0xff }) }),
);

export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.record({
  folder: fc.constantFrom(...SEED_FOLDERS),
  file: fc.nat(),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
});

const pick = <T>(items: readonly T[], n: number): T => items[n % items.length]!;

/** The file's text after the mutations (as bytes: a mutation may insert some that are not UTF-8). */
export function mutate(text: string, mutations: readonly Mutation[]): Buffer {
  let bytes = Buffer.from(text);
  for (const m of mutations) {
    const current = bytes.toString('utf8');
    const lines = current.split('\n');
    switch (m.kind) {
      case 'line': {
        const at = m.at % (lines.length + 1);
        lines.splice(
          at,
          0,
          ...pick(HOSTILE_LINES, m.line)
            .split('\n')
            .map((line) => ' '.repeat(m.indent) + line),
        );
        bytes = Buffer.from(lines.join('\n'));
        break;
      }
      case 'drop-line':
        lines.splice(m.at % lines.length, 1);
        bytes = Buffer.from(lines.join('\n'));
        break;
      case 'truncate':
        bytes = bytes.subarray(0, m.at % (bytes.length + 1));
        break;
      case 'bytes': {
        const at = m.at % (bytes.length + 1);
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([m.byte]), bytes.subarray(at)]);
        break;
      }
      default:
        bytes = Buffer.from(mutateDocument(current, m));
    }
  }
  return bytes;
}

/** A structural mutation: on the YAML document, at its `at`-th node. */
function mutateDocument(text: string, m: Exclude<Mutation, { kind: 'line' | 'drop-line' | 'truncate' | 'bytes' }>): string {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) return text;
  const places: { parent: Node; index: number }[] = [];
  visit(doc, {
    Map: (_key, node) => node.items.forEach((_pair, index) => places.push({ parent: node, index })),
    Seq: (_key, node) => node.items.forEach((_item, index) => places.push({ parent: node, index })),
  });
  if (places.length === 0) return text;
  const { parent, index } = pick(places, m.at);
  const items = (parent as unknown as { items: unknown[] }).items;
  const valueOf = (item: unknown) => (isMap(parent) ? (item as { value: unknown }).value : item);
  const setValue = (value: unknown) => {
    if (isMap(parent)) (items[index] as { value: unknown }).value = value;
    else items[index] = value;
  };
  switch (m.kind) {
    case 'value':
      setValue(doc.createNode(pick(HOSTILE_VALUES, m.value)));
      break;
    case 'delete':
      items.splice(index, 1);
      break;
    case 'rename':
      if (isMap(parent)) (items[index] as { key: unknown }).key = new Scalar(pick(HOSTILE_KEYS, m.key));
      break;
    case 'add':
      if (isMap(parent)) items.push(doc.createPair(pick(HOSTILE_KEYS, m.key), pick(HOSTILE_VALUES, m.value)));
      else items.push(doc.createNode(pick(HOSTILE_VALUES, m.value)));
      break;
    case 'repeat':
      if (isSeq(parent)) items.push(items[index]);
      break;
    case 'copy': {
      const from = pick(places, m.from);
      const source = (from.parent as unknown as { items: unknown[] }).items[from.index];
      const value = isMap(from.parent) ? (source as { value: unknown }).value : source;
      if (value && value !== valueOf(items[index])) setValue(isScalar(value) ? value.clone() : doc.createNode((value as Node).toJSON()));
      break;
    }
  }
  try {
    return doc.toString({ lineWidth: 0 });
  } catch {
    return text;
  }
}

/** Why a case breaks a property, or undefined. */
export function checkCase(c: FuzzCase): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'platform-fuzz-'));
  try {
    const files = readdirSync(c.folder)
      .filter((name) => statSync(join(c.folder, name)).isFile())
      .sort();
    for (const name of files) writeFileSync(join(dir, name), readFileSync(join(c.folder, name)));
    const target = pick(files, c.file);
    writeFileSync(join(dir, target), mutate(readFileSync(join(c.folder, target), 'utf8'), c.mutations));
    const problem = checkFolder(dir);
    // FUZZ_KEEP=DIR keeps the folder of a failing case, to turn it into a fixture.
    if (problem && process.env.FUZZ_KEEP) cpSync(dir, process.env.FUZZ_KEEP, { recursive: true });
    return problem;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The properties, for one config folder. */
export function checkFolder(dir: string): string | undefined {
  let loaded;
  try {
    loaded = loadEnvironments(dir);
  } catch (error) {
    if (!(error instanceof ConfigError)) return `load threw ${describe(error)}`;
    return problemLinesProblem(dir, error.problems) ?? failedSynthProblem(dir);
  }
  try {
    synthesize(loaded.map((e) => e.config));
  } catch (error) {
    return `the folder validates but synth throws ${describe(error)}`;
  }
  return undefined;
}

/** FILE:LINE:COL KEY.PATH: message, where a quoted key ("Cost Center") may hold spaces. */
const PROBLEM_LINE = /^\S.*:\d+:\d+ (?:[^\s"]|"(?:[^"\\]|\\.)*")+: \S/;

export function problemLinesProblem(dir: string, problems: readonly Problem[]): string | undefined {
  if (problems.length === 0) return 'a ConfigError without problems';
  const lines = problems.map(formatProblem);
  if (new Set(lines).size !== lines.length) return `a problem is reported twice: ${lines.find((l, i) => lines.indexOf(l) !== i)}`;
  const order = [...problems].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.keyPath.localeCompare(b.keyPath),
  );
  if (order.some((p, i) => p !== problems[i])) return 'problems are not sorted by file, line and column';
  for (const [i, p] of problems.entries()) {
    const line = lines[i]!;
    if (!PROBLEM_LINE.test(line) || line.includes('\n') || /\n\s+at /.test(p.message))
      return `not a FILE:LINE:COL KEY.PATH: message line: ${line.slice(0, 300)}`;
    if (line.length > 2000) return `a problem line of ${line.length} characters (values must be quoted as excerpts)`;
    const inside = relative(dir, p.file);
    if (inside.startsWith('..')) return `a problem names a file outside the config folder: ${line.slice(0, 300)}`;
    if (!existsSync(p.file)) return `a problem names a file that does not exist: ${line.slice(0, 300)}`;
    if (statSync(p.file).isDirectory()) {
      if (p.line !== 1 || p.column !== 1) return `a problem about a folder is not at 1:1: ${line.slice(0, 300)}`;
      continue;
    }
    const text = readFileSync(p.file).toString('utf8').split('\n');
    if (p.line < 1 || p.line > text.length) return `line ${p.line} is outside ${inside} (${text.length} lines): ${line.slice(0, 300)}`;
    if (p.column < 1 || p.column > text[p.line - 1]!.length + 1)
      return `column ${p.column} is outside line ${p.line} of ${inside}: ${line.slice(0, 300)}`;
  }
  return undefined;
}

/** Synth of an invalid folder must fail with the same problems and leave the output folder as it was. */
function failedSynthProblem(dir: string): string | undefined {
  const out = mkdtempSync(join(tmpdir(), 'platform-fuzz-out-'));
  try {
    mkdirSync(join(out, 'stacks', 'old'), { recursive: true });
    writeFileSync(join(out, 'stacks', 'old', 'cdk.tf.json'), '{"old": true}');
    const before = snapshot(out);
    try {
      synthesizeToDir(selectEnvironments(dir), out);
      return 'synth of an invalid folder succeeded';
    } catch (error) {
      if (!(error instanceof ConfigError)) return `synth of an invalid folder threw ${describe(error)}`;
    }
    return snapshot(out) === before ? undefined : 'a failing synth changed the output folder';
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function snapshot(dir: string): string {
  const entries: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else entries.push(`${relative(dir, path)}=${readFileSync(path, 'utf8')}`);
    }
  };
  walk(dir);
  return entries.join('\n');
}

function describe(error: unknown): string {
  return error instanceof Error
    ? `${error.name}: ${error.message.slice(0, 500)}\n${error.stack?.split('\n').slice(1, 6).join('\n')}`
    : String(error);
}

/**
 * Runs the fuzzer: `runs` cases of the seed, in order; with `timeLimitMs`
 * (the fast loop), the cases after that time are generated but not checked,
 * once at least `minRuns` were (default 5), so a busy machine checks fewer
 * but never none. `npm run fuzz` has no limit. Returns the number of cases
 * checked; throws with the failing case, its seed and path.
 */
export function runFuzz(options: { runs: number; seed?: number; timeLimitMs?: number; minRuns?: number }): { runs: number; seed: number } {
  const seed = options.seed ?? DEFAULT_SEED;
  const started = Date.now();
  let checked = 0;
  fc.assert(
    fc.property(fuzzCase, (c) => {
      if (options.timeLimitMs !== undefined && checked >= (options.minRuns ?? 5) && Date.now() - started > options.timeLimitMs) return;
      checked++;
      const problem = checkCase(c);
      if (problem) throw new Error(problem);
    }),
    { numRuns: options.runs, seed, endOnFailure: true },
  );
  return { runs: checked, seed };
}

if (require.main === module) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const runs = arg('--runs') ?? 1000;
  const seed = arg('--seed') ?? DEFAULT_SEED;
  const started = Date.now();
  try {
    const done = runFuzz({ runs, seed });
    console.log(`fuzz: ${done.runs} runs with seed ${seed}, every property held (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    const cause = error instanceof Error ? error.cause : undefined;
    if (cause) console.error(`\nThe property that failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    process.exit(1);
  }
}
