import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { ServiceDiscoveryService } from '@cdktf/provider-aws/lib/service-discovery-service';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { CapacityProviderShare } from '../cluster/ecs-cluster';
import type { LogGroup } from '../logs/log-group';
import { allowEgressTo, allowIngressFrom } from '../network/group-access';
import { addFargateTask, serviceNames, type FargateTaskProps } from './fargate-task';
import type { ServiceRoles } from './service-roles';
import type { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import type { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { ValidationError } from '../../validation-error';

export { serviceNames, type ContainerSettings, type SidecarProps, type TaskVolume, type ServiceEgress } from './fargate-task';

export interface FargateServiceProps extends Omit<FargateTaskProps, 'network' | 'description'> {
  /** The cluster, and what must exist before services use it (its capacity providers). */
  readonly cluster: { readonly name: string; readonly arn: string; readonly ready?: ITerraformDependable };
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
  readonly network: {
    readonly vpcId: string;
    readonly subnetIds: readonly string[];
    /** Only where the network has no NAT. */
    readonly assignPublicIp: boolean;
    /** Existing security groups the tasks join besides their own. @default [] */
    readonly extraSecurityGroupIds?: readonly string[];
  };
  /** Register tasks in this Cloud Map namespace as `<name>.<namespace>`. @default no discovery */
  readonly serviceDiscoveryNamespaceId?: string;
  /**
   * Attach to a load balancer target group, once `attachedAfter` (the listener
   * rule that puts the group behind the load balancer) exists. @default no load balancer
   */
  readonly loadBalancer?: {
    readonly targetGroupArn: string;
    readonly securityGroupId: string;
    readonly attachedAfter?: ITerraformDependable;
  };
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
  /** Whether the tasks may connect anywhere (no `egress` given). */
  readonly openEgress: boolean;
  readonly logGroup: LogGroup;
  /** Log groups of the sidecars, by sidecar name. */
  readonly sidecarLogGroups: Record<string, LogGroup>;
  readonly discovery?: ServiceDiscoveryService;
  private readonly port?: number;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    if (props.capacity.length === 0) throw new ValidationError(`FargateService ${props.name}: capacity needs at least one provider`, this);
    if (props.loadBalancer && props.port === undefined)
      throw new ValidationError(`FargateService ${props.name}: a load balancer needs a port`, this);
    const readonlyRootFilesystem = props.readonlyRootFilesystem ?? true;
    const gracePeriod = props.healthCheckGracePeriodSeconds ?? 60;
    this.name = props.name;
    this.port = props.port;

    const task = addFargateTask(this, {
      ...props,
      healthCheckGracePeriodSeconds: gracePeriod,
      readonlyRootFilesystem,
      description: `Service ${props.name} tasks`,
    });
    this.logGroup = task.logGroup;
    this.sidecarLogGroups = task.sidecarLogGroups;
    this.roles = task.roles;
    this.securityGroup = task.securityGroup;
    this.openEgress = task.openEgress;
    this.taskDefinition = task.taskDefinition;
    if (props.loadBalancer) this.allowFrom('from-load-balancer', props.loadBalancer.securityGroupId, 'the load balancer');

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
      name: serviceNames.service(props.name),
      cluster: props.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: props.desiredCount,
      // A strategy, never a launch type: switching between the two replaces the service.
      capacityProviderStrategy: props.capacity.map((share) => ({
        capacityProvider: share.provider,
        weight: share.weight,
        base: share.base ?? 0,
      })),
      // With this, AWS provider 5.x updates a changed capacity strategy in place instead of replacing the service.
      forceNewDeployment: true,
      platformVersion: 'LATEST',
      deploymentMinimumHealthyPercent: props.deployment.minHealthyPercent,
      deploymentMaximumPercent: props.deployment.maxPercent,
      deploymentCircuitBreaker: { enable: props.deployment.circuitBreaker, rollback: props.deployment.circuitBreaker },
      enableExecuteCommand: props.exec !== undefined,
      networkConfiguration: {
        subnets: [...props.network.subnetIds],
        securityGroups: [this.securityGroup.id, ...(props.network.extraSecurityGroupIds ?? [])],
        assignPublicIp: props.network.assignPublicIp,
      },
      loadBalancer: props.loadBalancer
        ? [
            {
              targetGroupArn: props.loadBalancer.targetGroupArn,
              containerName: serviceNames.mainContainer(props.name),
              containerPort: props.port!,
            },
          ]
        : undefined,
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
        ...(props.volumes ?? []).flatMap((v) => v.efs?.ready ?? []),
      ],
    });
  }

  /** Lets another security group reach this service's port. */
  /**
   * Lets the tasks reach another security group on a TCP port: a rule of
   * its own where egress is narrowed, nothing where it is open (the open rule
   * covers it).
   */
  allowTo(id: string, peerSecurityGroupId: string, port: number, what: string): void {
    if (this.openEgress) return;
    allowEgressTo(this, `to-${id}`, { securityGroupId: this.securityGroup.id, peerSecurityGroupId, port, peer: what });
  }

  allowFrom(id: string, securityGroupId: string, what: string): void {
    if (this.port === undefined) throw new ValidationError(`FargateService ${this.name}: it has no port to allow traffic to`, this);
    allowIngressFrom(this, id, {
      securityGroupId: this.securityGroup.id,
      peerSecurityGroupId: securityGroupId,
      port: this.port,
      peer: what,
    });
  }
}
