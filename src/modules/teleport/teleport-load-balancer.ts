import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { NAME_LIMITS, securityGroupName, trimmedName } from '../../naming';
import { AccessLogBucket } from '../load-balancer/access-log-bucket';
import { allowEgressTo } from '../network/group-access';

export interface TeleportLoadBalancerProps {
  /** `<project>-<environment>`. */
  readonly namePrefix: string;
  readonly vpcId: string;
  /** Public subnets, two zones at least. */
  readonly subnetIds: readonly string[];
  /** Who may connect to 443. */
  readonly allowedCidrs: readonly string[];
  /**
   * The environment's own agents' addresses (its NAT gateways' elastic IPs
   * as /32, possibly Terraform references), admitted on 443 besides
   * allowedCidrs: agents dial the proxy's public name. @default none
   */
  readonly agentCidrs?: readonly string[];
  /** The ACM certificate of the domain and *.domain. */
  readonly certificateArn: string;
  /** A TLS 1.2+ policy. */
  readonly sslPolicy: string;
  /** The port Teleport's proxy serves HTTPS on in the task. */
  readonly targetPort: number;
  readonly deletionProtection: boolean;
  /** Access logs to a bucket of their own. */
  readonly accessLogs: { readonly bucketName: string; readonly expiryDays: number; readonly forceDestroy: boolean };
  /** Seconds an idle connection (an SSH or database session) stays open. @default 3600 */
  readonly idleTimeoutSeconds?: number;
}

/**
 * The Teleport proxy's own application load balancer: one HTTPS listener on
 * 443 with the ACM certificate, forwarding everything to the proxy over
 * HTTPS. Teleport >= 13 carries SSH, database and reverse-tunnel traffic
 * through it with TLS routing over ALPN connection upgrades (WebSocket), so
 * nothing else is open: no port 80, no 3023-3026.
 */
export class TeleportLoadBalancer extends Construct {
  readonly loadBalancer: Lb;
  readonly listener: LbListener;
  readonly targetGroup: LbTargetGroup;
  readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: TeleportLoadBalancerProps) {
    super(scope, id);
    // AWS refuses load balancer names starting with internal- (and target groups follow the same rules).
    const base = props.namePrefix.startsWith('internal-') ? `lb-${props.namePrefix}` : props.namePrefix;
    const name = trimmedName(`${base}-teleport`, NAME_LIMITS.loadBalancer);
    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name: securityGroupName(`${props.namePrefix}-teleport-lb`),
      description: 'Teleport proxy load balancer: 443 from the allowed networks',
      vpcId: props.vpcId,
      tags: { Name: `${props.namePrefix}-teleport-lb` },
      lifecycle: { createBeforeDestroy: true },
    });
    for (const cidr of props.allowedCidrs) {
      new VpcSecurityGroupIngressRule(this, `ingress-443-${cidr.replace(/[./]/g, '-')}`, {
        securityGroupId: this.securityGroup.id,
        description: `Port 443 from ${cidr}`,
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        cidrIpv4: cidr,
      });
    }
    (props.agentCidrs ?? []).forEach((cidr, i) => {
      new VpcSecurityGroupIngressRule(this, `ingress-443-nat-${i}`, {
        securityGroupId: this.securityGroup.id,
        description: 'Port 443 from a NAT gateway of the environment (its Teleport agents)',
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        cidrIpv4: cidr,
      });
    });
    const logs = new AccessLogBucket(this, 'access-logs', props.accessLogs);
    this.loadBalancer = new Lb(this, 'load-balancer', {
      name,
      loadBalancerType: 'application',
      internal: false,
      securityGroups: [this.securityGroup.id],
      subnets: [...props.subnetIds],
      dropInvalidHeaderFields: true,
      desyncMitigationMode: 'defensive',
      enableHttp2: true,
      idleTimeout: props.idleTimeoutSeconds ?? 3600,
      enableDeletionProtection: props.deletionProtection,
      accessLogs: { bucket: logs.name, enabled: true },
      dependsOn: [logs.policy],
    });
    this.targetGroup = new LbTargetGroup(this, 'target', {
      name: trimmedName(`${base}-teleport`, NAME_LIMITS.targetGroup),
      port: props.targetPort,
      // Teleport's proxy speaks only TLS; the load balancer does not check its self-signed certificate.
      protocol: 'HTTPS',
      protocolVersion: 'HTTP1',
      targetType: 'ip',
      vpcId: props.vpcId,
      deregistrationDelay: '30',
      healthCheck: {
        enabled: true,
        protocol: 'HTTPS',
        path: '/webapi/ping',
        matcher: '200',
        interval: 30,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
    });
    this.listener = new LbListener(this, 'https', {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: props.sslPolicy,
      certificateArn: props.certificateArn,
      defaultAction: [{ type: 'forward', targetGroupArn: this.targetGroup.arn }],
    });
  }

  /** Lets the load balancer reach the proxy tasks (its only egress). */
  allowTo(securityGroupId: string, port: number): void {
    allowEgressTo(this, 'egress-proxy', {
      securityGroupId: this.securityGroup.id,
      peerSecurityGroupId: securityGroupId,
      port,
      peer: 'the Teleport proxy',
    });
  }
}
