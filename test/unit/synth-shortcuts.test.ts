/**
 * The synthesis shortcuts (src/app.ts, src/stacks/standalone-stack.ts) must
 * not change the output: the example and the unusual environments synthesize
 * to the same JSON as with cdktf's own preparing pass, document assembly and
 * token stack traces.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { buildApp, synthesizeApp } from '../../src/stacks/app';
import { loadEnvironments } from '../../src/core/index';
import type { EnvironmentConfig } from '../../src/config/resolve';
import { EnvironmentStack } from '../../src/stacks/environment-stack';
import { configOf, exampleConfigs, MINIMAL_ENVIRONMENT } from '../support/helpers';

function stacksIn(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(join(dir, 'stacks')).map((name) => [name, readFileSync(join(dir, 'stacks', name, 'cdk.tf.json'), 'utf8')]),
  );
}

/**
 * Synthesizes with cdktf's own TerraformStack methods in place of the
 * shortcuts, token stack traces recorded. They are formatted as Node formats
 * them: jest's own formatting (source maps for every frame) would make this
 * one comparison take seconds, and formatting is not what is compared.
 */
function synthesizeUnaltered(configs: readonly EnvironmentConfig[], outdir: string): void {
  const errors = Error as { prepareStackTrace?: unknown };
  const format = errors.prepareStackTrace;
  errors.prepareStackTrace = undefined;
  try {
    const app = buildApp(configs, { outdir });
    for (const child of app.node.children) {
      const stack = child as TerraformStack;
      TerraformStack.prototype.prepareStack.call(stack);
      stack.prepareStack = () => undefined;
      stack.toTerraform = TerraformStack.prototype.toTerraform;
    }
    app.synth();
  } finally {
    errors.prepareStackTrace = format;
  }
}

describe('synthesis shortcuts', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'shortcuts-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each([
    ['example', exampleConfigs(), 5],
    ['unusual', loadEnvironments('test/fixtures/unusual').map((e) => e.config), 5],
  ])('produce the same stacks as cdktf unaltered (%s environments)', (name, configs, stackCount) => {
    const fast = join(scratch, `${name}-fast`);
    const plain = join(scratch, `${name}-plain`);
    synthesizeApp(configs, { outdir: fast });
    synthesizeUnaltered(configs, plain);
    const expected = stacksIn(plain);
    expect(Object.keys(expected)).toHaveLength(stackCount);
    expect(stacksIn(fast)).toEqual(expected);
  });

  it('restore stack traces after synthesizing', () => {
    expect(new Error('after').stack).toMatch(/synth-shortcuts\.test\.ts/);
  });

  it('refuse stack-level overrides, which the single resolve pass would leave unresolved', () => {
    const stack = new EnvironmentStack(new App(), configOf(MINIMAL_ENVIRONMENT));
    expect(() => stack.addOverride('terraform.backend.s3.use_lockfile', true)).toThrow(
      'dev: stack-level override "terraform.backend.s3.use_lockfile" refused; override the element it changes instead (element.addOverride)',
    );
  });
});
