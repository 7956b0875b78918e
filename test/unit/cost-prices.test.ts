/**
 * The pinned price table (src/cost/prices.ts): the figures its source notes
 * quote from AWS's price pages (and a few written here) equal the table, so a
 * price changes only on purpose; every region has every price; a region
 * without prices is an error that says which regions have them.
 */
import { PRICE_SOURCES, PRICES, PRICES_AS_OF, pricesFor, rdsInstanceHour, type RegionPrices } from '../../src/cost/prices';
import { MINIMAL_ENVIRONMENT, problemsOf, writeConfig } from '../support/helpers';
import { estimateCost } from '../../src/core/index';
import { ConfigError } from '../../src/config/problems';

/** `fargate.vcpuHour` or `rds.postgres.db.t4g.micro` looked up in one region's prices. */
function lookUp(prices: RegionPrices, path: string): unknown {
  const rds = /^rds\.(postgres|mysql)\.(db\..+)$/.exec(path);
  if (rds) return (prices.rds[rds[1] as 'postgres' | 'mysql'] as Record<string, number>)[rds[2]!];
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], prices);
}

describe('the pinned price table', () => {
  it('names its date and a public AWS price page for each service', () => {
    expect(PRICES_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICE_SOURCES.length).toBeGreaterThanOrEqual(10);
    for (const source of PRICE_SOURCES) expect(source.url).toMatch(/^https:\/\/aws\.amazon\.com\//);
  });

  const quoted = PRICE_SOURCES.flatMap((s) => s.quoted.map((q) => [s.service, q] as const));
  it.each(quoted)("%s: %s is the table's figure", (_service, quote) => {
    const match = /^([a-z0-9-]+) (\S+) = ([0-9.]+)$/.exec(quote);
    expect(match).not.toBeNull();
    expect(lookUp(PRICES[match![1]!]!, match![2]!)).toBe(Number(match![3]));
  });

  it('keeps a handful of published us-east-1 figures', () => {
    const us = PRICES['us-east-1']!;
    expect([
      us.fargate.vcpuHour,
      us.fargate.gbHour,
      us.nat.hour,
      us.alb.hour,
      us.alb.lcuHour,
      us.publicIpv4Hour,
      us.cloudwatch.alarmMonth,
      us.kmsKeyMonth,
      us.secretMonth,
    ]).toEqual([0.04048, 0.004445, 0.045, 0.0225, 0.008, 0.005, 0.1, 1, 0.4]);
    expect(us.rds.postgres['db.t4g.micro']).toBe(0.016);
  });

  it('has the five regions, each with every price and the same RDS classes', () => {
    expect(Object.keys(PRICES).sort()).toEqual(['ap-southeast-1', 'eu-central-1', 'eu-west-1', 'us-east-1', 'us-west-2']);
    const shape = (prices: RegionPrices): string[] =>
      Object.entries(prices)
        .flatMap(([k, v]) => (typeof v === 'object' ? Object.keys(v as object).map((c) => `${k}.${c}`) : [k]))
        .sort();
    const reference = shape(PRICES['us-east-1']!);
    for (const prices of Object.values(PRICES)) {
      expect(shape(prices)).toEqual(reference);
      for (const value of JSON.stringify(prices).match(/-?\d+(\.\d+)?/g)!) expect(Number(value)).toBeGreaterThanOrEqual(0);
      expect(Object.keys(prices.rds.postgres)).toEqual(Object.keys(PRICES['us-east-1']!.rds.postgres));
      expect(Object.keys(prices.rds.mysql)).toEqual(Object.keys(prices.rds.postgres));
    }
  });

  it('scales m and r classes beyond large with their size, and knows nothing it has no figure for', () => {
    const us = PRICES['us-east-1']!;
    expect(rdsInstanceHour(us, 'postgres', 'db.r6g.2xlarge')).toBeCloseTo(0.225 * 4, 6);
    expect(rdsInstanceHour(us, 'mariadb', 'db.m5.large')).toBe(0.171);
    expect(rdsInstanceHour(us, 'postgres', 'db.x2g.large')).toBeUndefined();
    expect(rdsInstanceHour(us, 'oracle-ee', 'db.m5.large')).toBeUndefined();
  });

  it('refuses a region without prices, naming the regions that have them', () => {
    expect(() => pricesFor('us-east-2')).toThrow(
      'no prices for region us-east-2: the pinned price table (src/cost/prices.ts, as of 2025-01-15) has us-east-1, us-west-2, eu-west-1, eu-central-1, ap-southeast-1',
    );
    const dir = writeConfig({ 'dev.yaml': MINIMAL_ENVIRONMENT.replace('eu-west-1', 'us-east-2') });
    let error: unknown;
    try {
      estimateCost(dir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => `${p.line}:${p.column} ${p.keyPath}: ${p.message}`)).toEqual([
      '3:11 aws.region: no prices for region us-east-2 in the pinned price table (src/cost/prices.ts); the cost estimate knows us-east-1, us-west-2, eu-west-1, eu-central-1, ap-southeast-1',
    ]);
  });

  it('checks the cost: assumptions like every other key', () => {
    expect(problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}cost:\n  natGbPerMnth: 10\n  logGbPerDay: -1\n` })).toEqual([
      expect.stringMatching(/^cfg\/dev\.yaml:11:3 cost\.natGbPerMnth: .*natGbPerMonth/),
      expect.stringMatching(/^cfg\/dev\.yaml:12:16 cost\.logGbPerDay: /),
    ]);
  });
});
