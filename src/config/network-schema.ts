/** `network`: a new VPC (cidr) or an existing one (existing), NAT gateways and flow logs. */
import { z } from 'zod';
import { computedDefault } from './schema-defaults';
import { cidrSchema, retentionDays } from './schema-values';
import { strictObject } from './strict-object';
import { uniqueList } from './value-checks';

export const networkSchema = strictObject({
  /** A new VPC with this CIDR (/16 to /24). */
  cidr: cidrSchema
    .optional()
    .describe(
      'A new VPC: /16 to /24, a network address; subnets are the VPC split in 16, zone i gets public block i and private block 8+i (exactly one of cidr and existing)',
    ),
  natGateways: z
    .enum(['none', 'single', 'perAz'])
    .optional()
    .describe('none (tasks in public subnets with public IPs), single, or perAz')
    .meta(computedDefault('single')),
  /** VPC flow logs to CloudWatch Logs. */
  flowLogs: z.boolean().default(true).describe('VPC flow logs of all traffic to /vpc/<prefix>/flow-logs'),
  flowLogRetentionDays: retentionDays
    .optional()
    .describe('Retention of the flow logs, a CloudWatch retention value')
    .meta(computedDefault('logRetentionDays')),
  existing: strictObject({
    vpcId: z
      .string()
      .regex(/^vpc-[0-9a-f]{8,17}$/, 'a VPC ID looks like vpc-0123456789abcdef0')
      .describe('The VPC ID, vpc-... (required with existing)'),
    publicSubnetIds: uniqueList(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'a subnet ID looks like subnet-0123456789abcdef0'))
      .min(2)
      .describe('Public subnets of that VPC, one per zone, 2 or more, no repeats (required with existing)'),
    privateSubnetIds: uniqueList(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'a subnet ID looks like subnet-0123456789abcdef0'))
      .min(2)
      .describe('Private subnets of that VPC, one per zone, 2 or more, no repeats (required with existing)'),
    loadBalancerSecurityGroupIds: z
      .array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'a security group ID looks like sg-0123456789abcdef0'))
      .max(4)
      .default([])
      .describe('Existing security groups the load balancer joins besides its own'),
  })
    .optional()
    .describe('An existing VPC instead of cidr: { vpcId, publicSubnetIds, privateSubnetIds }, 2+ subnets each; natGateways does not apply'),
}).superRefine((n, ctx) => {
  if (n.cidr === undefined && n.existing === undefined) {
    ctx.addIssue({ code: 'custom', path: ['cidr'], message: 'give either cidr (a new VPC) or existing (an existing VPC)' });
  }
  if (n.cidr !== undefined && n.existing !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['existing'],
      message: 'give either cidr or existing, not both (set one to null in the environment file to drop a default)',
    });
  }
  n.existing?.privateSubnetIds.forEach((id, i) => {
    if (n.existing!.publicSubnetIds.includes(id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['existing', 'privateSubnetIds', i],
        message: `${id} is also a public subnet; a subnet is public or private, not both`,
      });
    }
  });
  if (n.existing !== undefined && n.natGateways !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['natGateways'],
      message: 'natGateways applies to a new VPC only; remove it when using existing',
    });
  }
  if (n.cidr !== undefined) {
    const prefix = Number(n.cidr.split('/')[1]);
    if (prefix < 16 || prefix > 24) {
      ctx.addIssue({ code: 'custom', path: ['cidr'], message: `a /${prefix} cannot hold the subnets; use a prefix from /16 to /24` });
    }
  }
});
