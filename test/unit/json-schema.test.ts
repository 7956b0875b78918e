/**
 * The editor JSON Schemas, checked with a real JSON Schema 2020-12
 * validator (ajv): every example and fixture file validates with zero
 * errors (no false errors for keys that defaults.yaml supplies), and a
 * known-bad file gets an error at the key path the CLI reports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { defaultsJsonSchema, environmentJsonSchema, SCHEMA_FILES } from '../../src/config/json-schema';
import { EXAMPLES_DIR, MINIMAL_ENVIRONMENT, problemsOf, UNUSUAL_DIR } from '../support/helpers';

const ajv = new Ajv2020({ allErrors: true, strict: false });
// ajv checks formats only when given them (ajv-formats is not needed for one).
ajv.addFormat('email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
const validateDefaults = ajv.compile(JSON.parse(defaultsJsonSchema()));
const validateEnvironment = ajv.compile(JSON.parse(environmentJsonSchema()));

/** ajv's errors as `key.path: message`, the way the CLI names keys. */
function editorErrors(file: string, text: string): string[] {
  const validate = file.endsWith('defaults.yaml') ? validateDefaults : validateEnvironment;
  if (validate(parse(text) ?? {})) return [];
  return (validate.errors ?? []).map((e) => {
    const path = e.instancePath.split('/').slice(1);
    if (e.keyword === 'additionalProperties') path.push(String(e.params.additionalProperty));
    return `${path.join('.')}: ${e.message}`;
  });
}

const fixtureFiles = [EXAMPLES_DIR, UNUSUAL_DIR].flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(dir, f)),
);

describe('the editor JSON Schemas', () => {
  it('are the ones generated from the zod schema (run `npm run schema` after changing it)', () => {
    expect(readFileSync(SCHEMA_FILES.defaults, 'utf8')).toBe(defaultsJsonSchema());
    expect(readFileSync(SCHEMA_FILES.environment, 'utf8')).toBe(environmentJsonSchema());
  });

  it.each([
    ['defaults', defaultsJsonSchema],
    ['environment', environmentJsonSchema],
  ] as const)('describe every key (%s)', (_name, generate) => {
    const undescribed: string[] = [];
    const walk = (node: any, path: string): void => {
      if (!node || typeof node !== 'object') return;
      for (const branch of [...(node.anyOf ?? []), ...(node.oneOf ?? [])]) walk(branch, path);
      if (node.items) walk(node.items, `${path}[]`);
      for (const [key, value] of Object.entries<any>(node.properties ?? {})) {
        if (!value.description) undescribed.push(`${path}${key}`);
        walk(value, `${path}${key}.`);
      }
      if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${path}<name>.`);
    };
    const schema = JSON.parse(generate());
    walk(schema, '');
    expect(undescribed).toEqual([]);
    expect(Object.keys(schema.properties).length).toBeGreaterThan(15);
  });

  it.each(fixtureFiles)('report no error in %s', (file) => {
    expect(editorErrors(file, readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('point each example file at its schema', () => {
    for (const file of readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.yaml'))) {
      const schema = file === 'defaults.yaml' ? 'defaults' : 'environment';
      expect(readFileSync(join(EXAMPLES_DIR, file), 'utf8')).toMatch(
        new RegExp(`^# yaml-language-server: \\$schema=\\.\\./\\.\\./\\.\\./schema/${schema}\\.schema\\.json$`, 'm'),
      );
    }
  });

  it('require nothing that defaults.yaml may supply, but keep the keys a list item needs', () => {
    expect(editorErrors('dev.yaml', 'services:\n  api:\n    desiredCount: 2\n')).toEqual([]);
    expect(editorErrors('defaults.yaml', 'project: shop\n')).toEqual([]);
    expect(editorErrors('dev.yaml', 'databases: null\nservices:\n  api: { routing: null }\n')).toEqual([]);
    expect(editorErrors('dev.yaml', 'dynamodb:\n  t:\n    globalSecondaryIndexes: [{ projection: ALL }]\n')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^dynamodb\.t\.globalSecondaryIndexes\.0: must have required property '(name|hashKey)'/),
      ]),
    );
  });

  it('refuse environment in defaults.yaml, where it would name every environment alike', () => {
    expect(editorErrors('defaults.yaml', 'environment: dev\n')).toEqual(['environment: must NOT have additional properties']);
  });

  it.each([
    ['an unknown key', 'projekt: x\n', 'projekt'],
    ['a value of the wrong type', 'logRetentionDays: a week\n', 'logRetentionDays'],
    ['a Fargate cpu that does not exist', 'services:\n  api: { image: public.ecr.aws/a/b:1, cpu: 300, memory: 512 }\n', 'services.api.cpu'],
    [
      'a memory size the cpu does not allow',
      'services:\n  api: { image: public.ecr.aws/a/b:1, cpu: 256, memory: 4096 }\n',
      'services.api.memory',
    ],
    ['an unknown region', 'aws: { region: eu-west-9, accountId: "123456789012" }\n', 'aws.region'],
  ])('put %s at the key path the CLI reports', (_kind, extra, keyPath) => {
    const text = `${MINIMAL_ENVIRONMENT.replace(/^aws:\n(?: .*\n)*/m, extra.startsWith('aws:') ? '' : '$&')}${extra}`;
    const cli = problemsOf({ 'dev.yaml': text }).map((line) => line.replace(/^cfg\/dev\.yaml:\d+:\d+ /, '').split(':')[0]);
    expect(cli).toContain(keyPath);
    expect(editorErrors('dev.yaml', text).map((e) => e.split(':')[0])).toContain(keyPath);
  });
});
