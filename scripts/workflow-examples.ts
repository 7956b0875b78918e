/**
 * Rewrites examples/github-actions/ from the workflows `init` writes (the
 * templates in src/cli/init-templates.ts, their one source):
 * `node --require ./src/runtime.js scripts/workflow-examples.ts`. With
 * `--check` it only compares, and exits 1 naming the files that differ
 * (test/unit/workflows.test.ts makes the same comparison).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKFLOWS } from '../src/cli/init-templates';

const EXAMPLES_WORKFLOWS_DIR = 'examples/github-actions';

const check = process.argv.includes('--check');
const stale = Object.entries(WORKFLOWS).filter(([name, text]) => !existsSync(join(EXAMPLES_WORKFLOWS_DIR, name)) || readFileSync(join(EXAMPLES_WORKFLOWS_DIR, name), 'utf8') !== text).map(([name]) => name);
const extra = existsSync(EXAMPLES_WORKFLOWS_DIR) ? readdirSync(EXAMPLES_WORKFLOWS_DIR).filter((f) => f.endsWith('.yml') && !(f in WORKFLOWS)) : [];

if (stale.length === 0 && extra.length === 0) {
  console.log(`${EXAMPLES_WORKFLOWS_DIR}: current (${Object.keys(WORKFLOWS).join(', ')})`);
} else if (check) {
  console.error(`${EXAMPLES_WORKFLOWS_DIR}: ${[...stale.map((f) => `${f} differs from init's`), ...extra.map((f) => `${f} is not a workflow init writes`)].join('; ')}; rewrite with node --require ./src/runtime.js scripts/workflow-examples.ts`);
  process.exit(1);
} else {
  mkdirSync(EXAMPLES_WORKFLOWS_DIR, { recursive: true });
  for (const name of stale) writeFileSync(join(EXAMPLES_WORKFLOWS_DIR, name), WORKFLOWS[name]!);
  for (const name of extra) rmSync(join(EXAMPLES_WORKFLOWS_DIR, name));
  console.log(`${EXAMPLES_WORKFLOWS_DIR}: wrote ${stale.join(', ') || 'nothing'}${extra.length ? `; removed ${extra.join(', ')}` : ''}`);
}
