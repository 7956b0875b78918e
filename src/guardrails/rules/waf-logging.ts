import { defineRule, referencing, resources } from '../rule';

export const wafLogging = defineRule(__filename, {
  description: 'Web ACLs log the requests they inspect',
  scannerIds: ['CKV2_AWS_31'],
  scope: 'all',
  fix: 'add an aws_wafv2_web_acl_logging_configuration (loadBalancer.waf logs to aws-waf-logs-<prefix>)',
  check: (stack) =>
    resources(stack, 'aws_wafv2_web_acl')
      .filter((acl) => referencing(stack, 'aws_wafv2_web_acl_logging_configuration', 'resource_arn', acl).length === 0)
      .map((acl) => ({ address: acl.address, message: 'the web ACL logs nothing' })),
});
