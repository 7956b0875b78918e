import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { ServiceDiscoveryService } from '@cdktf/provider-aws/lib/service-discovery-service';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { fitName, NAME_LIMITS, securityGroupName } from '../../naming';
import type { CapacityProviderShare } from '../cluster/ecs-cluster';
import { LogGroup } from '../logs/log-group';
import { allowIngressFrom } from '../network/group-access';
import { containerDefinition, TMP_VOLUME, type ContainerSecret } from './container-definition';
import { ServiceRoles } from './service-roles';

export interface FargateServiceProps {
  /** The service name (unique in its cluster); also the container and Cloud Map name. */
  readonly name: string;
  /** Prefix of AWS names, `<project>-<environment>`. */
  readonly namePrefix: string;
  /** The cluster, and what must exist before services use it (its capacity providers). */
  readonly cluster: { readonly name: string; readonly arn: string; readonly ready?: ITerraformDependable };
  readonly region: string;
  readonly accountId: string;

  /** The image reference, with its tag or digest. */
  readonly image: string;
  /** The ECR repository the image is pulled from. @default none (a public or external image) */
  readonly repositoryArn?: string;
  /** Fargate cpu units. */
  readonly cpu: number;
  /** Fargate memory in MiB, valid for `cpu`. */
  readonly memory: number;
  /** @default X86_64 */
  readonly cpuArchitecture?: 'X86_64' | 'ARM64';
  /** The container port. @default none (a worker with no inbound traffic) */
  readonly port?: number;
  /** @default the image's command */
  readonly command?: readonly string[];
  /** @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default [] */
  readonly secrets?: readonly ContainerSecret[];
  /** Container health check shell command. @default none */
  readonly healthCheckCommand?: string;
  /** Seconds before failed health checks count (load balancer and container). @default 60 */
  readonly healthCheckGracePeriodSeconds?: number;
  /** @default true */
  readonly readonlyRootFilesystem?: boolean;
  /** @default 30 */
  readonly stopTimeoutSeconds?: number;
  readonly logs: { readonly retentionDays: number; readonly kmsKeyArn?: string };

  /** Tasks to run (at creation only when `autoscaled`). */
  readonly desiredCount: number;
  /** Where tasks run: FARGATE and/or FARGATE_SPOT with weights. */
  readonly capacity: readonly CapacityProviderShare[];
  readonly deployment: {
    readonly minHealthyPercent: number;
    readonly maxPercent: number;
    /** Roll back a deployment whose tasks keep failing. */
    readonly circuitBreaker: boolean;
    /** A pipeline registers task definitions and updates the service; Terraform ignores its task definition. */
    readonly externalImageUpdates: boolean;
  };
  /** Autoscaling owns the desired count after creation. @default false */
  readonly autoscaled?: boolean;
  /** ECS Exec, with its session log group and channel key. @default exec off */
  readonly exec?: { readonly logGroupArn: string; readonly kmsKeyArn: string };

  readonly network: {
    readonly vpcId: string;
    readonly subnetIds: readonly string[];
    /** Only where the network has no NAT. */
    readonly assignPublicIp: boolean;
  };
  /** Register tasks in this Cloud Map namespace as `<name>.<namespace>`. @default no discovery */
  readonly serviceDiscoveryNamespaceId?: string;
  /**
   * Attach to a load balancer target group, once `attachedAfter` (the listener
   * rule that puts the group behind the load balancer) exists. @default no load balancer
   */
  readonly loadBalancer?: { readonly targetGroupArn: string; readonly securityGroupId: string; readonly attachedAfter?: ITerraformDependable };
}

/**
 * One containerised service on Fargate: its log group, roles, security
 * group, task definition, service and, when asked, its Cloud Map entry.
 */
export class FargateService extends Construct {
  readonly name: string;
  readonly service: EcsService;
  readonly taskDefinition: EcsTaskDefinition;
  readonly roles: ServiceRoles;
  readonly securityGroup: SecurityGroup;
  readonly logGroup: LogGroup;
  readonly discovery?: ServiceDiscoveryService;
  private readonly port?: number;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    if (props.capacity.length === 0) throw new Error(`FargateService ${props.name}: capacity needs at least one provider`);
    if (props.loadBalancer && props.port === undefined) throw new Error(`FargateService ${props.name}: a load balancer needs a port`);
    const fullName = `${props.namePrefix}-${props.name}`;
    const readonlyRootFilesystem = props.readonlyRootFilesystem ?? true;
    const gracePeriod = props.healthCheckGracePeriodSeconds ?? 60;
    this.name = props.name;
    this.port = props.port;

    this.logGroup = new LogGroup(this, 'logs', { name: `/ecs/${props.namePrefix}/${props.name}`, retentionDays: props.logs.retentionDays, kmsKeyArn: props.logs.kmsKeyArn });
    this.roles = new ServiceRoles(this, 'roles', {
      namePrefix: fullName,
      accountId: props.accountId,
      repositoryArn: props.repositoryArn,
      logGroupArn: this.logGroup.arn,
      secrets: props.secrets ?? [],
      exec: props.exec,
    });

    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name: securityGroupName(fullName),
      description: `Service ${props.name} tasks`,
      vpcId: props.network.vpcId,
      tags: { Name: fullName },
      lifecycle: { createBeforeDestroy: true },
    });
    new VpcSecurityGroupEgressRule(this, 'egress', {
      securityGroupId: this.securityGroup.id,
      description: 'Outbound: AWS APIs, image pulls, databases and dependencies',
      ipProtocol: '-1',
      cidrIpv4: '0.0.0.0/0',
    });
    if (props.loadBalancer) this.allowFrom('from-load-balancer', props.loadBalancer.securityGroupId, 'the load balancer');

    const container = containerDefinition({
      name: props.name,
      image: props.image,
      port: props.port,
      command: props.command,
      environment: props.environment ?? {},
      secrets: props.secrets ?? [],
      healthCheckCommand: props.healthCheckCommand,
      healthCheckStartPeriodSeconds: gracePeriod,
      readonlyRootFilesystem,
      stopTimeoutSeconds: props.stopTimeoutSeconds ?? 30,
      initProcess: props.exec !== undefined,
      logGroupName: this.logGroup.name,
      region: props.region,
    });
    this.taskDefinition = new EcsTaskDefinition(this, 'task-definition', {
      family: fitName(fullName, NAME_LIMITS.ecsName),
      cpu: String(props.cpu),
      memory: String(props.memory),
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: props.cpuArchitecture ?? 'X86_64' },
      executionRoleArn: this.roles.executionRole.arn,
      taskRoleArn: this.roles.taskRole.arn,
      containerDefinitions: JSON.stringify([container]),
      volume: readonlyRootFilesystem ? [{ name: TMP_VOLUME }] : undefined,
      // Every change registers a new revision. The old one stays ACTIVE instead
      // of being deregistered, because ECS cannot move a service back to an
      // INACTIVE revision: rolling back stays one update-service away.
      skipDestroy: true,
    });

    if (props.serviceDiscoveryNamespaceId) {
      this.discovery = new ServiceDiscoveryService(this, 'discovery', {
        name: props.name,
        dnsConfig: { namespaceId: props.serviceDiscoveryNamespaceId, routingPolicy: 'MULTIVALUE', dnsRecords: [{ type: 'A', ttl: 10 }] },
      });
    }

    const ignoreChanges = [
      ...(props.autoscaled ? ['desired_count'] : []),
      ...(props.deployment.externalImageUpdates ? ['task_definition'] : []),
    ];
    this.service = new EcsService(this, 'service', {
      name: props.name,
      cluster: props.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: props.desiredCount,
      // A strategy, never a launch type: switching between the two replaces the service.
      capacityProviderStrategy: props.capacity.map((share) => ({ capacityProvider: share.provider, weight: share.weight, base: share.base ?? 0 })),
      // With this, AWS provider 5.x updates a changed capacity strategy in place instead of replacing the service.
      forceNewDeployment: true,
      platformVersion: 'LATEST',
      deploymentMinimumHealthyPercent: props.deployment.minHealthyPercent,
      deploymentMaximumPercent: props.deployment.maxPercent,
      deploymentCircuitBreaker: { enable: props.deployment.circuitBreaker, rollback: props.deployment.circuitBreaker },
      enableExecuteCommand: props.exec !== undefined,
      networkConfiguration: {
        subnets: [...props.network.subnetIds],
        securityGroups: [this.securityGroup.id],
        assignPublicIp: props.network.assignPublicIp,
      },
      loadBalancer: props.loadBalancer ? [{ targetGroupArn: props.loadBalancer.targetGroupArn, containerName: props.name, containerPort: props.port! }] : undefined,
      // ECS rejects a grace period on services without a load balancer.
      healthCheckGracePeriodSeconds: props.loadBalancer ? gracePeriod : undefined,
      serviceRegistries: this.discovery ? { registryArn: this.discovery.arn } : undefined,
      propagateTags: 'SERVICE',
      enableEcsManagedTags: true,
      waitForSteadyState: false,
      lifecycle: ignoreChanges.length > 0 ? { ignoreChanges } : undefined,
      // The first tasks must find their capacity providers, their permissions and their target group in place.
      dependsOn: [
        ...(props.cluster.ready ? [props.cluster.ready] : []),
        this.roles.executionPolicy,
        ...(props.loadBalancer?.attachedAfter ? [props.loadBalancer.attachedAfter] : []),
      ],
    });
  }

  /** Lets another security group reach this service's port. */
  allowFrom(id: string, securityGroupId: string, what: string): void {
    if (this.port === undefined) throw new Error(`FargateService ${this.name}: it has no port to allow traffic to`);
    allowIngressFrom(this, id, { securityGroupId: this.securityGroup.id, peerSecurityGroupId: securityGroupId, port: this.port, peer: what });
  }
}
