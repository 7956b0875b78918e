/** How many CloudWatch alarms a synthesized stack creates, against the free tier's allowance. */

/** Standard-resolution alarm metrics the CloudWatch free tier covers each month. */
export const FREE_TIER_ALARMS = 10;

/** The CloudWatch alarms in a stack's cdk.tf.json. */
export function alarmCount(stackJson: string): number {
  const alarms = (JSON.parse(stackJson) as { resource?: Record<string, Record<string, unknown>> }).resource?.aws_cloudwatch_metric_alarm ?? {};
  return Object.keys(alarms).length;
}

/** One line for people: `dev: 14 alarms (the free tier covers 10; the rest cost about $0.10 each a month)`. */
export function formatAlarmCount(stack: string, count: number): string {
  const beyond = count - FREE_TIER_ALARMS;
  return `${stack}: ${count} alarm(s) (${beyond > 0 ? `${beyond} beyond the free tier's ${FREE_TIER_ALARMS}, about $0.10 each a month` : `within the free tier's ${FREE_TIER_ALARMS}`})`;
}
