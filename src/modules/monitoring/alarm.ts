import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { TerraformIterator } from 'cdktf';
import { Construct } from 'constructs';
import { fitName, NAME_LIMITS } from '../../naming';
import type { Metric } from './metrics';

export type Comparison = 'GreaterThanThreshold' | 'LessThanThreshold';

/**
 * What to do when a metric reports nothing: `breaching` where silence means
 * the resource is gone (no tasks, no database), `notBreaching` where it means
 * no traffic (no errors to count).
 */
export type MissingData = 'breaching' | 'notBreaching';

export interface AlarmDefinition {
  /** `<prefix>-<kind>-<resource>-<condition>`: unique, and the alarm's Terraform key. */
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

export interface AlarmsProps {
  readonly alarms: readonly AlarmDefinition[];
  /** Notified when an alarm fires and when it recovers. */
  readonly topicArn: string;
}

/** One alarm's settings as they appear in the `for_each` map. */
export interface AlarmSettings {
  readonly description: string;
  readonly namespace: string;
  readonly metric_name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: string;
  readonly period: number;
  readonly comparison: Comparison;
  readonly threshold: number;
  readonly evaluation_periods: number;
  readonly datapoints_to_alarm: number;
  readonly treat_missing_data: MissingData;
}

/**
 * The CloudWatch alarms of an environment, each notifying the topic on alarm
 * and on recovery. One resource with `for_each` keyed by alarm name: the
 * Terraform address of each alarm is its readable, stable name
 * (`...["shop-prod-service-api-cpu-high"]`), and hundreds of alarms cost
 * synthesis one resource instead of hundreds.
 */
export class Alarms extends Construct {
  readonly alarm: CloudwatchMetricAlarm;
  readonly settings: Readonly<Record<string, AlarmSettings>>;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const settings: Record<string, AlarmSettings> = {};
    for (const alarm of props.alarms) {
      const name = fitName(alarm.name, NAME_LIMITS.alarm);
      if (name in settings) throw new Error(`Alarms: two alarms are named ${name}`);
      const evaluationPeriods = alarm.evaluationPeriods ?? 5;
      const datapointsToAlarm = alarm.datapointsToAlarm ?? 3;
      if (datapointsToAlarm > evaluationPeriods) throw new Error(`Alarms: ${name} has datapointsToAlarm above evaluationPeriods`);
      settings[name] = {
        description: alarm.description,
        namespace: alarm.metric.namespace,
        metric_name: alarm.metric.metricName,
        dimensions: { ...alarm.metric.dimensions },
        statistic: alarm.metric.statistic,
        period: alarm.metric.periodSeconds ?? 60,
        comparison: alarm.comparison,
        threshold: alarm.threshold,
        evaluation_periods: evaluationPeriods,
        datapoints_to_alarm: datapointsToAlarm,
        treat_missing_data: alarm.missingData,
      };
    }
    this.settings = settings;
    const each = TerraformIterator.fromMap(settings);
    this.alarm = new CloudwatchMetricAlarm(this, 'alarm', {
      forEach: each,
      alarmName: each.key,
      alarmDescription: each.getString('description'),
      namespace: each.getString('namespace'),
      metricName: each.getString('metric_name'),
      dimensions: each.getStringMap('dimensions'),
      statistic: each.getString('statistic'),
      period: each.getNumber('period'),
      comparisonOperator: each.getString('comparison'),
      threshold: each.getNumber('threshold'),
      evaluationPeriods: each.getNumber('evaluation_periods'),
      datapointsToAlarm: each.getNumber('datapoints_to_alarm'),
      treatMissingData: each.getString('treat_missing_data'),
      alarmActions: [props.topicArn],
      okActions: [props.topicArn],
    });
  }
}
