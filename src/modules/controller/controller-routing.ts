import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Construct } from 'constructs';
import { ValidationError } from '../../validation-error';

/** The path GitHub delivers webhooks to (src/controller/server.ts). */
export const WEBHOOK_PATH = '/webhooks/github';

/** Source CIDRs per listener rule: ALB rules take five condition values; every rule spends one on its host, the webhook rule one more on its path. */
const WEBHOOK_CIDRS_PER_RULE = 3;
const UI_CIDRS_PER_RULE = 4;

/** Consecutive listener rule priorities this construct may use, from `priority`. */
export const CONTROLLER_RULE_PRIORITIES = 10;

export interface ControllerRoutingProps {
  /** `<project>-controller`, at most 25 characters before the suffix. */
  readonly name: string;
  readonly vpcId: string;
  /** The HTTPS listener. */
  readonly listenerArn: string;
  /** The controller's host name: every rule matches only this Host header (an existing listener's other hosts stay its own). */
  readonly host: string;
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
 * listener's default answer. Every rule matches only the controller's
 * host name, and the client's own address (the ALB source-ip condition, not
 * X-Forwarded-For).
 */
export class ControllerRouting extends Construct {
  readonly targetGroup: LbTargetGroup;
  readonly rules: LbListenerRule[] = [];

  constructor(scope: Construct, id: string, props: ControllerRoutingProps) {
    super(scope, id);
    const webhook = chunks(props.webhookCidrs, WEBHOOK_CIDRS_PER_RULE);
    const ui = chunks(props.allowedCidrs ?? [], UI_CIDRS_PER_RULE);
    const host = { hostHeader: { values: [props.host] } };
    if (webhook.length + ui.length > CONTROLLER_RULE_PRIORITIES)
      throw new ValidationError(
        `ControllerRouting: ${webhook.length + ui.length} rules, more than the ${CONTROLLER_RULE_PRIORITIES} priorities reserved`,
        this,
      );
    this.targetGroup = new LbTargetGroup(this, 'target-group', {
      name: `${props.name.slice(0, 25)}-tg`,
      port: props.port,
      protocol: 'HTTP',
      targetType: 'ip',
      vpcId: props.vpcId,
      // A replaced task finishes its step (serve --stop-timeout-seconds) before it goes.
      deregistrationDelay: '60',
      // The status page's sessions live in the task that signed the browser in: keep a browser on that task.
      stickiness: { type: 'lb_cookie', enabled: true, cookieDuration: 12 * 3600 },
      healthCheck: {
        enabled: true,
        path: '/healthz',
        matcher: '200',
        interval: 30,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
        protocol: 'HTTP',
      },
    });
    const forward = [{ type: 'forward', targetGroupArn: this.targetGroup.arn }];
    let priority = props.priority;
    webhook.forEach((cidrs, i) => {
      this.rules.push(
        new LbListenerRule(this, `webhook-${i + 1}`, {
          listenerArn: props.listenerArn,
          priority: priority++,
          condition: [host, { pathPattern: { values: [WEBHOOK_PATH] } }, { sourceIp: { values: cidrs } }],
          action: forward,
        }),
      );
    });
    ui.forEach((cidrs, i) => {
      this.rules.push(
        new LbListenerRule(this, `ui-${i + 1}`, {
          listenerArn: props.listenerArn,
          priority: priority++,
          condition: [host, { sourceIp: { values: cidrs } }],
          action: forward,
        }),
      );
    });
  }
}

function chunks(cidrs: readonly string[], size: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < cidrs.length; i += size) out.push(cidrs.slice(i, i + size));
  return out;
}
