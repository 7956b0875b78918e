/**
 * cost.monthlyBudget: an AWS Budgets cost budget of the environment's
 * resources (by its Environment tag) with alerts at 80% actual and 100%
 * forecast to the alarm emails or monitoring.topicArn; the estimate held
 * against it; a budget whose alerts go nowhere refused with the key to set.
 */
import { estimateStack } from '../../src/cost/estimate';
import { compareEstimates, formatComparisonMarkdown, formatEstimateTable } from '../../src/core/index';
import { MINIMAL_ENVIRONMENT, configOf, problemsOf, resourcesOf, synthEnvironment } from '../support/helpers';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ops';
const budgetOf = (yaml: string) => Object.values(resourcesOf(synthEnvironment(configOf(yaml, undefined)), 'aws_budgets_budget'));

describe('cost.monthlyBudget', () => {
  it('creates a monthly USD cost budget of the environment tag, alerting at 80% actual and 100% forecast to the alarm emails', () => {
    const budgets = budgetOf(
      `${MINIMAL_ENVIRONMENT}environment: demo\nmonitoring: { alarmEmails: [oncall@shop.example.com] }\ncost: { monthlyBudget: 500 }\n`,
    );
    expect(budgets).toHaveLength(1);
    expect(budgets[0]).toMatchObject({
      name: 'shop-demo',
      budget_type: 'COST',
      time_unit: 'MONTHLY',
      limit_amount: '500.00',
      limit_unit: 'USD',
      cost_filter: [{ name: 'TagKeyValue', values: ['user:Environment$demo'] }],
    });
    expect(budgets[0].notification).toEqual([
      {
        comparison_operator: 'GREATER_THAN',
        notification_type: 'ACTUAL',
        threshold: 80,
        threshold_type: 'PERCENTAGE',
        subscriber_email_addresses: ['oncall@shop.example.com'],
      },
      {
        comparison_operator: 'GREATER_THAN',
        notification_type: 'FORECASTED',
        threshold: 100,
        threshold_type: 'PERCENTAGE',
        subscriber_email_addresses: ['oncall@shop.example.com'],
      },
    ]);
  });

  it('alerts monitoring.topicArn instead, whose subscribers include the emails', () => {
    const [budget] = budgetOf(
      `${MINIMAL_ENVIRONMENT}monitoring: { topicArn: "${TOPIC}", alarmEmails: [a@shop.example.com] }\ncost: { monthlyBudget: 120.5 }\n`,
    );
    expect(budget.limit_amount).toBe('120.50');
    expect(budget.notification.map((n: Record<string, unknown>) => [n.subscriber_sns_topic_arns, n.subscriber_email_addresses])).toEqual([
      [[TOPIC], undefined],
      [[TOPIC], undefined],
    ]);
  });

  it('creates none without the key', () => {
    expect(budgetOf(`${MINIMAL_ENVIRONMENT}monitoring: { alarmEmails: [oncall@shop.example.com] }\n`)).toEqual([]);
  });

  it('refuses a budget whose alerts go nowhere, or more addresses than a budget alert mails, naming the key and the fix', () => {
    expect(problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}cost:\n  monthlyBudget: 50\n` })).toEqual([
      "cfg/dev.yaml:11:18 cost.monthlyBudget: the budget's alerts go to monitoring.alarmEmails or monitoring.topicArn; set one of them, or remove monthlyBudget",
    ]);
    const emails = Array.from({ length: 11 }, (_, i) => `o${i}@shop.example.com`).join(', ');
    expect(
      problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}monitoring: { alarmEmails: [${emails}] }\ncost: { monthlyBudget: 50 }\n` })[0],
    ).toMatch(/^cfg\/dev\.yaml:10:\d+ monitoring\.alarmEmails: an AWS budget alert mails at most 10 addresses \(11 here\)/);
    expect(
      problemsOf({
        'dev.yaml': `${MINIMAL_ENVIRONMENT}monitoring: { alarmEmails: [a@shop.example.com] }\ncost: { monthlyBudget: -5 }\n`,
      })[0],
    ).toContain('cost.monthlyBudget');
  });

  it('holds the estimate against the budget', () => {
    const stack = synthEnvironment(
      configOf(`${MINIMAL_ENVIRONMENT}monitoring: { alarmEmails: [oncall@shop.example.com] }\ncost: { monthlyBudget: 50 }\n`),
    );
    const estimate = estimateStack(stack, 'dev', { monthlyBudget: 50 });
    // The budget itself is free: the same total as without it.
    expect(estimate.total).toBe(estimateStack(stack, 'dev').total);
    expect(estimate.budget).toEqual({ monthly: 50, percent: Math.round((estimate.total / 50) * 1000) / 10, over: estimate.total > 50 });
    expect(formatEstimateTable(estimate)).toContain(
      `budget (cost.monthlyBudget): $50.00 a month; this estimate is ${estimate.budget!.percent}% of it`,
    );
    expect(estimateStack(stack, 'dev').budget).toBeUndefined();
  });

  it('warns in the pull request comment when a change crosses the budget, and when it stays over it', () => {
    const yaml = (services: string) =>
      `${MINIMAL_ENVIRONMENT}monitoring: { alarmEmails: [oncall@shop.example.com] }\ncost: { monthlyBudget: 100 }\n${services}`;
    const worker = (name: string) =>
      `  ${name}:\n    image: public.ecr.aws/nginx/nginx:1.27.3\n    cpu: 1024\n    memory: 2048\n    egress:\n      - { cidr: 0.0.0.0/0, ports: [443] }\n`;
    const stack = (services: string) => synthEnvironment(configOf(yaml(services)));
    const [smallStack, largeStack] = [stack(''), stack(`services:\n${worker('a')}${worker('b')}`)];
    // A budget between the two: two more services cross it.
    const budget = Math.round((estimateStack(smallStack, 'dev').total + estimateStack(largeStack, 'dev').total) / 2);
    const small = estimateStack(smallStack, 'dev', { monthlyBudget: budget });
    const large = estimateStack(largeStack, 'dev', { monthlyBudget: budget });
    expect(small.budget!.over).toBe(false);
    expect(large.budget!.over).toBe(true);
    const crossing = compareEstimates([small], [large]);
    expect(crossing.environments[0]!.budget).toEqual({ monthly: budget, over: true, crossed: true });
    const comment = formatComparisonMarkdown(crossing);
    expect(comment).toContain(
      `> **Over budget:** this change takes dev to $${large.total.toFixed(2)} a month, over its \`cost.monthlyBudget\` of $${budget.toFixed(2)} ($${small.total.toFixed(2)} before).`,
    );
    // Already over: said, but not as this change's doing; within it: nothing.
    expect(formatComparisonMarkdown(compareEstimates([large], [large]))).toContain(
      `> **Over budget:** dev stays over its \`cost.monthlyBudget\` of $${budget.toFixed(2)}`,
    );
    expect(formatComparisonMarkdown(compareEstimates([small], [small]))).not.toContain('Over budget');
  });
});
