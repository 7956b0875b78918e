/**
 * Scheduled scaling by the hours it runs: the scheduled actions of one
 * Application Auto Scaling target replayed over a reference year (365 days,
 * 8,760 hours, twelve of the price pages' 730-hour months), minute by
 * minute, to find the average number of tasks. Each action sets the
 * target's min and max when its expression fires; the tasks are the desired
 * count held between them. The year wraps: before the first firing, the
 * last one's values apply (a schedule runs for years, not from January 1st).
 */

/** One scheduled action: when it fires, and the min and max it sets. */
export interface ScheduledRange {
  readonly schedule: string;
  readonly min: number;
  readonly max: number;
}

export interface ScheduledTasks {
  /** The average task count over the year. */
  readonly averageTasks: number;
  /** Hours of an average 730-hour month with at least one task. */
  readonly hoursRunning: number;
  /** Expressions it could not replay (counted as if they never fired), with the reason. */
  readonly skipped: readonly { readonly schedule: string; readonly why: string }[];
}

const MINUTES = 365 * 24 * 60;
/** The reference year: 2025, not a leap year, starting on a Wednesday. */
const YEAR = 2025;
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/**
 * The average tasks of a service whose desired count is `desired` (already
 * within the target's min and max) under `actions`. Time zones are not
 * applied: a schedule runs as many hours in its own zone as in UTC (the
 * hour daylight saving time adds or takes twice a year is not counted).
 */
export function scheduledTasks(desired: number, actions: readonly ScheduledRange[]): ScheduledTasks {
  const skipped: { schedule: string; why: string }[] = [];
  const events: { minute: number; order: number; min: number; max: number }[] = [];
  actions.forEach((action, order) => {
    const fired = firings(action.schedule);
    if (typeof fired === 'string') skipped.push({ schedule: action.schedule, why: fired });
    else for (const minute of fired) events.push({ minute, order, min: action.min, max: action.max });
  });
  events.sort((a, b) => a.minute - b.minute || a.order - b.order);
  if (events.length === 0) return { averageTasks: desired, hoursRunning: desired > 0 ? 730 : 0, skipped };
  const held = (e: { min: number; max: number }) => Math.min(Math.max(desired, e.min), e.max);
  let taskMinutes = 0;
  let runningMinutes = 0;
  let current = held(events[events.length - 1]!);
  let from = 0;
  for (const event of events) {
    taskMinutes += current * (event.minute - from);
    if (current > 0) runningMinutes += event.minute - from;
    current = held(event);
    from = event.minute;
  }
  taskMinutes += current * (MINUTES - from);
  if (current > 0) runningMinutes += MINUTES - from;
  return { averageTasks: taskMinutes / MINUTES, hoursRunning: (runningMinutes / MINUTES) * 730, skipped };
}

/** The minutes of the reference year when `expression` fires, or why it cannot say (a rate: once, at 0, as a scaling action is in force all year). */
export function firings(expression: string): number[] | string {
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression.trim());
  // A rate sets the same values again and again: in force all year.
  if (rate) return [0];
  if (/^at\(/.test(expression.trim())) return 'a one-time action (at(...)) is not part of a month that repeats';
  const cron = /^cron\((.*)\)$/.exec(expression.trim());
  if (!cron) return 'not a cron(...), rate(...) or at(...) expression';
  const fields = cron[1]!.trim().split(/\s+/);
  if (fields.length !== 6) return 'a cron expression has six fields: minutes hours day-of-month month day-of-week year';
  const [minuteField, hourField, domField, monthField, dowField] = fields as [string, string, string, string, string];
  const minutes = values(minuteField, 0, 59, []);
  const hours = values(hourField, 0, 23, []);
  const days = domField === '?' ? null : values(domField, 1, 31, []);
  const months = values(monthField, 1, 12, MONTH_NAMES);
  const weekdays = dowField === '?' ? null : values(dowField, 1, 7, DAY_NAMES);
  for (const [name, set] of [
    ['minutes', minutes],
    ['hours', hours],
    ['day-of-month', days],
    ['month', months],
    ['day-of-week', weekdays],
  ] as const) {
    if (typeof set === 'string') return `${name} field: ${set}`;
  }
  const out: number[] = [];
  for (let day = 0; day < 365; day++) {
    const date = new Date(Date.UTC(YEAR, 0, 1 + day));
    if (!(months as Set<number>).has(date.getUTCMonth() + 1)) continue;
    if (days !== null && !(days as Set<number>).has(date.getUTCDate())) continue;
    if (weekdays !== null && !(weekdays as Set<number>).has(date.getUTCDay() + 1)) continue;
    for (const hour of [...(hours as Set<number>)].sort((a, b) => a - b)) {
      for (const minute of [...(minutes as Set<number>)].sort((a, b) => a - b)) out.push(day * 1440 + hour * 60 + minute);
    }
  }
  return out;
}

/** The values of one cron field (`*`, `5`, `1-5`, `MON-FRI`, `0/15`, `1,3,5`), or why it cannot read it. */
function values(field: string, low: number, high: number, names: readonly string[]): Set<number> | string {
  const out = new Set<number>();
  const number = (text: string): number | undefined => {
    const index = names.indexOf(text.toUpperCase());
    if (index >= 0) return index + 1;
    return /^\d+$/.test(text) ? Number(text) : undefined;
  };
  for (const part of field.split(',')) {
    const match = /^(\*|[A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?(?:\/(\d+))?$/.exec(part);
    if (!match) return `"${part}" is not a value, range or step the estimate reads (L, W and # are not replayed)`;
    const start = match[1] === '*' ? low : number(match[1]!);
    const end = match[2] !== undefined ? number(match[2]) : match[1] === '*' || match[3] !== undefined ? high : start;
    const step = match[3] !== undefined ? Number(match[3]) : 1;
    if (start === undefined || end === undefined)
      return `"${part}" is not a value, range or step the estimate reads (L, W and # are not replayed)`;
    if (start < low || end > high || start > end || step < 1) return `"${part}" is outside ${low}-${high}`;
    for (let value = start; value <= end; value += step) out.add(value);
  }
  return out;
}

/** How often a recurring expression fires in an average 730-hour month: a rate by its interval, a cron replayed over the reference year. */
export function runsPerMonth(expression: string): number | string {
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression.trim());
  if (rate) {
    const unit = rate[2]!.startsWith('minute') ? 1 : rate[2]!.startsWith('hour') ? 60 : 1440;
    return (730 * 60) / (Number(rate[1]) * unit);
  }
  const fired = firings(expression);
  return typeof fired === 'string' ? fired : fired.length / 12;
}
