/**
 * Values AWS would refuse only at apply time, checked here instead: schedule
 * expressions, time zones, tags, Secrets Manager names, and lists whose
 * entries must be unique (they become construct IDs or AWS rejects repeats).
 * Each check returns why a value is refused, or undefined.
 */
import { z } from 'zod';
import { shown } from './problems';
import { PROTO_KEY, PROTO_STAND_IN } from './proto-keys';
import { closest } from './suggest';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Extra forms this field takes besides numbers, ranges, lists and steps (L, W, #). */
  readonly special?: RegExp;
}

const CRON_FIELDS: readonly CronField[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, special: /^(L|LW|L-([1-9]|[12]\d|30)|([1-9]|[12]\d|3[01])W)$/ },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 1, max: 7, names: DAYS, special: /^(L|[1-7]L|[A-Z]{3}L|[1-7]#[1-5]|[A-Z]{3}#[1-5])$/ },
  { name: 'year', min: 1970, max: 2199 },
];

/** Why `cron(...)`, `rate(...)` or `at(...)` would be refused by Application Auto Scaling, or undefined. */
export function scheduleProblem(expression: string): string | undefined {
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) return cronProblem(cron[1]!);
  const rate = /^rate\((.*)\)$/.exec(expression);
  if (rate) return rateProblem(rate[1]!);
  const at = /^at\((.*)\)$/.exec(expression);
  if (at) return atProblem(at[1]!);
  return 'a schedule is cron(...), rate(...) or at(...), for example cron(0 20 * * ? *)';
}

function cronProblem(body: string): string | undefined {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    return `cron takes 6 fields (minutes hours day-of-month month day-of-week year), not ${fields.length}; for example cron(0 20 * * ? *)`;
  }
  for (let i = 0; i < 6; i++) {
    const problem = fieldProblem(fields[i]!, CRON_FIELDS[i]!);
    if (problem) return problem;
  }
  const [dayOfMonth, dayOfWeek] = [fields[2]!, fields[4]!];
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    return 'exactly one of day-of-month (3rd field) and day-of-week (5th field) must be ?; for example cron(0 20 * * ? *) or cron(0 9 ? * MON-FRI *)';
  }
  return undefined;
}

function fieldProblem(field: string, spec: CronField): string | undefined {
  const bad = `"${field}" is not a valid ${spec.name} field (${spec.min}-${spec.max}${spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : ''}, with , - * /${spec.special ? ' and the special forms of the field' : ''})`;
  if (field === '?')
    return spec.name === 'day-of-month' || spec.name === 'day-of-week'
      ? undefined
      : `? is allowed only in day-of-month and day-of-week, not in ${spec.name}`;
  if (field === '*') return undefined;
  const value = (text: string): boolean => {
    const upper = text.toUpperCase();
    if (spec.names?.includes(upper)) return true;
    if (!/^\d{1,4}$/.test(text)) return false;
    const n = Number(text);
    return n >= spec.min && n <= spec.max;
  };
  for (const item of field.split(',')) {
    if (spec.special?.test(item.toUpperCase())) continue;
    const [range, step, ...rest] = item.split('/');
    if (rest.length > 0 || range === '') return bad;
    if (step !== undefined && !(/^\d{1,4}$/.test(step) && Number(step) >= 1 && Number(step) <= spec.max)) return bad;
    if (range === '*' && step !== undefined) continue;
    const bounds = range!.split('-');
    if (bounds.length > 2 || !bounds.every(value)) return bad;
  }
  return undefined;
}

function rateProblem(body: string): string | undefined {
  const match = /^\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*$/.exec(body);
  if (!match || Number(match[1]) < 1)
    return 'a rate is rate(N minutes|hours|days) with N of 1 or more, for example rate(5 minutes) or rate(1 day)';
  const n = Number(match[1]);
  const unit = match[2]!;
  if (n === 1 && unit.endsWith('s')) return `rate(1 ${unit}) takes the singular: rate(1 ${unit.slice(0, -1)})`;
  if (n > 1 && !unit.endsWith('s')) return `rate(${n} ${unit}) takes the plural: rate(${n} ${unit}s)`;
  return undefined;
}

function atProblem(body: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  const shape = 'at() takes a date and time, yyyy-mm-ddThh:mm:ss, for example at(2026-12-31T23:00:00)';
  if (!match) return shape;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const same =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return same ? undefined : `${body} is not a date and time that exists; ${shape}`;
}

/** An IANA time zone name as AWS takes it (Area/Location, UTC or Etc/...), in its exact spelling. */
export function timeZoneProblem(zone: string): string | undefined {
  const shape = 'time zones are IANA names such as Europe/Berlin, America/New_York or UTC';
  if (!/^(UTC|Etc\/[A-Za-z0-9+-]+|[A-Z][A-Za-z]+(\/[A-Za-z0-9_+-]+){1,2})$/.test(zone)) {
    return `"${zone.slice(0, 60)}" is not an IANA time zone name; ${shape}`;
  }
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    const known = Intl.supportedValuesOf('timeZone');
    const match = closest(zone, known);
    return `unknown time zone "${zone}"; ${match ? `did you mean "${match}"?` : shape}`;
  }
  if (resolved !== zone && resolved.toLowerCase() === zone.toLowerCase()) return `time zone names are case-sensitive; write ${resolved}`;
  return undefined;
}

/** AWS tag keys and values: letters, digits, spaces and _ . : / = + - @ (keys 1-128, values up to 256). */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function tagKeyProblem(key: string): string | undefined {
  if (key.length < 1 || key.length > 128) return 'tag keys are 1-128 characters';
  if (!TAG_CHARACTERS.test(key)) return 'tag keys take letters, digits, spaces and _ . : / = + - @ only';
  if (key === PROTO_KEY || key === PROTO_STAND_IN) return 'a tag key __proto__ would be dropped on the way to Terraform; pick another key';
  return undefined;
}

export function tagValueProblem(value: string): string | undefined {
  if (value.length > 256) return 'tag values are at most 256 characters';
  if (!TAG_CHARACTERS.test(value)) return 'tag values take letters, digits, spaces and _ . : / = + - @ only';
  return undefined;
}

/**
 * The most tags an environment may add: AWS takes 50 per resource, and the
 * project adds Project, Environment and ManagedBy to every resource and at
 * most two of its own (Name, Tier) to some.
 */
export const MAX_USER_TAGS = 45;

/** A Secrets Manager secret name (an ARN is checked by the rules). */
export function secretNameProblem(name: string): string | undefined {
  if (name.startsWith('arn:')) return undefined;
  if (!/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name)) return 'a Secrets Manager name is 1-512 letters, digits and / _ + = . @ - (or an ARN)';
  return undefined;
}

/** An S3 key prefix for state files: path segments, none of them . or .., no leading or trailing /. */
export function keyPrefixProblem(prefix: string): string | undefined {
  if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(prefix))
    return 'a key prefix is path segments of letters, digits, _ . - separated by /, with no leading or trailing /';
  if (prefix.split('/').some((segment) => segment === '.' || segment === '..'))
    return 'a key prefix has no . or .. segments; write the path out, for example platform/shop';
  return undefined;
}

/**
 * A list whose entries must be unique: a repeat is reported at its position
 * (it would become a second construct with the same ID, or AWS refuses it).
 * `identity` maps an entry to what must be unique when two spellings become
 * one Terraform address (a.b@x.com and a-b@x.com both email-a-b-x-com).
 */
export function uniqueList<T extends z.ZodType>(item: T, identity: (entry: z.output<T>) => string = (entry) => JSON.stringify(entry)) {
  return z.array(item).superRefine((items, ctx) => {
    const seen = new Map<string, z.output<T>>();
    items.forEach((entry, i) => {
      const key = identity(entry);
      const first = seen.get(key);
      const name = (value: unknown) => (typeof value === 'string' ? shown(value) : 'this entry');
      if (first === undefined) seen.set(key, entry);
      else if (JSON.stringify(first) === JSON.stringify(entry))
        ctx.addIssue({ code: 'custom', path: [i], message: `${name(entry)} is listed twice; list it once` });
      else
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `${name(entry)} and ${name(first)} would be one resource in Terraform (their addresses are the same); list one of them`,
        });
    });
  });
}

/** How the project turns a value into part of a Terraform address: every character but letters and digits becomes -. */
export const addressPart = (value: string): string => value.replace(/[^A-Za-z0-9]/g, '-');

/** A zod refinement from one of the checks above. */
export function refuse<T>(problem: (value: T) => string | undefined) {
  return (value: T, ctx: z.core.$RefinementCtx<T>) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: 'custom', message });
  };
}
