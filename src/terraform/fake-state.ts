/**
 * A state file as if a plan had been applied, with placeholder values for
 * everything only AWS would know (IDs, ARNs). It lets `terraform plan` of a
 * changed configuration show, with no AWS account, whether a change updates
 * resources in place or replaces them.
 */
import { createHash } from 'node:crypto';

type Json = any;

/** Terraform's JSON type expressions: "string", ["list", T], ["object", {...}], ... */
type TypeExpr = string | [string, Json];

interface BlockSchema {
  attributes?: Record<string, { type?: TypeExpr; optional?: boolean; computed?: boolean }>;
  block_types?: Record<string, { nesting_mode: string; block: BlockSchema }>;
}

export interface ProviderSchemas {
  provider_schemas: Record<string, { resource_schemas: Record<string, { version: number; block: BlockSchema }> }>;
}

interface ResourceChange {
  address: string;
  mode: string;
  type: string;
  name: string;
  index?: string | number;
  provider_name: string;
  change: { actions: string[]; after: Json; after_unknown: Json; after_sensitive?: Json };
}

/** The state after applying `plan` (from `terraform show -json`) onto `previous`, unknowns filled with placeholders. */
export function applyPlanToState(plan: { resource_changes?: ResourceChange[] }, schemas: ProviderSchemas, previous?: Json): Json {
  const byResource = new Map<string, Json>();
  for (const resource of previous?.resources ?? []) byResource.set(`${resource.type}.${resource.name}`, resource);
  for (const change of plan.resource_changes ?? []) {
    if (change.mode !== 'managed') continue;
    const key = `${change.type}.${change.name}`;
    if (change.change.actions.includes('delete') && !change.change.actions.includes('create')) {
      byResource.delete(key);
      continue;
    }
    const schema = schemas.provider_schemas[change.provider_name]?.resource_schemas[change.type];
    if (!schema) throw new Error(`no schema for ${change.type} from ${change.provider_name}`);
    const attributes = fill(change.change.after, change.change.after_unknown, schema.block, change.address);
    const resource = byResource.get(key) ?? {
      mode: 'managed',
      type: change.type,
      name: change.name,
      provider: `provider["${change.provider_name}"]`,
      instances: [],
    };
    const instance: Json = {
      schema_version: schema.version,
      attributes,
      sensitive_attributes: sensitivePaths(change.change.after_sensitive),
    };
    if (change.index !== undefined) instance.index_key = change.index;
    resource.instances = [...resource.instances.filter((i: Json) => i.index_key !== change.index), instance];
    byResource.set(key, resource);
  }
  return {
    version: 4,
    terraform_version: '1.11.4',
    serial: (previous?.serial ?? 0) + 1,
    lineage: '00000000-0000-4000-8000-000000000000',
    outputs: {},
    resources: [...byResource.values()].sort((a, b) => `${a.type}.${a.name}`.localeCompare(`${b.type}.${b.name}`)),
    check_results: null,
  };
}

/** State's form of the plan's sensitivity marks: one path of steps per sensitive value. */
function sensitivePaths(marks: Json, steps: Json[] = []): Json[][] {
  if (marks === true) return [steps];
  if (Array.isArray(marks))
    return marks.flatMap((m, i) => sensitivePaths(m, [...steps, { type: 'index', value: { value: i, type: 'number' } }]));
  if (marks && typeof marks === 'object')
    return Object.entries(marks).flatMap(([k, m]) => sensitivePaths(m, [...steps, { type: 'get_attr', value: k }]));
  return [];
}

function fill(value: Json, unknown: Json, block: BlockSchema, path: string): Json {
  const result: Json = { ...(value ?? {}) };
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    const at = `${path}.${name}`;
    const type = attribute.type ?? ['list', 'string'];
    if (unknown?.[name] === true) result[name] = placeholder(type, name, at, attribute.optional === true);
    else if (result[name] === undefined) result[name] = null;
    // State stores values of dynamic type with their type beside them.
    if (type === 'dynamic' && result[name] !== null)
      result[name] = { value: result[name], type: typeof result[name] === 'number' ? 'number' : 'string' };
  }
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    const at = `${path}.${name}`;
    const values = result[name];
    const unknowns = unknown?.[name];
    if (nested.nesting_mode === 'single' || nested.nesting_mode === 'group') {
      result[name] = values ? fill(values, unknowns, nested.block, at) : null;
    } else if (Array.isArray(values)) {
      result[name] = values.map((v: Json, i: number) =>
        fill(v, Array.isArray(unknowns) ? unknowns[i] : undefined, nested.block, `${at}.${i}`),
      );
    } else {
      result[name] = unknowns === true ? [] : (values ?? []);
    }
  }
  return result;
}

/**
 * What AWS would have filled in. Read-only strings (IDs, ARNs) get a stable
 * placeholder so that references resolve; optional strings the provider
 * computes stay empty (a made-up value could force a replacement); other
 * types get their empty value.
 */
function placeholder(type: TypeExpr, name: string, path: string, optional: boolean): Json {
  const hash = createHash('sha256').update(path).digest('hex').slice(0, 12);
  if (type === 'string') {
    if (optional && name !== 'id') return '';
    if (/arn$/.test(name)) return `arn:aws:offline:eu-west-1:123456789012:placeholder/${hash}`;
    // Addresses are used in CIDRs (`${eip.public_ip}/32`): a documentation-range IPv4 address AWS would accept.
    if (/(^|_)ip$/.test(name)) return `198.51.100.${(parseInt(hash.slice(0, 2), 16) % 254) + 1}`;
    return `offline-${hash}`;
  }
  if (type === 'dynamic') return `offline-${hash}`;
  if (type === 'number') return 0;
  if (type === 'bool') return false;
  const [kind] = type as [string, Json];
  if (kind === 'list' || kind === 'set' || kind === 'tuple') return [];
  if (kind === 'map') return {};
  return null;
}
