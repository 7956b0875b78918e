import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { Construct } from 'constructs';
import { ValidationError } from '../../validation-error';

export interface CostBudgetProps {
  /** The budget's name, `<project>-<environment>`. */
  readonly name: string;
  /** USD a month. */
  readonly monthlyUsd: number;
  /** Cost allocation tag the budget counts, e.g. `{ key: 'Environment', value: 'prod' }` (the tag must be activated in Billing). */
  readonly tag: { readonly key: string; readonly value: string };
  /** Addresses the alerts mail (at most 10). @default none */
  readonly emails?: readonly string[];
  /** A topic the alerts publish to (its policy must let budgets.amazonaws.com publish). @default none */
  readonly topicArn?: string;
}

/** Alert thresholds, percent of the budget: 80% of actual cost, 100% of forecast cost. */
export const BUDGET_ALERTS = [
  { notificationType: 'ACTUAL', threshold: 80 },
  { notificationType: 'FORECASTED', threshold: 100 },
] as const;

/** An AWS Budgets monthly cost budget of the resources with one tag, alerting at 80% actual and 100% forecast. */
export class CostBudget extends Construct {
  readonly budget: BudgetsBudget;

  constructor(scope: Construct, id: string, props: CostBudgetProps) {
    super(scope, id);
    if ((props.emails ?? []).length === 0 && props.topicArn === undefined)
      throw new ValidationError(`CostBudget ${props.name}: alerts need emails or a topic`, this);
    this.budget = new BudgetsBudget(this, 'budget', {
      name: props.name,
      budgetType: 'COST',
      timeUnit: 'MONTHLY',
      limitAmount: props.monthlyUsd.toFixed(2),
      limitUnit: 'USD',
      costFilter: [{ name: 'TagKeyValue', values: [`user:${props.tag.key}$${props.tag.value}`] }],
      notification: BUDGET_ALERTS.map((alert) => ({
        comparisonOperator: 'GREATER_THAN',
        notificationType: alert.notificationType,
        threshold: alert.threshold,
        thresholdType: 'PERCENTAGE',
        subscriberEmailAddresses: props.topicArn === undefined ? [...(props.emails ?? [])] : undefined,
        subscriberSnsTopicArns: props.topicArn !== undefined ? [props.topicArn] : undefined,
      })),
    });
  }
}
