import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { fitName, NAME_LIMITS } from '../../naming';
import { AwsContext } from '../aws-context';
import { assumeRolePolicy, policyDocument, type PolicyStatement } from '../iam/policy-document';
import { stableUnique } from '../stable-order';
import type { ContainerSecret } from './container-definition';

/** The name ServiceRoles gives a service's role: `<project>-<environment>-<service>-execution` or `-task`, fitted to IAM's 64 characters. */
export function serviceRoleName(namePrefix: string, kind: 'execution' | 'task'): string {
  return fitName(`${namePrefix}-${kind}`, NAME_LIMITS.iamRole);
}

export interface ServiceRolesProps {
  /** Prefix of the role names, `<project>-<environment>-<service>`. */
  readonly namePrefix: string;
  /** The ECR repositories the task's images come from. @default [] (images from elsewhere) */
  readonly repositoryArns?: readonly string[];
  /** The log groups of the task's containers. */
  readonly logGroupArns: readonly string[];
  /** The secrets and parameters the task's containers reference. */
  readonly secrets: readonly ContainerSecret[];
  /** What the application may do besides the grants added later. @default [] */
  readonly taskStatements?: readonly PolicyStatement[];
  /** Existing managed policies attached to the task role. @default [] */
  readonly managedPolicyArns?: readonly string[];
  /** ECS Exec: the session log group and the key of its channel. @default exec off */
  readonly exec?: { readonly logGroupArn: string; readonly kmsKeyArn: string };
}

/**
 * The two roles of a service: the execution role ECS uses to start it (pull
 * the image, write its logs, read its secrets: exactly those), and the task
 * role the application runs as (nothing until exec or data grants add to it).
 */
export class ServiceRoles extends Construct {
  readonly executionRole: IamRole;
  readonly taskRole: IamRole;
  /** What the execution role may do: tasks must not start before it is attached. */
  readonly executionPolicy: IamRolePolicy;
  /** The task role's declared permissions, when the service declares any. */
  readonly taskPolicy?: IamRolePolicy;

  constructor(scope: Construct, id: string, props: ServiceRolesProps) {
    super(scope, id);
    // Only tasks of this account (its stack's AWS context) may assume the roles (confused deputy).
    const trust = assumeRolePolicy('ecs-tasks.amazonaws.com', { StringEquals: { 'aws:SourceAccount': AwsContext.of(this).accountId } });
    this.executionRole = new IamRole(this, 'execution-role', {
      name: serviceRoleName(props.namePrefix, 'execution'),
      description: 'ECS starts the task: pulls its image, writes its logs, reads its secrets',
      assumeRolePolicy: trust,
    });
    this.taskRole = new IamRole(this, 'task-role', {
      name: serviceRoleName(props.namePrefix, 'task'),
      description: 'What the application in the task may do',
      assumeRolePolicy: trust,
    });

    const statements: PolicyStatement[] = [];
    const repositories = stableUnique(props.repositoryArns ?? []);
    if (repositories.length > 0) {
      // GetAuthorizationToken has no resource-level permissions: "*" is the only form AWS accepts.
      statements.push({ Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' });
      statements.push({ Sid: 'PullImage', Effect: 'Allow', Action: [...ECR_PULL_ACTIONS], Resource: oneOrMany(repositories) });
    }
    statements.push({
      Sid: 'WriteLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: oneOrMany(props.logGroupArns.map((arn) => `${arn}:*`)),
    });
    const secretArns = stableUnique(props.secrets.filter((s) => s.source === 'secretsManager').flatMap((s) => s.readResources));
    if (secretArns.length > 0)
      statements.push({ Sid: 'ReadSecrets', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secretArns });
    const parameterArns = stableUnique(props.secrets.filter((s) => s.source === 'ssm').flatMap((s) => s.readResources));
    if (parameterArns.length > 0)
      statements.push({ Sid: 'ReadParameters', Effect: 'Allow', Action: 'ssm:GetParameters', Resource: parameterArns });
    this.executionPolicy = new IamRolePolicy(this, 'execution-policy', {
      role: this.executionRole.id,
      name: 'start-task',
      policy: policyDocument(...statements),
    });

    if (props.taskStatements?.length) {
      this.taskPolicy = new IamRolePolicy(this, 'task-policy', {
        role: this.taskRole.id,
        name: 'declared',
        policy: policyDocument(...props.taskStatements),
      });
    }
    for (const arn of props.managedPolicyArns ?? []) {
      new IamRolePolicyAttachment(this, `managed-${arn.split(':policy/')[1]!.replace(/[^A-Za-z0-9]/g, '-')}`, {
        role: this.taskRole.name,
        policyArn: arn,
      });
    }

    if (props.exec) {
      new IamRolePolicy(this, 'exec-policy', {
        role: this.taskRole.id,
        name: 'ecs-exec',
        policy: policyDocument(
          // The Session Manager channel actions have no resource-level permissions.
          {
            Sid: 'ExecChannel',
            Effect: 'Allow',
            Action: [
              'ssmmessages:CreateControlChannel',
              'ssmmessages:CreateDataChannel',
              'ssmmessages:OpenControlChannel',
              'ssmmessages:OpenDataChannel',
            ],
            Resource: '*',
          },
          {
            Sid: 'ExecSessionLogs',
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            Resource: [props.exec.logGroupArn, `${props.exec.logGroupArn}:*`],
          },
          { Sid: 'ExecLogGroupLookup', Effect: 'Allow', Action: 'logs:DescribeLogGroups', Resource: '*' },
          { Sid: 'ExecChannelKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: props.exec.kmsKeyArn },
        ),
      });
    }
  }
}

/** What pulling an image from an ECR repository needs on that repository: nothing more. */
export const ECR_PULL_ACTIONS = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] as const;

function oneOrMany(values: readonly string[]): string | string[] {
  return values.length === 1 ? values[0]! : [...values];
}
