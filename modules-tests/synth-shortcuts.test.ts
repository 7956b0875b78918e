/**
 * The synthesis shortcuts (src/app.ts, EnvironmentStack.prepareStack) must not
 * change the output: the example environments synthesize to the same JSON as
 * with cdktf's own preparing pass and token stack traces.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformStack } from 'cdktf';
import { buildApp, synthesizeApp } from '../src/app';
import { exampleConfigs } from './helpers';

function stacksIn(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(join(dir, 'stacks')).map((name) => [name, readFileSync(join(dir, 'stacks', name, 'cdk.tf.json'), 'utf8')]));
}

describe('synthesis shortcuts', () => {
  const fast = mkdtempSync(join(tmpdir(), 'fast-'));
  const plain = mkdtempSync(join(tmpdir(), 'plain-'));
  afterAll(() => {
    rmSync(fast, { recursive: true, force: true });
    rmSync(plain, { recursive: true, force: true });
  });

  it('produce the same stacks as cdktf unaltered', () => {
    synthesizeApp(exampleConfigs(), { outdir: fast });
    const app = buildApp(exampleConfigs(), { outdir: plain });
    for (const stack of app.node.children) TerraformStack.prototype.prepareStack.call(stack as TerraformStack);
    app.synth();
    const expected = stacksIn(plain);
    expect(Object.keys(expected)).toHaveLength(4);
    expect(stacksIn(fast)).toEqual(expected);
  });

  it('restore stack traces after synthesizing', () => {
    expect(new Error('after').stack).toMatch(/synth-shortcuts\.test\.ts/);
  });
});
