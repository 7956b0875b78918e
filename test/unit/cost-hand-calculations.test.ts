/**
 * The estimate against bills worked by hand: each folder of
 * test/fixtures/cost is a configuration written as a team would,
 * with a CALCULATION.md priced resource by resource from AWS's price pages;
 * its `Total (ENV): $X a month` lines (`Total (ENV, free tier): ...` with
 * the free tier subtracted, judged on the price table's date) are the
 * figures the estimate must land within 2% of. Every environment of a folder
 * has a hand-worked total.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { estimateCost, loadEnvironments, PRICES_AS_OF } from '../../src/core/index';

const FIXTURES = join(__dirname, '..', 'fixtures', 'cost');
const TOLERANCE = 0.02;

interface HandTotal {
  readonly folder: string;
  readonly environment: string;
  readonly freeTier: boolean;
  readonly total: number;
}

/** The `Total (ENV[, free tier]): $1,234.56 a month` lines of a CALCULATION.md. */
function handTotals(folder: string, text: string): HandTotal[] {
  return [...text.matchAll(/^Total \(([a-z0-9-]+)(, free tier)?\): \$([\d,]+\.\d{2}) a month$/gm)].map((m) => ({
    folder,
    environment: m[1]!,
    freeTier: m[2] !== undefined,
    total: Number(m[3]!.replaceAll(',', '')),
  }));
}

const folders = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const totals = folders.flatMap((folder) => handTotals(folder, readFileSync(join(FIXTURES, folder, 'CALCULATION.md'), 'utf8')));

describe('hand-worked fixtures', () => {
  it('are the four realistic environments, each environment with a hand total', () => {
    expect(folders).toEqual(
      expect.arrayContaining(['free-tier-demo', 'production-seven-services', 'small-two-environments', 'workers-and-caches']),
    );
    for (const folder of folders) {
      const environments = loadEnvironments(join(FIXTURES, folder))
        .map((e) => e.config.environment)
        .sort();
      expect([folder, [...new Set(totals.filter((t) => t.folder === folder).map((t) => t.environment))].sort()]).toEqual([
        folder,
        environments,
      ]);
    }
  });

  it('reads the machine-readable total lines and nothing else', () => {
    expect(
      handTotals(
        'x',
        'Total (prod): $1,165.91 a month\nTotal (demo, free tier): $8.73 a month\nTotal: $3 a month\n  Total (a): $1.00 a month\n',
      ),
    ).toEqual([
      { folder: 'x', environment: 'prod', freeTier: false, total: 1165.91 },
      { folder: 'x', environment: 'demo', freeTier: true, total: 8.73 },
    ]);
  });

  it.each(totals.map((t) => [t.folder, t.environment, t.freeTier ? 'with the free tier' : 'list prices', t] as const))(
    '%s %s (%s): the estimate is within 2% of the hand total',
    (_folder, _env, _how, hand) => {
      const [estimate] = estimateCost(join(FIXTURES, hand.folder), hand.environment, { freeTier: hand.freeTier, asOf: PRICES_AS_OF });
      const off = Math.abs(estimate!.total - hand.total) / hand.total;
      expect({ environment: hand.environment, estimate: estimate!.total, hand: hand.total, within: off <= TOLERANCE }).toEqual({
        environment: hand.environment,
        estimate: estimate!.total,
        hand: hand.total,
        within: true,
      });
    },
  );
});
