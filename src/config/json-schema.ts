/**
 * The editor JSON Schemas (2020-12), generated from the zod schema so they
 * cannot drift (a test compares them, and validates every example with a
 * real validator). Two of them: `defaults.yaml`, and an environment file.
 *
 * The zod schema checks the merged environment; an editor sees one file.
 * So, for the editor: nothing is required that the other file may supply
 * (maps merge key by key; objects inside lists do not merge and keep their
 * required keys), any map value may be `null` (it removes a default), and
 * Fargate's cpu/memory pairs are spelled out as `if`/`then` per cpu value
 * (zod checks them in code, which JSON Schema cannot carry).
 */
import { z } from 'zod';
import { FARGATE_MEMORY_BY_CPU } from '../aws-facts';
import { environmentSchema } from './schema';
import { COMPUTED_DEFAULT, DEFAULT_BY_ENVIRONMENT } from './schema-defaults';

import { SCHEMA_FILES } from './schema-files';

export { SCHEMA_FILES };

type Node = Record<string, any>;

/** The formats JSON Schema 2020-12 defines (editors know these). */
const STANDARD_FORMATS = new Set([
  'date-time',
  'date',
  'time',
  'duration',
  'email',
  'idn-email',
  'hostname',
  'idn-hostname',
  'ipv4',
  'ipv6',
  'uri',
  'uri-reference',
  'iri',
  'iri-reference',
  'uuid',
  'uri-template',
  'json-pointer',
  'relative-json-pointer',
  'regex',
]);

/** The schema for `defaults.yaml`: every key but `environment`, which names one file's environment. */
export function defaultsJsonSchema(): string {
  const schema = editorSchema();
  delete schema.properties.environment;
  return render({
    ...schema,
    title: 'Defaults',
    description:
      'Keys every environment of the folder inherits (defaults.yaml); an environment file overrides them key by key, and null removes one',
  });
}

/** The schema for an environment file (`<name>.yaml`). */
export function environmentJsonSchema(): string {
  return render(environmentJsonSchemaObject());
}

/** The schema for an environment file, as an object (the configuration reference is generated from it). */
export function environmentJsonSchemaObject(): Node {
  return {
    ...editorSchema(),
    title: 'Environment',
    description: 'One environment (<name>.yaml), merged over defaults.yaml: keys defaults.yaml supplies may be left out',
  };
}

/** Writes both schemas with `write` (fs.writeFileSync); returns the files written. */
export function writeSchemas(write: (file: string, text: string) => void): string[] {
  write(SCHEMA_FILES.defaults, defaultsJsonSchema());
  write(SCHEMA_FILES.environment, environmentJsonSchema());
  return [SCHEMA_FILES.defaults, SCHEMA_FILES.environment];
}

function render(schema: Node): string {
  const { $schema, title, description, ...rest } = schema;
  return `${JSON.stringify({ $schema, title, description, ...rest }, null, 2)}\n`;
}

function editorSchema(): Node {
  const schema = z.toJSONSchema(environmentSchema, { io: 'input', unrepresentable: 'any' }) as Node;
  const services = schema.properties?.services?.additionalProperties;
  if (services) addFargateSizes(services);
  relax(schema, false);
  return schema;
}

/** Drops `required` outside list items and lets every map value be null, all the way down. */
function relax(node: unknown, inListItem: boolean): void {
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Node;
  if (!inListItem) delete schema.required;
  // zod names some string checks as formats JSON Schema does not have (starts_with): their pattern carries the check.
  if (typeof schema.format === 'string' && !STANDARD_FORMATS.has(schema.format)) delete schema.format;
  // `if`/`then` branches (the Fargate sizes) are written for the editor already: left as they are.
  for (const key of ['anyOf', 'oneOf', 'allOf']) for (const branch of schema[key] ?? []) if (!('if' in branch)) relax(branch, inListItem);
  if (schema.items) relax(schema.items, true);
  for (const [name, value] of Object.entries((schema.properties ?? {}) as Record<string, Node>)) {
    relax(value, inListItem);
    schema.properties[name] = nullable(value);
  }
  if (typeof schema.additionalProperties === 'object') {
    relax(schema.additionalProperties, inListItem);
    schema.additionalProperties = nullable(schema.additionalProperties);
  }
  for (const value of Object.values((schema.$defs ?? {}) as Record<string, Node>)) relax(value, inListItem);
}

/** The schema, or null; the description and the default stay at the top, where editors and the reference read them. */
function nullable(schema: Node): Node {
  const top = Object.fromEntries(
    ['description', 'default', COMPUTED_DEFAULT, DEFAULT_BY_ENVIRONMENT].filter((key) => key in schema).map((key) => [key, schema[key]]),
  );
  return { ...top, anyOf: [schema, { type: 'null' }] };
}

/** cpu as Fargate's values, and for each the memory sizes it allows (when both are in the same file). */
function addFargateSizes(service: Node): void {
  const cpus = Object.keys(FARGATE_MEMORY_BY_CPU).map(Number);
  service.properties.cpu = { ...service.properties.cpu, enum: cpus };
  service.allOf = cpus.map((cpu) => ({
    if: { properties: { cpu: { const: cpu } }, required: ['cpu', 'memory'] },
    then: {
      properties: {
        memory: {
          enum: [...FARGATE_MEMORY_BY_CPU[cpu]!],
          description: `Fargate allows ${FARGATE_MEMORY_BY_CPU[cpu]!.join(', ')} MiB with cpu ${cpu}`,
        },
      },
    },
  }));
}
