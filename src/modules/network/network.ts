import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Construct } from 'constructs';
import { cidrSubnet } from '../../cidr';
import { ValidationError } from '../../validation-error';
import { fitName, NAME_LIMITS } from '../../naming';
import { assumeRolePolicy, policyDocument } from '../iam/policy-document';
import { LogGroup } from '../logs/log-group';

/** Subnets are carved as 16 equal blocks of the VPC: public ones from block 0, private ones from block 8. */
const SUBNET_NEW_BITS = 4;
const PRIVATE_BLOCK_OFFSET = 8;

/** The log group of the VPC's flow logs, `/vpc/<prefix>/flow-logs`. */
export function flowLogGroupName(namePrefix: string): string {
  return `/vpc/${namePrefix}/flow-logs`;
}

export interface NewVpcProps {
  /** The VPC CIDR, /16 to /24. */
  readonly cidr: string;
  /** NAT gateways for the private subnets: none (tasks use public subnets and public IPs), one, or one per zone. */
  readonly natGateways: 'none' | 'single' | 'perAz';
}

export interface ExistingVpcProps {
  readonly vpcId: string;
  readonly publicSubnetIds: readonly string[];
  /** Subnets with a route out (NAT) for tasks and databases. */
  readonly privateSubnetIds: readonly string[];
}

export interface NetworkProps {
  /** Prefix of resource names, `<project>-<environment>`. */
  readonly namePrefix: string;
  /** Zones for the subnets, in order: subnet CIDRs follow this order, so add new zones at the end. */
  readonly availabilityZones: readonly string[];
  /** A new VPC, or an existing one by IDs. */
  readonly vpc: NewVpcProps | ExistingVpcProps;
  /** VPC flow logs (all traffic) to a log group. @default no flow logs */
  readonly flowLogs?: { readonly retentionDays: number; readonly kmsKeyArn?: string };
}

/**
 * The network services run in: a VPC with a public and a private subnet per
 * zone, an internet gateway, NAT as asked, and flow logs; or an existing VPC.
 */
export class Network extends Construct {
  readonly vpcId: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  /** Subnets for tasks: private ones, or public ones when there is no NAT. */
  readonly serviceSubnetIds: string[];
  /** Tasks need a public IP to reach ECR and AWS APIs when there is no NAT. */
  readonly servicesNeedPublicIp: boolean;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    if ('vpcId' in props.vpc) {
      this.vpcId = props.vpc.vpcId;
      this.publicSubnetIds = [...props.vpc.publicSubnetIds];
      this.privateSubnetIds = [...props.vpc.privateSubnetIds];
      this.servicesNeedPublicIp = false;
    } else {
      const created = this.createVpc(props.namePrefix, props.availabilityZones, props.vpc);
      this.vpcId = created.vpcId;
      this.publicSubnetIds = created.publicSubnetIds;
      this.privateSubnetIds = created.privateSubnetIds;
      this.servicesNeedPublicIp = props.vpc.natGateways === 'none';
    }
    this.serviceSubnetIds = this.servicesNeedPublicIp ? this.publicSubnetIds : this.privateSubnetIds;
    if (props.flowLogs) this.createFlowLogs(props.namePrefix, props.flowLogs);
  }

  /** The public and the private subnet block of each zone, refused before any resource when they do not fit in the VPC's block. */
  private subnetCidrs(cidr: string, zones: readonly string[]): { public: string[]; private: string[] } {
    if (zones.length > PRIVATE_BLOCK_OFFSET)
      throw new ValidationError(
        `Network: ${zones.length} zones, more than the ${PRIVATE_BLOCK_OFFSET} the subnet layout has room for`,
        this,
      );
    try {
      return {
        public: zones.map((_, i) => cidrSubnet(cidr, SUBNET_NEW_BITS, i)),
        private: zones.map((_, i) => cidrSubnet(cidr, SUBNET_NEW_BITS, PRIVATE_BLOCK_OFFSET + i)),
      };
    } catch (error) {
      throw new ValidationError(
        `Network: the VPC block ${cidr} is too small for its subnets (${(error as Error).message}); give a /16 to /24`,
        this,
      );
    }
  }

  private createVpc(namePrefix: string, zones: readonly string[], props: NewVpcProps) {
    const cidrs = this.subnetCidrs(props.cidr, zones);
    const vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: namePrefix },
    });
    // Nothing may use the default security group: it is left with no rules.
    new DefaultSecurityGroup(this, 'default-security-group', { vpcId: vpc.id, tags: { Name: `${namePrefix}-default-unused` } });
    const gateway = new InternetGateway(this, 'internet-gateway', { vpcId: vpc.id, tags: { Name: namePrefix } });

    const publicTable = new RouteTable(this, 'public-routes', { vpcId: vpc.id, tags: { Name: `${namePrefix}-public` } });
    new Route(this, 'public-default-route', { routeTableId: publicTable.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: gateway.id });

    const publicSubnets = zones.map((zone, i) => {
      const subnet = new Subnet(this, `public-${zone}`, {
        vpcId: vpc.id,
        availabilityZone: zone,
        cidrBlock: cidrs.public[i],
        mapPublicIpOnLaunch: false,
        tags: { Name: `${namePrefix}-public-${zone}`, Tier: 'public' },
      });
      new RouteTableAssociation(this, `public-${zone}-routes`, { subnetId: subnet.id, routeTableId: publicTable.id });
      return subnet;
    });

    const natZones = props.natGateways === 'perAz' ? zones : props.natGateways === 'single' ? zones.slice(0, 1) : [];
    const natByZone = new Map(
      natZones.map((zone) => {
        const eip = new Eip(this, `nat-${zone}-ip`, { domain: 'vpc', tags: { Name: `${namePrefix}-nat-${zone}` } });
        const nat = new NatGateway(this, `nat-${zone}`, {
          allocationId: eip.allocationId,
          subnetId: publicSubnets[zones.indexOf(zone)]!.id,
          tags: { Name: `${namePrefix}-${zone}` },
          dependsOn: [gateway],
        });
        return [zone, nat] as const;
      }),
    );

    const privateSubnets = zones.map((zone, i) => {
      const subnet = new Subnet(this, `private-${zone}`, {
        vpcId: vpc.id,
        availabilityZone: zone,
        cidrBlock: cidrs.private[i],
        tags: { Name: `${namePrefix}-private-${zone}`, Tier: 'private' },
      });
      // One route table per zone, so that moving from one NAT to one per zone only changes routes.
      const table = new RouteTable(this, `private-${zone}-routes`, { vpcId: vpc.id, tags: { Name: `${namePrefix}-private-${zone}` } });
      new RouteTableAssociation(this, `private-${zone}-association`, { subnetId: subnet.id, routeTableId: table.id });
      const nat = natByZone.get(zone) ?? natByZone.get(zones[0]!);
      if (nat)
        new Route(this, `private-${zone}-default-route`, {
          routeTableId: table.id,
          destinationCidrBlock: '0.0.0.0/0',
          natGatewayId: nat.id,
        });
      return subnet;
    });

    return {
      vpcId: vpc.id,
      publicSubnetIds: publicSubnets.map((s) => s.id),
      privateSubnetIds: privateSubnets.map((s) => s.id),
    };
  }

  private createFlowLogs(namePrefix: string, props: NonNullable<NetworkProps['flowLogs']>): void {
    const logGroup = new LogGroup(this, 'flow-logs', {
      name: flowLogGroupName(namePrefix),
      retentionDays: props.retentionDays,
      kmsKeyArn: props.kmsKeyArn,
    });
    const role = new IamRole(this, 'flow-logs-role', {
      name: fitName(`${namePrefix}-vpc-flow-logs`, NAME_LIMITS.iamRole),
      assumeRolePolicy: assumeRolePolicy('vpc-flow-logs.amazonaws.com'),
    });
    const policy = new IamRolePolicy(this, 'flow-logs-policy', {
      role: role.id,
      name: 'write-flow-logs',
      policy: policyDocument({
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: [logGroup.arn, `${logGroup.arn}:*`],
      }),
    });
    new FlowLog(this, 'flow-log', {
      vpcId: this.vpcId,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
      tags: { Name: `${namePrefix}-flow-logs` },
      // The service checks that it can use the role when the flow log is created.
      dependsOn: [policy],
    });
  }
}
