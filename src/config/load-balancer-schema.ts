/**
 * The edge: `loadBalancer` (listeners, TLS, access logs, the firewall),
 * `certificates` it serves and `dns`, the zone of the host names routed to it.
 */
import { z } from 'zod';
import { TLS12_SSL_POLICIES } from '../aws-facts';
import { computedDefault } from './schema-defaults';
import { cidrSchema, domainName, hostedZoneId, positiveInt } from './schema-values';
import { strictObject } from './strict-object';
import { uniqueList } from './value-checks';
import { wafSchema } from './workload-schema';

export const loadBalancerSchema = strictObject({
  internal: z.boolean().default(false).describe('Place the load balancer in the private subnets'),
  /** A key of `certificates`; absent: HTTP only. */
  certificate: z
    .string()
    .optional()
    .describe('A key of certificates: HTTPS on 443 with it, and HTTP on 80 redirecting there')
    .meta(computedDefault('none: HTTP on 80 only')),
  additionalCertificates: uniqueList(z.string())
    .max(25)
    .default([])
    .describe('More keys of certificates, served by SNI on the same HTTPS listener; needs certificate, the default'),
  sslPolicy: z
    .enum(TLS12_SSL_POLICIES, { error: `use a TLS 1.2+ policy: one of ${TLS12_SSL_POLICIES.join(', ')}` })
    .default('ELBSecurityPolicy-TLS13-1-2-2021-06')
    .describe("The HTTPS listener's TLS policy; TLS 1.2+ policies only"),
  idleTimeoutSeconds: positiveInt.max(4000).default(60).describe('Idle connection timeout, 1-4000'),
  allowedCidrs: uniqueList(cidrSchema)
    .min(1)
    .optional()
    .describe('Who may connect, on the listener ports only')
    .meta(computedDefault('[0.0.0.0/0]')),
  accessLogs: z.boolean().default(true).describe('Access logs to a bucket created for them: private, SSE-S3, TLS only'),
  accessLogExpiryDays: positiveInt.max(3650).default(90).describe('Days access logs are kept'),
  deletionProtection: z.boolean().default(true).describe('Refuse to delete the load balancer'),
  waf: wafSchema
    .prefault({})
    .describe('A WAFv2 web ACL on the load balancer: AWS managed rule groups, a rate limit per client IP, logs to aws-waf-logs-<prefix>'),
});

export const certificateSchema = strictObject({
  domain: domainName.optional().describe("The certificate's domain, for a new DNS-validated certificate"),
  subjectAlternativeNames: uniqueList(domainName).max(99).default([]).describe('More names on the certificate, *. allowed'),
  hostedZoneId: hostedZoneId
    .optional()
    .describe('Create the validation records in this zone and wait for issuance')
    .meta(computedDefault('dns.hostedZoneId; absent: an output lists the records')),
  arn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/,
      'an ACM certificate ARN looks like arn:aws:acm:REGION:ACCOUNT:certificate/ID',
    )
    .optional()
    .describe('An existing ACM certificate of this account and region, used as it is (instead of domain)'),
}).superRefine((c, ctx) => {
  if ((c.domain === undefined) === (c.arn === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['domain'],
      message: 'a certificate has either domain (a new certificate) or arn (an existing one)',
    });
  }
  if (c.arn !== undefined && (c.subjectAlternativeNames.length > 0 || c.hostedZoneId !== undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['arn'],
      message: 'an existing certificate (arn) takes no subjectAlternativeNames or hostedZoneId; remove them',
    });
  }
});

export const dnsSchema = strictObject({
  hostedZoneId: hostedZoneId.describe(
    'Route 53 zone of the alias records (A and AAAA) for every routing.hosts entry, and of certificate validation records',
  ),
  domain: domainName.optional().describe("The zone's domain; set, every routing host must be inside it"),
});
