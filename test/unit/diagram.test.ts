/**
 * Architecture diagrams (src/diagram via the core): every service, database,
 * table and file system of the examples and the unusual apps fixture is
 * drawn; every edge is a real security-group rule or IAM grant of the stack
 * between the resources it connects, and every such grant is drawn; Mermaid
 * and DOT name every node; the CLI's SVG (Graphviz in WebAssembly, a
 * process) is checked end-to-end in diagram-svg.test.ts.
 */
import { loadEnvironments, type Diagram } from '../../src/core/index';
import { toDot } from '../../src/diagram/dot';
import { toMermaid } from '../../src/diagram/mermaid';
import { diagramOf } from '../../src/diagram/model';
import { cli } from '../support/cli-in-process';
import { EXAMPLES_DIR, UNUSUAL_DIR } from '../support/helpers';
import { synthesizedFixture } from '../support/synth-cache';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

const cases = [EXAMPLES_DIR, UNUSUAL_DIR, 'test/fixtures/workloads'].flatMap((dir) => {
  const configs = loadEnvironments(dir).map((e) => e.config);
  return synthesizedFixture(dir)
    .filter((s) => s.environment !== undefined)
    .map((s) => {
      const config = configs.find((c) => c.environment === s.environment)!;
      return [
        `${dir}/${s.name}`,
        { config, resources: (JSON.parse(s.json) as { resource: Resources }).resource, diagram: diagramOf(s.json, s.name) },
      ] as const;
    });
});

const name = (address: string) => address.slice(address.indexOf('.') + 1);
const has = (value: unknown, type: string, resource: string) => JSON.stringify(value ?? '').includes(`\${${type}.${resource}.`);

/** The security groups a node's resource is in. */
function groupsOf(diagram: Diagram, resources: Resources, id: string): string[] {
  const node = diagram.nodes.find((n) => n.id === id)!;
  const sgs = Object.keys(resources.aws_security_group ?? {});
  if (!node.address) return [];
  const [type] = node.address.split('.');
  const resource = resources[type!]![name(node.address)]!;
  if (type === 'aws_efs_file_system') {
    const mounts = Object.values(resources.aws_efs_mount_target ?? {}).filter((m) => has(m.file_system_id, type, name(node.address!)));
    return sgs.filter((sg) => mounts.some((m) => has(m.security_groups, 'aws_security_group', sg)));
  }
  return sgs.filter((sg) =>
    has(
      resource.security_groups ??
        resource.vpc_security_group_ids ??
        resource.security_group_ids ??
        (resource.network_configuration as Record<string, unknown> | undefined)?.security_groups,
      'aws_security_group',
      sg,
    ),
  );
}

describe.each(cases)('the diagram of %s', (_label, { config, resources, diagram }) => {
  const labels = diagram.nodes.map((n) => n.label.join(' '));

  it('draws every service (with its sidecars), database, table and file system', () => {
    for (const [service, settings] of Object.entries(config.services)) {
      const node = diagram.nodes.find((n) => n.kind === 'service' && n.label[0]!.startsWith(`service ${service}`));
      expect(node).toBeDefined();
      for (const sidecar of Object.keys(settings.sidecars)) expect(node!.label.join(' ')).toContain(sidecar);
    }
    for (const database of Object.keys(config.databases)) expect(labels).toContainEqual(expect.stringContaining(`database ${database} `));
    for (const table of Object.keys(config.dynamodb)) expect(labels).toContainEqual(expect.stringContaining(`table ${table} `));
    expect(diagram.nodes.filter((n) => n.kind === 'fileSystem')).toHaveLength(Object.keys(resources.aws_efs_file_system ?? {}).length);
    expect(diagram.nodes.filter((n) => n.kind === 'nat')).toHaveLength(Object.keys(resources.aws_nat_gateway ?? {}).length);
    expect(diagram.nodes.filter((n) => n.kind === 'subnet')).toHaveLength(Object.keys(resources.aws_subnet ?? {}).length);
  });

  it('draws only edges that a security-group rule or IAM grant of the stack allows, between the resources it names', () => {
    for (const edge of diagram.edges) {
      const [type, resourceName] = [edge.grant.split('.')[0]!, name(edge.grant)];
      const grant = resources[type]?.[resourceName];
      expect(grant).toBeDefined();
      if (type === 'aws_vpc_security_group_ingress_rule') {
        expect(groupsOf(diagram, resources, edge.to).some((sg) => has(grant!.security_group_id, 'aws_security_group', sg))).toBe(true);
        if (edge.from === 'internet') expect(grant!.cidr_ipv4 ?? grant!.cidr_ipv6).toBeDefined();
        else
          expect(
            groupsOf(diagram, resources, edge.from).some((sg) => has(grant!.referenced_security_group_id, 'aws_security_group', sg)),
          ).toBe(true);
      } else if (type === 'aws_wafv2_web_acl_association') {
        // The web ACL in front of the load balancer it is associated with.
        expect(has(grant!.web_acl_arn, 'aws_wafv2_web_acl', name(diagram.nodes.find((n) => n.id === edge.from)!.address!))).toBe(true);
        expect(has(grant!.resource_arn, 'aws_lb', name(diagram.nodes.find((n) => n.id === edge.to)!.address!))).toBe(true);
      } else {
        expect(type).toBe('aws_iam_role_policy');
        const target = diagram.nodes.find((n) => n.id === edge.to)!;
        expect(['table', 'bucket']).toContain(target.kind);
        if (target.kind === 'table') expect(has(grant!.policy, 'aws_dynamodb_table', name(target.address!))).toBe(true);
        else expect(String(grant!.policy)).toContain(`:::${String(resources.aws_s3_bucket![name(target.address!)]!.bucket)}`);
        const service = resources.aws_ecs_service![name(diagram.nodes.find((n) => n.id === edge.from)!.address!)]!;
        const task = Object.entries(resources.aws_ecs_task_definition!).find(([n]) =>
          has(service.task_definition, 'aws_ecs_task_definition', n),
        )![1];
        expect(
          Object.keys(resources.aws_iam_role!).some(
            (role) => has(grant!.role, 'aws_iam_role', role) && has(task.task_role_arn, 'aws_iam_role', role),
          ),
        ).toBe(true);
      }
    }
  });

  it('draws every grant between the services, the load balancer, databases, file systems and tables', () => {
    const drawn = new Set(diagram.edges.map((e) => e.grant));
    const nodeGroups = diagram.nodes.flatMap((n) => groupsOf(diagram, resources, n.id));
    for (const [rule, settings] of Object.entries(resources.aws_vpc_security_group_ingress_rule ?? {})) {
      const into = nodeGroups.some((sg) => has(settings.security_group_id, 'aws_security_group', sg));
      const from =
        settings.cidr_ipv4 !== undefined || nodeGroups.some((sg) => has(settings.referenced_security_group_id, 'aws_security_group', sg));
      if (into && from) expect(drawn).toContain(`aws_vpc_security_group_ingress_rule.${rule}`);
    }
    for (const [policy, settings] of Object.entries(resources.aws_iam_role_policy ?? {})) {
      if (String(settings.policy).includes('${aws_dynamodb_table.')) expect(drawn).toContain(`aws_iam_role_policy.${policy}`);
    }
    for (const [database, settings] of Object.entries(config.databases)) {
      for (const service of settings.allowedServices)
        expect(diagram.edges).toContainEqual(
          expect.objectContaining({
            from: `service_${service.replace(/[^A-Za-z0-9]+/g, '_')}`,
            to: `database_${database.replace(/[^A-Za-z0-9]+/g, '_')}`,
          }),
        );
    }
  });

  it('names every node and edge in Mermaid and DOT', () => {
    const mermaid = toMermaid(diagram);
    const dot = toDot(diagram);
    expect(mermaid.startsWith('flowchart LR\n')).toBe(true);
    expect(dot.startsWith(`digraph "${diagram.title}" {`)).toBe(true);
    for (const node of diagram.nodes) {
      expect(mermaid).toMatch(new RegExp(`^\\s+${node.id}[\\[({>]`, 'm'));
      expect(dot).toMatch(new RegExp(`^\\s+${node.id} \\[label=`, 'm'));
    }
    for (const edge of diagram.edges) {
      expect(mermaid).toContain(`${edge.from} -->|`);
      expect(dot).toContain(`${edge.from} -> ${edge.to} [label=`);
    }
    expect(toMermaid(diagram)).toBe(mermaid);
  });
});

describe('the routes and counts in the labels', () => {
  const prod = cases.find(([label]) => label.endsWith('examples/prod'))![1].diagram;
  it("puts each listener rule's hosts and paths on the edge to its service, and the counts on the services", () => {
    expect(prod.edges.find((e) => e.from.startsWith('lb_') && e.to === 'service_api')!.label).toBe(
      'api.shop.example.com /api/*, port 8080',
    );
    expect(prod.nodes.find((n) => n.id === 'service_api')!.label).toEqual([
      'service api',
      '1 vCPU, 2 GB',
      '3-12 tasks (autoscaling), on-demand',
    ]);
    expect(prod.nodes.find((n) => n.id === 'service_worker')!.label[1]).toBe('0.25 vCPU, 0.5 GB, ARM64');
    expect(prod.edges.filter((e) => e.to === 'table_sessions').map((e) => `${e.from} ${e.label}`)).toEqual([
      'service_api IAM read',
      'service_api IAM write',
      'service_web IAM read',
    ]);
  });
});

describe('diagram --format svg', () => {
  it('asks for --env to print one SVG of several environments', async () => {
    const result = await cli(['diagram', '--config', EXAMPLES_DIR, '--format', 'svg']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('diagram --format svg draws one environment on stdout: add --env (dev, prod, staging) or --out DIR');
  });
});
