/**
 * Guardrail waivers a stack records about itself (the bootstrap's and the
 * controller's, which have no environment file to hold `guardrails.waivers`):
 * written into the stack's Terraform JSON under `//` (a comment to
 * Terraform), read back by the guardrail check, so the reason travels with
 * the resources it excuses.
 */
import { TerraformElement } from 'cdktf';
import type { Construct } from 'constructs';

/** The element that writes a stack's waivers; add reasons until synthesis. */
export class GuardrailWaivers extends TerraformElement {
  private readonly waivers: Record<string, string> = {};

  constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** Waives `rule` for `reason`; a second reason for the same rule is appended. */
  add(rule: string, reason: string): void {
    this.waivers[rule] = this.waivers[rule] ? `${this.waivers[rule]}; ${reason}` : reason;
  }

  override toTerraform(): any {
    const sorted = Object.fromEntries(Object.entries(this.waivers).sort(([a], [b]) => a.localeCompare(b)));
    return Object.keys(sorted).length === 0 ? {} : { '//': { guardrails: { waivers: sorted } } };
  }

  override toMetadata(): any {
    return {};
  }
}

/** The waivers a synthesized stack records (rule ID -> reason). */
export function recordedWaivers(stack: { readonly '//'?: unknown }): Record<string, string> {
  const comment = stack['//'] as { guardrails?: { waivers?: Record<string, string> } } | undefined;
  return { ...(comment?.guardrails?.waivers ?? {}) };
}
