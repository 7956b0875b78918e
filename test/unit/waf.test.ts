/**
 * The web application firewall (docs/workloads.md): the web
 * ACL, its rules, association and logs in the workloads fixture, on by
 * default in the production example, the waf-enabled guardrail and its
 * waiver, the validation problems, cost lines and diagram edge.
 */
import { estimateStack } from '../../src/cost/estimate';
import { diagramOf } from '../../src/diagram/model';
import { RULES } from '../../src/guardrails/index';
import { runGuardrails } from '../../src/guardrails/run';
import { MINIMAL_ENVIRONMENT, configOf, exampleConfig, problemsOf, resourcesOf, synthEnvironment } from '../support/helpers';
import { only, workloads } from '../support/workloads-fixture';

const fixture = workloads();
const prod = fixture.stack('production');
const dev = fixture.stack('dev');
const ref = (address: string, attribute: string) => `\${${address}.${attribute}}`;
const managed = (name: string, priority: number, override: 'none' | 'count') => ({
  name,
  priority,
  override_action: { [override]: {} },
  statement: { managed_rule_group_statement: { name, vendor_name: 'AWS' } },
  visibility_config: { cloudwatch_metrics_enabled: true, metric_name: name, sampled_requests_enabled: true },
});

describe('the production web ACL', () => {
  const [aclName, acl] = only(prod, 'aws_wafv2_web_acl', 'waf_');

  it('is regional, allows by default, rate-limits each client IP first, then runs the managed rule groups, blocking', () => {
    expect(acl).toMatchObject({ name: 'books-production-waf', scope: 'REGIONAL', default_action: { allow: {} } });
    expect(acl.rule).toEqual([
      {
        name: 'rate-limit-per-ip',
        priority: 0,
        action: { block: {} },
        statement: { rate_based_statement: { limit: 2000, aggregate_key_type: 'IP' } },
        visibility_config: { cloudwatch_metrics_enabled: true, metric_name: 'rate-limit-per-ip', sampled_requests_enabled: true },
      },
      managed('AWSManagedRulesCommonRuleSet', 1, 'none'),
      managed('AWSManagedRulesKnownBadInputsRuleSet', 2, 'none'),
      managed('AWSManagedRulesAmazonIpReputationList', 3, 'none'),
    ]);
  });

  it('is attached to the load balancer and logs to aws-waf-logs-<prefix> under the customer key, without credentials', () => {
    const [lbName] = only(prod, 'aws_lb', 'load-balancer_');
    expect(only(prod, 'aws_wafv2_web_acl_association', 'waf_')[1]).toEqual({
      resource_arn: ref(`aws_lb.${lbName}`, 'arn'),
      web_acl_arn: ref(`aws_wafv2_web_acl.${aclName}`, 'arn'),
    });
    const [groupName, group] = only(prod, 'aws_cloudwatch_log_group', 'waf_');
    const keyName = Object.keys(prod.resource.aws_kms_key).find((k) => k.startsWith('logs-key_'))!;
    expect(group).toMatchObject({
      name: 'aws-waf-logs-books-production',
      retention_in_days: 30,
      kms_key_id: ref(`aws_kms_key.${keyName}`, 'arn'),
    });
    expect(only(prod, 'aws_wafv2_web_acl_logging_configuration', 'waf_')[1]).toEqual({
      resource_arn: ref(`aws_wafv2_web_acl.${aclName}`, 'arn'),
      log_destination_configs: [ref(`aws_cloudwatch_log_group.${groupName}`, 'arn')],
      redacted_fields: [{ single_header: { name: 'authorization' } }, { single_header: { name: 'cookie' } }],
    });
  });

  it('costs the ACL, its rules and the requests it inspects, has a dashboard row, and is drawn in front of the load balancer', () => {
    const estimate = estimateStack(fixture.json('production'), 'production');
    expect(estimate.lines.filter((l) => l.address === `aws_wafv2_web_acl.${aclName}`).map((l) => [l.item, l.quantity, l.monthly])).toEqual([
      ['web ACL', 1, 5],
      ['rules (4: the rate limit and each managed rule group)', 4, 4],
      ['requests inspected (5 a second)', 13.14, 7.884],
    ]);
    const body = JSON.parse((Object.values(prod.resource.aws_cloudwatch_dashboard)[0] as any).dashboard_body);
    const widget = body.widgets.find((w: any) => w.properties.title === 'Requests allowed, blocked, counted');
    expect(widget.properties.metrics.map((m: any[]) => m.slice(0, 8))).toEqual([
      ['AWS/WAFV2', 'AllowedRequests', 'WebACL', 'books-production-waf', 'Region', 'eu-west-1', 'Rule', 'ALL'],
      ['AWS/WAFV2', 'BlockedRequests', 'WebACL', 'books-production-waf', 'Region', 'eu-west-1', 'Rule', 'ALL'],
      ['AWS/WAFV2', 'CountedRequests', 'WebACL', 'books-production-waf', 'Region', 'eu-west-1', 'Rule', 'ALL'],
    ]);
    const diagram = diagramOf(fixture.json('production'), 'production');
    expect(diagram.edges.filter((e) => e.from.startsWith('waf_')).map((e) => [e.to, e.label])).toEqual([
      ['lb_load-balancer_30A23327'.replace(/-/g, '_'), 'inspects requests'],
    ]);
  });
});

describe('a dev web ACL', () => {
  it('counts the rule groups listed in countOnly instead of blocking, at its own rate limit', () => {
    const [, acl] = only(dev, 'aws_wafv2_web_acl', 'waf_');
    expect(acl.rule.map((r: any) => [r.name, r.action ?? r.override_action, r.statement.rate_based_statement?.limit])).toEqual([
      ['rate-limit-per-ip', { block: {} }, 1000],
      ['AWSManagedRulesCommonRuleSet', { count: {} }, undefined],
      ['AWSManagedRulesKnownBadInputsRuleSet', { none: {} }, undefined],
      ['AWSManagedRulesAmazonIpReputationList', { none: {} }, undefined],
    ]);
  });
});

describe('the example environments', () => {
  it('have a web ACL in production by default, and none elsewhere', () => {
    expect(Object.values(resourcesOf(synthEnvironment(exampleConfig('prod')), 'aws_wafv2_web_acl')).map((a) => a.name)).toEqual([
      'shop-prod-waf',
    ]);
    expect(resourcesOf(synthEnvironment(exampleConfig('dev')), 'aws_wafv2_web_acl')).toEqual({});
  });
});

describe('the waf-enabled guardrail', () => {
  const rule = RULES.filter((r) => r.id === 'waf-enabled');
  const routed = `services:
  api: { image: public.ecr.aws/nginx/nginx:1.27, cpu: 256, memory: 512, port: 80, routing: { hosts: [api.example.com], priority: 10 } }
gitops: { approvers: [alice] }
loadBalancer: { waf: { enabled: false } }
`;
  const config = configOf(`${MINIMAL_ENVIRONMENT.replace('project: shop', 'project: shop\nenvironment: prod')}${routed}`);
  const stack = JSON.parse(synthEnvironment(config));

  it('fails a production environment that turned the WAF off, unless a waiver says why', () => {
    expect(config.loadBalancer.waf.enabled).toBe(false);
    const report = runGuardrails({ environment: 'prod', production: true, waivers: {}, stack }, rule);
    expect(report.failed).toBe(true);
    expect(report.results[0]!.findings.map((f) => f.message)).toEqual(['the public load balancer has no web ACL']);
    expect(
      runGuardrails(
        {
          environment: 'prod',
          production: true,
          waivers: { 'waf-enabled': 'a CDN with its own firewall fronts the load balancer' },
          stack,
        },
        rule,
      ).failed,
    ).toBe(false);
  });
});

describe('WAF configuration', () => {
  it('refuses a WAF without a load balancer, a counted rule group that is not used, and an unknown one', () => {
    expect(problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}loadBalancer:\n  waf: { enabled: true, countOnly: [linux] }\n` })).toEqual([
      'cfg/dev.yaml:11:19 loadBalancer.waf.enabled: there is no load balancer to protect (no service has routing); remove loadBalancer.waf.enabled',
      'cfg/dev.yaml:11:37 loadBalancer.waf.countOnly.0: linux is not in managedRules; add it there or remove it here',
    ]);
    expect(problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}loadBalancer:\n  waf: { managedRules: [common, botControl] }\n` })).toEqual([
      'cfg/dev.yaml:11:33 loadBalancer.waf.managedRules.1: a managed rule group is one of common, knownBadInputs, ipReputation, anonymousIp, sqlInjection, linux',
    ]);
  });
});
