import { defineRule, refersTo, resources } from '../rule';

/** The Teleport proxy's load balancers: those forwarding to a target group of the Teleport service. */
export const teleportProxy443 = defineRule(__filename, {
  description: 'The Teleport proxy is reachable on 443 only (TLS routing), over HTTPS with TLS 1.2+',
  scannerIds: [],
  scope: 'all',
  fix: 'keep the teleport load balancer the teleport module creates: one HTTPS listener on 443, nothing else open',
  check: (stack) => {
    const teleportLbs = resources(stack, 'aws_lb').filter(
      (lb) => /-teleport$|^teleport_/.test(lb.values.name ?? '') || lb.name.startsWith('teleport_'),
    );
    return teleportLbs.flatMap((lb) => {
      const listeners = resources(stack, 'aws_lb_listener').filter((l) => refersTo(l.values.load_balancer_arn, lb));
      const bad = listeners
        .filter((l) => l.values.port !== 443 || l.values.protocol !== 'HTTPS')
        .map((l) => ({
          address: l.address,
          message: `the Teleport proxy listens on ${l.values.protocol} ${l.values.port}; only HTTPS 443 is allowed`,
        }));
      const groups = resources(stack, 'aws_security_group').filter((g) => refersTo(lb.values.security_groups, g));
      const open = resources(stack, 'aws_vpc_security_group_ingress_rule')
        .filter(
          (r) => groups.some((g) => refersTo(r.values.security_group_id, g)) && (r.values.from_port !== 443 || r.values.to_port !== 443),
        )
        .map((r) => ({ address: r.address, message: `the Teleport load balancer admits ports ${r.values.from_port}-${r.values.to_port}` }));
      return [...bad, ...open, ...(listeners.length === 0 ? [{ address: lb.address, message: 'no HTTPS 443 listener' }] : [])];
    });
  },
});
