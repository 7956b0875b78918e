/** services.<name>.egress: open by default (reported by ecs-open-egress), or narrowed to destinations and ports. */
import { evaluateGuardrails } from '../../src/core/index';
import { EXAMPLES_DIR, UNUSUAL_DIR } from '../support/fixture-dirs';
import {
  MINIMAL_ENVIRONMENT,
  configOf,
  exampleConfig,
  exampleConfigs,
  problemsOf,
  resourcesOf,
  synthEnvironment,
} from '../support/helpers';
import { fixtureStack } from '../support/synth-cache';

const prod = fixtureStack(EXAMPLES_DIR, 'prod');
const dev = fixtureStack(EXAMPLES_DIR, 'dev');

/** The egress rules of a service's security group, as [description, protocol, from, to, destination]. */
function egressOf(stack: string, group: string): string[][] {
  const groups = resourcesOf(stack, 'aws_security_group');
  const id = Object.keys(groups).find((key) => groups[key].name === group)!;
  return Object.values(resourcesOf(stack, 'aws_vpc_security_group_egress_rule'))
    .filter((r) => r.security_group_id === `\${aws_security_group.${id}.id}`)
    .map((r) => [
      r.description,
      String(r.ip_protocol),
      String(r.from_port),
      String(r.to_port),
      r.cidr_ipv4 ?? r.prefix_list_id ?? r.referenced_security_group_id.replace(/_[0-9A-F]{8}\.id\}$/, '}'),
    ])
    .sort();
}

describe('narrowed egress (the production example)', () => {
  it('lets web reach HTTPS and the api, and nothing else', () => {
    expect(egressOf(prod, 'shop-prod-web')).toEqual([
      ['To 0.0.0.0/0 on port 443', 'tcp', '443', '443', '0.0.0.0/0'],
      ['To service api on port 8080', 'tcp', '8080', '8080', '${aws_security_group.service-api_security-group}'],
    ]);
  });

  it('adds the database a service is allowed, on its port', () => {
    expect(egressOf(prod, 'shop-prod-api')).toEqual([
      ['To 0.0.0.0/0 on port 443', 'tcp', '443', '443', '0.0.0.0/0'],
      ['To database main on port 5432', 'tcp', '5432', '5432', '${aws_security_group.database-main_security-group}'],
    ]);
  });

  it("leaves no rule open on every port in staging and prod, Teleport's tasks included", () => {
    for (const stack of [prod, fixtureStack(EXAMPLES_DIR, 'staging')]) {
      const open = Object.values(resourcesOf(stack, 'aws_vpc_security_group_egress_rule')).filter((r) => String(r.ip_protocol) === '-1');
      expect(open).toEqual([]);
    }
    const staging = fixtureStack(EXAMPLES_DIR, 'staging');
    expect(egressOf(staging, 'shop-staging-teleport-agent')).toEqual([
      ['To 0.0.0.0/0 on port 443', 'tcp', '443', '443', '0.0.0.0/0'],
      ['To database main on port 5432', 'tcp', '5432', '5432', '${aws_security_group.database-main_security-group}'],
      ['To service api on port 8080', 'tcp', '8080', '8080', '${aws_security_group.service-api_security-group}'],
    ]);
  });

  it('takes prefix lists and several ports, and the file systems a service mounts (unusual apps)', () => {
    const apps = fixtureStack(UNUSUAL_DIR, 'apps');
    expect(egressOf(apps, 'internal-tools-apps-api').map((r) => r[0])).toEqual([
      'To 0.0.0.0/0 on port 443',
      'To 198.51.100.0/24 on port 8443',
      'To 198.51.100.0/24 on port 9443',
      'To database main on port 5432',
      'To file system data on port 2049',
      'To prefix list pl-0123456789abcdef0 on port 443',
    ]);
  });

  it('keeps the open rule where egress is not set, and the guardrail reports it unless waived', () => {
    expect(egressOf(dev, 'shop-dev-api')).toEqual([
      ['Outbound: AWS APIs, image pulls, databases and dependencies', '-1', 'undefined', 'undefined', '0.0.0.0/0'],
    ]);
    const reports = evaluateGuardrails(exampleConfigs());
    const devReport = reports.find((r) => r.environment === 'dev')!;
    expect(devReport.results.find((r) => r.rule.id === 'ecs-open-egress')!.status).toBe('waived');
    const unwaived = { ...exampleConfig('dev'), guardrails: { waivers: {} } };
    const report = evaluateGuardrails([unwaived]).find((r) => r.environment === 'dev')!;
    const result = report.results.find((r) => r.rule.id === 'ecs-open-egress')!;
    expect(result.status).toBe('fail');
    expect(result.findings.map((f) => f.address).sort()).toEqual(
      ['api', 'web', 'worker'].map((s) => expect.stringContaining(`service-${s}_egress_`)),
    );
  });

  it("uses the VPC's CIDR for { vpc: true }", () => {
    const stack = synthEnvironment(
      configOf(
        `${MINIMAL_ENVIRONMENT}services:\n  app:\n    image: public.ecr.aws/nginx/nginx:1.27\n    cpu: 256\n    memory: 512\n    egress: [{ vpc: true, ports: [443, 6379] }]\n`,
      ),
    );
    expect(egressOf(stack, 'shop-dev-app').map((r) => r[0])).toEqual(['To 10.0.0.0/16 on port 443', 'To 10.0.0.0/16 on port 6379']);
  });
});

describe('egress validation', () => {
  const app = (egress: string, more = '') =>
    `${MINIMAL_ENVIRONMENT}services:\n  app:\n    image: public.ecr.aws/nginx/nginx:1.27\n    cpu: 256\n    memory: 512\n    egress: ${egress}\n${more}`;

  it('refuses a service that does not exist or does not admit others, and itself, naming the key and the fix', () => {
    expect(problemsOf({ 'dev.yaml': app('[{ service: nope }]') })).toEqual([
      expect.stringMatching(/^cfg\/dev\.yaml:\d+:\d+ services\.app\.egress\.0\.service: no service nope; services: app$/),
    ]);
    expect(problemsOf({ 'dev.yaml': app('[{ service: app }]') })).toEqual([
      expect.stringContaining('services.app.egress.0.service: a service reaches itself without an egress rule; remove this entry'),
    ]);
    const other = '  other:\n    image: public.ecr.aws/nginx/nginx:1.27\n    cpu: 256\n    memory: 512\n    port: 80\n';
    expect(problemsOf({ 'dev.yaml': app('[{ service: other }]', other) })).toEqual([
      expect.stringContaining(
        'services.app.egress.0.service: service other admits other services only with a port and serviceDiscovery: true; set them on services.other',
      ),
    ]);
    expect(problemsOf({ 'dev.yaml': app('[{ service: other }]', `${other}    serviceDiscovery: true\n`) })).toEqual([]);
  });

  it('refuses an entry of no known shape, a bad CIDR or prefix list, and { vpc } on an existing network', () => {
    expect(problemsOf({ 'dev.yaml': app('[{ host: example.com }]') })).toEqual([
      expect.stringContaining(
        'services.app.egress.0: an egress entry is one of { cidr, ports }, { prefixList, ports }, { vpc: true, ports } or { service }',
      ),
    ]);
    expect(problemsOf({ 'dev.yaml': app('[{ prefixList: pl-xyz }]') }).join('\n')).toContain('services.app.egress.0');
    const existing = MINIMAL_ENVIRONMENT.replace(
      'network:\n  cidr: 10.0.0.0/16\n',
      'network:\n  existing: { vpcId: vpc-0abc1234def567890, publicSubnetIds: [subnet-0aaa1111bbbb22223, subnet-0aaa1111bbbb22224], privateSubnetIds: [subnet-0aaa1111bbbb22225, subnet-0aaa1111bbbb22226] }\n',
    );
    expect(problemsOf({ 'dev.yaml': app('[{ vpc: true }]').replace(MINIMAL_ENVIRONMENT, existing) })).toEqual([
      expect.stringContaining(
        'services.app.egress.0.vpc: the CIDR of an existing VPC is not known here (no AWS look-ups); give it as { cidr: ..., ports: [...] }',
      ),
    ]);
  });
});
