import { TerraformElement, TerraformStack, type TerraformResource } from 'cdktf';
// cdktf's own naming of elements, to name the address a resource had under an earlier construct ID.
import { makeUniqueId } from 'cdktf/lib/private/unique';
import type { Construct } from 'constructs';

/**
 * A Terraform `moved` block: state recorded under an earlier address is
 * moved to `resource` instead of being destroyed and created again.
 * (cdktf's own `moveFromId` would make every synth run `terraform version`
 * to check for Terraform >= 1.5; this project needs 1.10 anyway.)
 */
export class MovedBlock extends TerraformElement {
  private readonly from: string;
  private readonly to: TerraformResource;

  constructor(scope: Construct, id: string, to: TerraformResource, from: string) {
    super(scope, id);
    this.from = from;
    this.to = to;
  }

  override toTerraform(): unknown {
    return { moved: [{ from: this.from, to: `${this.to.terraformResourceType}.${this.to.friendlyUniqueId}` }] };
  }
}

/** The address cdktf gave a resource of `type` with construct ID `id` under `scope`. */
export function legacyAddress(scope: Construct, type: string, id: string): string {
  const stack = TerraformStack.of(scope);
  const components = scope.node.scopes.slice(stack.node.scopes.length).map((c) => c.node.id);
  return `${type}.${makeUniqueId([...components, id])}`;
}
