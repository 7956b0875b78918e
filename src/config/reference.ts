/**
 * The configuration reference, generated from the environment file's JSON
 * Schema (the editors' schema, itself generated from the zod schema): one
 * table per top-level key, a row per key inside it, with its `description`
 * and its default: the schema's `default` (zod's `.default()`), or the
 * annotations of schema-defaults.ts for a default production makes stricter
 * or resolve computes from other keys. Descriptions never state a default.
 */
import { parse } from 'yaml';
import { environmentJsonSchemaObject } from './json-schema';
import { COMPUTED_DEFAULT, DEFAULT_BY_ENVIRONMENT, type ByEnvironment } from './schema-defaults';

type Node = Record<string, any>;

export interface ReferenceRow {
  readonly key: string;
  /** The default as the reference shows it; '—' for none. */
  readonly defaultText: string;
  readonly description: string;
}

/** The reference as markdown: a `###` heading and a table per section. */
export function referenceMarkdown(): string {
  return referenceSections()
    .map(({ title, rows }) => section(title, rows))
    .join('\n\n');
}

/** The reference's sections and rows: the top-level scalars, then a section per object or map. */
export function referenceSections(): { title: string; rows: ReferenceRow[] }[] {
  const schema = environmentJsonSchemaObject();
  const topLevel: ReferenceRow[] = [];
  const sections: { title: string; rows: ReferenceRow[] }[] = [];
  for (const [key, value] of Object.entries(schema.properties as Record<string, Node>)) {
    if (key === '$schema') continue;
    const object = objectOf(value);
    const entries = mapValueOf(value);
    if (object) sections.push({ title: `\`${key}\``, rows: rowsOf(object, '') });
    else if (entries) sections.push({ title: `\`${key}.<name>\``, rows: rowsOf(entries, '') });
    else topLevel.push(row(key, value));
  }
  return [{ title: 'Top level', rows: topLevel }, ...sections];
}

function section(title: string, rows: readonly ReferenceRow[]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const lines = rows.map((r) => `| \`${r.key}\` | ${cell(r.defaultText)} | ${cell(r.description)} |`);
  return [`### ${title}`, '', '| key | default | what it does; limits |', '| --- | --- | --- |', ...lines].join('\n');
}

/** Rows for every key of an object schema, nested keys as dotted paths. */
function rowsOf(object: Node, prefix: string): ReferenceRow[] {
  const rows: ReferenceRow[] = [];
  for (const [key, value] of Object.entries((object.properties ?? {}) as Record<string, Node>)) {
    const path = `${prefix}${key}`;
    rows.push(row(path, value));
    const inner = objectOf(value);
    const entries = mapValueOf(value);
    const items = itemObjectOf(value);
    if (inner) rows.push(...rowsOf(inner, `${path}.`));
    else if (entries) rows.push(...rowsOf(entries, `${path}.<name>.`));
    else if (items) rows.push(...rowsOf(items, `${path}[].`));
  }
  return rows;
}

function row(key: string, schema: Node): ReferenceRow {
  const text = String(schema.description ?? '');
  // "(required)" stays in the description: whether a key is required depends on the other file (defaults.yaml or the environment's).
  const required = /\s*\((required[^)]*)\)$/.exec(text);
  const shown = defaultText(schema);
  if (required && shown === '—') return { key, defaultText: required[1]!, description: text.slice(0, required.index).trim() };
  return { key, defaultText: shown, description: text };
}

/** What the reference shows as a key's default: by environment, computed, the schema's value, or '—'. */
export function defaultText(schema: Node): string {
  const byEnvironment = schema[DEFAULT_BY_ENVIRONMENT] as ByEnvironment<unknown> | undefined;
  if (byEnvironment) return `production: ${valueText(byEnvironment.production)}, others: ${valueText(byEnvironment.others)}`;
  if (typeof schema[COMPUTED_DEFAULT] === 'string') return schema[COMPUTED_DEFAULT];
  if ('default' in schema) return valueText(schema.default);
  return '—';
}

/** A value as it would be written in YAML, in one line: [a, b], {}, a string quoted only when YAML would read it as something else. */
function valueText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(valueText).join(', ')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.entries(value)
      .map(([k, v]) => ` ${k}: ${valueText(v)}`)
      .join(',')}${Object.keys(value).length > 0 ? ' ' : ''}}`;
  if (typeof value === 'string') return readsAsItself(value) ? value : JSON.stringify(value);
  return String(value);
}

/** Whether YAML reads the text, unquoted, as that same string (not "0750", which is a number, nor "*", an alias). */
function readsAsItself(text: string): boolean {
  if (/[,[\]{}]/.test(text)) return false;
  try {
    return parse(text) === text;
  } catch {
    return false;
  }
}

/** The branches of a schema: itself, or the members of its union. */
function branches(schema: Node): Node[] {
  return [schema, ...((schema.anyOf ?? schema.oneOf ?? []) as Node[]).flatMap(branches)];
}

/** The object (with named properties) a value may be, if any. */
function objectOf(schema: Node): Node | undefined {
  return branches(schema).find((b) => b.type === 'object' && b.properties && Object.keys(b.properties).length > 0);
}

/** The object every entry of a map is, for maps keyed by names (`services.<name>`). */
function mapValueOf(schema: Node): Node | undefined {
  const map = branches(schema).find((b) => b.type === 'object' && !b.properties && typeof b.additionalProperties === 'object');
  return map ? objectOf(map.additionalProperties) : undefined;
}

/** The object every item of a list is (`schedules[]`). */
function itemObjectOf(schema: Node): Node | undefined {
  const list = branches(schema).find((b) => b.type === 'array' && b.items);
  return list ? objectOf(list.items) : undefined;
}
