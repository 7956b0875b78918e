import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Construct } from 'constructs';
import { fitName, NAME_LIMITS } from '../../naming';
import { AwsContext } from '../aws-context';
import type { CapacityProviderShare } from '../cluster/ecs-cluster';
import { assumeRolePolicy, policyDocument, type PolicyStatement } from '../iam/policy-document';
import { denyInsecureTransport } from '../iam/statements';
import { QUEUE_KEY_ACTIONS } from '../kms/queues-key';
import { allowEgressTo } from '../network/group-access';
import { addFargateTask, type FargateTask, type FargateTaskProps } from '../service/fargate-task';
import { ValidationError } from '../../validation-error';

/** Names the operations commands (`platform run`) find a job's parts by. */
export const jobNames = {
  /** The task definition family, `<prefix>-<job>`, fitted to ECS's 255 characters. */
  family: (namePrefix: string, job: string): string => fitName(`${namePrefix}-${job}`, NAME_LIMITS.ecsName),
  /** The schedule, `<prefix>-<job>`, fitted to the Scheduler's 64 characters. */
  schedule: (namePrefix: string, job: string): string => fitName(`${namePrefix}-${job}`, SCHEDULE_NAME_LIMIT),
  /** The role EventBridge Scheduler runs the job with, `<prefix>-<job>-scheduler`, fitted to IAM's 64 characters. */
  schedulerRole: (namePrefix: string, job: string): string => fitName(`${namePrefix}-${job}-scheduler`, NAME_LIMITS.iamRole),
  /** The task's `startedBy` when `platform run` starts it. */
  startedBy: 'platform-run',
} as const;

/** EventBridge Scheduler schedule and rule names: 1-64 characters. */
const SCHEDULE_NAME_LIMIT = 64;

export interface ScheduledJobProps extends Omit<FargateTaskProps, 'network' | 'description' | 'port' | 'healthCheckGracePeriodSeconds'> {
  /** The cluster the task runs in. */
  readonly cluster: { readonly name: string; readonly arn: string };
  /** cron(...) or rate(...). */
  readonly schedule: string;
  /** IANA time zone of a cron schedule. @default UTC */
  readonly timezone?: string;
  /** false: the schedule is DISABLED. @default true */
  readonly enabled?: boolean;
  /** FARGATE and/or FARGATE_SPOT with weights. */
  readonly capacity: readonly CapacityProviderShare[];
  /** Retries of an invocation the Scheduler could not make (RunTask refused). @default 2 */
  readonly retries?: number;
  /** Seconds the Scheduler keeps retrying. @default 3600 */
  readonly maximumEventAgeSeconds?: number;
  readonly network: {
    readonly vpcId: string;
    readonly subnetIds: readonly string[];
    readonly assignPublicIp: boolean;
    /** @default [] */
    readonly extraSecurityGroupIds?: readonly string[];
  };
  /** The customer key of the dead-letter queue. @default SQS-managed encryption */
  readonly queueKmsKeyArn?: string;
}

/**
 * A Fargate task run on a schedule by EventBridge Scheduler: the task (as a
 * service's: logs, roles, security group, task definition), a schedule with
 * a retry policy and a dead-letter queue, a role that may run exactly this
 * task definition family in this cluster and pass exactly its two roles,
 * and an EventBridge rule matching its failed runs (a task of the family
 * stopped with a non-zero exit code of its main container, or not started),
 * whose MatchedEvents metric the failure alarm watches.
 */
export class ScheduledJob extends Construct {
  readonly name: string;
  readonly task: FargateTask;
  readonly schedule: SchedulerSchedule;
  readonly schedulerRole: IamRole;
  readonly deadLetterQueue: SqsQueue;
  readonly failedRuns: CloudwatchEventRule;
  readonly family: string;
  /** The failed-runs rule's name, for the alarm's RuleName dimension. */
  readonly ruleName: string;
  /** The dead-letter queue's name, for its alarm. */
  readonly deadLetterQueueName: string;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    if (props.capacity.length === 0) throw new ValidationError(`ScheduledJob ${props.name}: capacity needs at least one provider`, this);
    this.name = props.name;
    const fullName = `${props.namePrefix}-${props.name}`;
    this.task = addFargateTask(this, { ...props, network: { vpcId: props.network.vpcId }, description: `Job ${props.name} tasks` });
    this.family = jobNames.family(props.namePrefix, props.name);
    const aws = AwsContext.of(this);
    const taskDefinitionFamilyArn = aws.arn('ecs', `task-definition/${this.family}:*`);

    this.deadLetterQueueName = fitName(`${fullName}-job-dlq`, 80);
    this.ruleName = fitName(`${fullName}-failed-runs`, SCHEDULE_NAME_LIMIT);
    this.deadLetterQueue = new SqsQueue(this, 'dead-letter-queue', {
      name: this.deadLetterQueueName,
      messageRetentionSeconds: 1209600,
      ...(props.queueKmsKeyArn ? { kmsMasterKeyId: props.queueKmsKeyArn } : { sqsManagedSseEnabled: true }),
    });
    new SqsQueuePolicy(this, 'dead-letter-policy', {
      queueUrl: this.deadLetterQueue.url,
      policy: policyDocument(denyInsecureTransport('sqs:*', this.deadLetterQueue.arn)),
    });

    this.schedulerRole = new IamRole(this, 'scheduler-role', {
      name: jobNames.schedulerRole(props.namePrefix, props.name),
      description: `EventBridge Scheduler runs job ${props.name}`,
      // Only this account's schedules may assume it (confused deputy).
      assumeRolePolicy: assumeRolePolicy('scheduler.amazonaws.com', { StringEquals: { 'aws:SourceAccount': aws.accountId } }),
    });
    const statements: PolicyStatement[] = [
      {
        Sid: 'RunTask',
        Effect: 'Allow',
        Action: 'ecs:RunTask',
        Resource: taskDefinitionFamilyArn,
        Condition: { ArnEquals: { 'ecs:cluster': props.cluster.arn } },
      },
      // Tasks started with tags (managed tags, propagated from the task definition) need TagResource at creation only.
      {
        Sid: 'TagTask',
        Effect: 'Allow',
        Action: 'ecs:TagResource',
        Resource: aws.arn('ecs', `task/${props.cluster.name}/*`),
        Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
      },
      {
        Sid: 'PassTaskRoles',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: [this.task.roles.executionRole.arn, this.task.roles.taskRole.arn],
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
      { Sid: 'DeadLetters', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: this.deadLetterQueue.arn },
      ...(props.queueKmsKeyArn
        ? [{ Sid: 'DeadLetterKey', Effect: 'Allow' as const, Action: [...QUEUE_KEY_ACTIONS], Resource: props.queueKmsKeyArn }]
        : []),
    ];
    const schedulerPolicy = new IamRolePolicy(this, 'scheduler-policy', {
      role: this.schedulerRole.id,
      name: 'run-task',
      policy: policyDocument(...statements),
    });

    this.schedule = new SchedulerSchedule(this, 'schedule', {
      name: jobNames.schedule(props.namePrefix, props.name),
      description: `Job ${props.name} of ${props.namePrefix}`,
      scheduleExpression: props.schedule,
      scheduleExpressionTimezone: props.timezone ?? 'UTC',
      state: props.enabled === false ? 'DISABLED' : 'ENABLED',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: props.cluster.arn,
        roleArn: this.schedulerRole.arn,
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
        retryPolicy: { maximumRetryAttempts: props.retries ?? 2, maximumEventAgeInSeconds: props.maximumEventAgeSeconds ?? 3600 },
        ecsParameters: {
          // The revision Terraform registered: a change to the job registers a new one and moves the schedule to it.
          taskDefinitionArn: this.task.taskDefinition.arn,
          taskCount: 1,
          // A strategy, never a launch type: Spot where configured.
          capacityProviderStrategy: props.capacity.map((share) => ({
            capacityProvider: share.provider,
            weight: share.weight,
            base: share.base ?? 0,
          })),
          platformVersion: 'LATEST',
          networkConfiguration: {
            subnets: [...props.network.subnetIds],
            securityGroups: [this.task.securityGroup.id, ...(props.network.extraSecurityGroupIds ?? [])],
            assignPublicIp: props.network.assignPublicIp,
          },
          enableEcsManagedTags: true,
          propagateTags: 'TASK_DEFINITION',
        },
      },
      // The first run must find its permissions in place.
      dependsOn: [schedulerPolicy, this.task.roles.executionPolicy],
    });

    this.failedRuns = new CloudwatchEventRule(this, 'failed-runs', {
      name: this.ruleName,
      description: `Runs of job ${props.name} that stopped with a non-zero exit code or did not start`,
      eventPattern: JSON.stringify(failedRunPattern(props.cluster.arn, this.family, props.name)),
    });
  }

  /** Lets the tasks reach another security group on a TCP port, where egress is narrowed. */
  allowTo(id: string, peerSecurityGroupId: string, port: number, what: string): void {
    if (this.task.openEgress) return;
    allowEgressTo(this, `to-${id}`, { securityGroupId: this.task.securityGroup.id, peerSecurityGroupId, port, peer: what });
  }
}

/**
 * ECS Task State Change events of this family's tasks that failed: stopped
 * with a non-zero exit code of the main container (named after the job), or
 * stopped before it ran (TaskFailedToStart, a Spot interruption). A run that
 * exits 0 matches neither.
 */
export function failedRunPattern(clusterArn: string, family: string, mainContainer: string) {
  return {
    source: ['aws.ecs'],
    'detail-type': ['ECS Task State Change'],
    detail: {
      clusterArn: [clusterArn],
      lastStatus: ['STOPPED'],
      group: [`family:${family}`],
      $or: [
        { containers: { name: [mainContainer], exitCode: [{ 'anything-but': 0 }] } },
        { stopCode: ['TaskFailedToStart', 'SpotInterruption'] },
      ],
    },
  };
}
