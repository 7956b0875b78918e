/** Estimates and comparisons as text for people: a terminal table, or markdown for pull requests and the docs. */
import { ASSUMPTION_TEXT, type CostAssumptions } from './assumptions';
import type { CostComparison } from './compare';
import type { CostEstimate, CostLine } from './estimate';
import { PRICES_AS_OF } from './prices';

/** `$1,234.56`, `-$3.10`. */
export function usd(value: number): string {
  const sign = value < 0 ? '-' : '';
  return `${sign}$${Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** `+$3.10`, `-$3.10`, `$0.00`. */
export function signedUsd(value: number): string {
  return value > 0 ? `+${usd(value)}` : usd(value);
}

function unitPrice(line: CostLine): string {
  return line.unitPrice === null ? 'not priced' : `$${line.unitPrice}`;
}

function quantity(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

function assumptionLines(assumptions: CostAssumptions): string[] {
  return (Object.keys(ASSUMPTION_TEXT) as (keyof CostAssumptions)[]).map((key) => `${key}: ${assumptions[key]} (${ASSUMPTION_TEXT[key]})`);
}

/** `cost.overrides.services.api: requestsPerSecond 60, logGbPerDay 3`, one per overridden service. */
function overrideLines(estimate: CostEstimate): string[] {
  return Object.keys(estimate.overrides?.services ?? {})
    .sort()
    .map((name) => {
      const usage = estimate.overrides!.services![name]!;
      return `cost.overrides.services.${name}: ${Object.entries(usage)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`;
    });
}

function budgetText(estimate: CostEstimate): string[] {
  const budget = estimate.budget;
  if (!budget) return [];
  return [
    `budget (cost.monthlyBudget): ${usd(budget.monthly)} a month; this estimate is ${budget.percent}% of it${budget.over ? ', over it' : ''} (AWS Budgets alerts at 80% actual and 100% forecast)`,
  ];
}

function notPricedText(estimate: CostEstimate): string[] {
  return estimate.notPriced.map((n) => `${n.what}: ${n.why}`);
}

/** How the estimate counts tasks, said with every estimate. */
export const TASKS_TEXT =
  'autoscaled services at their desired count held between min and max (not their min), scheduled scaling by the hours it runs';

function freeTierText(estimate: CostEstimate): string[] {
  return (estimate.freeTier ?? []).map(
    (use) => `${use.allowance}: uses ${quantity(use.used)} of ${quantity(use.free)} ${use.unit}${use.exceeded ? ' (exceeds it)' : ''}`,
  );
}

/** A plain-text table: one row per line, then the total, the assumptions and the free tier. */
export function formatEstimateTable(estimate: CostEstimate): string {
  const header = ['resource', 'item', 'quantity', 'unit', 'unit price', 'monthly'];
  const rows = estimate.lines.map((l) => [l.address, l.item, quantity(l.quantity), l.unit, unitPrice(l), usd(l.monthly)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const right = new Set([2, 4, 5]);
  const render = (row: readonly string[]) =>
    row
      .map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    `${estimate.environment} (${estimate.region}): ${usd(estimate.total)} a month, list prices as of ${estimate.pricesAsOf}, ${estimate.hoursPerMonth} hours a month`,
    render(header),
    ...rows.map(render),
    `total  ${usd(estimate.total)}`,
    ...budgetText(estimate),
    'assumptions (cost: in the environment file):',
    ...assumptionLines(estimate.assumptions).map((l) => `  ${l}`),
    ...overrideLines(estimate).map((l) => `  ${l}`),
    `  tasks: ${TASKS_TEXT}`,
    'not priced (billed, not in the total):',
    ...notPricedText(estimate).map((l) => `  ${l}`),
    ...(estimate.freeTier
      ? [
          'free tier (account-wide allowances, counted as if this environment were alone in the account):',
          `  rules: ${estimate.freeTierRules}`,
          ...freeTierText(estimate).map((l) => `  ${l}`),
        ]
      : []),
  ].join('\n');
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** A markdown table of one estimate (the docs' generated sections use it too). */
export function formatEstimateMarkdown(estimate: CostEstimate): string {
  const out = [
    `**${estimate.environment}** (${estimate.region}): **${usd(estimate.total)}** a month`,
    '',
    '| resource | item | quantity | unit | unit price | monthly |',
    '| --- | --- | ---: | --- | ---: | ---: |',
    ...estimate.lines.map(
      (l) => `| \`${l.address}\` | ${cell(l.item)} | ${quantity(l.quantity)} | ${l.unit} | ${unitPrice(l)} | ${usd(l.monthly)} |`,
    ),
    `| **total** | | | | | **${usd(estimate.total)}** |`,
    ...budgetText(estimate).flatMap((l) => ['', l]),
    '',
    `Assumptions: ${[...assumptionLines(estimate.assumptions), ...overrideLines(estimate)].join('; ')}; tasks: ${TASKS_TEXT}.`,
    '',
    'Not priced (billed, not in the total):',
    '',
    ...notPricedText(estimate).map((l) => `- ${cell(l)}`),
  ];
  if (estimate.freeTier) out.push('', `Free tier (${estimate.freeTierRules}):`, '', ...freeTierText(estimate).map((l) => `- ${l}`));
  return out.join('\n');
}

/** The difference as markdown, for a pull request comment: a summary table, then each environment's changed lines. */
export function formatComparisonMarkdown(comparison: CostComparison, title = 'Monthly cost estimate'): string {
  const total = (value: number | undefined) => (value === undefined ? '—' : usd(value));
  const out = [
    `#### ${title}`,
    '',
    '| environment | before | after | difference |',
    '| --- | ---: | ---: | ---: |',
    ...comparison.environments.map((e) => `| ${e.environment} | ${total(e.before)} | ${total(e.after)} | ${signedUsd(e.difference)} |`),
  ];
  // The budget warning a reviewer must not miss: above the details.
  for (const e of comparison.environments.filter((x) => x.budget?.over)) {
    const { monthly, crossed } = e.budget!;
    out.push(
      '',
      crossed
        ? `> **Over budget:** this change takes ${e.environment} to ${total(e.after)} a month, over its \`cost.monthlyBudget\` of ${usd(monthly)}${e.before === undefined ? '' : ` (${total(e.before)} before)`}.`
        : `> **Over budget:** ${e.environment} stays over its \`cost.monthlyBudget\` of ${usd(monthly)}: ${total(e.after)} a month.`,
    );
  }
  for (const e of comparison.environments.filter((x) => x.lines.length > 0)) {
    out.push(
      '',
      `<details><summary>${e.environment}: ${signedUsd(e.difference)} a month, ${e.lines.length} line(s) changed</summary>`,
      '',
      '| resource | item | before | after | difference |',
      '| --- | --- | ---: | ---: | ---: |',
      ...e.lines.map((l) => `| \`${l.address}\` | ${cell(l.item)} | ${usd(l.before)} | ${usd(l.after)} | ${signedUsd(l.difference)} |`),
      '',
      '</details>',
    );
  }
  out.push('', `List prices as of ${PRICES_AS_OF} (src/cost/prices.ts), usage from each environment's \`cost:\` assumptions.`);
  return out.join('\n');
}

/** The rows of the per-category summary, in order, and which lines belong to each. */
const CATEGORIES: readonly (readonly [string, (line: CostLine) => boolean])[] = [
  ['Fargate tasks', (l) => l.item.startsWith('Fargate') || l.item.startsWith('ephemeral storage')],
  ['Public IPv4 addresses', (l) => l.item.startsWith('public IPv4')],
  ['NAT gateways', (l) => l.address.startsWith('aws_nat_gateway.')],
  ['Load balancer', (l) => l.address.startsWith('aws_lb.')],
  ['RDS', (l) => l.address.startsWith('aws_db_instance.')],
  ['DynamoDB', (l) => l.address.startsWith('aws_dynamodb_table.')],
  [
    'CloudWatch alarms, dashboards, logs, Container Insights',
    (l) =>
      l.address.startsWith('aws_cloudwatch_') ||
      l.address.startsWith('aws_appautoscaling_policy.') ||
      l.address.startsWith('aws_ecs_cluster.'),
  ],
  ['KMS keys, Secrets Manager', (l) => l.address.startsWith('aws_kms_key.') || l.address.startsWith('aws_secretsmanager_secret.')],
  [
    'ECR, S3, EFS, Route 53, Cloud Map',
    (l) => /^aws_(ecr_repository|s3_bucket|efs_file_system|route53_zone|service_discovery_)/.test(l.address),
  ],
  ['Free tier', (l) => l.address === 'free-tier'],
];

/** One column per environment, one row per kind of cost (docs/cost.md's generated cost table). */
export function formatCategoryMarkdown(estimates: readonly CostEstimate[]): string {
  const rows: string[][] = [];
  const claimed = new Set<CostLine>();
  for (const [name, belongs] of CATEGORIES) {
    const sums = estimates.map((e) =>
      e.lines
        .filter((l) => !claimed.has(l) && belongs(l))
        .reduce((sum, l) => {
          claimed.add(l);
          return sum + l.monthly;
        }, 0),
    );
    if (sums.some((s) => s !== 0)) rows.push([name, ...sums.map(usd)]);
  }
  const other = estimates.map((e) => e.lines.filter((l) => !claimed.has(l)));
  if (other.some((lines) => lines.length > 0)) rows.push(['Other (not priced)', ...other.map((lines) => `${lines.length} line(s)`)]);
  return [
    `| monthly, USD | ${estimates.map((e) => `${e.environment} (${e.region})`).join(' | ')} |`,
    `| --- | ${estimates.map(() => '---:').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    `| **total** | ${estimates.map((e) => `**${usd(e.total)}**`).join(' | ')} |`,
  ].join('\n');
}
