import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { Wafv2WebAclLoggingConfiguration } from '@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration';
import { Construct } from 'constructs';
import { LogGroup } from '../logs/log-group';
import { ValidationError } from '../../validation-error';

/** The AWS managed rule groups the project offers, by the short names config uses. */
export const MANAGED_RULE_GROUPS = {
  common: 'AWSManagedRulesCommonRuleSet',
  knownBadInputs: 'AWSManagedRulesKnownBadInputsRuleSet',
  ipReputation: 'AWSManagedRulesAmazonIpReputationList',
  anonymousIp: 'AWSManagedRulesAnonymousIpList',
  sqlInjection: 'AWSManagedRulesSQLiRuleSet',
  linux: 'AWSManagedRulesLinuxRuleSet',
} as const;
export type ManagedRuleGroup = keyof typeof MANAGED_RULE_GROUPS;

/** The rate-based rule's name (and metric). */
export const RATE_LIMIT_RULE = 'rate-limit-per-ip';

export interface WebAclProps {
  /** The web ACL's name (1-128). */
  readonly name: string;
  /** The load balancer to protect. */
  readonly loadBalancerArn: string;
  /** Managed rule groups, evaluated in this order after the rate limit. */
  readonly managedRules: readonly ManagedRuleGroup[];
  /** Requests per client IP in any 5 minutes before it is blocked. */
  readonly rateLimitPerFiveMinutes: number;
  /** Rules that only count (managed groups by short name, or `rateLimit`). @default none */
  readonly countOnly?: readonly string[];
  /** The log group, named aws-waf-logs-* (WAF delivers only to such names). */
  readonly logs: { readonly name: string; readonly retentionDays: number; readonly kmsKeyArn?: string };
}

/** CloudWatch metric names of a web ACL's rules: letters, digits, - and _ (128 at most). */
function metricName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 128);
}

/**
 * A WAFv2 web ACL (REGIONAL) on an application load balancer: a rate limit
 * per client IP first, then the AWS managed rule groups, each blocking or
 * (countOnly) counting; everything else allowed. Requests are logged to a
 * log group of its own with the Authorization and Cookie headers redacted.
 */
export class WebAcl extends Construct {
  readonly webAcl: Wafv2WebAcl;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    if (!props.logs.name.startsWith('aws-waf-logs-'))
      throw new ValidationError(`WebAcl: WAF logs only to log groups named aws-waf-logs-*, not ${props.logs.name}`, this);
    const counted = new Set(props.countOnly ?? []);
    const visibility = (name: string) => ({ cloudwatchMetricsEnabled: true, metricName: metricName(name), sampledRequestsEnabled: true });
    const rules = [
      {
        name: RATE_LIMIT_RULE,
        priority: 0,
        action: counted.has('rateLimit') ? { count: {} } : { block: {} },
        statement: { rate_based_statement: { limit: props.rateLimitPerFiveMinutes, aggregate_key_type: 'IP' } },
        visibilityConfig: visibility(RATE_LIMIT_RULE),
      },
      ...props.managedRules.map((rule, i) => ({
        name: MANAGED_RULE_GROUPS[rule],
        priority: i + 1,
        overrideAction: counted.has(rule) ? { count: {} } : { none: {} },
        statement: { managed_rule_group_statement: { name: MANAGED_RULE_GROUPS[rule], vendor_name: 'AWS' } },
        visibilityConfig: visibility(MANAGED_RULE_GROUPS[rule]),
      })),
    ];
    this.webAcl = new Wafv2WebAcl(this, 'web-acl', {
      name: props.name,
      description: `Rate limit and AWS managed rules in front of load balancer ${props.name}`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rule: rules,
      visibilityConfig: visibility(props.name),
    });
    new Wafv2WebAclAssociation(this, 'association', { resourceArn: props.loadBalancerArn, webAclArn: this.webAcl.arn });
    this.logGroup = new LogGroup(this, 'logs', props.logs);
    new Wafv2WebAclLoggingConfiguration(this, 'logging', {
      resourceArn: this.webAcl.arn,
      logDestinationConfigs: [this.logGroup.arn],
      redactedFields: [{ singleHeader: { name: 'authorization' } }, { singleHeader: { name: 'cookie' } }],
    });
  }
}
