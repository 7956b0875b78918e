/**
 * The monthly estimate (src/cost via the core and the CLI): every billable
 * resource of the examples priced from the pinned table; prod, dev and their
 * difference equal to sums written out by hand here (`--compare` against a
 * git ref is test/e2e/cost-compare.test.ts); the free tier;
 * unknown resources listed as not priced; the `cost:` assumptions used.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capacitySplit, estimateStack } from '../../src/cost/estimate';
import { PRICES } from '../../src/cost/prices';
import {
  estimateCost,
  formatEstimateMarkdown,
  formatEstimateTable,
  loadEnvironments,
  PRICES_AS_OF,
  synthesize,
  type CostEstimate,
} from '../../src/core/index';
import { cli as runCli, type CliResult } from '../support/cli-in-process';
import { EXAMPLES_DIR } from '../support/helpers';
import { synthesizedFixture } from '../support/synth-cache';

const H = 730;
const SECONDS = 730 * 3600;
const eu = PRICES['eu-west-1']!;

const estimates = estimateCost(EXAMPLES_DIR);
const byName = (name: string): CostEstimate => estimates.find((e) => e.environment === name)!;
const stacks = synthesizedFixture(EXAMPLES_DIR);
const stackOf = (name: string) =>
  JSON.parse(stacks.find((s) => s.environment === name)!.json) as { resource: Record<string, Record<string, unknown>> };
const count = (name: string, type: string) => Object.keys(stackOf(name).resource[type] ?? {}).length;

/** Types that cost money on their own; each resource of these must have a priced line. */
const BILLABLE = [
  'aws_ecs_service',
  'aws_nat_gateway',
  'aws_eip',
  'aws_lb',
  'aws_db_instance',
  'aws_dynamodb_table',
  'aws_cloudwatch_metric_alarm',
  'aws_cloudwatch_dashboard',
  'aws_cloudwatch_log_group',
  'aws_kms_key',
  'aws_secretsmanager_secret',
  'aws_ecr_repository',
  'aws_efs_file_system',
  'aws_s3_bucket',
  'aws_service_discovery_private_dns_namespace',
  'aws_service_discovery_service',
];

describe('cost --env prod --format json', () => {
  let cli: CliResult;
  let document: { ok: boolean; environments: CostEstimate[] };
  let prod: CostEstimate;
  beforeAll(async () => {
    cli = await runCli(['cost', '--config', EXAMPLES_DIR, '--env', 'prod', '--format', 'json']);
    document = JSON.parse(cli.stdout) as typeof document;
    prod = document.environments[0]!;
  });

  it('lists every billable resource of the example with a unit price from the pinned table', () => {
    expect(cli.status).toBe(0);
    expect(document.environments.map((e) => e.environment)).toEqual(['prod']);
    const tableFigures = new Set((JSON.stringify(eu).match(/\d+(\.\d+)?/g) ?? []).map(Number));
    // Spot is the table's price times (1 - its discount); prod has no Spot.
    for (const line of prod.lines) {
      expect(line.priced).toBe(true);
      expect(tableFigures.has(line.unitPrice!)).toBe(true);
      expect(line.monthly).toBeCloseTo(line.quantity * line.unitPrice!, 5);
    }
    const resources = stackOf('prod').resource;
    for (const type of BILLABLE) {
      for (const name of Object.keys(resources[type] ?? {})) expect(prod.lines.some((l) => l.address === `${type}.${name}`)).toBe(true);
    }
    expect(prod.assumptions).toMatchObject({ natGbPerMonth: 100, albRequestsPerSecond: 5, logGbPerDay: 1 });
  });

  it('comes to the sum worked out by hand', () => {
    const fargate =
      3 * (1 * 0.04048 + 2 * 0.004445) * H + 2 * (0.25 * 0.04048 + 0.5 * 0.004445) * H + 2 * (0.25 * 0.03238 + 0.5 * 0.00356) * H;
    const nat = 3 * H * 0.048 + 100 * 0.048;
    const publicIps = 3 * H * 0.005 + 3 * H * 0.005; // three NAT addresses, three load balancer zones
    const alb = H * 0.0252 + (5 / 25) * H * 0.008;
    const rds = 0.262 * H * 2 + 100 * 2 * 0.127; // db.r7g.large postgres, Multi-AZ
    const dynamodb = ((1 * SECONDS * 2) / 1e6) * 0.7068 + ((5 * SECONDS) / 1e6) * 0.1413 + 0.283 + 0.2264; // one index, PITR on
    const cloudwatch = count('prod', 'aws_cloudwatch_metric_alarm') * 0.1 + 3 + ((1 * H) / 24) * 0.57;
    const rest = 2 * 1 + 0.4 + 3 * 0.1 + 0.5 + 3 * 0.1; // KMS keys, the database secret, 3 repositories, Cloud Map zone and api's 3 instances
    // Access logs: 5 requests a second of 100 bytes (compressed) kept 90 days; a file every 5 minutes from each of 3 nodes, $0.005 per 1,000 PUTs.
    const accessLogs = ((5 * 86400 * 100) / 1e9) * 90 * 0.023 + ((3 * 12 * H) / 1000) * 0.005;
    const insights = (12 + 3 * 25) * 0.3; // Container Insights: the cluster's metrics and each of 3 services', custom metrics at $0.30
    const autoscalingAlarms = (2 + 3) * 2 * 0.1; // target tracking: web's cpu and requests, api's cpu, memory and requests; two alarms each
    // Seven log groups share 1 GB a day; each keeps its retention's worth: the database's two 90 days, flow logs 365, api 180, web, worker and the WAF's 90.
    const logStorage = (1 / 7) * (90 + 90 + 365 + 180 + 90 + 90 + 90) * 0.03;
    // The web ACL (on by default in production): the ACL, its four rules, and 5 requests a second inspected.
    const waf = 5 + 4 * 1 + ((5 * SECONDS) / 1e6) * 0.6;
    expect(count('prod', 'aws_kms_key')).toBe(2);
    expect(count('prod', 'aws_cloudwatch_log_group')).toBe(7);
    expect(prod.total).toBeCloseTo(
      fargate + nat + publicIps + alb + rds + dynamodb + cloudwatch + rest + accessLogs + insights + autoscalingAlarms + logStorage + waf,
      2,
    );
  });

  it('counts Container Insights, the alarms of target tracking and log storage as lines of their own', () => {
    const items = (prefix: string) => prod.lines.filter((l) => l.address.startsWith(prefix));
    expect(items('aws_ecs_cluster.').map((l) => [l.item, l.quantity, l.unitPrice])).toEqual([
      ['Container Insights metrics (12 for the cluster, 25 for each of 3 service(s))', 87, 0.3],
    ]);
    expect(items('aws_appautoscaling_policy.').map((l) => l.quantity)).toEqual([2, 2, 2, 2, 2]);
    const flowLogs = prod.lines.find(
      (l) => l.address.startsWith('aws_cloudwatch_log_group.network_flow-logs') && l.item.startsWith('log storage'),
    )!;
    expect([flowLogs.item, flowLogs.quantity]).toEqual([
      "log storage (365 days' retention of 0.142857 GB a day, as ingested)",
      Math.round((365 / 7) * 1e6) / 1e6,
    ]);
    // dev switches Container Insights off: no metrics line.
    expect(byName('dev').lines.some((l) => l.address.startsWith('aws_ecs_cluster.'))).toBe(false);
  });

  it('lists what it does not price, with why, in JSON, the table and markdown', () => {
    expect(prod.notPriced.map((n) => n.what)).toEqual([
      'aws_ecs_cluster.cluster_A4C38409: Container Insights performance log events',
      'aws_lb.load-balancer_30A23327: access log PUT requests of nodes beyond one per zone',
      "aws_wafv2_web_acl.waf_web-acl_54BA89C4: the managed rule groups' own fees",
      'data transfer out to the internet and between availability zones',
      'API requests (KMS, Secrets Manager, CloudWatch metric reads, S3, ECR image pulls)',
    ]);
    for (const n of prod.notPriced) expect(n.why.length).toBeGreaterThan(10);
    const table = formatEstimateTable(prod);
    expect(table).toContain(
      'not priced (billed, not in the total):\n  aws_ecs_cluster.cluster_A4C38409: Container Insights performance log events: ingested and stored',
    );
    expect(formatEstimateMarkdown(prod)).toContain(
      '- data transfer out to the internet and between availability zones: depends on traffic',
    );
  });

  it('answers --json like every other command: the same bytes as --format json, and problems as JSON', async () => {
    expect((await runCli(['cost', '--config', EXAMPLES_DIR, '--env', 'prod', '--json'])).stdout).toBe(cli.stdout);
    const wrong = await runCli(['cost', '--config', EXAMPLES_DIR, '--env', 'nope', '--json']);
    expect(wrong.status).not.toBe(0);
    expect(JSON.parse(wrong.stdout)).toMatchObject({
      ok: false,
      problems: [{ message: 'no environment "nope"; found dev, prod, staging' }],
    });
  });

  // The same from a true `platform` process: cost-cli.test.ts (end-to-end).
  it("prints the same bytes as the core's estimate", () => {
    expect(cli.stdout).toBe(
      `${JSON.stringify({ ok: true, pricesAsOf: PRICES_AS_OF, environments: estimateCost(EXAMPLES_DIR, 'prod') }, null, 2)}\n`,
    );
  });
});

describe('dev against prod', () => {
  it('differs by what dev leaves out, worked out by hand', () => {
    const dev = byName('dev');
    // Spot: the table's eu-west-1 discount, 1 - 0.01334053 / 0.04048 = 67.04% off.
    const spot = (vcpu: number, gb: number) => (vcpu * 0.04048 * 0.3296 + gb * 0.004445 * 0.3296) * H;
    // One Spot task each; api's schedules take it to 0 at 20:00 and back to 1 (its desired count, held in 1-2) at 06:00: 14 of 24 hours.
    const apiShare = 14 / 24;
    const fargate = spot(0.5, 1) * apiShare + spot(0.25, 0.5) + spot(0.25, 0.5);
    const nat = H * 0.048 + 100 * 0.048;
    const publicIps = H * 0.005 + 2 * H * 0.005;
    const alb = H * 0.0252 + (5 / 25) * H * 0.008;
    const rds = 0.017 * H + 20 * 0.127; // db.t4g.micro, single-AZ
    const dynamodb = ((1 * SECONDS * 2) / 1e6) * 0.7068 + ((5 * SECONDS) / 1e6) * 0.1413 + 0.283; // PITR off
    // No dashboard, no Container Insights; api's cpu policy's two alarms; six log groups of 7 days.
    const cloudwatch = count('dev', 'aws_cloudwatch_metric_alarm') * 0.1 + 2 * 0.1 + ((1 * H) / 24) * 0.57 + 6 * 7 * (1 / 6) * 0.03;
    const rest = count('dev', 'aws_kms_key') * 1 + 0.4 + 3 * 0.1 + 0.5 + 1 * 0.1 * apiShare; // no access-log bucket; api's Cloud Map instance as its task
    expect(count('dev', 'aws_s3_bucket')).toBe(0);
    expect(dev.total).toBeCloseTo(fargate + nat + publicIps + alb + rds + dynamodb + cloudwatch + rest, 2);
    expect(dev.lines.filter((l) => l.item.startsWith('Fargate Spot')).length).toBe(6);
    expect(Math.round((byName('prod').total - dev.total) * 100) / 100).toBeGreaterThan(500);
  });

  it("splits staging's mixed capacity as ECS places tasks: the base on-demand, the rest by weight", () => {
    expect(
      capacitySplit(
        [
          { capacity_provider: 'FARGATE', base: 1, weight: 1 },
          { capacity_provider: 'FARGATE_SPOT', base: 0, weight: 3 },
        ],
        2,
      ),
    ).toEqual({ onDemand: 1.25, spot: 0.75 });
    expect(
      capacitySplit(
        [
          { capacity_provider: 'FARGATE', base: 1, weight: 1 },
          { capacity_provider: 'FARGATE_SPOT', base: 0, weight: 3 },
        ],
        1,
      ),
    ).toEqual({ onDemand: 1, spot: 0 });
    const api = byName('staging').lines.filter((l) => l.address.startsWith('aws_ecs_service.service-api_'));
    const vcpu = (l: { item: string }) => l.item.includes('vCPU (');
    // api: 2 tasks of 0.5 vCPU, 1 GB (the otel sidecar shares the task).
    expect(api.find((l) => vcpu(l) && !l.item.includes('Spot'))!.quantity).toBeCloseTo(1.25 * 0.5 * H, 6);
    expect(api.find((l) => vcpu(l) && l.item.includes('Spot'))!.quantity).toBeCloseTo(0.75 * 0.5 * H, 6);
  });
});

describe('the free tier', () => {
  const devJson = stacks.find((s) => s.environment === 'dev')!.json;
  // An account created on 2024-06-01 still has the 12-month allowances on 2025-01-15.
  const legacy = { freeTier: true, accountCreated: '2024-06-01', asOf: '2025-01-15' } as const;

  it('subtracts what applies to dev and says which allowances dev exceeds', () => {
    const dev = estimateStack(devJson, 'dev', legacy);
    const alarms = count('dev', 'aws_cloudwatch_metric_alarm') + 2; // and the two of api's target-tracking policy
    expect(dev!.freeTier!.map((u) => [u.allowance.split(':')[0] + ':' + u.unit, u.used, u.exceeded])).toEqual(
      expect.arrayContaining([
        ['RDS:hour', 730, false],
        ['RDS:GB-month', 20, false],
        ['CloudWatch:alarm metric-month', alarms, alarms > 10],
        ['CloudWatch:GB', Math.round((H / 24) * 1000) / 1000, true],
        ['DynamoDB:GB-month', 1, false],
        ['Load balancer:hour', 730, false],
      ]),
    );
    const free = dev!.lines.filter((l) => l.address === 'free-tier');
    // The micro instance's 730 hours, 20 GB, 10 alarms, 5 GB of logs, table storage, the load balancer's hours and LCUs, 750 hours of public IPv4
    // (dev uses 2,190: the NAT gateway's and the load balancer's two zones), 0.5 GB of ECR.
    const expected = 730 * 0.017 + 20 * 0.127 + 10 * 0.1 + 5 * 0.57 + 1 * 0.283 + 730 * 0.0252 + 146 * 0.008 + 750 * 0.005 + 0.5 * 0.1;
    expect(free.reduce((s, l) => s + l.monthly, 0)).toBeCloseTo(-expected, 4);
    // Both totals are rounded to cents: at most a cent apart.
    expect(Math.abs(dev!.total - (byName('dev').total - expected))).toBeLessThanOrEqual(0.01);
    const text = formatEstimateTable(dev!);
    expect(text).toContain(`CloudWatch: 10 standard alarm metrics (always): uses ${alarms} of 10 alarm metric-month (exceeds it)`);
    expect(text).toContain(
      '  rules: always-free allowances and the 12-month allowances: an account created on 2024-06-01 has them until 2025-06-01 (judged on 2025-01-15)',
    );
  });

  it("chooses the rules by the account's creation date: 12-month allowances, ended, the credit plan, or unknown", () => {
    const twelveMonth = (options: { accountCreated?: string; asOf?: string }) =>
      estimateStack(devJson, 'dev', { freeTier: true, ...options });
    const allowances = (e: CostEstimate) => e.freeTier!.map((u) => u.allowance);
    const withTwelve = allowances(twelveMonth(legacy));
    // dev has no S3 bucket or EFS: RDS hours and storage, load balancer hours and LCUs, public IPv4 hours, ECR.
    expect(withTwelve.filter((a) => a.endsWith('(12 months)')).map((a) => a.split(':')[0])).toEqual([
      'RDS',
      'RDS',
      'Load balancer',
      'Load balancer',
      'Public IPv4',
      'ECR',
    ]);
    for (const options of [
      { accountCreated: '2024-06-01', asOf: '2025-06-01' },
      { accountCreated: '2025-07-15', asOf: '2025-08-01' },
      {},
    ]) {
      const estimate = twelveMonth(options);
      expect(allowances(estimate)).toEqual(withTwelve.filter((a) => !a.endsWith('(12 months)')));
      expect(estimate.freeTierRules).toMatch(/^always-free allowances only: /);
    }
    expect(twelveMonth({ accountCreated: '2024-06-01', asOf: '2025-06-01' }).freeTierRules).toBe(
      'always-free allowances only: the 12-month allowances of an account created on 2024-06-01 ended on 2025-06-01 (judged on 2025-06-01)',
    );
    expect(twelveMonth({ accountCreated: '2025-08-10', asOf: '2025-09-01' }).freeTierRules).toBe(
      "always-free allowances only: an account created on 2025-08-10 (from 2025-07-15) has the Free plan's credits (up to USD 200, until 2026-02-10 at the latest), not subtracted here, instead of the 12-month allowances",
    );
    expect(twelveMonth({}).freeTierRules).toContain('cost.accountCreated is not set');
    // The example dev sets no cost.accountCreated: the always-free allowances only, and a total above the legacy account's.
    const [dev] = estimateCost(EXAMPLES_DIR, 'dev', { freeTier: true });
    expect(dev!.total).toBeGreaterThan(twelveMonth(legacy).total);
  });

  it('judges the rules on --as-of (default today), and refuses a day that is not one', async () => {
    const cli = await runCli(['cost', '--config', EXAMPLES_DIR, '--env', 'dev', '--free-tier', '--as-of', '2025-02-01', '--json']);
    expect((JSON.parse(cli.stdout) as { environments: CostEstimate[] }).environments[0]!.freeTierRules).toContain(
      'cost.accountCreated is not set',
    );
    const wrong = await runCli(['cost', '--config', EXAMPLES_DIR, '--free-tier', '--as-of', 'yesterday']);
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toContain("option '--as-of <date>' argument 'yesterday' is invalid. a date, YYYY-MM-DD");
  });

  it('refuses a creation date that is not one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'platform-cost-'));
    try {
      cpSync(EXAMPLES_DIR, dir, { recursive: true });
      writeFileSync(join(dir, 'dev.yaml'), `${readFileSync(join(dir, 'dev.yaml'), 'utf8')}cost:\n  accountCreated: "2024-13-01"\n`);
      expect(() => estimateCost(dir, 'dev')).toThrow(/dev\.yaml:\d+:\d+ cost\.accountCreated: a date, YYYY-MM-DD/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives prod's Multi-AZ r7g no RDS hours", () => {
    const prod = estimateStack(stacks.find((s) => s.environment === 'prod')!.json, 'prod', legacy);
    expect(prod!.freeTier!.find((u) => u.allowance.startsWith('RDS: 750'))!.used).toBe(0);
  });
});

describe('what the stack cannot say', () => {
  const prodJson = stacks.find((s) => s.environment === 'prod')!.json;

  it('lists a resource type it does not know, and an RDS class without a price, as not priced', () => {
    const document = JSON.parse(prodJson);
    document.resource.aws_elasticache_cluster = { cache: { engine: 'redis', node_type: 'cache.t4g.micro' } };
    document.resource.aws_db_instance[Object.keys(document.resource.aws_db_instance)[0]!].instance_class = 'db.x2g.large';
    const estimate = estimateStack(JSON.stringify(document), 'prod');
    expect(estimate.lines.filter((l) => !l.priced).map((l) => [l.address, l.item, l.unitPrice, l.monthly])).toEqual([
      ['aws_db_instance.database-main_instance_6ABE9B1D', 'not priced: postgres db.x2g.large is not in the price table', null, 0],
      ['aws_elasticache_cluster.cache', 'not priced: aws_elasticache_cluster is not in the price table', null, 0],
    ]);
    expect(estimate.notPriced.slice(0, 2)).toEqual([
      { what: 'aws_db_instance.database-main_instance_6ABE9B1D', why: 'postgres db.x2g.large is not in the price table' },
      { what: 'aws_elasticache_cluster.cache', why: 'aws_elasticache_cluster is not in the price table' },
    ]);
  });

  it('takes traffic and storage from the cost: assumptions', () => {
    const base = estimateStack(prodJson, 'prod');
    const busy = estimateStack(prodJson, 'prod', { assumptions: { natGbPerMonth: 1000, albRequestsPerSecond: 100, logGbPerDay: 10 } });
    // NAT: 900 GB more; LCUs: 100/25 = 4 instead of 0.2; logs: 9 GB a day more, ingested and kept (9/7 GB a day more per group, 995 retention days in all);
    // the web ACL inspects 95 requests a second more; access logs: 95 requests a second more, 100 bytes each, kept 90 days.
    const expected =
      900 * 0.048 +
      (4 - 0.2) * H * 0.008 +
      ((9 * H) / 24) * 0.57 +
      (9 / 7) * 995 * 0.03 +
      ((95 * H * 3600) / 1e6) * 0.6 +
      ((95 * 86400 * 100) / 1e9) * 90 * 0.023;
    expect(busy.total - base.total).toBeCloseTo(expected, 1);
    expect(busy.assumptions.natGbPerMonth).toBe(1000);
  });

  it("reads the environment's cost: key", () => {
    const dir = mkdtempSync(join(tmpdir(), 'platform-cost-'));
    try {
      cpSync(EXAMPLES_DIR, dir, { recursive: true });
      writeFileSync(
        join(dir, 'prod.yaml'),
        readFileSync(join(dir, 'prod.yaml'), 'utf8').replace('\ncost:\n', '\ncost:\n  natGbPerMonth: 400\n'),
      );
      const [prod] = estimateCost(dir, 'prod');
      expect(prod!.assumptions.natGbPerMonth).toBe(400);
      // The budget is held against, not assumed: prod's 900 USD.
      expect(prod!.assumptions).not.toHaveProperty('monthlyBudget');
      expect(prod!.budget).toEqual({ monthly: 900, percent: Math.round((prod!.total / 900) * 1000) / 10, over: false });
      expect(prod!.total - byName('prod').total).toBeCloseTo(300 * 0.048, 2);
      // Assumptions are the estimate's alone: the stack Terraform sees is the same bytes.
      const withCost = synthesize(loadEnvironments(dir).map((e) => e.config)).find((s) => s.environment === 'prod')!.json;
      expect(withCost).toBe(stacks.find((s) => s.environment === 'prod')!.json);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
