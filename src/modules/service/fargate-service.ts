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
import { allowEgressTo, allowIngressFrom } from '../network/group-access';
import type { PolicyStatement } from '../iam/policy-document';
import { containerDefinition, TMP_VOLUME, type ContainerHealthCheck, type ContainerProps, type ContainerSecret } from './container-definition';
import { ServiceRoles } from './service-roles';

/** Settings of a container beyond image, command, environment and secrets. */
export type ContainerSettings = Pick<ContainerProps, 'user' | 'ulimits' | 'workingDirectory' | 'dockerLabels' | 'mountPoints' | 'dependsOn' | 'entryPoint'>;

/**
 * A sidecar: another container of the task (its name unique in the task,
 * not the service's), with its own log group. Environment and secrets
 * default to none (its secrets are read by the execution role like the main
 * container's), the root filesystem to read-only, the stop timeout to 30 s.
 */
export type SidecarProps = Omit<ContainerProps, 'environment' | 'secrets' | 'readonlyRootFilesystem' | 'stopTimeoutSeconds' | 'initProcess' | 'logGroupName' | 'region' | 'tmpVolume'>
  & Partial<Pick<ContainerProps, 'environment' | 'secrets' | 'readonlyRootFilesystem' | 'stopTimeoutSeconds'>>;

/** A volume of the task: an EFS access point, or (no efs) a directory on the task's ephemeral storage. */
export interface TaskVolume {
  readonly name: string;
  /** Mounted with TLS and the task role's IAM identity through the access point. @default ephemeral storage */
  readonly efs?: {
    readonly fileSystemId: string;
    readonly accessPointId: string;
    /** What must exist before tasks mount it (the mount targets). @default [] */
    readonly ready?: readonly ITerraformDependable[];
  };
}

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
  /** The ECR repositories the task's images are pulled from (main and sidecars). @default [] (public or external images) */
  readonly repositoryArns?: readonly string[];
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
  /** Container health check of the main container; its start period defaults to the grace period (at most 300 s). @default none */
  readonly healthCheck?: ContainerHealthCheck;
  /** More settings of the main container. @default none */
  readonly container?: ContainerSettings;
  /** More containers in the task. @default [] */
  readonly sidecars?: readonly SidecarProps[];
  /** Volumes containers mount. @default [] */
  readonly volumes?: readonly TaskVolume[];
  /** The task's ephemeral storage in GiB (21-200). @default Fargate's 21 */
  readonly ephemeralStorageGiB?: number;
  /** Policy statements of the task role. @default [] */
  readonly taskStatements?: readonly PolicyStatement[];
  /** Existing managed policies attached to the task role. @default [] */
  readonly managedPolicyArns?: readonly string[];
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
    /** Existing security groups the tasks join besides their own. @default [] */
    readonly extraSecurityGroupIds?: readonly string[];
  };
  /**
   * Where the tasks may connect besides the security groups added with
   * `allowTo` (databases, file systems, other services): CIDR blocks and
   * managed prefix lists, each on TCP ports. Tasks need AWS APIs and their
   * registry on 443 (through NAT, `0.0.0.0/0`; or VPC endpoints).
   * @default every address on every port (one rule to 0.0.0.0/0, all protocols)
   */
  readonly egress?: ServiceEgress;
  /** Register tasks in this Cloud Map namespace as `<name>.<namespace>`. @default no discovery */
  readonly serviceDiscoveryNamespaceId?: string;
  /**
   * Attach to a load balancer target group, once `attachedAfter` (the listener
   * rule that puts the group behind the load balancer) exists. @default no load balancer
   */
  readonly loadBalancer?: { readonly targetGroupArn: string; readonly securityGroupId: string; readonly attachedAfter?: ITerraformDependable };
}

/** Narrowed egress: destinations and TCP ports. */
export interface ServiceEgress {
  /** IPv4 CIDR blocks. @default [] */
  readonly cidrs?: readonly { readonly cidr: string; readonly ports: readonly number[] }[];
  /** Managed prefix lists (pl-...). @default [] */
  readonly prefixLists?: readonly { readonly prefixListId: string; readonly ports: readonly number[] }[];
}

/**
 * The names ECS and CloudWatch know a service's parts by, for the operations
 * commands (status, logs, exec, rollout) to find what this construct created.
 * The ECS service is named like the service key; so is its main container.
 */
export const serviceNames = {
  /** The ECS service's name: the service key, unique in its cluster. */
  service: (service: string): string => service,
  /** The main container's name in the task definition: the service key (sidecars keep their own names). */
  mainContainer: (service: string): string => service,
  /** The log group of the main container, `/ecs/<prefix>/<service>`, or of a sidecar, `/ecs/<prefix>/<service>/<sidecar>`. */
  logGroup: (namePrefix: string, service: string, sidecar?: string): string => `/ecs/${namePrefix}/${service}${sidecar === undefined ? '' : `/${sidecar}`}`,
} as const;

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
  readonly sidecarLogGroups: Record<string, LogGroup> = {};
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

    this.logGroup = new LogGroup(this, 'logs', { name: serviceNames.logGroup(props.namePrefix, props.name), retentionDays: props.logs.retentionDays, kmsKeyArn: props.logs.kmsKeyArn });
    const sidecars = props.sidecars ?? [];
    for (const sidecar of sidecars) {
      if (sidecar.name === props.name) throw new Error(`FargateService ${props.name}: a sidecar cannot take the service's name`);
      this.sidecarLogGroups[sidecar.name] = new LogGroup(this, `logs-${sidecar.name}`, { name: serviceNames.logGroup(props.namePrefix, props.name, sidecar.name), retentionDays: props.logs.retentionDays, kmsKeyArn: props.logs.kmsKeyArn });
    }
    this.roles = new ServiceRoles(this, 'roles', {
      namePrefix: fullName,
      accountId: props.accountId,
      repositoryArns: props.repositoryArns,
      logGroupArns: [this.logGroup.arn, ...sidecars.map((s) => this.sidecarLogGroups[s.name]!.arn)],
      secrets: [...(props.secrets ?? []), ...sidecars.flatMap((s) => s.secrets ?? [])],
      taskStatements: props.taskStatements,
      managedPolicyArns: props.managedPolicyArns,
      exec: props.exec,
    });

    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name: securityGroupName(fullName),
      description: `Service ${props.name} tasks`,
      vpcId: props.network.vpcId,
      tags: { Name: fullName },
      lifecycle: { createBeforeDestroy: true },
    });
    this.openEgress = props.egress === undefined;
    if (props.egress === undefined) {
      new VpcSecurityGroupEgressRule(this, 'egress', {
        securityGroupId: this.securityGroup.id,
        description: 'Outbound: AWS APIs, image pulls, databases and dependencies',
        ipProtocol: '-1',
        cidrIpv4: '0.0.0.0/0',
      });
    } else {
      // IDs from the destination and port: reordering the list moves no rule.
      for (const { cidr, ports } of props.egress.cidrs ?? []) {
        for (const port of ports) {
          new VpcSecurityGroupEgressRule(this, `egress-${cidr.replace(/[./]/g, '-')}-${port}`, { securityGroupId: this.securityGroup.id, description: `To ${cidr} on port ${port}`, ipProtocol: 'tcp', fromPort: port, toPort: port, cidrIpv4: cidr });
        }
      }
      for (const { prefixListId, ports } of props.egress.prefixLists ?? []) {
        for (const port of ports) {
          new VpcSecurityGroupEgressRule(this, `egress-${prefixListId}-${port}`, { securityGroupId: this.securityGroup.id, description: `To prefix list ${prefixListId} on port ${port}`, ipProtocol: 'tcp', fromPort: port, toPort: port, prefixListId });
        }
      }
    }
    if (props.loadBalancer) this.allowFrom('from-load-balancer', props.loadBalancer.securityGroupId, 'the load balancer');

    const container = containerDefinition({
      ...props.container,
      name: serviceNames.mainContainer(props.name),
      image: props.image,
      port: props.port,
      command: props.command,
      environment: props.environment ?? {},
      secrets: props.secrets ?? [],
      healthCheck: props.healthCheck && { ...props.healthCheck, startPeriodSeconds: props.healthCheck.startPeriodSeconds ?? gracePeriod },
      readonlyRootFilesystem,
      stopTimeoutSeconds: props.stopTimeoutSeconds ?? 30,
      initProcess: props.exec !== undefined,
      logGroupName: this.logGroup.name,
      region: props.region,
    });
    const sidecarContainers = sidecars.map((sidecar) => containerDefinition({
      ...sidecar,
      environment: sidecar.environment ?? {},
      secrets: sidecar.secrets ?? [],
      readonlyRootFilesystem: sidecar.readonlyRootFilesystem ?? true,
      tmpVolume: `${TMP_VOLUME}-${sidecar.name}`,
      stopTimeoutSeconds: sidecar.stopTimeoutSeconds ?? 30,
      initProcess: props.exec !== undefined,
      logGroupName: this.sidecarLogGroups[sidecar.name]!.name,
      region: props.region,
    }));
    // Each read-only container gets its own writable /tmp, so that containers share no scratch files.
    const volumes = [
      ...(readonlyRootFilesystem ? [{ name: TMP_VOLUME }] : []),
      ...sidecars.filter((s) => s.readonlyRootFilesystem ?? true).map((s) => ({ name: `${TMP_VOLUME}-${s.name}` })),
      ...[...(props.volumes ?? [])].sort((a, b) => a.name.localeCompare(b.name)).map((v) => (v.efs
        ? {
          name: v.name,
          efsVolumeConfiguration: {
            fileSystemId: v.efs.fileSystemId,
            transitEncryption: 'ENABLED',
            authorizationConfig: { accessPointId: v.efs.accessPointId, iam: 'ENABLED' },
          },
        }
        : { name: v.name })),
    ];
    this.taskDefinition = new EcsTaskDefinition(this, 'task-definition', {
      family: fitName(fullName, NAME_LIMITS.ecsName),
      cpu: String(props.cpu),
      memory: String(props.memory),
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: props.cpuArchitecture ?? 'X86_64' },
      executionRoleArn: this.roles.executionRole.arn,
      taskRoleArn: this.roles.taskRole.arn,
      containerDefinitions: JSON.stringify([container, ...sidecarContainers]),
      volume: volumes.length > 0 ? volumes : undefined,
      ephemeralStorage: props.ephemeralStorageGiB !== undefined ? { sizeInGib: props.ephemeralStorageGiB } : undefined,
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
      name: serviceNames.service(props.name),
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
        securityGroups: [this.securityGroup.id, ...(props.network.extraSecurityGroupIds ?? [])],
        assignPublicIp: props.network.assignPublicIp,
      },
      loadBalancer: props.loadBalancer ? [{ targetGroupArn: props.loadBalancer.targetGroupArn, containerName: serviceNames.mainContainer(props.name), containerPort: props.port! }] : undefined,
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
    if (this.port === undefined) throw new Error(`FargateService ${this.name}: it has no port to allow traffic to`);
    allowIngressFrom(this, id, { securityGroupId: this.securityGroup.id, peerSecurityGroupId: securityGroupId, port: this.port, peer: what });
  }
}
