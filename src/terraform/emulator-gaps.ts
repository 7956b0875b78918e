/**
 * What the AWS API emulator (moto, the version in requirements-dev.txt)
 * cannot prove, in one list: resources that stand in as terraform_data when
 * applied to it, and attribute differences it causes in a second plan. Each
 * entry quotes moto or says what it does; docs/apply-check.md's "What the emulator
 * cannot prove" is this list. Anything not matched here is the project's
 * fault and fails the check.
 *
 * (scripts/emulator.py also fills two gaps in moto itself, so that they need
 * no entry here: Application Auto Scaling tags, and the ECS service settings
 * that CreateService drops.)
 */

type Json = Record<string, any>;

/** A resource moto cannot serve: it stands in, by address. */
export interface StandInGap {
  readonly type: string;
  /** Whether this resource of `type` is affected. */
  readonly applies: (resource: Json) => boolean;
  /** What moto does, quoted where it says so itself. */
  readonly moto: string;
}

/** Attributes moto does not keep: their difference in a second plan is moto's, not the project's. */
export interface DiffGap {
  readonly type: string;
  readonly attributes: readonly string[];
  /** Whether a difference in this resource (its planned `after`, and its `before`) is moto's. @default always */
  readonly applies?: (after: Json, before: Json) => boolean;
  readonly moto: string;
}

function statements(policy: unknown): Json[] {
  if (typeof policy !== 'string' || policy.includes('${')) return [];
  try {
    const parsed = JSON.parse(policy) as { Statement?: Json | Json[] };
    return Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
  } catch {
    return [];
  }
}

/** Whether two JSON texts hold the same value. */
function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

export const STAND_IN_GAPS: readonly StandInGap[] = [
  {
    type: 'aws_s3_bucket_policy',
    applies: (resource) => statements(resource.policy).some((s) => s.Effect === 'Deny' && s.Principal === '*' && s.Condition !== undefined),
    moto: 'moto enforces bucket policies without their conditions ("Basic policy enforcement is in place. Restrictions: Only statements with principal=* are taken into account; Conditions are not taken into account"): a Deny of requests without TLS (aws:SecureTransport false) then refuses every request to the bucket, 403 Forbidden, the state backend\'s included',
  },
  {
    type: 'aws_sqs_queue_redrive_allow_policy',
    applies: () => true,
    moto: 'moto (5.2) keeps no RedriveAllowPolicy queue attribute: SetQueueAttributes drops it, and the AWS provider waits for it to read back ("waiting for SQS Queue attribute (RedriveAllowPolicy) create") until the apply is cancelled',
  },
  {
    type: 'aws_budgets_budget',
    applies: () => true,
    moto: "moto's Budgets answers no DescribeSubscribersForNotification and no tag calls (ListTagsForResource, TagResource): the AWS provider, which reads both for every budget, retries them for many minutes",
  },
  {
    type: 'aws_elasticache_replication_group',
    applies: () => true,
    moto: 'moto\'s CreateReplicationGroup creates no member clusters, so the provider\'s read of the first node after creating the group fails: "CacheClusterNotFound: Cache cluster <group>-001 not found" (DescribeCacheClusters, 404)',
  },
  {
    type: 'aws_elasticache_subnet_group',
    applies: () => true,
    moto: 'moto answers DeleteCacheSubnetGroup with "500 Internal Server Error" (an HTML page, not an AWS error), which the provider retries for many minutes on every destroy',
  },
];

const RULE_DESCRIPTION =
  'moto keeps no description on a rule that references another security group or a prefix list (DescribeSecurityGroupRules answers without Description); rules with a CIDR keep theirs';

export const DIFF_GAPS: readonly DiffGap[] = [
  {
    type: 'aws_vpc_security_group_ingress_rule',
    attributes: ['description'],
    applies: (after) => typeof after.referenced_security_group_id === 'string' || typeof after.prefix_list_id === 'string',
    moto: RULE_DESCRIPTION,
  },
  {
    type: 'aws_vpc_security_group_egress_rule',
    attributes: ['description'],
    applies: (after) => typeof after.referenced_security_group_id === 'string' || typeof after.prefix_list_id === 'string',
    moto: RULE_DESCRIPTION,
  },
  {
    type: 'aws_sqs_queue',
    attributes: ['redrive_policy'],
    // Only the same JSON written another way: a changed maxReceiveCount or target is the project's.
    applies: (after, before) => sameJson(after.redrive_policy, before.redrive_policy),
    moto: "moto answers a queue's RedrivePolicy as JSON with spaces after its separators (Python's json.dumps), where AWS answers the compact JSON it was given; the provider takes the two strings as different, so every plan sets the policy again",
  },
  {
    type: 'aws_db_parameter_group',
    attributes: ['parameter'],
    moto: 'the provider reads back no parameter of a group moto created (DescribeDBParameters answers them, with no Source), so every plan sets them again',
  },
];

/** The addresses (`type.name`) of a stack that stand in for the emulator, with the gap of each. */
export function standInsOf(stackJson: string): { address: string; gap: StandInGap }[] {
  const resources = (JSON.parse(stackJson) as { resource?: Record<string, Record<string, Json>> }).resource ?? {};
  return STAND_IN_GAPS.flatMap((gap) =>
    Object.entries(resources[gap.type] ?? {})
      .filter(([, resource]) => gap.applies(resource))
      .map(([name]) => ({ address: `${gap.type}.${name}`, gap })),
  );
}

/** A second plan's change of one resource, as `terraform show -json` gives it. */
export interface PlannedResourceChange {
  readonly address: string;
  readonly type: string;
  readonly mode: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before?: Json | null;
    readonly after?: Json | null;
    readonly after_unknown?: Json;
  };
}

/** The top-level attributes a change alters (unknown-after-apply counts as altered). */
export function changedAttributes(change: PlannedResourceChange): string[] {
  const before = change.change.before ?? {};
  const after = change.change.after ?? {};
  const unknown = change.change.after_unknown ?? {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((key) => unknown[key] === true || JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null))
    .sort();
}

/** The gap that explains a whole in-place update, or undefined when something else changed (the project's fault). */
export function diffGapOf(change: PlannedResourceChange): DiffGap | undefined {
  if (change.change.actions.join() !== 'update') return undefined;
  const changed = changedAttributes(change);
  return DIFF_GAPS.find(
    (gap) =>
      gap.type === change.type &&
      (gap.applies?.(change.change.after ?? {}, change.change.before ?? {}) ?? true) &&
      changed.every((a) => gap.attributes.includes(a)),
  );
}
