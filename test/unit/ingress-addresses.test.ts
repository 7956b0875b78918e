/** Load balancer ingress rules are keyed by CIDR, and states from the positional keys move instead of being replaced. */
import { exampleConfig, synthEnvironment } from '../support/helpers';

const dev = exampleConfig('dev');
const withCidrs = (allowedCidrs: string[]) => JSON.parse(synthEnvironment({ ...dev, loadBalancer: { ...dev.loadBalancer, allowedCidrs } }));
const ingressRules = (stack: any) =>
  Object.entries<any>(stack.resource.aws_vpc_security_group_ingress_rule)
    .filter(([name]) => name.startsWith('load-balancer_ingress-'))
    .map(([name, rule]) => [name.replace(/_[0-9A-F]{8}$/, ''), rule.cidr_ipv4]);

describe('load balancer ingress addresses', () => {
  const both = withCidrs(['10.1.0.0/16', '192.168.0.0/24']);
  const one = withCidrs(['192.168.0.0/24']);

  it('name each rule after its port and CIDR', () => {
    expect(ingressRules(both)).toEqual(
      expect.arrayContaining([
        ['load-balancer_ingress-443-10-1-0-0-16', '10.1.0.0/16'],
        ['load-balancer_ingress-443-192-168-0-0-24', '192.168.0.0/24'],
        ['load-balancer_ingress-80-192-168-0-0-24', '192.168.0.0/24'],
      ]),
    );
  });

  it('keep the address of the other rules when one CIDR is removed', () => {
    const addressesOf = (stack: any) =>
      Object.keys(stack.resource.aws_vpc_security_group_ingress_rule).filter((n) => n.includes('192-168'));
    expect(addressesOf(one)).toEqual(addressesOf(both));
  });

  it('move the positional addresses of earlier releases to the CIDR-keyed ones', () => {
    const moved = both.moved as { from: string; to: string }[];
    expect(moved).toEqual(
      expect.arrayContaining([
        // The addresses these rules had before (the address snapshot of release 0.1).
        {
          from: 'aws_vpc_security_group_ingress_rule.load-balancer_ingress-443-0_58236C10',
          to: expect.stringMatching(/^aws_vpc_security_group_ingress_rule\.load-balancer_ingress-443-10-1-0-0-16_[0-9A-F]{8}$/),
        },
        {
          from: 'aws_vpc_security_group_ingress_rule.load-balancer_ingress-80-0_6B851741',
          to: expect.stringMatching(/^aws_vpc_security_group_ingress_rule\.load-balancer_ingress-80-10-1-0-0-16_[0-9A-F]{8}$/),
        },
      ]),
    );
    expect(moved).toHaveLength(4);
    for (const { to } of moved) expect(both.resource.aws_vpc_security_group_ingress_rule[to.split('.')[1]!]).toBeDefined();
  });
});
