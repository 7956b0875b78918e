/**
 * The README's configuration reference, generated from the same zod schema
 * (and its `.describe()` texts) as the editor JSON Schemas: one table per
 * top-level key, a row per key inside it, the default read from the
 * description's "(default: ...)" or "(required)".
 */
import { z } from 'zod';
import { environmentSchema } from './schema';

type Node = Record<string, any>;

interface Row {
  readonly key: string;
  readonly defaultText: string;
  readonly description: string;
}

/** The reference as markdown: a `###` heading and a table per section. */
export function referenceMarkdown(): string {
  const schema = z.toJSONSchema(environmentSchema, { io: 'input', unrepresentable: 'any' }) as Node;
  const topLevel: Row[] = [];
  const sections: string[] = [];
  for (const [key, value] of Object.entries(schema.properties as Record<string, Node>)) {
    if (key === '$schema') continue;
    const object = objectOf(value);
    const entries = mapValueOf(value);
    if (object) sections.push(section(`\`${key}\``, rowsOf(object, '')));
    else if (entries) sections.push(section(`\`${key}.<name>\``, rowsOf(entries, '')));
    else topLevel.push(row(key, value));
  }
  return [section('Top level', topLevel), ...sections].join('\n\n');
}

function section(title: string, rows: readonly Row[]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const lines = rows.map((r) => `| \`${r.key}\` | ${cell(r.defaultText)} | ${cell(r.description)} |`);
  return [`### ${title}`, '', '| key | default | what it does; limits |', '| --- | --- | --- |', ...lines].join('\n');
}

/** Rows for every key of an object schema, nested keys as dotted paths. */
function rowsOf(object: Node, prefix: string): Row[] {
  const rows: Row[] = [];
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

function row(key: string, schema: Node): Row {
  const text = String(schema.description ?? '');
  const defaultAt = text.lastIndexOf('(default: ');
  if (defaultAt >= 0 && text.endsWith(')')) {
    return { key, defaultText: text.slice(defaultAt + '(default: '.length, -1), description: text.slice(0, defaultAt).trim() };
  }
  const required = /\s*\((required[^)]*)\)$/.exec(text);
  if (required) return { key, defaultText: required[1]!, description: text.slice(0, required.index).trim() };
  return { key, defaultText: '—', description: text };
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
