/**
 * The Terraform addresses of every example environment's resources. A
 * changed address means Terraform destroys and recreates that resource, so
 * this snapshot fails on any rename. When the change is intended, accept it
 * with `npx jest modules-tests/addresses.test.ts -u` and say why in the commit.
 */
import { Testing } from 'cdktf';
import { buildApp } from '../src/stacks/app';
import { exampleConfigs } from './helpers';

function addresses(stackJson: string): string[] {
  const resources: Record<string, Record<string, unknown>> = JSON.parse(stackJson).resource ?? {};
  return Object.entries(resources).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`)).sort();
}

const app = buildApp(exampleConfigs(), { outdir: Testing.app().outdir });

describe.each(app.node.children.map((stack) => [stack.node.id, stack] as const))('stack %s', (_name, stack) => {
  it('keeps its resource addresses', () => {
    expect(addresses(Testing.synth(stack as never))).toMatchSnapshot();
  });
});
