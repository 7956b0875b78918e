import { TLS12_SSL_POLICIES } from '../../aws-facts';
import { defineRule, resources } from '../rule';

export const albHttpsOnly = defineRule(__filename, {
  description: 'Load balancers serve HTTPS with TLS 1.2+ and redirect HTTP to it',
  scannerIds: ['CKV_AWS_2', 'CKV_AWS_103', 'CKV2_AWS_20'],
  scope: 'all',
  fix: 'set loadBalancer.certificate to a key of certificates (and a TLS 1.2+ sslPolicy)',
  check: (stack) =>
    resources(stack, 'aws_lb_listener').flatMap((listener) => {
      const v = listener.values;
      if (v.protocol === 'HTTPS') {
        return (TLS12_SSL_POLICIES as readonly string[]).includes(v.ssl_policy)
          ? []
          : [{ address: listener.address, message: `TLS policy ${v.ssl_policy} allows TLS below 1.2` }];
      }
      const redirects = (v.default_action ?? []).some((a: any) => a.type === 'redirect' && a.redirect?.protocol === 'HTTPS');
      return redirects ? [] : [{ address: listener.address, message: `listener on port ${v.port} serves plain ${v.protocol}` }];
    }),
});
