/**
 * A fixed-seed round of the config fuzzer bounded by time (scripts/fuzz.ts;
 * `npm run fuzz -- --runs N` runs N cases, however long they take): mutated environment folders never crash the
 * loader, every problem is a well-formed line inside its file, validate and
 * synth agree, and a failing synth leaves its output folder alone.
 */
import { checkFolder, DEFAULT_SEED, mutate, problemLinesProblem, runFuzz, SEED_FOLDERS } from '../../scripts/fuzz';
import { loadEnvironments } from '../../src/core/index';
import { MINIMAL_ENVIRONMENT, writeConfig } from '../support/helpers';

describe('the config fuzzer', () => {
  // Bounded by time in the fast loop: up to 20 cases in 1 s, at least 5 however busy the machine; `npm run fuzz` has no time limit.
  it(`holds every property for up to 20 runs of seed ${DEFAULT_SEED} within 1 s`, () => {
    const result = runFuzz({ runs: 20, seed: DEFAULT_SEED, timeLimitMs: 1_000, minRuns: 5 });
    expect(result.seed).toBe(DEFAULT_SEED);
    expect(result.runs).toBeGreaterThanOrEqual(5);
    expect(result.runs).toBeLessThanOrEqual(20);
  }, 60_000);

  it.each(SEED_FOLDERS)(
    'finds %s, a folder it mutates, valid as it is: it loads and synthesizes',
    (folder) => {
      expect(loadEnvironments(folder).length).toBeGreaterThan(0);
      expect(checkFolder(folder)).toBeUndefined();
    },
    30_000,
  );

  it('reads a folder that cannot be read as a problem line, not a crash', () => {
    const dir = writeConfig({ 'dev.yaml': MINIMAL_ENVIRONMENT, 'defaults.yaml/x': '' });
    expect(checkFolder(dir)).toBeUndefined();
  });

  it('catches problem lines that break the contract', () => {
    const dir = writeConfig({ 'dev.yaml': MINIMAL_ENVIRONMENT });
    const at = (line: number, column: number, keyPath = 'project') => ({ file: `${dir}/dev.yaml`, line, column, keyPath, message: 'm' });
    expect(problemLinesProblem(dir, [at(1, 1)])).toBeUndefined();
    expect(problemLinesProblem(dir, [at(11, 1)])).toMatch(/^line 11 is outside dev\.yaml \(10 lines\)/);
    expect(problemLinesProblem(dir, [at(1, 15)])).toMatch(/^column 15 is outside line 1 of dev\.yaml/);
    expect(problemLinesProblem(dir, [at(2, 1), at(1, 1)])).toBe('problems are not sorted by file, line and column');
    expect(problemLinesProblem(dir, [at(1, 1), at(1, 1)])).toMatch(/^a problem is reported twice/);
    expect(problemLinesProblem(dir, [at(1, 1, 'a b')])).toMatch(/^not a FILE:LINE:COL KEY\.PATH: message line/);
    expect(problemLinesProblem(dir, [{ ...at(1, 1), file: '/etc/hosts' }])).toMatch(/^a problem names a file outside the config folder/);
  });

  it('mutates text and bytes as described', () => {
    expect(mutate('a: 1\nb: 2\n', [{ kind: 'drop-line', at: 0 }]).toString()).toBe('b: 2\n');
    expect([...mutate('ab', [{ kind: 'bytes', at: 1, byte: 0xe9 }])]).toEqual([0x61, 0xe9, 0x62]);
    expect(mutate('a: 1\n', [{ kind: 'rename', at: 0, key: 0 }]).toString()).toBe('__proto__: 1\n');
  });
});
