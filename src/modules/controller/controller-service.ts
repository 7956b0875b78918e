import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { securityGroupName } from '../../naming';
import { AwsContext } from '../aws-context';
import { PolicyRole } from '../ci/policy-role';
import { allowIngressFrom } from '../network/group-access';
import { assumeRolePolicy, policyDocument, type PolicyStatement } from '../iam/policy-document';
import { stableUnique } from '../stable-order';

/** The port `serve` listens on in the task. */
export const CONTROLLER_PORT = 8080;

/** The writable folder of the task (the mirror, workspaces, saved plans): the image's root filesystem is read-only. */
export const CONTROLLER_DATA_DIR = '/data';

export interface ControllerServiceProps {
  /** `<project>-controller`: names of the roles, group, family and service. */
  readonly namePrefix: string;
  readonly cluster: { readonly name: string; readonly arn: string };
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  /** The load balancer's security group, admitted to the port. */
  readonly loadBalancerSecurityGroupId: string;
  readonly targetGroupArn: string;
  /** Resources the service must wait for (the listener rules that send traffic to the target group). */
  readonly dependsOn?: readonly ITerraformDependable[];
  readonly image: string;
  readonly repositoryArn: string;
  readonly cpu: number;
  readonly memory: number;
  /** Tasks sharing the runs table's queue (serve claims each run). @default 1 */
  readonly desiredCount?: number;
  /** The arguments after the image's entry point: `serve ...`. */
  readonly command: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  /** Environment variable -> Secrets Manager secret ARN. */
  readonly secretArns: Readonly<Record<string, string>>;
  readonly kmsKeyArn: string;
  readonly logGroupName: string;
  readonly logGroupArn: string;
  /** What the controller may do, in groups that each fit a managed policy. */
  readonly taskStatementGroups: readonly (readonly PolicyStatement[])[];
  /** Outbound TCP ports to anywhere (HTTPS to GitHub and AWS; 22 for a repository over SSH). @default [443] */
  readonly egressPorts?: readonly number[];
}

/**
 * The controller's Fargate tasks and their service. The tasks share one
 * queue (the runs table; each run is claimed by one task at a time), so a
 * deployment replaces them one at a time (maximum 100 %, minimum 50 %); a
 * single task is stopped before the new one starts (minimum 0 %). Private
 * subnets, no public IP, a read-only root filesystem with a writable data
 * volume, secrets injected by ECS from Secrets Manager.
 */
export class ControllerService extends Construct {
  readonly securityGroup: SecurityGroup;
  readonly executionRole: IamRole;
  readonly taskRole: PolicyRole;
  readonly taskDefinition: EcsTaskDefinition;
  readonly service: EcsService;

  constructor(scope: Construct, id: string, props: ControllerServiceProps) {
    super(scope, id);
    const { region, accountId } = AwsContext.of(this);
    const trust = assumeRolePolicy('ecs-tasks.amazonaws.com', { StringEquals: { 'aws:SourceAccount': accountId } });
    this.executionRole = new IamRole(this, 'execution-role', {
      name: `${props.namePrefix}-execution`,
      description: 'ECS starts the controller: pulls its image, writes its logs, reads its three secrets',
      assumeRolePolicy: trust,
    });
    const secretArns = stableUnique(Object.values(props.secretArns));
    new IamRolePolicy(this, 'execution-policy', {
      role: this.executionRole.id,
      name: 'start-task',
      policy: policyDocument(
        // GetAuthorizationToken has no resource-level permissions: "*" is the only form AWS accepts.
        { Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
        {
          Sid: 'PullImage',
          Effect: 'Allow',
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          Resource: props.repositoryArn,
        },
        { Sid: 'WriteLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `${props.logGroupArn}:*` },
        { Sid: 'ReadSecrets', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secretArns },
        {
          Sid: 'DecryptSecrets',
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: props.kmsKeyArn,
          Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
        },
      ),
    });
    this.taskRole = new PolicyRole(this, 'task-role', {
      name: `${props.namePrefix}-task`,
      description: 'The GitOps controller: its runs table, the environments it manages, the roles it assumes',
      assumeRolePolicy: trust,
      statementGroups: props.taskStatementGroups,
    });

    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name: securityGroupName(props.namePrefix),
      description: `Controller ${props.namePrefix}: port ${CONTROLLER_PORT} from its load balancer, HTTPS out`,
      vpcId: props.vpcId,
      tags: { Name: props.namePrefix },
      lifecycle: { createBeforeDestroy: true },
    });
    allowIngressFrom(this, 'ingress-load-balancer', {
      securityGroupId: this.securityGroup.id,
      peerSecurityGroupId: props.loadBalancerSecurityGroupId,
      port: CONTROLLER_PORT,
      peer: 'the load balancer',
    });
    for (const port of props.egressPorts ?? [443]) {
      new VpcSecurityGroupEgressRule(this, `egress-${port}`, {
        securityGroupId: this.securityGroup.id,
        description: `Port ${port} out: GitHub, the AWS APIs Terraform calls`,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        cidrIpv4: '0.0.0.0/0',
      });
    }

    const container: ContainerDefinition = {
      name: 'controller',
      image: props.image,
      essential: true,
      command: [...props.command],
      portMappings: [{ containerPort: CONTROLLER_PORT, protocol: 'tcp', name: `controller-${CONTROLLER_PORT}` }],
      environment: Object.entries(props.environment)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => ({ name, value })),
      secrets: Object.entries(props.secretArns)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, valueFrom]) => ({ name, valueFrom })),
      readonlyRootFilesystem: true,
      mountPoints: [
        { sourceVolume: 'data', containerPath: CONTROLLER_DATA_DIR, readOnly: false },
        { sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false },
      ],
      // The image's entry point is tini (PID 1), which passes SIGTERM on and reaps; no ECS init process beside it.
      // serve finishes its current step on SIGTERM (bounded by --stop-timeout-seconds 60); ECS allows 120 s at most.
      stopTimeout: 120,
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': props.logGroupName, 'awslogs-region': region, 'awslogs-stream-prefix': 'controller' },
      },
    };
    this.taskDefinition = new EcsTaskDefinition(this, 'task-definition', {
      family: props.namePrefix,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(props.cpu),
      memory: String(props.memory),
      executionRoleArn: this.executionRole.arn,
      taskRoleArn: this.taskRole.role.arn,
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      // Terraform providers and plans need room: 50 GiB of ephemeral storage.
      ephemeralStorage: { sizeInGib: 50 },
      volume: [{ name: 'data' }, { name: 'tmp' }],
      containerDefinitions: JSON.stringify([container]),
    });
    this.service = new EcsService(this, 'service', {
      name: props.namePrefix,
      cluster: props.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: props.desiredCount ?? 1,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      deploymentMinimumHealthyPercent: (props.desiredCount ?? 1) > 1 ? 50 : 0,
      deploymentMaximumPercent: 100,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      enableExecuteCommand: false,
      propagateTags: 'SERVICE',
      healthCheckGracePeriodSeconds: 120,
      networkConfiguration: { subnets: [...props.subnetIds], securityGroups: [this.securityGroup.id], assignPublicIp: false },
      loadBalancer: [{ targetGroupArn: props.targetGroupArn, containerName: 'controller', containerPort: CONTROLLER_PORT }],
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
  }
}
