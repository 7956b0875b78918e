/** How many CloudWatch alarms a synthesized stack creates, against the free tier's allowance. */
import { stackAlarms } from '../cost/estimate';

/** Standard-resolution alarm metrics the CloudWatch free tier covers each month. */
export const FREE_TIER_ALARMS = 10;

/** The CloudWatch alarms of a stack's cdk.tf.json: its alarm resources and the two Application Auto Scaling creates per target-tracking policy. */
export function alarmCount(stackJson: string): number {
  const { own, autoscaling } = alarmBreakdown(stackJson);
  return own + autoscaling;
}

/** The stack's own alarms, and those Application Auto Scaling creates for its target-tracking policies. */
export function alarmBreakdown(stackJson: string): { own: number; autoscaling: number } {
  return stackAlarms((JSON.parse(stackJson) as { resource?: Record<string, Record<string, Record<string, unknown>>> }).resource ?? {});
}

/** One line for people: `dev: 14 alarm(s), 6 of them by target-tracking autoscaling (4 beyond the free tier's 10, about $0.10 each a month)`. */
export function formatAlarmCount(stack: string, count: number, autoscaling = 0): string {
  const beyond = count - FREE_TIER_ALARMS;
  const by = autoscaling > 0 ? `, ${autoscaling} of them by target-tracking autoscaling` : '';
  return `${stack}: ${count} alarm(s)${by} (${beyond > 0 ? `${beyond} beyond the free tier's ${FREE_TIER_ALARMS}, about $0.10 each a month` : `within the free tier's ${FREE_TIER_ALARMS}`})`;
}
