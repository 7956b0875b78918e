import { TerraformElement } from 'cdktf';
import type { Construct } from 'constructs';

/**
 * A Terraform `removed` block with `destroy = false`: the object state
 * records at `from` (an address, see legacyAddress) leaves Terraform's
 * management and stays where it is. Where state has nothing at `from`, the
 * block does nothing.
 */
export class RemovedBlock extends TerraformElement {
  private readonly from: string;

  constructor(scope: Construct, id: string, from: string) {
    super(scope, id);
    this.from = from;
  }

  override toTerraform(): unknown {
    return { removed: [{ from: this.from, lifecycle: { destroy: false } }] };
  }
}
