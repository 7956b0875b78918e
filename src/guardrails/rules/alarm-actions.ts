import { defineRule, everyResource } from '../rule';

/** The environment's own topic, or an existing one named by ARN (monitoring.topicArn). */
const notifiesTopic = (actions: unknown) =>
  Array.isArray(actions) && actions.some((a) => /^\$\{aws_sns_topic\.|^arn:aws[a-z-]*:sns:/.test(String(a)));
/** An alarm that only drives a scaling policy (a queue worker's first task from zero) is a trigger, not a notification. */
const scalingTrigger = (actions: unknown) =>
  Array.isArray(actions) && actions.length > 0 && actions.every((a) => /^\$\{aws_appautoscaling_policy\./.test(String(a)));

export const alarmActions = defineRule(__filename, {
  description:
    'Every alarm notifies the alert topic (or monitoring.topicArn) when it fires and when it recovers; an alarm that only drives a scaling policy is a trigger, not a notification',
  scannerIds: [],
  scope: 'all',
  fix: 'create alarms with the Alarm construct, which wires both actions to the topic',
  check: (stack) =>
    everyResource(
      stack,
      'aws_cloudwatch_metric_alarm',
      (a) => scalingTrigger(a.alarm_actions) || (notifiesTopic(a.alarm_actions) && notifiesTopic(a.ok_actions)),
      'the alarm notifies nobody',
    ),
});
