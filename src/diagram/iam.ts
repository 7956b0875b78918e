/**
 * The IAM model of a set of synthesized stacks (the bootstrap stacks, the
 * controller's, the environments'), as a diagram: who may assume which role,
 * which boundary caps the roles an environment creates, which roles a role
 * may create or pass, and which environments each boundary fences off. Every
 * edge comes from a trust policy, a policy statement or a role's
 * `permissions_boundary` in the JSON, named by its Terraform address, so the
 * picture cannot show a path the policies do not grant.
 */
import type { Diagram, DiagramEdge, DiagramGroup, DiagramNode } from './model';

type Json = Record<string, any>;

export interface IamStack {
  readonly name: string;
  /** The environment an environment stack belongs to; undefined for bootstrap and controller stacks. */
  readonly environment?: string;
  readonly json: string;
}

const safe = (text: string) => text.replace(/[^A-Za-z0-9]+/g, '_');
const list = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);

interface Role {
  readonly stack: string;
  readonly address: string;
  readonly name: string;
  readonly trust: Json;
  readonly boundary?: string;
  readonly statements: Json[];
}

/** Every role of the stacks with its trust, boundary and every statement attached to it (inline or managed, same stack). */
function rolesOf(stacks: readonly IamStack[]): Role[] {
  return stacks.flatMap((stack) => {
    const resources: Record<string, Record<string, Json>> = JSON.parse(stack.json).resource ?? {};
    const policies = resources.aws_iam_policy ?? {};
    return Object.entries(resources.aws_iam_role ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, role]): Role => {
        const refersToRole = (value: unknown) => typeof value === 'string' && value.startsWith(`\${aws_iam_role.${id}.`);
        const inline = Object.values(resources.aws_iam_role_policy ?? {})
          .filter((p) => refersToRole(p.role))
          .map((p) => p.policy as string);
        const managed = Object.values(resources.aws_iam_role_policy_attachment ?? {})
          .filter((a) => refersToRole(a.role))
          .flatMap((a) =>
            Object.entries(policies)
              .filter(([pid]) => a.policy_arn === `\${aws_iam_policy.${pid}.arn}`)
              .map(([, p]) => p.policy as string),
          );
        return {
          stack: stack.name,
          address: `aws_iam_role.${id}`,
          name: String(role.name),
          trust: JSON.parse(String(role.assume_role_policy)),
          boundary: role.permissions_boundary === undefined ? undefined : String(role.permissions_boundary),
          statements: [...inline, ...managed].flatMap((p) => JSON.parse(p).Statement as Json[]),
        };
      });
  });
}

/** The IAM model of the stacks as one diagram. */
export function iamDiagramOf(stacks: readonly IamStack[]): Diagram {
  const roles = rolesOf(stacks);
  const environments = stacks.filter((s) => s.environment !== undefined).map((s) => s.environment!);
  const boundaries = stacks.flatMap((stack) =>
    Object.entries((JSON.parse(stack.json).resource ?? {}).aws_iam_policy ?? ({} as Record<string, Json>))
      .filter(([, p]) => String((p as Json).name).endsWith('-boundary'))
      .map(([id, p]) => ({
        stack: stack.name,
        address: `aws_iam_policy.${id}`,
        name: String((p as Json).name),
        statements: JSON.parse(String((p as Json).policy)).Statement as Json[],
      })),
  );
  const groups: DiagramGroup[] = [];
  const nodes: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];
  const environmentOfName = (name: string) =>
    [...environments].sort((a, b) => b.length - a.length).find((e) => name.includes(`-${e}-`) || name.endsWith(`-${e}`));

  for (const environment of environments) groups.push({ id: safe(`env_${environment}`), label: `environment ${environment}` });
  const outside: DiagramGroup = { id: 'operators', label: 'bootstrap and controller' };
  groups.push(outside);

  // Roles of environment stacks, one node per environment (their names listed); the bootstrap's and the controller's one node each.
  const byEnvironment = new Map<string, Role[]>();
  for (const role of roles) {
    const stack = stacks.find((s) => s.name === role.stack)!;
    if (stack.environment !== undefined) byEnvironment.set(stack.environment, [...(byEnvironment.get(stack.environment) ?? []), role]);
  }
  for (const [environment, own] of byEnvironment) {
    nodes.push({
      id: safe(`roles_${environment}`),
      kind: 'role',
      group: safe(`env_${environment}`),
      label: [`${own.length} roles of ${environment}`, ...own.map((r) => r.name).sort()],
      address: own[0]!.address,
    });
  }
  for (const boundary of boundaries) {
    const environment = environmentOfName(boundary.name) ?? boundary.name;
    nodes.push({
      id: safe(`boundary_${boundary.name}`),
      kind: 'boundary',
      group: safe(`env_${environment}`),
      label: [boundary.name, 'permissions boundary'],
      address: boundary.address,
    });
    // Fenced: the environments its denies name by their Environment tag, or every environment but the one it excepts.
    const denies = boundary.statements.filter((s) => s.Effect === 'Deny');
    const named = denies.flatMap((s) => list(s.Condition?.StringEquals?.['aws:ResourceTag/Environment']));
    const excepted = denies.flatMap((s) => list(s.Condition?.StringNotEquals?.['aws:ResourceTag/Environment']));
    const fenced = [...named, ...(excepted.length > 0 ? environments.filter((e) => !excepted.includes(e)) : [])];
    for (const other of [...new Set(fenced)].sort()) {
      if (environments.includes(other))
        edges.push({
          from: safe(`boundary_${boundary.name}`),
          to: safe(`roles_${other}`),
          label: `denies every resource of ${other}`,
          grant: boundary.address,
        });
    }
  }
  for (const [environment, own] of byEnvironment) {
    const bounded = [...new Set(own.map((r) => r.boundary).filter((b): b is string => b !== undefined))];
    for (const arn of bounded) {
      const boundary = boundaries.find((b) => arn.endsWith(`:policy/${b.name}`));
      if (boundary)
        edges.push({
          from: safe(`roles_${environment}`),
          to: safe(`boundary_${boundary.name}`),
          label: 'capped by',
          grant: own.find((r) => r.boundary === arn)!.address,
        });
    }
  }

  const operators = roles.filter((r) => stacks.find((s) => s.name === r.stack)!.environment === undefined);
  for (const role of operators) {
    nodes.push({ id: safe(`role_${role.name}`), kind: 'role', group: outside.id, label: [role.name], address: role.address });
    // Who may assume it: GitHub (OIDC, with the subjects it names), or another role.
    for (const statement of list(role.trust.Statement).length ? (role.trust.Statement as Json[]) : []) {
      const federated = list(statement.Principal?.Federated);
      if (federated.some((f) => f.includes('token.actions.githubusercontent.com'))) {
        if (!nodes.some((n) => n.id === 'github')) nodes.push({ id: 'github', kind: 'internet', label: ['GitHub Actions', '(OIDC)'] });
        const subjects = [
          ...list(statement.Condition?.StringEquals?.['token.actions.githubusercontent.com:sub']),
          ...list(statement.Condition?.StringLike?.['token.actions.githubusercontent.com:sub']),
        ];
        edges.push({
          from: 'github',
          to: safe(`role_${role.name}`),
          label: `assumes (${subjects.map((s) => s.replace(/^repo:[^:]+:/, '')).join(', ')})`,
          grant: role.address,
        });
      }
      const principalArn = list(statement.Condition?.ArnEquals?.['aws:PrincipalArn']);
      for (const arn of principalArn) {
        const from = operators.find((o) => arn.endsWith(`:role/${o.name}`));
        if (from) edges.push({ from: safe(`role_${from.name}`), to: safe(`role_${role.name}`), label: 'assumes', grant: role.address });
      }
    }
    // What it may do to each environment's roles: create them (only with that environment's boundary), or pass them.
    for (const environment of environments) {
      const creating = role.statements.filter(
        (s) =>
          s.Effect === 'Allow' &&
          list(s.Action).includes('iam:CreateRole') &&
          list(s.Resource).some((r) => environmentOfName(r.split(':role/')[1] ?? '') === environment),
      );
      for (const statement of creating) {
        const boundary = list(statement.Condition?.StringEquals?.['iam:PermissionsBoundary'])[0];
        const name = boundary?.split(':policy/')[1];
        edges.push({
          from: safe(`role_${role.name}`),
          to: safe(`roles_${environment}`),
          label: name ? `creates, only with ${name}` : 'creates',
          grant: role.address,
        });
      }
      const passing = role.statements.filter(
        (s) =>
          s.Effect === 'Allow' &&
          list(s.Action).includes('iam:PassRole') &&
          s.Sid === 'PassServiceRoles' &&
          list(s.Resource).some((r) => environmentOfName(r.split(':role/')[1] ?? '') === environment),
      );
      if (passing.length > 0)
        edges.push({ from: safe(`role_${role.name}`), to: safe(`roles_${environment}`), label: 'passes to ECS', grant: role.address });
    }
  }
  // The operators' roles that reach no environment (the controller's own execution and flow-log roles) are left out.
  const linked = new Set(edges.flatMap((e) => [e.from, e.to]));
  const shown = nodes.filter((n) => n.group !== outside.id || linked.has(n.id));
  const drawn = new Set(shown.map((n) => n.id));
  return {
    title: 'IAM: who may assume, create, pass and reach what',
    groups: groups.filter((g) => shown.some((n) => n.group === g.id)),
    nodes: shown,
    edges: edges.filter((e) => drawn.has(e.from) && drawn.has(e.to)),
  };
}
