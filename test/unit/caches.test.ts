/**
 * Caches (docs/workloads.md): the replication group, its token, network and
 * injected variables in the workloads fixture's dev and production stacks,
 * the validation problems, alarms, dashboard row, cost lines and diagram
 * edges. test/fixtures/workloads is planned by real Terraform in
 * .ci/run (check-terraform).
 */
import { estimateStack } from '../../src/cost/estimate';
import { diagramOf } from '../../src/diagram/model';
import { cacheVariables } from '../../src/config/injected-variables';
import { cacheGroupId } from '../../src/config/workload-resolve';
import { MINIMAL_ENVIRONMENT, configOf, problemsOf, synthEnvironment } from '../support/helpers';
import { containersOf, only, workloads } from '../support/workloads-fixture';

const fixture = workloads();
const prod = fixture.stack('production');
const dev = fixture.stack('dev');
const ref = (address: string, attribute: string) => `\${${address}.${attribute}}`;

describe('a production cache', () => {
  const [groupName, group] = only(prod, 'aws_elasticache_replication_group', 'cache-sessions_');
  const [tokenName] = only(prod, 'random_password', 'cache-sessions_');
  const [secretName, secret] = only(prod, 'aws_secretsmanager_secret', 'cache-sessions_');

  it('is a Multi-AZ replication group with automatic failover, encrypted at rest and in transit, AUTH required, snapshotted', () => {
    expect(group).toMatchObject({
      replication_group_id: 'books-production-sessions',
      engine: 'valkey',
      engine_version: '8.0',
      node_type: 'cache.t4g.small',
      num_cache_clusters: 2,
      port: 6379,
      automatic_failover_enabled: true,
      multi_az_enabled: true,
      at_rest_encryption_enabled: 'true',
      transit_encryption_enabled: true,
      auth_token: ref(`random_password.${tokenName}`, 'result'),
      snapshot_retention_limit: 7,
      snapshot_window: '02:00-03:00',
      final_snapshot_identifier: 'books-production-sessions-final',
    });
  });

  it('writes the token to its secret write-only, so the secret version keeps no copy in the state', () => {
    expect(secret).toEqual({
      name: 'books-production/cache/sessions',
      description: 'AUTH token of cache sessions',
      recovery_window_in_days: 30,
    });
    const [, version] = only(prod, 'aws_secretsmanager_secret_version', 'cache-sessions_');
    expect(version).toEqual({
      secret_id: ref(`aws_secretsmanager_secret.${secretName}`, 'id'),
      secret_string_wo: ref(`random_password.${tokenName}`, 'result'),
      secret_string_wo_version: 1,
    });
    expect(prod.resource.random_password[tokenName]).toEqual({
      length: 64,
      special: true,
      override_special: '!&#$^<>-',
      keepers: { version: '1' },
      provider: 'random',
    });
    expect(group.auth_token_update_strategy).toBe('ROTATE');
    expect(prod.terraform.required_providers.random).toEqual({ source: 'hashicorp/random', version: '~> 3.6' });
  });

  it('sits in the private subnets behind a security group that admits only the listed services, on its port', () => {
    const [, subnets] = only(prod, 'aws_elasticache_subnet_group', 'cache-sessions_');
    expect(subnets.subnet_ids).toHaveLength(3);
    for (const id of subnets.subnet_ids) expect(id).toMatch(/aws_subnet\.network_private-/);
    const [sgName] = only(prod, 'aws_security_group', 'cache-sessions_');
    expect(group.security_group_ids).toEqual([ref(`aws_security_group.${sgName}`, 'id')]);
    const ingress = Object.values(prod.resource.aws_vpc_security_group_ingress_rule).filter(
      (r: any) => r.security_group_id === ref(`aws_security_group.${sgName}`, 'id'),
    );
    expect(
      ingress.map((r: any) => [r.description, r.from_port, r.to_port, r.cidr_ipv4, r.referenced_security_group_id !== undefined]).sort(),
    ).toEqual([
      ['From service api to port 6379', 6379, 6379, undefined, true],
      ['From service web to port 6379', 6379, 6379, undefined, true],
    ]);
    // The services' narrowed egress gains the cache's port, to its group only.
    const [, egress] = only(prod, 'aws_vpc_security_group_egress_rule', 'service-api_to-cache-sessions_');
    expect(egress).toMatchObject({
      from_port: 6379,
      to_port: 6379,
      referenced_security_group_id: ref(`aws_security_group.${sgName}`, 'id'),
    });
  });

  it('injects CACHE_SESSIONS_HOST and _PORT, and the token as a secret the execution role may read, into each listed service', () => {
    expect(cacheVariables('sessions')).toEqual({
      host: 'CACHE_SESSIONS_HOST',
      port: 'CACHE_SESSIONS_PORT',
      authToken: 'CACHE_SESSIONS_AUTH_TOKEN',
    });
    for (const service of ['web', 'api']) {
      const [app] = containersOf(prod, service);
      expect(app.environment).toEqual(
        expect.arrayContaining([
          { name: 'CACHE_SESSIONS_HOST', value: ref(`aws_elasticache_replication_group.${groupName}`, 'primary_endpoint_address') },
          { name: 'CACHE_SESSIONS_PORT', value: '6379' },
        ]),
      );
      expect(app.secrets).toContainEqual({
        name: 'CACHE_SESSIONS_AUTH_TOKEN',
        valueFrom: ref(`aws_secretsmanager_secret.${secretName}`, 'arn'),
      });
    }
    for (const service of ['web', 'api']) {
      const [, execution] = only(prod, 'aws_iam_role_policy', `service-${service}_roles_execution-policy_`);
      const reads = JSON.parse(execution.policy).Statement.filter((s: any) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
      expect(reads.flatMap((s: any) => [s.Resource].flat())).toContain(ref(`aws_secretsmanager_secret.${secretName}`, 'arn'));
    }
  });

  it('has engine CPU, memory and eviction alarms on each node, and a dashboard row', () => {
    const alarms = Object.values(prod.resource.aws_cloudwatch_metric_alarm).filter((a: any) =>
      a.alarm_name.startsWith('books-production-cache-sessions-'),
    );
    expect(alarms.map((a: any) => [a.alarm_name, a.metric_name, a.dimensions.CacheClusterId, a.threshold]).sort()).toEqual([
      ['books-production-cache-sessions-node-1-engine-cpu-high', 'EngineCPUUtilization', 'books-production-sessions-001', 80],
      ['books-production-cache-sessions-node-1-evictions', 'Evictions', 'books-production-sessions-001', 0],
      ['books-production-cache-sessions-node-1-memory-high', 'DatabaseMemoryUsagePercentage', 'books-production-sessions-001', 80],
      ['books-production-cache-sessions-node-2-engine-cpu-high', 'EngineCPUUtilization', 'books-production-sessions-002', 80],
      ['books-production-cache-sessions-node-2-evictions', 'Evictions', 'books-production-sessions-002', 0],
      ['books-production-cache-sessions-node-2-memory-high', 'DatabaseMemoryUsagePercentage', 'books-production-sessions-002', 80],
    ]);
    const body = JSON.parse((Object.values(prod.resource.aws_cloudwatch_dashboard)[0] as any).dashboard_body);
    expect(body.widgets.map((w: any) => w.properties.markdown).filter(Boolean)).toContain('## Cache sessions');
  });

  it('costs its node hours times its nodes, Valkey 20% below Redis OSS', () => {
    const estimate = estimateStack(fixture.json('production'), 'production');
    const lines = estimate.lines.filter((l) => l.address === `aws_elasticache_replication_group.${groupName}`);
    // eu-west-1 cache.t4g.small: 0.034 an hour (Redis OSS), 0.0272 for Valkey; 2 nodes.
    expect(lines.map((l) => [l.item, l.quantity, l.unitPrice, l.monthly])).toEqual([
      ['cache.t4g.small valkey node hours (2 node(s): primary and 1 replica(s))', 1460, 0.0272, 39.712],
    ]);
    expect(estimate.notPriced.map((n) => n.what)).toContain(`aws_elasticache_replication_group.${groupName}: snapshot storage`);
  });

  it('is drawn with an edge from each listed service, named by the rule that allows it', () => {
    const diagram = diagramOf(fixture.json('production'), 'production');
    expect(diagram.nodes.find((n) => n.id === 'cache_sessions')?.label).toEqual([
      'cache sessions',
      'valkey 8.0, cache.t4g.small',
      '2 node(s), Multi-AZ',
    ]);
    expect(
      diagram.edges
        .filter((e) => e.to === 'cache_sessions')
        .map((e) => [e.from, e.label])
        .sort(),
    ).toEqual([
      ['service_api', 'port 6379'],
      ['service_web', 'port 6379'],
    ]);
  });
});

describe('a dev cache', () => {
  const [, group] = only(dev, 'aws_elasticache_replication_group', 'cache-sessions_');

  it('has one node, no failover, no snapshots and no final snapshot', () => {
    expect(group).toMatchObject({
      num_cache_clusters: 1,
      automatic_failover_enabled: false,
      multi_az_enabled: false,
      snapshot_retention_limit: 0,
      node_type: 'cache.t4g.micro',
    });
    expect(group.final_snapshot_identifier).toBeUndefined();
    expect(group.snapshot_window).toBeUndefined();
    const [, secret] = only(dev, 'aws_secretsmanager_secret', 'cache-sessions_');
    expect(secret.recovery_window_in_days).toBe(7);
  });
});

describe('cache configuration', () => {
  const cache = (body: string, extra = '') => `${MINIMAL_ENVIRONMENT}services:
  api: { image: public.ecr.aws/nginx/nginx:1.27, cpu: 256, memory: 512, port: 80 }
caches:
  sessions:
${body}${extra}`;

  it('defaults to Valkey at its newest version, one node, snapshots only in production', () => {
    const config = configOf(cache('    allowedServices: [api]\n'));
    expect(config.caches.sessions).toMatchObject({
      engine: 'valkey',
      engineVersion: '8.1',
      nodeType: 'cache.t4g.micro',
      replicas: 0,
      nodes: 1,
      multiAz: false,
      snapshotRetentionDays: 0,
      groupId: 'shop-dev-sessions',
    });
    expect(configOf(cache('    engine: redis\n')).caches.sessions!.engineVersion).toBe('7.1');
  });

  it('refuses an engine version ElastiCache does not offer, an unknown service and a production cache without a replica', () => {
    expect(problemsOf({ 'dev.yaml': cache('    engine: redis\n    engineVersion: "7.2"\n    allowedServices: [api, worker]\n') })).toEqual([
      'cfg/dev.yaml:15:20 caches.sessions.engineVersion: ElastiCache offers redis 6.2, 7.0, 7.1 (major.minor) for replication groups with encryption in transit; "7.2" is not one of them',
      'cfg/dev.yaml:16:28 caches.sessions.allowedServices.1: no service "worker" in this environment; use one of api',
    ]);
    expect(problemsOf({ 'prod.yaml': cache('    snapshotRetentionDays: 0\n', 'gitops: { approvers: [alice] }\n') })).toEqual([
      'cfg/prod.yaml:14:5 caches.sessions.replicas: production caches need a replica (Multi-AZ with automatic failover); set replicas: 1 or more',
      'cfg/prod.yaml:14:28 caches.sessions.snapshotRetentionDays: production caches keep daily snapshots; set snapshotRetentionDays to 1-35 or remove it (default 7)',
    ]);
    expect(problemsOf({ 'dev.yaml': cache('    engine: memcached\n') })).toEqual([
      'cfg/dev.yaml:14:13 caches.sessions.engine: engine is valkey or redis (Redis OSS)',
    ]);
  });

  it('refuses a service variable of the name the cache injects', () => {
    const file = `${MINIMAL_ENVIRONMENT}services:
  api: { image: public.ecr.aws/nginx/nginx:1.27, cpu: 256, memory: 512, port: 80, environment: { CACHE_SESSIONS_HOST: x } }
caches:
  sessions: { allowedServices: [api] }
`;
    expect(problemsOf({ 'dev.yaml': file })).toEqual([
      'cfg/dev.yaml:11:119 services.api.environment.CACHE_SESSIONS_HOST: CACHE_SESSIONS_HOST is set by the project from caches.sessions; rename this variable',
    ]);
  });

  it('rotates the token when authTokenVersion is raised: a new password, written again to the secret', () => {
    const stack = JSON.parse(synthEnvironment(configOf(cache('    authTokenVersion: 2\n    allowedServices: [api]\n'))));
    expect(Object.values(stack.resource.random_password).map((p: any) => p.keepers)).toEqual([{ version: '2' }]);
    expect(Object.values(stack.resource.aws_secretsmanager_secret_version).map((v: any) => v.secret_string_wo_version)).toEqual([2]);
  });

  it('keeps replication group IDs within 40 characters, deterministically', () => {
    const id = cacheGroupId('a-very-long-project-name-prod-eu-central', 'sessions-of-the-storefront');
    expect(id.length).toBeLessThanOrEqual(40);
    expect(id).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
    expect(id).not.toContain('--');
    expect(cacheGroupId('a-very-long-project-name-prod-eu-central', 'sessions-of-the-storefront')).toBe(id);
    expect(cacheGroupId('shop-dev', 'sessions')).toBe('shop-dev-sessions');
  });
});
