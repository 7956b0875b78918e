import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingScheduledAction } from '@cdktf/provider-aws/lib/appautoscaling-scheduled-action';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { Construct } from 'constructs';

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
}

/** Application Auto Scaling of a service's desired count: target tracking and schedules. */
export class ServiceAutoscaling extends Construct {
  readonly target: AppautoscalingTarget;

  constructor(scope: Construct, id: string, props: ServiceAutoscalingProps) {
    super(scope, id);
    if (props.min > props.max) throw new Error(`ServiceAutoscaling ${props.serviceName}: min ${props.min} is above max ${props.max}`);
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
    if (props.requestsPerTarget) track('requests', 'ALBRequestCountPerTarget', props.requestsPerTarget.target, props.requestsPerTarget.resourceLabel);
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
}
