/**
 * What a Fargate task needs besides what runs it: the log groups of its
 * containers, its execution and task roles, its security group with the
 * egress rules, and the task definition. A service (FargateService) and a
 * scheduled job (ScheduledJob) both build their task with this one function,
 * directly in their own scope, so the resources keep the addresses they had
 * when the service built them itself.
 */
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import type { Construct } from 'constructs';
import { fitName, NAME_LIMITS, securityGroupName } from '../../naming';
import { AwsContext } from '../aws-context';
import { LogGroup } from '../logs/log-group';
import {
  containerDefinition,
  TMP_VOLUME,
  type ContainerHealthCheck,
  type ContainerProps,
  type ContainerSecret,
} from './container-definition';
import type { PolicyStatement } from '../iam/policy-document';
import type { ITerraformDependable } from 'cdktf';
import { ServiceRoles } from './service-roles';
import { ValidationError } from '../../validation-error';

/** Settings of a container beyond image, command, environment and secrets. */
export type ContainerSettings = Pick<
  ContainerProps,
  'user' | 'ulimits' | 'workingDirectory' | 'dockerLabels' | 'mountPoints' | 'dependsOn' | 'entryPoint'
>;

/**
 * A sidecar: another container of the task (its name unique in the task,
 * not the service's), with its own log group. Environment and secrets
 * default to none (its secrets are read by the execution role like the main
 * container's), the root filesystem to read-only, the stop timeout to 30 s.
 */
export type SidecarProps = Omit<
  ContainerProps,
  'environment' | 'secrets' | 'readonlyRootFilesystem' | 'stopTimeoutSeconds' | 'initProcess' | 'logGroupName' | 'region' | 'tmpVolume'
> &
  Partial<Pick<ContainerProps, 'environment' | 'secrets' | 'readonlyRootFilesystem' | 'stopTimeoutSeconds'>>;

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

/** What a task is made of: its containers, roles, logs and network. */
export interface FargateTaskProps {
  /** The service or job name; also the main container's name. */
  readonly name: string;
  /** Prefix of AWS names, `<project>-<environment>`. */
  readonly namePrefix: string;

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

  /** ECS Exec, with its session log group and channel key. @default exec off */
  readonly exec?: { readonly logGroupArn: string; readonly kmsKeyArn: string };

  readonly network: { readonly vpcId: string };
  /**
   * Where the tasks may connect besides the security groups added with
   * `allowTo` (databases, file systems, other services): CIDR blocks and
   * managed prefix lists, each on TCP ports. Tasks need AWS APIs and their
   * registry on 443 (through NAT, `0.0.0.0/0`; or VPC endpoints).
   * @default every address on every port (one rule to 0.0.0.0/0, all protocols)
   */
  readonly egress?: ServiceEgress;
  /** The security group's description, also what errors call the task: `Service api tasks`. */
  readonly description: string;
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
  logGroup: (namePrefix: string, service: string, sidecar?: string): string =>
    `/ecs/${namePrefix}/${service}${sidecar === undefined ? '' : `/${sidecar}`}`,
} as const;

export interface FargateTask {
  readonly logGroup: LogGroup;
  readonly sidecarLogGroups: Record<string, LogGroup>;
  readonly roles: ServiceRoles;
  readonly securityGroup: SecurityGroup;
  /** Whether the tasks may connect anywhere (no `egress` given). */
  readonly openEgress: boolean;
  readonly taskDefinition: EcsTaskDefinition;
}

/**
 * Refuses a task that cannot be built: a sidecar named like the main
 * container, two sidecars of one name. Called before the service or job makes
 * any resource, so that nothing is half built when it throws.
 */
function checkFargateTask(scope: Construct, props: Pick<FargateTaskProps, 'name' | 'description' | 'sidecars'>): void {
  const seen = new Set<string>();
  for (const sidecar of props.sidecars ?? []) {
    if (sidecar.name === props.name)
      throw new ValidationError(`${props.description}: a sidecar cannot take the main container's name`, scope);
    if (seen.has(sidecar.name))
      throw new ValidationError(
        `${props.description}: two sidecars are named ${sidecar.name}; container names are unique in a task`,
        scope,
      );
    seen.add(sidecar.name);
  }
}

export function addFargateTask(scope: Construct, props: FargateTaskProps): FargateTask {
  checkFargateTask(scope, props);
  const { region } = AwsContext.of(scope);
  const fullName = `${props.namePrefix}-${props.name}`;
  const readonlyRootFilesystem = props.readonlyRootFilesystem ?? true;
  const gracePeriod = props.healthCheckGracePeriodSeconds ?? 60;
  const sidecarLogGroups: Record<string, LogGroup> = {};
  const logGroup = new LogGroup(scope, 'logs', {
    name: serviceNames.logGroup(props.namePrefix, props.name),
    retentionDays: props.logs.retentionDays,
    kmsKeyArn: props.logs.kmsKeyArn,
  });
  const sidecars = props.sidecars ?? [];
  for (const sidecar of sidecars) {
    sidecarLogGroups[sidecar.name] = new LogGroup(scope, `logs-${sidecar.name}`, {
      name: serviceNames.logGroup(props.namePrefix, props.name, sidecar.name),
      retentionDays: props.logs.retentionDays,
      kmsKeyArn: props.logs.kmsKeyArn,
    });
  }
  const roles = new ServiceRoles(scope, 'roles', {
    namePrefix: fullName,
    repositoryArns: props.repositoryArns,
    logGroupArns: [logGroup.arn, ...sidecars.map((s) => sidecarLogGroups[s.name]!.arn)],
    secrets: [...(props.secrets ?? []), ...sidecars.flatMap((s) => s.secrets ?? [])],
    taskStatements: props.taskStatements,
    managedPolicyArns: props.managedPolicyArns,
    exec: props.exec,
  });

  const securityGroup = new SecurityGroup(scope, 'security-group', {
    name: securityGroupName(fullName),
    description: props.description,
    vpcId: props.network.vpcId,
    tags: { Name: fullName },
    lifecycle: { createBeforeDestroy: true },
  });
  const openEgress = props.egress === undefined;
  if (props.egress === undefined) {
    new VpcSecurityGroupEgressRule(scope, 'egress', {
      securityGroupId: securityGroup.id,
      description: 'Outbound: AWS APIs, image pulls, databases and dependencies',
      ipProtocol: '-1',
      cidrIpv4: '0.0.0.0/0',
    });
  } else {
    // IDs from the destination and port: reordering the list moves no rule.
    for (const { cidr, ports } of props.egress.cidrs ?? []) {
      for (const port of ports) {
        new VpcSecurityGroupEgressRule(scope, `egress-${cidr.replace(/[./]/g, '-')}-${port}`, {
          securityGroupId: securityGroup.id,
          description: `To ${cidr} on port ${port}`,
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          cidrIpv4: cidr,
        });
      }
    }
    for (const { prefixListId, ports } of props.egress.prefixLists ?? []) {
      for (const port of ports) {
        new VpcSecurityGroupEgressRule(scope, `egress-${prefixListId}-${port}`, {
          securityGroupId: securityGroup.id,
          description: `To prefix list ${prefixListId} on port ${port}`,
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          prefixListId,
        });
      }
    }
  }

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
    logGroupName: logGroup.name,
    region,
  });
  const sidecarContainers = sidecars.map((sidecar) =>
    containerDefinition({
      ...sidecar,
      environment: sidecar.environment ?? {},
      secrets: sidecar.secrets ?? [],
      readonlyRootFilesystem: sidecar.readonlyRootFilesystem ?? true,
      tmpVolume: `${TMP_VOLUME}-${sidecar.name}`,
      stopTimeoutSeconds: sidecar.stopTimeoutSeconds ?? 30,
      initProcess: props.exec !== undefined,
      logGroupName: sidecarLogGroups[sidecar.name]!.name,
      region,
    }),
  );
  // Each read-only container gets its own writable /tmp, so that containers share no scratch files.
  const volumes = [
    ...(readonlyRootFilesystem ? [{ name: TMP_VOLUME }] : []),
    ...sidecars.filter((s) => s.readonlyRootFilesystem ?? true).map((s) => ({ name: `${TMP_VOLUME}-${s.name}` })),
    ...[...(props.volumes ?? [])]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((v) =>
        v.efs
          ? {
              name: v.name,
              efsVolumeConfiguration: {
                fileSystemId: v.efs.fileSystemId,
                transitEncryption: 'ENABLED',
                authorizationConfig: { accessPointId: v.efs.accessPointId, iam: 'ENABLED' },
              },
            }
          : { name: v.name },
      ),
  ];
  const taskDefinition = new EcsTaskDefinition(scope, 'task-definition', {
    family: fitName(fullName, NAME_LIMITS.ecsName),
    cpu: String(props.cpu),
    memory: String(props.memory),
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: props.cpuArchitecture ?? 'X86_64' },
    executionRoleArn: roles.executionRole.arn,
    taskRoleArn: roles.taskRole.arn,
    containerDefinitions: JSON.stringify([container, ...sidecarContainers]),
    volume: volumes.length > 0 ? volumes : undefined,
    ephemeralStorage: props.ephemeralStorageGiB !== undefined ? { sizeInGib: props.ephemeralStorageGiB } : undefined,
    // Every change registers a new revision. The old one stays ACTIVE instead
    // of being deregistered, because ECS cannot move a service back to an
    // INACTIVE revision: rolling back stays one update-service away.
    skipDestroy: true,
  });
  return { logGroup, sidecarLogGroups, roles, securityGroup, openEgress, taskDefinition };
}
