/** What a saved plan does, from `terraform show -json`: counts and addresses per action. */

export interface PlanAddresses {
  readonly create: readonly string[];
  readonly update: readonly string[];
  readonly replace: readonly string[];
  readonly delete: readonly string[];
}

/**
 * Counts per action. Unlike Terraform's own "N to add, M to destroy" line, a
 * replacement is counted once, in `replace`, and not again in add and destroy.
 */
export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly replace: number;
  readonly destroy: number;
  readonly addresses: PlanAddresses;
}

/** A managed resource's planned change, as `terraform show -json` lists it. */
export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly mode: string;
  readonly change: { readonly actions: readonly string[] };
}

export interface PlanJson {
  readonly resource_changes?: readonly ResourceChange[];
}

export type PlanAction = 'create' | 'update' | 'replace' | 'delete';

/** The one action of a change, or undefined for no-op and read. */
export function actionOf(change: ResourceChange): PlanAction | undefined {
  const actions = change.change.actions;
  if (actions.includes('delete') && actions.includes('create')) return 'replace';
  if (actions.includes('create')) return 'create';
  if (actions.includes('delete')) return 'delete';
  if (actions.includes('update')) return 'update';
  return undefined;
}

export function summarizePlan(plan: PlanJson): PlanSummary {
  const addresses: Record<PlanAction, string[]> = { create: [], update: [], replace: [], delete: [] };
  for (const change of plan.resource_changes ?? []) {
    if (change.mode !== 'managed') continue;
    const action = actionOf(change);
    if (action) addresses[action].push(change.address);
  }
  for (const list of Object.values(addresses)) list.sort();
  return {
    add: addresses.create.length,
    change: addresses.update.length,
    replace: addresses.replace.length,
    destroy: addresses.delete.length,
    addresses,
  };
}

/** Whether the plan changes anything. */
export function hasChanges(summary: PlanSummary): boolean {
  return summary.add + summary.change + summary.replace + summary.destroy > 0;
}

/**
 * Resource types that hold data: destroying or replacing one loses it
 * (databases, tables, file systems, buckets, keys, log groups, image
 * repositories, secrets). Neither `apply` nor the controller does that
 * without an explicit approval.
 */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set([
  'aws_db_instance',
  'aws_rds_cluster',
  'aws_dynamodb_table',
  'aws_efs_file_system',
  'aws_s3_bucket',
  'aws_kms_key',
  'aws_cloudwatch_log_group',
  'aws_ecr_repository',
  'aws_secretsmanager_secret',
]);

/** The resource type a change is of; for a terraform_data stand-in (terraform/offline.ts), the type it stands in for. */
export function typeOf(change: ResourceChange): string {
  if (change.type !== 'terraform_data') return change.type;
  const name = change.address.slice('terraform_data.'.length);
  return [...STATEFUL_TYPES].find((t) => name.startsWith(`${t}_`)) ?? change.type;
}

/** The addresses of data-holding resources the plan destroys or replaces. */
export function destructiveChanges(plan: PlanJson): string[] {
  return (plan.resource_changes ?? [])
    .filter((c) => c.mode === 'managed' && STATEFUL_TYPES.has(typeOf(c)))
    .filter((c) => {
      const action = actionOf(c);
      return action === 'delete' || action === 'replace';
    })
    .map((c) => c.address)
    .sort();
}

/** `2 to add, 1 to change, 0 to replace, 0 to destroy`. */
export function formatSummary(summary: PlanSummary): string {
  return `${summary.add} to add, ${summary.change} to change, ${summary.replace} to replace, ${summary.destroy} to destroy`;
}

/** The top-level attributes an update or replacement changes, and those of them that force the replacement. */
export interface AttributeChanges {
  readonly changed: readonly string[];
  readonly forcing: readonly string[];
}

/**
 * One line per changed address, what is lost first: replaced, destroyed,
 * then updated and created; with `attributes`, an update or replacement
 * names what it changes (`username forces replacement`).
 */
export function reviewLines(summary: PlanSummary, attributes: Readonly<Record<string, AttributeChanges>> = {}): string[] {
  const order: readonly [PlanAction, string][] = [
    ['replace', 'replace'],
    ['delete', 'destroy'],
    ['update', 'change '],
    ['create', 'add    '],
  ];
  const detail = (address: string) => {
    const changes = attributes[address];
    if (!changes || changes.changed.length === 0) return '';
    const parts = changes.changed.map((name) => (changes.forcing.includes(name) ? `${name} forces replacement` : name));
    return ` (${parts.join(', ')})`;
  };
  return order.flatMap(([action, label]) => summary.addresses[action].map((address) => `  ${label} ${address}${detail(address)}`));
}

/**
 * The attributes each update and replacement of a plan changes, read from
 * Terraform's own plan output: the top-level `~`, `+` and `-` lines of each
 * resource, with `# forces replacement` marking what forces it. Values
 * Terraform only learns after apply (`(known after apply)`) are left out
 * unless they force the replacement: they follow from the others.
 */
export function changedAttributesFromText(output: string): Record<string, AttributeChanges> {
  const result: Record<string, { changed: string[]; forcing: string[] }> = {};
  let current: { changed: string[]; forcing: string[] } | undefined;
  for (const line of output.split('\n')) {
    const header =
      /^ {2}# (\S+) (?:will be updated in-place|must be replaced|is tainted, so must be replaced|will be replaced, as requested|will be replaced due to changes in replace_triggered_by)$/.exec(
        line.trimEnd(),
      );
    if (header) {
      current = result[header[1]!] = { changed: [], forcing: [] };
      continue;
    }
    if (/^ {2}# /.test(line)) {
      current = undefined;
      continue;
    }
    const attribute = current && /^ {6}[~+-] ([A-Za-z0-9_]+)(?: +=|\s*\{|\s*\[)(.*)$/.exec(line);
    if (!current || !attribute) continue;
    const [, name, rest] = attribute as unknown as [string, string, string];
    const forcing = rest.includes('# forces replacement');
    if (!forcing && /\(known after apply\)\s*$/.test(rest)) continue;
    if (!current.changed.includes(name)) current.changed.push(name);
    if (forcing && !current.forcing.includes(name)) current.forcing.push(name);
  }
  return result;
}

const HUMAN_ACTIONS: readonly [RegExp, PlanAction | undefined][] = [
  [/ will be created$/, 'create'],
  [/ will be updated in-place$/, 'update'],
  [
    / (?:must be replaced|is tainted, so must be replaced|will be replaced, as requested|will be replaced due to changes in replace_triggered_by)$/,
    'replace',
  ],
  [/ will be destroyed$/, 'delete'],
  [/ will be read during apply$/, undefined],
  [/ has moved to .+$/, undefined],
];

/**
 * The summary of a plan from Terraform's own plan output (`# ADDRESS will
 * be created`, ...), checked against its `Plan: N to add, N to change, N to
 * destroy.` line; undefined when the two disagree or the output is not
 * understood (then read the saved plan with `show -json`). Reading the
 * output saves a `show`, which loads every provider's schema again: seconds
 * per plan.
 */
export function summarizePlanText(output: string): { summary: PlanSummary; destructive: string[] } | undefined {
  const addresses: Record<PlanAction, string[]> = { create: [], update: [], replace: [], delete: [] };
  for (const line of output.split('\n')) {
    if (!line.startsWith('  # ')) continue;
    const text = line.slice(4).trimEnd();
    const match = HUMAN_ACTIONS.find(([pattern]) => pattern.test(text));
    if (!match) {
      if (/^\(/.test(text)) continue; // "(moved from ...)", "(because ...)"
      return undefined;
    }
    const [pattern, action] = match;
    const address = text.replace(pattern, '');
    if (action && !address.startsWith('data.') && !address.includes('.data.')) addresses[action].push(address);
  }
  const totals = /Plan: (?:\d+ to import, )?(\d+) to add, (\d+) to change, (\d+) to destroy\./.exec(output);
  const none = /No changes\./.test(output);
  const [add, change, destroy] = totals ? totals.slice(1, 4).map(Number) : none ? [0, 0, 0] : [-1, -1, -1];
  const found = {
    create: addresses.create.length,
    update: addresses.update.length,
    replace: addresses.replace.length,
    delete: addresses.delete.length,
  };
  if (add !== found.create + found.replace || change !== found.update || destroy !== found.delete + found.replace) return undefined;
  for (const list of Object.values(addresses)) list.sort();
  const typeOfAddress = (address: string) =>
    typeOf({
      address: address.replace(/^(?:module\.[^.]+\.)+/, ''),
      type: address.replace(/^(?:module\.[^.]+\.)+/, '').split('.')[0]!,
      mode: 'managed',
      change: { actions: [] },
    });
  const destructive = [...addresses.delete, ...addresses.replace].filter((a) => STATEFUL_TYPES.has(typeOfAddress(a))).sort();
  return { summary: { add: found.create, change: found.update, replace: found.replace, destroy: found.delete, addresses }, destructive };
}
