import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Construct } from 'constructs';

/** The path GitHub delivers webhooks to (src/controller/server.ts). */
export const WEBHOOK_PATH = '/webhooks/github';

/** Source CIDRs per listener rule: ALB rules take five condition values, and the webhook rule spends one on its path. */
const CIDRS_PER_RULE = 4;

/** Consecutive listener rule priorities this construct may use, from `priority`. */
export const CONTROLLER_RULE_PRIORITIES = 10;

export interface ControllerRoutingProps {
  /** `<project>-controller`, at most 25 characters before the suffix. */
  readonly name: string;
  readonly vpcId: string;
  /** The HTTPS listener. */
  readonly listenerArn: string;
  /** The first rule priority; up to CONTROLLER_RULE_PRIORITIES consecutive ones are used. */
  readonly priority: number;
  readonly port: number;
  /** Who may reach /webhooks/github (GitHub's hook ranges). */
  readonly webhookCidrs: readonly string[];
  /** Who may reach every other path: the page and the API. @default [] (nobody) */
  readonly allowedCidrs?: readonly string[];
}

/**
 * The controller's target group and listener rules: the webhook path from
 * GitHub's ranges, every path from `allowedCidrs`; anything else gets the
 * listener's default answer. Rules match the client's own address (the ALB
 * source-ip condition, not X-Forwarded-For).
 */
export class ControllerRouting extends Construct {
  readonly targetGroup: LbTargetGroup;
  readonly rules: LbListenerRule[] = [];

  constructor(scope: Construct, id: string, props: ControllerRoutingProps) {
    super(scope, id);
    const webhook = chunks(props.webhookCidrs);
    const ui = chunks(props.allowedCidrs ?? []);
    if (webhook.length + ui.length > CONTROLLER_RULE_PRIORITIES) throw new Error(`ControllerRouting: ${webhook.length + ui.length} rules, more than the ${CONTROLLER_RULE_PRIORITIES} priorities reserved`);
    this.targetGroup = new LbTargetGroup(this, 'target-group', {
      name: `${props.name.slice(0, 25)}-tg`,
      port: props.port,
      protocol: 'HTTP',
      targetType: 'ip',
      vpcId: props.vpcId,
      // One task, serialized runs: a replaced task finishes its step (serve --stop-timeout-seconds) before it goes.
      deregistrationDelay: '60',
      healthCheck: { enabled: true, path: '/healthz', matcher: '200', interval: 30, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3, protocol: 'HTTP' },
    });
    const forward = [{ type: 'forward', targetGroupArn: this.targetGroup.arn }];
    let priority = props.priority;
    webhook.forEach((cidrs, i) => {
      this.rules.push(new LbListenerRule(this, `webhook-${i + 1}`, {
        listenerArn: props.listenerArn,
        priority: priority++,
        condition: [{ pathPattern: { values: [WEBHOOK_PATH] } }, { sourceIp: { values: cidrs } }],
        action: forward,
      }));
    });
    ui.forEach((cidrs, i) => {
      this.rules.push(new LbListenerRule(this, `ui-${i + 1}`, {
        listenerArn: props.listenerArn,
        priority: priority++,
        condition: [{ sourceIp: { values: cidrs } }],
        action: forward,
      }));
    });
  }
}

function chunks(cidrs: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < cidrs.length; i += CIDRS_PER_RULE) out.push(cidrs.slice(i, i + CIDRS_PER_RULE));
  return out;
}
