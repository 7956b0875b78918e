import { DefaultTokenResolver, StringConcat, TerraformElement, TerraformOutput, TerraformStack, Tokenization } from 'cdktf';
// cdktf's own merge, so fragments combine exactly as in TerraformStack.toTerraform.
import { deepMerge } from 'cdktf/lib/util';
import type { IConstruct } from 'constructs';
import { ValidationError } from '../validation-error';

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/**
 * A stack that references no other stack and takes no stack-level overrides
 * (overrides go on the element they change). Both let it skip whole-document
 * passes of cdktf that only serve those two features, which were half of the
 * synthesis time of a large environment. The output is the same as cdktf's
 * (test/unit/synth-shortcuts.test.ts compares them).
 */
export class StandaloneStack extends TerraformStack {
  /**
   * cdktf's preparing pass resolves every token one extra time to discover
   * references to other stacks. A standalone stack makes none, so the pass
   * is skipped; such a reference would be caught by terraform validate.
   */
  override prepareStack(): void {
    this.ensureBackendExists();
  }

  /**
   * cdktf merges stack-level overrides into the resolved document and then
   * resolves the whole document again for the tokens they may hold. Without
   * them the second pass has nothing to do, so they are refused here.
   */
  override addOverride(path: string, _value: unknown): never {
    throw new ValidationError(
      `${this.node.id}: stack-level override "${path}" refused; override the element it changes instead (element.addOverride)`,
      this,
    );
  }

  /**
   * The document as TerraformStack.toTerraform builds it: metadata, output
   * IDs, then every element resolved and merged in order; minus the final
   * resolve of the merged document, which has no tokens left.
   */
  override toTerraform(): any {
    const elements = elementsOf(this);
    const metadata: Record<string, unknown> = {
      version: this.node.tryGetContext('cdktfVersion'),
      stackName: this.node.id,
      backend: 'local',
      cloud: undefined,
    };
    for (const element of elements) deepMerge(metadata, this.resolveValue(element.toMetadata()));
    const outputs = {};
    for (const element of elements) {
      if (TerraformOutput.isTerraformOutput(element)) deepMerge(outputs, outputPath(element));
    }
    const document = { '//': { metadata, outputs } };
    for (const element of elements) deepMerge(document, this.resolveValue(element.toTerraform()));
    return document;
  }

  private resolveValue<T>(value: T): T {
    return Tokenization.resolve(value, { scope: this, preparing: false, resolver: RESOLVER });
  }
}

/** The Terraform elements under a node, depth first, not entering nested stacks. */
function elementsOf(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) {
    if (!TerraformStack.isStack(child)) elementsOf(child, into);
  }
  return into;
}

/** `{ a: { b: { output: "<id>" } } }` for an output at construct path a/b/output. */
function outputPath(output: TerraformOutput): Record<string, unknown> {
  return output.node.path
    .split('/')
    .reduceRight<Record<string, unknown>>(
      (inner, part) => (Object.keys(inner).length === 0 ? { [part]: output.friendlyUniqueId } : { [part]: inner }),
      {},
    );
}
