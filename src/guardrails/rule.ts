/** Guardrails: small pure rules over a synthesized stack (cdk.tf.json), each with an ID and a fix. */
import { basename } from 'node:path';

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
  /** Stable ID, used in `guardrails.waivers`: the name of the rule's file (defineRule). */
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

/**
 * A rule of src/guardrails/rules/<id>.ts, its ID taken from its file name
 * (`defineRule(__filename, ...)`), so that the ID waivers name and the file
 * that holds the rule can never differ.
 */
export function defineRule(file: string, rule: Omit<GuardrailRule, 'id'>): GuardrailRule {
  return { id: basename(file).replace(/\.[cm]?[jt]s$/, ''), ...rule };
}

export interface Resource {
  readonly address: string;
  readonly name: string;
  readonly values: any;
}

/**
 * The address of the resource a rule read last (through `resources`), so
 * that a rule that throws is reported on the resource it was checking
 * (src/guardrails/run.ts); undefined before it reads one.
 */
let lastRead: string | undefined;

/** Forgets the resource read last: called before each rule runs. */
export function startReading(): void {
  lastRead = undefined;
}

/** The resource the running rule read last, if any. */
export function lastReadResource(): string | undefined {
  return lastRead;
}

/** Every resource of one type. Reading a resource's values records it as the one being checked. */
export function resources(stack: StackJson, type: string): Resource[] {
  return Object.entries(stack.resource?.[type] ?? {}).map(([name, values]) => {
    const address = `${type}.${name}`;
    return {
      address,
      name,
      get values() {
        lastRead = address;
        return values;
      },
    };
  });
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
  return resources(stack, type)
    .filter((r) => !ok(r.values))
    .map((r) => ({ address: r.address, message }));
}
