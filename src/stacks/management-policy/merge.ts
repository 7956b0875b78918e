/** Statements as IAM takes them: without reasons, merged across environments, split into managed policies. */
import type { PolicyStatement } from '../../modules/iam/policy-document';
import type { ReasonedStatement } from './common';

/** The statements as IAM takes them (reasons are for people and the waiver). */
export function policyStatements(statements: readonly ReasonedStatement[]): PolicyStatement[] {
  return statements.map(({ reason: _reason, ...statement }) => statement);
}

/** Statements with a `*` resource and no reason: a programming error, refused before synthesis. */
export function unreasonedWildcards(statements: readonly ReasonedStatement[]): string[] {
  return statements.filter((s) => [s.Resource].flat().includes('*') && !s.reason).map((s) => s.Sid);
}

/** The guardrail waiver of a stack holding these statements: each `*` resource with its reason; undefined when there is none. */
export function wildcardWaiver(statements: readonly ReasonedStatement[]): string | undefined {
  const missing = unreasonedWildcards(statements);
  if (missing.length > 0) throw new Error(`management policy: statements ${missing.join(', ')} use "*" without a reason`);
  const reasons = new Map<string, string>();
  for (const s of statements) if (s.reason && [s.Resource].flat().includes('*')) reasons.set(s.Sid, s.reason);
  if (reasons.size === 0) return undefined;
  return `"*" resources only where AWS offers no resource-level permission: ${[...reasons].map(([sid, reason]) => `${sid}: ${reason}`).join('; ')}`;
}

/**
 * Statements of several environments as one list, with each environment's
 * conditions kept paired with its own resources: statements of the same Sid
 * merge into one only where they have the same effect, actions and
 * condition (then the union of their resources is exactly what each
 * allowed); otherwise each environment keeps its statement, its Sid
 * suffixed with the environment (`IamRolesWithBoundaryProd`), so that a
 * condition of one environment (a boundary, tags) never meets another's
 * resources. `environments` names the lists, in order.
 */
export function mergeStatements(lists: readonly (readonly ReasonedStatement[])[], environments: readonly string[]): ReasonedStatement[] {
  if (lists.length !== environments.length) throw new Error('mergeStatements: one environment name per list');
  const bySid = new Map<string, { environment: string; statement: ReasonedStatement }[]>();
  lists.forEach((list, i) => {
    for (const statement of list)
      bySid.set(statement.Sid, [...(bySid.get(statement.Sid) ?? []), { environment: environments[i]!, statement }]);
  });
  const key = (s: ReasonedStatement) => JSON.stringify([s.Effect, [s.Action].flat().sort(), s.Condition ?? null, s.NotResource ?? null]);
  const merged: ReasonedStatement[] = [];
  for (const [sid, members] of bySid) {
    if (new Set(members.map((m) => key(m.statement))).size === 1) {
      const resources = [...new Set(members.flatMap((m) => [m.statement.Resource ?? []].flat()))];
      const first = members[0]!.statement;
      merged.push(first.Resource === undefined ? first : { ...first, Resource: resources.length === 1 ? resources[0]! : resources });
      continue;
    }
    const conditionUnion = unionOfOneConditionKey(members.map((m) => m.statement));
    if (conditionUnion) {
      merged.push({ ...members[0]!.statement, Condition: conditionUnion });
      continue;
    }
    for (const { environment, statement } of members)
      merged.push({
        ...statement,
        Sid: `${sid}${environment
          .split(/[^A-Za-z0-9]+/)
          .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
          .join('')}`,
      });
  }
  return merged;
}

/**
 * The same effect, actions and resources, with conditions that differ in one
 * operator's one key only (the Environment tag, say): one statement whose
 * condition lists every value of that key is exactly the union of them (the
 * resources are the same, so no condition meets another's resources).
 * Undefined when they differ in anything else.
 */
function unionOfOneConditionKey(statements: readonly ReasonedStatement[]): ReasonedStatement['Condition'] | undefined {
  const rest = (s: ReasonedStatement) =>
    JSON.stringify([s.Effect, [s.Action].flat().sort(), [s.Resource ?? []].flat().sort(), s.NotResource ?? null]);
  if (new Set(statements.map(rest)).size !== 1 || statements.some((s) => s.Condition === undefined)) return undefined;
  const flat = (s: ReasonedStatement) =>
    Object.entries(s.Condition!).flatMap(([operator, byKey]) =>
      Object.entries(byKey).map(([k, v]) => [`${operator}\u0000${k}`, [v].flat()] as const),
    );
  const shapes = statements.map((s) =>
    flat(s)
      .map(([k]) => k)
      .sort()
      .join('\u0001'),
  );
  if (new Set(shapes).size !== 1) return undefined;
  const first = flat(statements[0]!);
  const differing = first.filter(([k, v]) =>
    statements.some((s) => JSON.stringify([...flat(s).find(([k2]) => k2 === k)![1]].sort()) !== JSON.stringify([...v].sort())),
  );
  if (differing.length !== 1) return undefined;
  const [differingKey] = differing[0]!;
  // Listing more values widens exactly to the union only where a value must match one of them: not under a negated or ForAllValues operator.
  const operator = differingKey.split('\u0000')[0]!;
  if (operator.includes('Not') || operator.startsWith('ForAllValues') || operator === 'Null' || operator.startsWith('Bool'))
    return undefined;
  const out: Record<string, Record<string, string | string[]>> = {};
  for (const [operator, byKey] of Object.entries(statements[0]!.Condition!)) {
    out[operator] = {};
    for (const [k, v] of Object.entries(byKey)) {
      if (`${operator}\u0000${k}` !== differingKey) {
        out[operator]![k] = v as string | string[];
        continue;
      }
      const values = [...new Set(statements.flatMap((s) => [s.Condition![operator]![k]!].flat()))];
      out[operator]![k] = values.length === 1 ? values[0]! : values;
    }
  }
  return out;
}

/** IAM's limit of a managed policy (6,144 characters without whitespace), less a margin. */
const MANAGED_POLICY_CHARACTERS = 6000;

/** Statements split into groups that each fit in one managed policy, in order. */
export function chunkStatements(statements: readonly PolicyStatement[], limit: number = MANAGED_POLICY_CHARACTERS): PolicyStatement[][] {
  const chunks: PolicyStatement[][] = [];
  let current: PolicyStatement[] = [];
  let size = 0;
  for (const statement of statements) {
    const length = JSON.stringify(statement).length + 1;
    if (length + 60 > limit) throw new Error(`management policy: statement ${statement.Sid ?? ''} alone is over IAM's policy size`);
    if (size + length + 60 > limit && current.length > 0) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(statement);
    size += length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
