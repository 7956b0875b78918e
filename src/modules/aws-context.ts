import { TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
import { dnsSuffixOf, partitionOf } from '../aws-facts';

/** Where a stack's resources live: what a stack gives `AwsContext.set`. */
export interface AwsPlace {
  readonly region: string;
  /** The 12-digit account ID. */
  readonly accountId: string;
}

/**
 * Each stack's context. Kept here rather than in construct context
 * (node.setContext), which is untyped and falls back to the app's: a stack
 * that set nothing must fail, not read another's place.
 */
const CONTEXTS = new WeakMap<TerraformStack, AwsContext>();

/**
 * The AWS place of one stack: its partition, region, account and the DNS
 * suffix of the region's service endpoints. Modules build ARNs, service
 * principals and key policies from it. A stack sets it once, in its
 * constructor before it adds any module (`AwsContext.set(this, ...)`); a
 * module reads it from the stack it is in (`AwsContext.of(this)`) rather
 * than taking the same four values as props from every caller. The
 * partition and DNS suffix follow from the region (src/aws-facts.ts), so a
 * stack cannot give a mismatched pair.
 */
export class AwsContext {
  /** The ARN partition: aws, aws-cn or aws-us-gov. */
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** The DNS suffix of the region's service endpoints: amazonaws.com, amazonaws.com.cn. */
  readonly dnsSuffix: string;

  private constructor(place: AwsPlace) {
    this.region = place.region;
    this.accountId = place.accountId;
    this.partition = partitionOf(place.region);
    this.dnsSuffix = dnsSuffixOf(place.region);
  }

  /** An ARN in this partition, region and account: `arn:<partition>:<service>:<region>:<account>:<resource>`. */
  arn(service: string, resource: string): string {
    return `arn:${this.partition}:${service}:${this.region}:${this.accountId}:${resource}`;
  }

  /** Gives `stack` its context; once per stack. */
  static set(stack: TerraformStack, place: AwsPlace): AwsContext {
    if (CONTEXTS.has(stack))
      throw new Error(`${stack.node.path}: the stack's AWS context is set already; a stack has one place (one region and account)`);
    const context = new AwsContext(place);
    CONTEXTS.set(stack, context);
    return context;
  }

  /** The context of the stack `scope` is in; an error naming the construct when that stack has none. */
  static of(scope: IConstruct): AwsContext {
    const stack = [...scope.node.scopes].reverse().find((s): s is TerraformStack => TerraformStack.isStack(s));
    if (stack === undefined) {
      throw new Error(`${scope.node.path}: not inside a stack, so it has no AWS context; create it in a stack that calls AwsContext.set`);
    }
    const context = CONTEXTS.get(stack);
    if (context === undefined) {
      throw new Error(
        `${scope.node.path}: its stack ${stack.node.path} has no AWS context; the stack calls AwsContext.set(this, { region, accountId }) in its constructor, before it adds modules`,
      );
    }
    return context;
  }
}
