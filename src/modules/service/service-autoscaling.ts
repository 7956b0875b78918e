import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingScheduledAction } from '@cdktf/provider-aws/lib/appautoscaling-scheduled-action';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Construct } from 'constructs';
import { fitName, NAME_LIMITS } from '../../naming';
import { ValidationError } from '../../validation-error';

export interface ScheduledCapacity {
  readonly name: string;
  /** cron(...), rate(...) or at(...). */
  readonly schedule: string;
  /** @default UTC */
  readonly timezone?: string;
  readonly min: number;
  readonly max: number;
}

export interface ServiceAutoscalingProps {
  readonly clusterName: string;
  readonly serviceName: string;
  /** Prefix of policy names, `<project>-<environment>-<service>`. */
  readonly namePrefix: string;
  readonly min: number;
  readonly max: number;
  /** Average CPU % to hold. @default no CPU policy */
  readonly cpuTarget?: number;
  /** Average memory % to hold. @default no memory policy */
  readonly memoryTarget?: number;
  /** Load balancer requests per task to hold, with the `app/.../targetgroup/...` label. @default no request policy */
  readonly requestsPerTarget?: { readonly target: number; readonly resourceLabel: string };
  /** @default 60 */
  readonly scaleOutCooldownSeconds?: number;
  /** @default 300 */
  readonly scaleInCooldownSeconds?: number;
  /** @default [] */
  readonly schedules?: readonly ScheduledCapacity[];
  /**
   * Scale on an SQS queue's backlog per task: visible messages divided by
   * running tasks (Container Insights), held at `messagesPerTask`. With
   * `min` 0 a step policy starts the first task. @default no queue policy
   */
  readonly queue?: { readonly queueName: string; readonly messagesPerTask: number };
}

/** Application Auto Scaling of a service's desired count: target tracking and schedules. */
export class ServiceAutoscaling extends Construct {
  readonly target: AppautoscalingTarget;

  constructor(scope: Construct, id: string, props: ServiceAutoscalingProps) {
    super(scope, id);
    if (props.min > props.max)
      throw new ValidationError(`ServiceAutoscaling ${props.serviceName}: min ${props.min} is above max ${props.max}`, this);
    this.target = new AppautoscalingTarget(this, 'target', {
      serviceNamespace: 'ecs',
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: `service/${props.clusterName}/${props.serviceName}`,
      minCapacity: props.min,
      maxCapacity: props.max,
    });
    const cooldowns = { scaleOutCooldown: props.scaleOutCooldownSeconds ?? 60, scaleInCooldown: props.scaleInCooldownSeconds ?? 300 };
    const track = (policyId: string, metric: string, targetValue: number, resourceLabel?: string) =>
      new AppautoscalingPolicy(this, policyId, {
        name: `${props.namePrefix}-${policyId}`,
        policyType: 'TargetTrackingScaling',
        serviceNamespace: this.target.serviceNamespace,
        scalableDimension: this.target.scalableDimension,
        resourceId: this.target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue,
          ...cooldowns,
          predefinedMetricSpecification: { predefinedMetricType: metric, resourceLabel },
        },
      });
    if (props.cpuTarget !== undefined) track('cpu', 'ECSServiceAverageCPUUtilization', props.cpuTarget);
    if (props.memoryTarget !== undefined) track('memory', 'ECSServiceAverageMemoryUtilization', props.memoryTarget);
    if (props.requestsPerTarget)
      track('requests', 'ALBRequestCountPerTarget', props.requestsPerTarget.target, props.requestsPerTarget.resourceLabel);
    if (props.queue) this.scaleOnQueue(props, props.queue, cooldowns);
    for (const schedule of props.schedules ?? []) {
      new AppautoscalingScheduledAction(this, `schedule-${schedule.name}`, {
        name: `${props.namePrefix}-${schedule.name}`,
        serviceNamespace: this.target.serviceNamespace,
        scalableDimension: this.target.scalableDimension,
        resourceId: this.target.resourceId,
        schedule: schedule.schedule,
        timezone: schedule.timezone,
        scalableTargetAction: { minCapacity: String(schedule.min), maxCapacity: String(schedule.max) },
      });
    }
  }

  /**
   * The AWS-recommended worker pattern: target tracking on the metric math
   * expression backlog / running tasks. Target tracking cannot start the first
   * task (with none running the ratio has no value: no data, no action), so
   * with min 0 an alarm on "messages visible while no task runs" drives a step
   * policy that adds one; target tracking takes it from there, and scales back
   * in as far as min (0) once the backlog is gone.
   */
  private scaleOnQueue(
    props: ServiceAutoscalingProps,
    queue: NonNullable<ServiceAutoscalingProps['queue']>,
    cooldowns: { scaleOutCooldown: number; scaleInCooldown: number },
  ): void {
    const visible = {
      id: 'visible',
      metricStat: {
        metric: {
          namespace: 'AWS/SQS',
          metricName: 'ApproximateNumberOfMessagesVisible',
          dimensions: [{ name: 'QueueName', value: queue.queueName }],
        },
        stat: 'Sum',
      },
      returnData: false,
    };
    const running = {
      id: 'running',
      metricStat: {
        metric: {
          namespace: 'ECS/ContainerInsights',
          metricName: 'RunningTaskCount',
          dimensions: [
            { name: 'ClusterName', value: props.clusterName },
            { name: 'ServiceName', value: props.serviceName },
          ],
        },
        stat: 'Average',
      },
      returnData: false,
    };
    new AppautoscalingPolicy(this, 'queue', {
      name: `${props.namePrefix}-queue`,
      policyType: 'TargetTrackingScaling',
      serviceNamespace: this.target.serviceNamespace,
      scalableDimension: this.target.scalableDimension,
      resourceId: this.target.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: queue.messagesPerTask,
        ...cooldowns,
        customizedMetricSpecification: {
          metrics: [visible, running, { id: 'backlog', expression: 'visible / running', label: 'Backlog per task', returnData: true }],
        },
      },
    });
    if (props.min > 0) return;
    const fromZero = new AppautoscalingPolicy(this, 'queue-from-zero', {
      name: `${props.namePrefix}-queue-from-zero`,
      policyType: 'StepScaling',
      serviceNamespace: this.target.serviceNamespace,
      scalableDimension: this.target.scalableDimension,
      resourceId: this.target.resourceId,
      stepScalingPolicyConfiguration: {
        adjustmentType: 'ChangeInCapacity',
        cooldown: cooldowns.scaleOutCooldown,
        metricAggregationType: 'Maximum',
        stepAdjustment: [{ metricIntervalLowerBound: '0', scalingAdjustment: 1 }],
      },
    });
    new CloudwatchMetricAlarm(this, 'queue-from-zero-alarm', {
      alarmName: fitName(`${props.namePrefix}-queue-from-zero`, NAME_LIMITS.alarm),
      alarmDescription: `Messages wait in ${queue.queueName} and no task of ${props.serviceName} runs: start one (Application Auto Scaling)`,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      evaluationPeriods: 1,
      // No data (no task has ever run) counts as none running.
      treatMissingData: 'notBreaching',
      metricQuery: [
        {
          id: 'visible',
          returnData: false,
          metric: {
            namespace: 'AWS/SQS',
            metricName: 'ApproximateNumberOfMessagesVisible',
            dimensions: { QueueName: queue.queueName },
            period: 60,
            stat: 'Maximum',
          },
        },
        {
          id: 'running',
          returnData: false,
          metric: {
            namespace: 'ECS/ContainerInsights',
            metricName: 'RunningTaskCount',
            dimensions: { ClusterName: props.clusterName, ServiceName: props.serviceName },
            period: 60,
            stat: 'Maximum',
          },
        },
        {
          id: 'waiting',
          expression: 'IF(visible > 0 AND FILL(running, 0) == 0, 1, 0)',
          label: 'Messages waiting with no task',
          returnData: true,
        },
      ],
      alarmActions: [fromZero.arn],
    });
  }
}
