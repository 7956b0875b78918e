/**
 * Defaults are written once: a zod `.default()` (the JSON Schema's `default`),
 * or an annotation of src/config/schema-defaults.ts for a default production
 * makes stricter or resolve computes. The reference shows every one of them,
 * and no description states a default by hand.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { environmentJsonSchemaObject } from '../../src/config/json-schema';
import { defaultText, referenceSections } from '../../src/config/reference';
import { COMPUTED_DEFAULT, DEFAULT_BY_ENVIRONMENT, forEnvironment, PRODUCTION_DEFAULTS } from '../../src/config/schema-defaults';
import { configOf, MINIMAL_ENVIRONMENT, minimalService } from '../support/helpers';

type Node = Record<string, any>;

/** Every key of the schema with its dotted path as the reference spells it, and its node. */
function keysOf(node: Node, prefix: string, into: [string, Node][] = []): [string, Node][] {
  for (const branch of [node, ...((node.anyOf ?? []) as Node[])]) {
    for (const [key, value] of Object.entries((branch.properties ?? {}) as Record<string, Node>)) {
      into.push([`${prefix}${key}`, value]);
      keysOf(value, `${prefix}${key}.`, into);
    }
    if (typeof branch.additionalProperties === 'object') keysOf(branch.additionalProperties, `${prefix}<name>.`, into);
    if (branch.items) keysOf(branch.items, `${prefix.slice(0, -1)}[].`, into);
  }
  return into;
}

const schema = environmentJsonSchemaObject();
const keys = keysOf(schema, '');
const hasDefault = (node: Node) => 'default' in node || COMPUTED_DEFAULT in node || DEFAULT_BY_ENVIRONMENT in node;
const rows = new Map(
  referenceSections().flatMap(({ title, rows: sectionRows }) => {
    // A section's rows are relative to its key (`services.<name>`); the top-level rows are not.
    const base = title === 'Top level' ? '' : `${title.replaceAll('`', '')}.`;
    return sectionRows.map((row) => [`${base}${row.key}`, row] as const);
  }),
);

describe('the configuration reference', () => {
  it('shows the default of every key that has one, as the JSON Schema carries it', () => {
    // A top-level section (cluster, services, ...) is a heading, not a row: its default may only be empty, its keys' defaults apply.
    const headings = referenceSections()
      .map(({ title }) => title.replaceAll('`', '').replace(/\.<name>$/, ''))
      .filter((title) => title !== 'Top level');
    for (const heading of headings)
      expect({ heading, default: schema.properties[heading].default ?? {} }).toEqual({ heading, default: {} });
    const withDefaults = keys.filter(([path, node]) => hasDefault(node) && !headings.includes(path));
    expect(withDefaults.length).toBeGreaterThan(250);
    for (const [path, node] of withDefaults) {
      const row = rows.get(path);
      expect({ path, row: row !== undefined }).toEqual({ path, row: true });
      expect({ path, shown: row!.defaultText }).toEqual({ path, shown: defaultText(node) });
      expect({ path, shown: row!.defaultText === '—' }).toEqual({ path, shown: false });
    }
    // A key with no default shows none.
    expect(rows.get('network.cidr')!.defaultText).toBe('—');
  });

  it('writes the defaults as values: lists and maps as YAML, production against the others once', () => {
    expect(rows.get('gitops.allowForks')!.defaultText).toBe('false');
    expect(rows.get('gitops.approvers')!.defaultText).toBe('[]');
    expect(rows.get('loadBalancer.waf.managedRules')!.defaultText).toBe('[common, knownBadInputs, ipReputation]');
    expect(rows.get('services.<name>.volumes.<name>.efs.permissions')!.defaultText).toBe('"0750"');
    expect(rows.get('loadBalancer.waf.enabled')!.defaultText).toBe('production: true, others: false');
    expect(rows.get('caches.<name>.snapshotRetentionDays')!.defaultText).toBe('production: 7, others: 0');
    expect(rows.get('buckets.<name>.encryption')!.defaultText).toBe('production: kms, others: s3');
    expect(rows.get('network.natGateways')!.defaultText).toBe('single');
    expect(forEnvironment(PRODUCTION_DEFAULTS.bucketEncryption, true)).toBe('kms');
    expect(forEnvironment(PRODUCTION_DEFAULTS.bucketEncryption, false)).toBe('s3');
  });

  it('has no default written by hand in a description, in the JSON Schema or in the schema sources', () => {
    const described = keys.filter(([, node]) => typeof node.description === 'string');
    expect(described.length).toBeGreaterThan(300);
    for (const [path, node] of described)
      expect({ path, description: node.description }).not.toEqual({ path, description: expect.stringMatching(/\(default[:s ]/i) });
    for (const file of readdirSync('src/config').filter((f) => f.endsWith('.ts'))) {
      expect({ file, handWritten: readFileSync(join('src/config', file), 'utf8').includes('(default:') }).toEqual({
        file,
        handWritten: false,
      });
    }
  });

  it('states the production defaults resolve applies: each key left out resolves to the value the reference shows', () => {
    const environment = (production: boolean) =>
      configOf(`${MINIMAL_ENVIRONMENT}production: ${production}
gitops: { approvers: [alice] }
services:
${minimalService('web').trimEnd()}
    port: 8080
    routing: { hosts: [web.example.com], priority: 10 }
dynamodb:
  items: { hashKey: { name: id, type: S } }
caches:
  sessions: { nodeType: cache.t4g.micro, replicas: 1 }
buckets:
  uploads: {}
`);
    const resolved = (config: ReturnType<typeof environment>) => ({
      wafEnabled: config.loadBalancer.waf.enabled,
      tableDeletionProtection: config.dynamodb.items!.deletionProtection,
      cacheSnapshotRetentionDays: config.caches.sessions!.snapshotRetentionDays,
      bucketVersioning: config.buckets.uploads!.versioning,
      bucketEncryption: config.buckets.uploads!.encryption,
      autoApply: config.gitops.autoApply,
    });
    const expected = (production: boolean) =>
      Object.fromEntries(
        Object.entries(PRODUCTION_DEFAULTS).map(([key, defaults]) => [key, forEnvironment<unknown>(defaults, production)]),
      );
    expect(resolved(environment(true))).toEqual(expected(true));
    expect(resolved(environment(false))).toEqual(expected(false));
    // And the two differ for every key: production is stricter in each.
    for (const [key, defaults] of Object.entries(PRODUCTION_DEFAULTS))
      expect({ key, same: defaults.production === defaults.others }).toEqual({ key, same: false });
  });
});
