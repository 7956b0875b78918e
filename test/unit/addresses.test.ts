/**
 * The Terraform addresses of every example environment's resources. A
 * changed address means Terraform destroys and recreates that resource, so
 * this snapshot fails on any rename. When the change is intended, accept it
 * with `npx jest test/unit/addresses.test.ts -u` and say why in the commit.
 */
import { Testing } from 'cdktf';
import { stackAddresses } from '../../src/core/index';
import { buildApp } from '../../src/stacks/app';
import { exampleConfigs } from '../support/helpers';


const app = buildApp(exampleConfigs(), { outdir: Testing.app().outdir });

describe.each(app.node.children.map((stack) => [stack.node.id, stack] as const))('stack %s', (_name, stack) => {
  it('keeps its resource addresses', () => {
    expect(stackAddresses(Testing.synth(stack as never))).toMatchSnapshot();
  });
});
