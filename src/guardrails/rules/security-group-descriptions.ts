import { defineRule, resources } from '../rule';

export const securityGroupDescriptions = defineRule(__filename, {
  description: 'Security groups and their rules say what they are for',
  scannerIds: ['CKV_AWS_23'],
  scope: 'all',
  fix: 'give the group or rule a description',
  check: (stack) =>
    ['aws_security_group', 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule']
      .flatMap((type) => resources(stack, type))
      .filter((r) => !r.values.description)
      .map((r) => ({ address: r.address, message: 'no description' })),
});
