/** Guardrails: small pure rules over a synthesized stack (cdk.tf.json), each with an ID and a fix. */

/** A synthesized stack as Terraform JSON. */
export type StackJson = { resource?: Record<string, Record<string, any>>; [key: string]: unknown };

export interface Finding {
  /** The Terraform address, for example aws_lb.load-balancer_load-balancer_1A2B3C4D. */
  readonly address: string;
  readonly message: string;
}

export interface RuleContext {
  /** Production environments get the stricter rules and thresholds. */
  readonly production: boolean;
}

export interface GuardrailRule {
  /** Stable ID, used in `guardrails.waivers`. */
  readonly id: string;
  readonly description: string;
  /** The matching checks of common scanners (Checkov IDs), where one exists. */
  readonly scannerIds: readonly string[];
  /** `production` rules are checked in production environments only. */
  readonly scope: 'all' | 'production';
  /** How to comply, said once for every finding. */
  readonly fix: string;
  readonly check: (stack: StackJson, context: RuleContext) => Finding[];
}

export interface Resource {
  readonly address: string;
  readonly name: string;
  readonly values: any;
}

/** Every resource of one type. */
export function resources(stack: StackJson, type: string): Resource[] {
  return Object.entries(stack.resource?.[type] ?? {}).map(([name, values]) => ({ address: `${type}.${name}`, name, values }));
}

/** Whether a value (an attribute or a whole block) refers to a resource. */
export function refersTo(value: unknown, resource: Resource): boolean {
  return JSON.stringify(value ?? null).includes(`\${${resource.address}.`);
}

/** The resources of `type` whose `attribute` refers to `target`. */
export function referencing(stack: StackJson, type: string, attribute: string, target: Resource): Resource[] {
  return resources(stack, type).filter((r) => refersTo(r.values[attribute], target));
}

/** Findings for every resource of `type` that fails `ok`. */
export function everyResource(stack: StackJson, type: string, ok: (values: any) => boolean, message: string): Finding[] {
  return resources(stack, type).filter((r) => !ok(r.values)).map((r) => ({ address: r.address, message }));
}
