import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Construct } from 'constructs';
import { fitName, NAME_LIMITS } from '../../naming';
import type { Metric } from './metrics';
import { ValidationError } from '../../validation-error';

export type Comparison = 'GreaterThanThreshold' | 'LessThanThreshold';

/**
 * What to do when a metric reports nothing: `breaching` where silence means
 * the resource is gone (no tasks, no database), `notBreaching` where it means
 * no traffic (no errors to count).
 */
export type MissingData = 'breaching' | 'notBreaching';

export interface AlarmDefinition {
  /** The construct ID (a Terraform address part): stable. */
  readonly id: string;
  /** `<prefix>-<kind>-<resource>-<condition>`, within 255 characters. */
  readonly name: string;
  readonly description: string;
  readonly metric: Metric;
  readonly comparison: Comparison;
  readonly threshold: number;
  /** Periods looked at. @default 5 */
  readonly evaluationPeriods?: number;
  /** Periods of those that must breach. @default 3 */
  readonly datapointsToAlarm?: number;
  readonly missingData: MissingData;
}

export interface AlarmProps extends Omit<AlarmDefinition, 'id'> {
  /** Notified when the alarm fires and when it recovers. */
  readonly topicArn: string;
}

/** A CloudWatch alarm on one metric that notifies the topic on alarm and on recovery. */
export class Alarm extends Construct {
  readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: AlarmProps) {
    super(scope, id);
    const evaluationPeriods = props.evaluationPeriods ?? 5;
    const datapointsToAlarm = props.datapointsToAlarm ?? 3;
    if (datapointsToAlarm > evaluationPeriods)
      throw new ValidationError(`Alarm ${props.name}: datapointsToAlarm is above evaluationPeriods`, this);
    this.alarm = new CloudwatchMetricAlarm(this, 'alarm', {
      alarmName: fitName(props.name, NAME_LIMITS.alarm),
      alarmDescription: props.description,
      namespace: props.metric.namespace,
      metricName: props.metric.metricName,
      dimensions: { ...props.metric.dimensions },
      statistic: props.metric.statistic,
      period: props.metric.periodSeconds ?? 60,
      comparisonOperator: props.comparison,
      threshold: props.threshold,
      evaluationPeriods,
      datapointsToAlarm,
      treatMissingData: props.missingData,
      alarmActions: [props.topicArn],
      okActions: [props.topicArn],
    });
  }
}
