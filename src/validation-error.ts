/**
 * Invalid input that reached a construct, named by the construct that
 * refused it (like aws-cdk's ValidationError). Configuration is checked
 * before any construct is made, with FILE:LINE:COL problems
 * (src/config/problems.ts); what gets past those checks (a module used
 * directly, a combination no config rule covers) is refused here, before the
 * construct makes any resource. The CLI prints the message and the path, exit
 * code 1 (EXIT.userError), no stack trace.
 */
import type { IConstruct } from 'constructs';

export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  /** What is wrong and how to fix it, without the path. */
  readonly detail: string;
  /** The path of the construct that refused its input in the construct tree, for example `shop-dev/service-api`. */
  readonly constructPath: string;

  constructor(detail: string, scope: IConstruct) {
    super(`${detail}\n  at ${scope.node.path}`);
    this.detail = detail;
    this.constructPath = scope.node.path;
  }
}
