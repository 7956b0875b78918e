import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerCertificate } from '@cdktf/provider-aws/lib/lb-listener-certificate';
import { LbListenerRule, type LbListenerRuleCondition } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { NAME_LIMITS, securityGroupName, trimmedName } from '../../naming';
import { legacyAddress, MovedBlock } from '../addresses/moved-block';
import { allowEgressTo } from '../network/group-access';
import { AccessLogBucket, type AccessLogBucketProps } from './access-log-bucket';
import { ValidationError } from '../../validation-error';

/** The target group of one routed target: `<load balancer>-<target>`, shortened to 32 characters with a hash when longer. */
export function targetGroupName(loadBalancerName: string, target: string): string {
  return trimmedName(`${loadBalancerName}-${target}`, NAME_LIMITS.targetGroup);
}

/**
 * A pattern every target group of a load balancer matches, whatever the
 * target: what fitName keeps of `<load balancer>-` before its hash (25
 * characters, separators at the end dropped), then `*`.
 */
export function targetGroupNamePattern(loadBalancerName: string): string {
  return `${`${loadBalancerName}-`.slice(0, NAME_LIMITS.targetGroup - 7).replace(/[-_.\/]+$/, '')}*`;
}

export interface ApplicationLoadBalancerProps {
  /** The load balancer's name: 1-32 letters, digits and hyphens, no hyphen at either end, not starting with internal-. */
  readonly name: string;
  /** Prefix of the other names (security group, tags), `<project>-<environment>`. */
  readonly namePrefix: string;
  readonly vpcId: string;
  /** Public subnets, or private ones for an internal load balancer (two zones at least). */
  readonly subnetIds: readonly string[];
  /** @default false */
  readonly internal?: boolean;
  /** Who may connect, on the listener ports only. */
  readonly allowedCidrs: readonly string[];
  /**
   * HTTPS on 443 with this default certificate, more certificates served by
   * SNI (name -> ARN), and HTTP redirected to it. @default HTTP on 80 only
   */
  readonly https?: {
    readonly certificateArn: string;
    readonly sslPolicy: string;
    readonly sniCertificateArns?: Readonly<Record<string, string>>;
  };
  /** Existing security groups the load balancer joins besides its own. @default [] */
  readonly extraSecurityGroupIds?: readonly string[];
  /** @default 60 */
  readonly idleTimeoutSeconds?: number;
  /** @default true */
  readonly deletionProtection?: boolean;
  /** Access logs to a bucket created for them. @default no access logs */
  readonly accessLogs?: AccessLogBucketProps;
}

export interface RoutedTargetProps {
  /** The service name; the target group is named `<prefix>-<name>` within 32 characters. */
  readonly name: string;
  readonly port: number;
  /** Host header patterns. @default any host */
  readonly hosts?: readonly string[];
  /** Path patterns. @default any path */
  readonly paths?: readonly string[];
  /** Listener rule priority, unique per load balancer. */
  readonly priority: number;
  readonly healthCheck: {
    readonly path: string;
    readonly matcher: string;
    readonly intervalSeconds: number;
    readonly timeoutSeconds: number;
    readonly healthyThreshold: number;
    readonly unhealthyThreshold: number;
  };
  /** Seconds to drain connections from a deregistered task. @default 30 */
  readonly deregistrationDelaySeconds?: number;
}

/**
 * An application load balancer for the services of an environment: its own
 * security group open on the listener ports only, hardened HTTP handling,
 * access logs, HTTPS with redirect (or HTTP), a fixed 404 by default, and a
 * target group and listener rule per routed service.
 */
export class ApplicationLoadBalancer extends Construct {
  readonly loadBalancer: Lb;
  readonly securityGroup: SecurityGroup;
  /** The listener services are routed from (HTTPS when there is a certificate). */
  readonly listener: LbListener;
  readonly accessLogBucket?: AccessLogBucket;
  /** Target groups by service name; without a prototype, so that no service name finds an inherited member. */
  readonly targetGroups: Record<string, LbTargetGroup> = Object.create(null);
  readonly name: string;

  constructor(scope: Construct, id: string, props: ApplicationLoadBalancerProps) {
    super(scope, id);
    if (props.subnetIds.length < 2)
      throw new ValidationError('ApplicationLoadBalancer: subnetIds needs subnets in at least two zones', this);
    if (props.allowedCidrs.length === 0)
      throw new ValidationError('ApplicationLoadBalancer: allowedCidrs is empty; nobody could connect', this);
    if (!/^(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/.test(props.name)) {
      throw new ValidationError(
        `ApplicationLoadBalancer: "${props.name}" is not a valid load balancer name (Naming.loadBalancer() builds one)`,
        this,
      );
    }
    this.name = props.name;
    const ports = props.https ? [443, 80] : [80];

    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name: securityGroupName(`${props.namePrefix}-alb`),
      description: `Load balancer ${this.name}: listener ports from the allowed CIDRs`,
      vpcId: props.vpcId,
      tags: { Name: `${props.namePrefix}-alb` },
      lifecycle: { createBeforeDestroy: true },
    });
    for (const port of ports) {
      props.allowedCidrs.forEach((cidr, i) => {
        // Keyed by CIDR, so that removing one CIDR leaves the other rules alone.
        const rule = new VpcSecurityGroupIngressRule(this, `ingress-${port}-${cidr.replace(/[./]/g, '-')}`, {
          securityGroupId: this.securityGroup.id,
          description: `Port ${port} from ${cidr}`,
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          cidrIpv4: cidr,
        });
        // Until release 0.2 these rules were keyed by position: move them, rather than replace them, in existing states.
        new MovedBlock(
          this,
          `ingress-${port}-${i}-moved`,
          rule,
          legacyAddress(this, 'aws_vpc_security_group_ingress_rule', `ingress-${port}-${i}`),
        );
      });
    }

    if (props.accessLogs) {
      this.accessLogBucket = new AccessLogBucket(this, 'access-logs', props.accessLogs);
    }

    this.loadBalancer = new Lb(this, 'load-balancer', {
      name: this.name,
      loadBalancerType: 'application',
      internal: props.internal ?? false,
      securityGroups: [this.securityGroup.id, ...(props.extraSecurityGroupIds ?? [])],
      subnets: [...props.subnetIds],
      dropInvalidHeaderFields: true,
      desyncMitigationMode: 'defensive',
      enableHttp2: true,
      idleTimeout: props.idleTimeoutSeconds ?? 60,
      enableDeletionProtection: props.deletionProtection ?? true,
      accessLogs: this.accessLogBucket ? { bucket: this.accessLogBucket.name, enabled: true } : undefined,
      // The load balancer checks that it may write its logs when it is created.
      dependsOn: this.accessLogBucket ? [this.accessLogBucket.policy] : undefined,
    });

    const notFound = { type: 'fixed-response', fixedResponse: { contentType: 'text/plain', statusCode: '404', messageBody: 'Not Found' } };
    if (props.https) {
      this.listener = new LbListener(this, 'https', {
        loadBalancerArn: this.loadBalancer.arn,
        port: 443,
        protocol: 'HTTPS',
        sslPolicy: props.https.sslPolicy,
        certificateArn: props.https.certificateArn,
        defaultAction: [notFound],
      });
      for (const [name, certificateArn] of Object.entries(props.https.sniCertificateArns ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
        new LbListenerCertificate(this, `certificate-${name}`, { listenerArn: this.listener.arn, certificateArn });
      }
      new LbListener(this, 'http-redirect', {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: 'HTTP',
        defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
      });
    } else {
      this.listener = new LbListener(this, 'http', {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: 'HTTP',
        defaultAction: [notFound],
      });
    }
  }

  /** A target group and listener rule for a service; the service attaches to the group once the rule exists. */
  addTarget(props: RoutedTargetProps): { targetGroup: LbTargetGroup; rule: LbListenerRule } {
    const hosts = props.hosts ?? [];
    const paths = props.paths ?? [];
    if (hosts.length + paths.length === 0)
      throw new ValidationError(`ApplicationLoadBalancer: target ${props.name} needs hosts or paths`, this);
    const targetGroup = new LbTargetGroup(this, `target-${props.name}`, {
      name: targetGroupName(this.name, props.name),
      port: props.port,
      protocol: 'HTTP',
      targetType: 'ip',
      vpcId: this.securityGroup.vpcId,
      deregistrationDelay: String(props.deregistrationDelaySeconds ?? 30),
      healthCheck: {
        enabled: true,
        path: props.healthCheck.path,
        matcher: props.healthCheck.matcher,
        interval: props.healthCheck.intervalSeconds,
        timeout: props.healthCheck.timeoutSeconds,
        healthyThreshold: props.healthCheck.healthyThreshold,
        unhealthyThreshold: props.healthCheck.unhealthyThreshold,
        protocol: 'HTTP',
      },
    });
    const condition: LbListenerRuleCondition[] = [];
    if (hosts.length > 0) condition.push({ hostHeader: { values: [...hosts] } });
    if (paths.length > 0) condition.push({ pathPattern: { values: [...paths] } });
    const rule = new LbListenerRule(this, `rule-${props.name}`, {
      listenerArn: this.listener.arn,
      priority: props.priority,
      condition,
      action: [{ type: 'forward', targetGroupArn: targetGroup.arn }],
    });
    this.targetGroups[props.name] = targetGroup;
    return { targetGroup, rule };
  }

  /** Lets the load balancer reach a service's port (its only egress). */
  allowTo(id: string, securityGroupId: string, port: number, what: string): void {
    allowEgressTo(this, `egress-${id}`, { securityGroupId: this.securityGroup.id, peerSecurityGroupId: securityGroupId, port, peer: what });
  }

  /** The `app/.../targetgroup/...` label of a target group for request-count autoscaling. */
  requestCountLabel(targetGroup: LbTargetGroup): string {
    return `${this.loadBalancer.arnSuffix}/${targetGroup.arnSuffix}`;
  }
}
