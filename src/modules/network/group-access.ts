import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import type { Construct } from 'constructs';

export interface GroupAccessProps {
  /** The group the rule belongs to. */
  readonly securityGroupId: string;
  /** The other group: the source of ingress, the destination of egress. */
  readonly peerSecurityGroupId: string;
  readonly port: number;
  /** Who the peer is, for the rule's description ("service api"). */
  readonly peer: string;
}

/** Ingress on one TCP port from another security group, described. */
export function allowIngressFrom(scope: Construct, id: string, props: GroupAccessProps): VpcSecurityGroupIngressRule {
  return new VpcSecurityGroupIngressRule(scope, id, {
    securityGroupId: props.securityGroupId,
    description: `From ${props.peer} to port ${props.port}`,
    ipProtocol: 'tcp',
    fromPort: props.port,
    toPort: props.port,
    referencedSecurityGroupId: props.peerSecurityGroupId,
  });
}

/** Egress on one TCP port to another security group, described. */
export function allowEgressTo(scope: Construct, id: string, props: GroupAccessProps): VpcSecurityGroupEgressRule {
  return new VpcSecurityGroupEgressRule(scope, id, {
    securityGroupId: props.securityGroupId,
    description: `To ${props.peer} on port ${props.port}`,
    ipProtocol: 'tcp',
    fromPort: props.port,
    toPort: props.port,
    referencedSecurityGroupId: props.peerSecurityGroupId,
  });
}
