/**
 * Every stack of a fixture folder, synthesized once per `npm test` run and
 * shared by the suites and both jest workers: jest gives each suite its own
 * module registry, so a cache in memory would synthesize the examples again
 * in every suite that reads them. The stacks are written as JSON under the
 * temporary folder of this run (named by the jest parent's process ID; the
 * folders of runs that ended are removed), keyed by the folder's files and
 * the sources and the lock file, so an edit can never be served stale. Suites
 * whose subject is synthesis itself (synth-without-terraform, the CLI's)
 * synthesize for real.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadEnvironments, synthesize, type SynthesizedStack } from '../../src/core/index';

const { sourceHash } = require('../../scripts/source-hash.js') as { sourceHash: (root: string) => string };

const PREFIX = 'platform-test-synth-';

function runFolder(): string {
  const dir = join(tmpdir(), `${PREFIX}${process.ppid}`);
  if (!existsSync(dir)) {
    for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(PREFIX))) {
      const pid = Number(name.slice(PREFIX.length));
      if (!alive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
    mkdirSync(dir, { recursive: true });
  }
  return dir;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function filesUnder(dir: string, into: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(path, into);
    else into.push(path);
  }
  return into;
}

let sources: string | undefined;

/** The stacks `synthesize` writes for every environment of `dir` (all of them: bootstrap and controller stacks included). */
export function synthesizedFixture(dir: string): SynthesizedStack[] {
  sources ??= `${sourceHash(process.cwd())}\0${createHash('sha256').update(readFileSync('package-lock.json')).digest('hex')}`;
  const hash = createHash('sha256').update(`${sources}\0${dir}\0`);
  for (const file of filesUnder(dir).sort())
    hash
      .update(`${relative(dir, file)}\0`)
      .update(readFileSync(file))
      .update('\0');
  const file = join(runFolder(), `${hash.digest('hex')}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SynthesizedStack[];
  const stacks = synthesize(loadEnvironments(dir).map((e) => e.config));
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, JSON.stringify(stacks));
  renameSync(partial, file);
  return stacks;
}

/** The synthesized JSON of one stack of a fixture folder (an environment's or `controller-infrastructure`), from the cache above. */
export function fixtureStack(dir: string, name: string): string {
  const stack = synthesizedFixture(dir).find((s) => s.name === name);
  if (!stack) throw new Error(`no stack ${name} in ${dir}`);
  return stack.json;
}
