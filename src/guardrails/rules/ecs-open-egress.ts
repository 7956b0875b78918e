import { defineRule, refersTo, resources } from '../rule';

const ANYWHERE = ['0.0.0.0/0', '::/0'];

/** Every protocol and port: `-1`, or TCP/UDP over the whole port range. */
function allPorts(rule: any): boolean {
  return (
    String(rule.ip_protocol) === '-1' ||
    (rule.from_port === 0 && rule.to_port === 65535) ||
    (rule.from_port === undefined && rule.to_port === undefined && String(rule.ip_protocol) !== 'icmp')
  );
}

export const ecsOpenEgress = defineRule(__filename, {
  description: 'Tasks do not connect anywhere on any port: their egress names destinations and ports',
  scannerIds: ['CKV_AWS_382'],
  scope: 'all',
  fix: 'set services.<name>.egress (HTTPS to AWS APIs, the VPC, prefix lists, other services; databases and file systems are added), or waive ecs-open-egress with the reason',
  check: (stack) => {
    const taskGroups = resources(stack, 'aws_security_group').filter((group) =>
      resources(stack, 'aws_ecs_service').some((service) => refersTo(service.values.network_configuration?.security_groups, group)),
    );
    return resources(stack, 'aws_vpc_security_group_egress_rule')
      .filter((rule) => ANYWHERE.includes(rule.values.cidr_ipv4 ?? rule.values.cidr_ipv6) && allPorts(rule.values))
      .filter((rule) => taskGroups.some((group) => refersTo(rule.values.security_group_id, group)))
      .map((rule) => ({
        address: rule.address,
        message: `tasks may connect to ${rule.values.cidr_ipv4 ?? rule.values.cidr_ipv6} on every port`,
      }));
  },
});
