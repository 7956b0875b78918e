/** The monthly difference between two sets of estimates, per environment and per line. */
import type { CostEstimate, CostLine } from './estimate';

export interface LineDifference {
  readonly address: string;
  readonly item: string;
  readonly before: number;
  readonly after: number;
  readonly difference: number;
}

export interface EnvironmentDifference {
  readonly environment: string;
  /** Undefined: the environment is new (before) or removed (after). */
  readonly before?: number;
  readonly after?: number;
  readonly difference: number;
  /** The lines whose monthly amount changed, largest change first. */
  readonly lines: readonly LineDifference[];
  /**
   * With cost.monthlyBudget (after the change): the budget, whether the
   * estimate is over it, and whether it was within it before (the change
   * crosses it).
   */
  readonly budget?: { readonly monthly: number; readonly over: boolean; readonly crossed: boolean };
}

export interface CostComparison {
  readonly environments: readonly EnvironmentDifference[];
  readonly difference: number;
}

/** A line's identity across two estimates: its address, what it prices (the item before any parenthesis) and the unit. */
function key(line: CostLine): string {
  return `${line.address}|${line.item.split(' (')[0]}|${line.unit}`;
}

/** Compares `before` with `after`, environment by environment (matched by name). */
export function compareEstimates(before: readonly CostEstimate[], after: readonly CostEstimate[]): CostComparison {
  const names = [...new Set([...before, ...after].map((e) => e.environment))].sort();
  const environments = names.map((environment): EnvironmentDifference => {
    const old = before.find((e) => e.environment === environment);
    const now = after.find((e) => e.environment === environment);
    return {
      environment,
      ...(old ? { before: old.total } : {}),
      ...(now ? { after: now.total } : {}),
      difference: cents((now?.total ?? 0) - (old?.total ?? 0)),
      lines: lineDifferences(old?.lines ?? [], now?.lines ?? []),
      ...(now?.budget
        ? {
            budget: {
              monthly: now.budget.monthly,
              over: now.budget.over,
              crossed: now.budget.over && (old === undefined || old.total <= now.budget.monthly),
            },
          }
        : {}),
    };
  });
  return { environments, difference: cents(environments.reduce((sum, e) => sum + e.difference, 0)) };
}

function lineDifferences(before: readonly CostLine[], after: readonly CostLine[]): LineDifference[] {
  const rows = new Map<string, { address: string; item: string; before: number; after: number }>();
  for (const line of before) {
    const row = rows.get(key(line)) ?? { address: line.address, item: line.item, before: 0, after: 0 };
    row.before += line.monthly;
    rows.set(key(line), row);
  }
  for (const line of after) {
    const row = rows.get(key(line)) ?? { address: line.address, item: line.item, before: 0, after: 0 };
    row.after += line.monthly;
    row.item = line.item;
    rows.set(key(line), row);
  }
  return [...rows.values()]
    .map((r) => ({ ...r, before: cents(r.before), after: cents(r.after), difference: cents(r.after - r.before) }))
    .filter((r) => r.difference !== 0)
    .sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference) || a.address.localeCompare(b.address) || a.item.localeCompare(b.item));
}

function cents(value: number): number {
  return Math.round(value * 100) / 100;
}
