import { defineRule, referencing, resources } from '../rule';

/**
 * The environment's own load balancer (construct `load-balancer`, the one
 * services route through) when it faces the internet. Teleport's proxy and
 * the controller's load balancer carry clients a managed rule set would
 * break (tsh's TLS routing, signed webhooks) and are checked by their own rules.
 */
export const wafEnabled = defineRule(__filename, {
  description: 'A public load balancer of the services has a web application firewall',
  scannerIds: ['CKV2_AWS_28'],
  scope: 'production',
  fix: 'remove loadBalancer.waf.enabled: false (a WAF is on by default in production), or waive waf-enabled with the reason',
  check: (stack) =>
    resources(stack, 'aws_lb')
      .filter((lb) => lb.name.startsWith('load-balancer_') && lb.values.internal !== true)
      .filter((lb) => referencing(stack, 'aws_wafv2_web_acl_association', 'resource_arn', lb).length === 0)
      .map((lb) => ({ address: lb.address, message: 'the public load balancer has no web ACL' })),
});
