import { defineRule, refersTo, resources } from '../rule';

const ANYWHERE = ['0.0.0.0/0', '::/0'];
const LISTENER_PORTS = [80, 443];

export const securityGroupOpenIngress = defineRule(__filename, {
  description: 'Nothing accepts traffic from anywhere but a public load balancer on its listener ports',
  scannerIds: ['CKV_AWS_24', 'CKV_AWS_25'],
  scope: 'all',
  fix: 'allow the security groups that need access instead of 0.0.0.0/0 (or narrow loadBalancer.allowedCidrs)',
  check: (stack) => {
    const publicLoadBalancerGroups = resources(stack, 'aws_security_group').filter((group) =>
      resources(stack, 'aws_lb').some((lb) => lb.values.internal !== true && refersTo(lb.values.security_groups, group)),
    );
    return resources(stack, 'aws_vpc_security_group_ingress_rule')
      .filter((rule) => ANYWHERE.includes(rule.values.cidr_ipv4 ?? rule.values.cidr_ipv6))
      .filter(
        (rule) =>
          !(
            LISTENER_PORTS.includes(rule.values.from_port) &&
            rule.values.from_port === rule.values.to_port &&
            publicLoadBalancerGroups.some((group) => refersTo(rule.values.security_group_id, group))
          ),
      )
      .map((rule) => ({
        address: rule.address,
        message: `port ${rule.values.from_port} is open to ${rule.values.cidr_ipv4 ?? rule.values.cidr_ipv6}`,
      }));
  },
});
