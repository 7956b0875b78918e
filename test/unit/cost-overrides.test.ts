/**
 * Usage a team states in `cost:` beyond the environment-wide assumptions:
 * the Spot discount (the region's figure from the price table unless
 * cost.spotDiscount says otherwise), per-service overrides
 * (cost.overrides.services.NAME) with their problems, and the access logs'
 * S3 requests and storage from the load balancer's requests.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { estimateCost, formatEstimateMarkdown, formatEstimateTable, type CostEstimate } from '../../src/core/index';
import { PRICES, SPOT_DISCOUNT_SOURCE } from '../../src/cost/prices';
import { EXAMPLES_DIR, MINIMAL_ENVIRONMENT, problemsOf } from '../support/helpers';

const H = 730;

/** The examples with `text` added under prod's or dev's `cost:` key (dev has none: it is appended). */
function estimateWith(environment: 'prod' | 'dev', text: string): CostEstimate {
  const dir = mkdtempSync(join(tmpdir(), 'platform-cost-'));
  try {
    cpSync(EXAMPLES_DIR, dir, { recursive: true });
    const file = join(dir, `${environment}.yaml`);
    const yaml = readFileSync(file, 'utf8');
    writeFileSync(file, yaml.includes('\ncost:\n') ? yaml.replace('\ncost:\n', `\ncost:\n${text}`) : `${yaml}cost:\n${text}`);
    return estimateCost(dir, environment)[0]!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const examples = estimateCost(EXAMPLES_DIR);
const base = (name: string) => examples.find((e) => e.environment === name)!;
const find = (estimate: CostEstimate, address: string, item: string) =>
  estimate.lines.find((l) => l.address.startsWith(address) && l.item.startsWith(item))!;

describe('the Spot discount', () => {
  it("is the region's figure from the price table, with its source, and printed", () => {
    expect(SPOT_DISCOUNT_SOURCE.quoted).toEqual(['eu-west-1 = 0.01334053 / 0.04048']);
    expect(PRICES['eu-west-1']!.fargate.spotDiscount).toBe(Math.round((1 - 0.01334053 / 0.04048) * 1e4) / 1e4);
    const dev = base('dev');
    expect(dev.assumptions.spotDiscount).toBe(0.6704);
    const web = find(dev, 'aws_ecs_service.service-web', 'Fargate Spot vCPU');
    expect(web.unitPrice).toBeCloseTo(0.04048 * 0.3296, 6);
    expect(web.item).toContain('67.04% off (cost.spotDiscount)');
    expect(formatEstimateTable(dev)).toContain("spotDiscount: 0.6704 (Fargate Spot's discount off on-demand");
  });

  it('follows cost.spotDiscount', () => {
    const dev = estimateWith('dev', '  spotDiscount: 0.5\n');
    expect(dev.assumptions.spotDiscount).toBe(0.5);
    expect(find(dev, 'aws_ecs_service.service-web', 'Fargate Spot vCPU').unitPrice).toBeCloseTo(0.04048 * 0.5, 6);
    // web and worker run one Spot task of 0.25 vCPU and 0.5 GB all month; api 0.5 vCPU and 1 GB 14 hours a day.
    const spotHours = (0.25 * 0.04048 + 0.5 * 0.004445) * H * 2 + (0.5 * 0.04048 + 1 * 0.004445) * H * (14 / 24);
    expect(dev.total - base('dev').total).toBeCloseTo(spotHours * (0.6704 - 0.5), 1);
  });

  it('is a fraction below 0.9', () => {
    expect(problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}cost:\n  spotDiscount: 70\n` })).toEqual([
      expect.stringMatching(/^cfg\/dev\.yaml:11:17 cost\.spotDiscount: /),
    ]);
  });
});

describe('cost.overrides.services', () => {
  const prod = estimateWith('prod', '  overrides:\n    services:\n      api: { tasks: 5, requestsPerSecond: 45, logGbPerDay: 2 }\n');

  it('prices the service at its own task count', () => {
    const vcpu = find(prod, 'aws_ecs_service.service-api', 'Fargate vCPU');
    expect(vcpu.quantity).toBe(5 * 1 * H);
    expect(vcpu.item).toContain('cost.overrides.services.api.tasks: 5 on average');
    // Its Cloud Map instances follow: 5 instead of 3.
    expect(find(prod, 'aws_service_discovery_service.', 'registered instances').quantity).toBe(5);
  });

  it('prints the overrides with the assumptions, and only when there are some', () => {
    expect(prod.overrides).toEqual({ services: { api: { tasks: 5, requestsPerSecond: 45, logGbPerDay: 2 } } });
    expect(formatEstimateTable(prod)).toContain('\n  cost.overrides.services.api: tasks 5, requestsPerSecond 45, logGbPerDay 2\n');
    expect(formatEstimateMarkdown(prod)).toContain('; cost.overrides.services.api: tasks 5, requestsPerSecond 45, logGbPerDay 2; tasks: ');
    expect(base('prod')).not.toHaveProperty('overrides');
  });

  it("adds its requests to the other routed services' share of albRequestsPerSecond", () => {
    const lcus = find(prod, 'aws_lb.', 'LCUs');
    // api 45, web the environment's 5: 50 a second, 2 LCUs.
    expect(lcus.quantity).toBeCloseTo((50 / 25) * H, 6);
    expect(lcus.item).toContain('50 requests a second: 45 to api (cost.overrides), 5 to the other services');
    // The access logs grow with them: 50 requests a second, 100 bytes each, kept 90 days.
    expect(find(prod, 'aws_s3_bucket.', 'access log storage').quantity).toBeCloseTo(((50 * 86400 * 100) / 1e9) * 90, 6);
  });

  it('gives its log group its own volume; the others share logGbPerDay', () => {
    const api = find(prod, 'aws_cloudwatch_log_group.service-api', 'log ingestion');
    expect(api.quantity).toBeCloseTo((2 * H) / 24, 6);
    expect(api.item).toBe('log ingestion (2 GB a day, cost.overrides.services.api)');
    // The other six share prod's logGbPerDay (1 GB): web, worker, the database's postgresql and upgrade, the flow logs,
    // and the web ACL's aws-waf-logs-* group (the WAF is on by default in production): 1/6 GB a day each.
    const shared = prod.lines.filter(
      (l) =>
        l.address.startsWith('aws_cloudwatch_log_group.') &&
        l.item.startsWith('log ingestion') &&
        !l.address.startsWith('aws_cloudwatch_log_group.service-api'),
    );
    expect(shared.map((l) => l.address.replace(/^aws_cloudwatch_log_group\.|_group_[0-9A-F]+$/g, ''))).toEqual([
      'database-main_log-postgresql',
      'database-main_log-upgrade',
      'network_flow-logs',
      'service-web_logs',
      'service-worker_logs',
      'waf_logs',
    ]);
    for (const group of shared)
      expect([group.item, group.quantity]).toEqual([
        'log ingestion (1 GB a day across 6 log group(s))',
        expect.closeTo(((1 / 6) * H) / 24, 6),
      ]);
    // api keeps 180 days of 2 GB a day.
    expect(find(prod, 'aws_cloudwatch_log_group.service-api', 'log storage').quantity).toBeCloseTo(2 * 180, 6);
  });

  it('counts only the overridden requests when every routed service has its own', () => {
    const both = estimateWith(
      'prod',
      '  overrides:\n    services:\n      api: { requestsPerSecond: 20 }\n      web: { requestsPerSecond: 30 }\n',
    );
    expect(find(both, 'aws_lb.', 'LCUs').quantity).toBeCloseTo((50 / 25) * H, 6);
  });

  it('names an unknown service and a request rate of a service without routing, with file, line and column', () => {
    const problems = problemsOf({
      'dev.yaml':
        `${MINIMAL_ENVIRONMENT}services:\n  worker:\n    image: { repository: worker, tag: "1.0.0" }\n    cpu: 256\n    memory: 512\n` +
        'cost:\n  overrides:\n    services:\n      wroker: { tasks: 2 }\n      worker: { requestsPerSecond: 3 }\n',
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /^cfg\/dev\.yaml:18:\d+ cost\.overrides\.services\.wroker: no service named wroker in this environment; cost\.overrides\.services takes worker/,
      ),
      expect.stringMatching(/^cfg\/dev\.yaml:19:\d+ cost\.overrides\.services\.worker\.requestsPerSecond: service worker has no routing/),
    ]);
  });

  it('refuses keys it does not know', () => {
    const problems = problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}cost:\n  overrides:\n    services:\n      api: { rps: 3 }\n` });
    expect(problems).toEqual([expect.stringMatching(/^cfg\/dev\.yaml:13:\d+ cost\.overrides\.services\.api\.rps: /)]);
  });
});

describe('access logs', () => {
  it("prices a PUT per log file of each node and the logs kept by the bucket's lifecycle", () => {
    const prod = base('prod');
    const puts = find(prod, 'aws_lb.', 'access log S3 PUT requests');
    // 3 zones x 12 files an hour x 730 hours = 26,280 PUTs at $0.005 per 1,000.
    expect([puts.quantity, puts.unit, puts.unitPrice]).toEqual([26.28, '1,000 requests', 0.005]);
    const storage = find(prod, 'aws_s3_bucket.', 'access log storage');
    expect(storage.item).toBe('access log storage (5 requests a second, 100 bytes each compressed, kept 90 days)');
    expect(storage.quantity).toBeCloseTo(0.0432 * 90, 6);
    // dev has no access logs: no PUT line.
    expect(base('dev').lines.some((l) => l.item.startsWith('access log'))).toBe(false);
  });
});
