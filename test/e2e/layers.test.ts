/** The layer rules of .dependency-cruiser.cjs hold, and they would catch an upward import. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

function cruise(root: string, folders: readonly string[] = ['src', 'main.ts']) {
  return spawnSync(
    process.execPath,
    [
      join(process.cwd(), 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
      '--config',
      '.dependency-cruiser.cjs',
      '--output-type',
      'err',
      ...folders,
    ],
    { cwd: root, encoding: 'utf8' },
  );
}

/** Writes `files` into a scratch folder with the real rules; returns the folder. */
function scratchTree(files: Record<string, string>): string {
  const tree = mkdtempSync(join(tmpdir(), 'layers-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(tree, dirname(file)), { recursive: true });
    writeFileSync(join(tree, file), text);
  }
  cpSync('.dependency-cruiser.cjs', join(tree, '.dependency-cruiser.cjs'));
  return tree;
}

describe('layers', () => {
  it('every import points down', () => {
    const result = cruise(process.cwd());
    expect(result.stdout + result.stderr).toContain('no dependency violations found');
    expect(result.status).toBe(0);
  });

  // platform --help loads no cdktf, provider, AWS SDK or Graphviz: a CLI module takes the core's types only, its values through core() in an action.
  it("keep the core out of the CLI's start: src/cli imports src/core/index for types only (src/cli/core.ts loads it)", () => {
    const eager = readdirSync('src/cli')
      .filter((f) => f.endsWith('.ts') && f !== 'core.ts')
      .flatMap((file) => {
        const text = readFileSync(join('src/cli', file), 'utf8');
        return [...text.matchAll(/^import (?!type )[^;]*? from '\.\.\/core\/index';/gms)].map((m) => `${file}: ${m[0].split('\n')[0]}`);
      });
    expect(eager).toEqual([]);
    expect(readFileSync('src/cli/core.ts', 'utf8')).toContain("require('../core/index')");
  });

  // The rules themselves, against upward imports: a scratch tree of the same layout (a few files, not a copy of src/).
  it('fail when config imports the guardrails, a front end reaches below the core, the product loads the verification checks or a dev dependency, or a check reaches a front end', () => {
    const tree = mkdtempSync(join(tmpdir(), 'layers-'));
    try {
      const files: Record<string, string> = {
        'src/config/rules.ts': "import { RULE_IDS } from '../guardrails/index';\nvoid RULE_IDS;\n",
        'src/guardrails/index.ts': 'export const RULE_IDS: string[] = [];\n',
        'src/cli/report.ts':
          "import { synthesizeApp } from '../stacks/app';\nimport { core } from '../core/index';\nvoid synthesizeApp;\nvoid core;\n",
        'src/stacks/app.ts': 'export const synthesizeApp = 1;\n',
        'src/core/index.ts': "export { estimate as core } from './cost';\n",
        'src/core/cost.ts': "import { checkApply } from '../verification/check-apply';\nvoid checkApply;\nexport const estimate = 1;\n",
        'src/verification/check-apply.ts': 'export const checkApply = 1;\n',
        'src/verification/emulator-gaps.ts': "import { synthesizeApp } from '../stacks/app';\nvoid synthesizeApp;\n",
        'src/verification/backend-servers.ts':
          "import { report } from '../cli/report';\nvoid report;\nexport const start = () => require('dev-server');\n",
        'src/stacks/plan.ts': "export const plan = () => require('dev-server');\n",
        'src/stacks/types.ts': "import type { Server } from 'dev-server';\nexport type S = Server;\n",
        'main.ts': "import { core } from './src/core/index';\nvoid core;\n",
        'package.json': JSON.stringify({ name: 'scratch', dependencies: {}, devDependencies: { 'dev-server': '1.0.0' } }),
        'node_modules/dev-server/package.json': JSON.stringify({ name: 'dev-server', version: '1.0.0', main: 'index.js' }),
        'node_modules/dev-server/index.js': 'module.exports = {};\n',
        'node_modules/dev-server/index.d.ts': 'export interface Server { port: number }\n',
      };
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(join(tree, dirname(file)), { recursive: true });
        writeFileSync(join(tree, file), text);
      }
      cpSync('.dependency-cruiser.cjs', join(tree, '.dependency-cruiser.cjs'));
      const result = cruise(tree);
      expect(result.status).not.toBe(0);
      const output = result.stdout + result.stderr;
      expect(output).toMatch(/src-config--imports-only-down: src\/config\/rules\.ts → src\/guardrails\/index\.ts/);
      expect(output).toContain('src/cli/report.ts → src/stacks/app.ts');
      expect(output).toMatch(/src-core--imports-only-down: src\/core\/cost\.ts → src\/verification\/check-apply\.ts/);
      expect(output).toMatch(/product-never-imports-verification: src\/core\/cost\.ts → src\/verification\/check-apply\.ts/);
      // An import of a dev dependency is refused in the product: a require inside a function, and a type import (the shipped .d.ts keeps it).
      expect(output).toMatch(/product-imports-no-dev-dependency: src\/stacks\/plan\.ts → node_modules\/dev-server\/index\.js/);
      expect(output).toMatch(/product-imports-no-dev-dependency: src\/stacks\/types\.ts → node_modules\/dev-server\/index\.js/);
      // The checks may use the product below the front ends, and dev dependencies, but not a front end.
      expect(output).toMatch(/src-verification--imports-only-down: src\/verification\/backend-servers\.ts → src\/cli\/report\.ts/);
      expect(output).not.toContain('src/verification/emulator-gaps.ts →');
      expect(output).not.toContain('src/verification/backend-servers.ts → node_modules');
      // The allowed imports of the scratch tree (the CLI and main.ts to the core's index) are not reported.
      expect(output).not.toContain('src/cli/report.ts → src/core/index.ts');
      expect(output).not.toContain('main.ts → src/core/index.ts');
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });

  it('keep the tests by kind: unit and end-to-end suites never import each other, helpers import no suite, the product imports no test', () => {
    const tree = scratchTree({
      'src/core/index.ts': "import { slow } from '../../test/e2e/slow.test';\nexport const core = slow;\n",
      'test/e2e/slow.test.ts': "import { helper } from '../support/helper';\nexport const slow = helper;\n",
      'test/unit/fast.test.ts': "import { slow } from '../e2e/slow.test';\nimport { other } from './other';\nvoid slow;\nvoid other;\n",
      'test/unit/other.ts': 'export const other = 1;\n',
      'test/support/helper.ts': "import { other } from '../unit/other';\nexport const helper = other;\n",
    });
    try {
      const result = cruise(tree, ['src', 'test']);
      expect(result.status).not.toBe(0);
      const output = result.stdout + result.stderr;
      expect(output).toContain('product-never-imports-tests: src/core/index.ts → test/e2e/slow.test.ts');
      expect(output).toContain('test-kinds-apart: test/unit/fast.test.ts → test/e2e/slow.test.ts');
      expect(output).toContain('test-support-below-suites: test/support/helper.ts → test/unit/other.ts');
      // Within a kind, and from a suite to test/support, imports are allowed.
      expect(output).not.toContain('test/unit/fast.test.ts → test/unit/other.ts');
      expect(output).not.toContain('test/e2e/slow.test.ts → test/support/helper.ts');
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});
