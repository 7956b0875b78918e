/** The layer rules of .dependency-cruiser.cjs hold, and they would catch an upward import. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function cruise(root: string) {
  return spawnSync(process.execPath, [join(process.cwd(), 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), '--config', '.dependency-cruiser.cjs', '--output-type', 'err', 'src', 'main.ts'], { cwd: root, encoding: 'utf8' });
}

describe('layers', () => {
  it('every import points down', () => {
    const result = cruise(process.cwd());
    expect(result.stdout + result.stderr).toContain('no dependency violations found');
    expect(result.status).toBe(0);
  });

  it('fail when config imports the guardrails again', () => {
    const copy = mkdtempSync(join(tmpdir(), 'layers-'));
    try {
      cpSync('src', join(copy, 'src'), { recursive: true });
      cpSync('main.ts', join(copy, 'main.ts'));
      cpSync('.dependency-cruiser.cjs', join(copy, '.dependency-cruiser.cjs'));
      const file = join(copy, 'src/config/rules.ts');
      writeFileSync(file, `import { RULE_IDS } from '../guardrails/index';\nvoid RULE_IDS;\n${readFileSync(file, 'utf8')}`);
      const result = cruise(copy);
      expect(result.status).not.toBe(0);
      expect(result.stdout + result.stderr).toMatch(/src-config--imports-only-down: src\/config\/rules\.ts → src\/guardrails\/index\.ts/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('fail when a front end reaches below the core', () => {
    const copy = mkdtempSync(join(tmpdir(), 'layers-'));
    try {
      cpSync('src', join(copy, 'src'), { recursive: true });
      cpSync('main.ts', join(copy, 'main.ts'));
      cpSync('.dependency-cruiser.cjs', join(copy, '.dependency-cruiser.cjs'));
      const file = join(copy, 'src/cli/report.ts');
      writeFileSync(file, `import { synthesizeApp } from '../stacks/app';\nvoid synthesizeApp;\n${readFileSync(file, 'utf8')}`);
      const result = cruise(copy);
      expect(result.status).not.toBe(0);
      expect(result.stdout + result.stderr).toContain('src/cli/report.ts → src/stacks/app.ts');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
