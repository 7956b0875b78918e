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

  it('fail when config imports the guardrails, a front end reaches below the core, or the product loads the verification checks', () => {
    const copy = mkdtempSync(join(tmpdir(), 'layers-'));
    try {
      cpSync('src', join(copy, 'src'), { recursive: true });
      cpSync('main.ts', join(copy, 'main.ts'));
      cpSync('.dependency-cruiser.cjs', join(copy, '.dependency-cruiser.cjs'));
      const prepend = (file: string, line: string) => writeFileSync(join(copy, file), `${line}\n${readFileSync(join(copy, file), 'utf8')}`);
      prepend('src/config/rules.ts', "import { RULE_IDS } from '../guardrails/index';\nvoid RULE_IDS;");
      prepend('src/cli/report.ts', "import { synthesizeApp } from '../stacks/app';\nvoid synthesizeApp;");
      prepend('src/core/cost.ts', "import { checkApply } from '../verification/check-apply';\nvoid checkApply;");
      prepend('src/verification/emulator-gaps.ts', "import { synthesizeApp } from '../stacks/app';\nvoid synthesizeApp;");
      const result = cruise(copy);
      expect(result.status).not.toBe(0);
      const output = result.stdout + result.stderr;
      expect(output).toMatch(/src-config--imports-only-down: src\/config\/rules\.ts → src\/guardrails\/index\.ts/);
      expect(output).toContain('src/cli/report.ts → src/stacks/app.ts');
      expect(output).toMatch(/src-core--imports-only-down: src\/core\/cost\.ts → src\/verification\/check-apply\.ts/);
      expect(output).toMatch(/src-verification--imports-only-down: src\/verification\/emulator-gaps\.ts → src\/stacks\/app\.ts/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
