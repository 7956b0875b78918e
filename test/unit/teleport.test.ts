/**
 * Teleport (docs/teleport.md): the configuration block as the contract and
 * the reference operator write it, the generated teleport.yaml and
 * resources parsed and checked, the exact IAM policies, RDS IAM
 * authentication, the agent sidecar only where asked, and the guardrails.
 * test/fixtures/teleport/access.yaml (two databases, an internal
 * application, a container) and the staging example are planned by real
 * Terraform (check-terraform).
 */
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import { parseAllDocuments, parse } from 'yaml';
import { evaluateGuardrails, loadEnvironments } from '../../src/core/index';
import { RULES } from '../../src/guardrails/index';
import { teleportAuditBuckets } from '../../src/guardrails/rules/teleport-audit-bucket';
import { formatReport } from '../../src/guardrails/run';
import { CONFIG_WRITER } from '../../src/modules/teleport/config-writer';
import { TCTL_CONTAINER } from '../../src/modules/teleport/tctl-sidecar';
import { TELEPORT_GUARDRAIL_FIXTURES } from '../fixtures/teleport/guardrail-fixtures';
import { MINIMAL_ENVIRONMENT, configOf, exampleConfig, problemsOf, resourcesOf, synthEnvironment } from '../support/helpers';

const TELEPORT_DIR = 'test/fixtures/teleport';
const access = loadEnvironments(TELEPORT_DIR)
  .map((e) => e.config)
  .find((c) => c.environment === 'access')!;
const stack = synthEnvironment(access);

const ref = (type: string, id: string, attribute: string) => `\${${type}.${id}.${attribute}}`;
const idOf = (json: string, type: string, predicate: (r: any) => boolean) =>
  Object.entries(resourcesOf(json, type)).find(([, r]) => predicate(r))![0];
const parameter = (json: string, name: string): string =>
  Object.values(resourcesOf(json, 'aws_ssm_parameter')).find((p) => p.name === name)!.value;
const taskOf = (json: string, family: string) =>
  Object.values(resourcesOf(json, 'aws_ecs_task_definition')).find((t) => t.family === family)!;
const containersOf = (json: string, family: string): ContainerDefinition[] => JSON.parse(taskOf(json, family).container_definitions);
const roleRef = (json: string, name: string) =>
  ref(
    'aws_iam_role',
    idOf(json, 'aws_iam_role', (r) => r.name === name),
    'id',
  );
const statementsOf = (json: string, role: string): any[] =>
  Object.values(resourcesOf(json, 'aws_iam_role_policy'))
    .filter((p) => p.role === roleRef(json, role))
    .flatMap((p) => JSON.parse(p.policy).Statement);

/** The contract's (and the reference operator's) block, as written. */
const REFERENCE_BLOCK = `teleport:
  enabled: true
  domain: teleport.example.com
  clusterName: shop-teleport
  dynamodbTable: shop-teleport-state
  auditBucket: shop-teleport-audit-123456789012
  cpu: 512
  memory: 1024
  replicas: 1
  sso:
    github:
      enabled: true
      clientIdRef: shop/teleport/github-client-id
      clientSecretRef: shop/teleport/github-secret
      allowedOrganizations: [my-org]
  databases: [main]
`;
const DATABASE = `databases:
  main: { engine: postgres, engineVersion: "16.4", instanceClass: db.t4g.small }
`;
const problems = (text: string) => problemsOf({ 'dev.yaml': text });

describe('the teleport: block', () => {
  it("accepts the reference operator's block exactly as written, with its defaults resolved", () => {
    const config = configOf(`${MINIMAL_ENVIRONMENT}${DATABASE}${REFERENCE_BLOCK}`);
    const t = config.teleport;
    expect(t).toMatchObject({
      enabled: true,
      domain: 'teleport.example.com',
      clusterName: 'shop-teleport',
      dynamodbTable: 'shop-teleport-state',
      eventsTable: 'shop-teleport-state-events',
      auditBucket: 'shop-teleport-audit-123456789012',
      cpu: 512,
      memory: 1024,
      replicas: 1,
      databases: ['main'],
    });
    expect(t.sso.github).toMatchObject({
      enabled: true,
      clientIdRef: 'shop/teleport/github-client-id',
      clientSecretRef: 'shop/teleport/github-secret',
      allowedOrganizations: ['my-org'],
    });
    // Least privilege by default: developers read only, admin for no team unless one is mapped.
    expect(t.sso.github.teams).toEqual({ developers: ['developer'] });
    expect(t.roles.developer).toMatchObject({ databases: ['main'], databaseUsers: ['teleport_readonly'], logins: [], nodeLabels: {} });
    expect(t.image).toMatch(/^public\.ecr\.aws\/gravitational\/teleport-distroless:\d+\.\d+\.\d+$/);
    expect(config.databases.main!.iamDatabaseAuthentication).toBe(true);
  });

  it('gives developers no database access in production', () => {
    const config = configOf(`${MINIMAL_ENVIRONMENT}production: true\ngitops: { approvers: [alice] }\n${DATABASE}${REFERENCE_BLOCK}`);
    expect(config.teleport.roles.developer).toMatchObject({ databases: [], databaseUsers: [] });
    expect(config.teleport.roles.admin!.databaseUsers).toEqual(['teleport_admin']);
  });

  it('is off, and refused on services, until enabled', () => {
    expect(configOf(MINIMAL_ENVIRONMENT).teleport.enabled).toBe(false);
    const text = `${MINIMAL_ENVIRONMENT}services:\n  api:\n    image: public.ecr.aws/nginx/nginx:1.27\n    cpu: 256\n    memory: 512\n    teleport: { app: true }\n`;
    expect(problems(text)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /services\.api\.teleport\.app: teleport\.app needs a Teleport cluster in this environment; set teleport\.enabled: true/,
        ),
        expect.stringMatching(/services\.api\.teleport\.app: an application needs a port to reach; add services\.api\.port/),
      ]),
    );
  });

  it('reports unknown keys with a suggestion, and every broken reference at once', () => {
    const text = `${MINIMAL_ENVIRONMENT}${DATABASE}${REFERENCE_BLOCK.replace('  replicas: 1', '  replica: 1')}  certificate: missing
  roles:
    ops: { databases: [other], databaseUsers: [ops] }
services:
  teleport:
    image: public.ecr.aws/nginx/nginx:1.27
    cpu: 256
    memory: 512
`
      .replace('databases: [main]', 'databases: [main, nope]')
      .replace('      allowedOrganizations: [my-org]', '      allowedOrganizations: [my-org]\n      teams: { platform: [superuser] }');
    // One run reports the schema problem and every broken reference together.
    expect(problems(text)).toEqual([
      'cfg/dev.yaml:20:3 teleport.replica: unknown key "replica"; did you mean "replicas"?',
      expect.stringMatching(
        /^cfg\/dev\.yaml:27:27 teleport\.sso\.github\.teams\.platform\.0: no Teleport role "superuser"; use one of developer, admin, ops, access, editor, auditor/,
      ),
      'cfg/dev.yaml:28:21 teleport.databases.1: no database "nope" in this environment; use one of main',
      expect.stringMatching(/^cfg\/dev\.yaml:29:16 teleport\.certificate: no certificate "missing" under certificates/),
      expect.stringMatching(/^cfg\/dev\.yaml:31:24 teleport\.roles\.ops\.databases\.0: database "other" is not fronted by Teleport/),
      expect.stringMatching(/^cfg\/dev\.yaml:34:5 services\.teleport: the service name teleport is Teleport's/),
    ]);
  });

  it('needs a domain, GitHub references and a certificate that covers the wildcard', () => {
    expect(problems(`${MINIMAL_ENVIRONMENT}teleport: { enabled: true, sso: { github: { enabled: true } } }\n`)).toEqual(
      expect.arrayContaining([expect.stringMatching(/teleport\.domain: teleport\.enabled needs domain/)]),
    );
    expect(
      problems(`${MINIMAL_ENVIRONMENT}teleport: { enabled: true, domain: t.example.com, sso: { github: { enabled: true } } }\n`),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/teleport\.sso\.github\.clientIdRef: GitHub sign-in needs clientIdRef/),
        expect.stringMatching(/teleport\.sso\.github\.clientSecretRef: GitHub sign-in needs clientSecretRef/),
        expect.stringMatching(/teleport\.sso\.github\.allowedOrganizations: GitHub sign-in needs at least one organization/),
      ]),
    );
    const certificate = `certificates:\n  t: { domain: t.example.com }\nteleport: { enabled: true, domain: t.example.com, certificate: t }\n`;
    const app = 'services:\n  api: { image: public.ecr.aws/nginx/nginx:1.27, cpu: 256, memory: 512, port: 80, teleport: { app: true } }\n';
    // Without applications the domain itself is enough.
    expect(problems(`${MINIMAL_ENVIRONMENT}${certificate}`)).toEqual([]);
    expect(problems(`${MINIMAL_ENVIRONMENT}${certificate}${app}`)).toEqual([
      expect.stringMatching(
        /teleport\.certificate: certificate "t" does not cover \*\.t\.example\.com \(applications need \*\.t\.example\.com\)/,
      ),
    ]);
    expect(
      problems(
        `${MINIMAL_ENVIRONMENT}${certificate.replace('{ domain: t.example.com }', '{ domain: t.example.com, subjectAlternativeNames: ["*.t.example.com"] }')}${app}`,
      ),
    ).toEqual([]);
    expect(
      problems(
        `${MINIMAL_ENVIRONMENT}certificates:\n  t: { domain: example.com }\nteleport: { enabled: true, domain: t.example.com, certificate: t }\n`,
      ),
    ).toEqual([expect.stringMatching(/teleport\.certificate: certificate "t" does not cover t\.example\.com/)]);
    const zone = 'dns: { hostedZoneId: Z0123456789ABCDEFGHIJ, domain: shop.example.com }\n';
    expect(problems(`${MINIMAL_ENVIRONMENT}${zone}teleport: { enabled: true, domain: teleport.other.com }\n`)).toEqual([
      expect.stringMatching(/teleport\.domain: teleport\.other\.com is not inside shop\.example\.com, the zone of dns\.hostedZoneId/),
    ]);
    expect(problems(`${MINIMAL_ENVIRONMENT}${zone}teleport: { enabled: true, domain: teleport.shop.example.com }\n`)).toEqual([]);
  });
});

describe('what the review found', () => {
  const block = 'teleport: { enabled: true, domain: teleport.example.com }\n';

  it("admits the NAT gateways' addresses when allowedCidrs is restricted, and refuses the restriction without NAT", () => {
    const restricted = 'teleport: { enabled: true, domain: teleport.example.com, allowedCidrs: [203.0.113.0/24] }\n';
    const json = synthEnvironment(
      configOf(`${MINIMAL_ENVIRONMENT.replace('  cidr: 10.0.0.0/16', '  cidr: 10.0.0.0/16\n  natGateways: perAz')}${restricted}`),
    );
    const eips = Object.keys(resourcesOf(json, 'aws_eip')).sort();
    expect(eips.length).toBe(2);
    const ingress = Object.values(resourcesOf(json, 'aws_vpc_security_group_ingress_rule')).filter(
      (r) =>
        r.security_group_id ===
        ref(
          'aws_security_group',
          idOf(json, 'aws_security_group', (g) => g.name === 'shop-dev-teleport-lb'),
          'id',
        ),
    );
    expect(ingress.map((r) => [r.from_port, r.cidr_ipv4]).sort()).toEqual(
      [[443, '203.0.113.0/24'], ...eips.map((id) => [443, `\${aws_eip.${id}.public_ip}/32`])].sort(),
    );
    // Open to everyone: nothing more to admit.
    const open = synthEnvironment(configOf(`${MINIMAL_ENVIRONMENT}${block}`));
    expect(
      Object.values(resourcesOf(open, 'aws_vpc_security_group_ingress_rule')).filter((r) => /NAT gateway/.test(r.description)),
    ).toEqual([]);
    expect(
      problems(`${MINIMAL_ENVIRONMENT.replace('  cidr: 10.0.0.0/16', '  cidr: 10.0.0.0/16\n  natGateways: none')}${restricted}`),
    ).toEqual([
      expect.stringMatching(
        /teleport\.allowedCidrs: the network has no NAT gateway, so the environment's own Teleport agents .* use network\.natGateways single or perAz/,
      ),
    ]);
    expect(problems(`${MINIMAL_ENVIRONMENT.replace('  cidr: 10.0.0.0/16', '  cidr: 10.0.0.0/16\n  natGateways: none')}${block}`)).toEqual(
      [],
    );
  });

  it("refuses routing hosts that Teleport's records already name", () => {
    const zone = 'dns: { hostedZoneId: Z0123456789ABCDEFGHIJ, domain: example.com }\n';
    const service = (host: string) =>
      `services:\n  web: { image: public.ecr.aws/nginx/nginx:1.27, cpu: 256, memory: 512, port: 80, teleport: { app: true }, routing: { hosts: [${host}], priority: 10 } }\n`;
    for (const host of ['teleport.example.com', '"*.teleport.example.com"', 'web.teleport.example.com']) {
      expect(problems(`${MINIMAL_ENVIRONMENT}${zone}${block}${service(host)}`)).toEqual([
        expect.stringMatching(
          /cfg\/dev\.yaml:\d+:\d+ services\.web\.routing\.hosts\.0: .* is Teleport's \(teleport\.domain teleport\.example\.com has records for .*\); use a host outside teleport\.example\.com/,
        ),
      ]);
    }
    expect(problems(`${MINIMAL_ENVIRONMENT}${zone}${block}${service('www.example.com')}`)).toEqual([]);
  });

  it('refuses engine versions without RDS IAM authentication, and Postgres roles without databaseNames', () => {
    const mariadb = (version: string) =>
      `databases:\n  legacy: { engine: mariadb, engineVersion: "${version}", instanceClass: db.t4g.small }\n`;
    expect(problems(`${MINIMAL_ENVIRONMENT}${mariadb('10.6')}${block}`)).toEqual([
      expect.stringMatching(
        /databases\.legacy\.engineVersion: Teleport reaches legacy with RDS IAM authentication, which mariadb supports from 10\.11; raise databases\.legacy\.engineVersion/,
      ),
    ]);
    expect(problems(`${MINIMAL_ENVIRONMENT}${mariadb('10.11')}${block}`)).toEqual([]);
    // Not fronted by Teleport: no IAM authentication needed.
    expect(
      problems(`${MINIMAL_ENVIRONMENT}${mariadb('10.6')}teleport: { enabled: true, domain: teleport.example.com, databases: [] }\n`),
    ).toEqual([]);
    const role = (names: string) =>
      `${MINIMAL_ENVIRONMENT}${DATABASE}teleport:\n  enabled: true\n  domain: teleport.example.com\n  roles:\n    ops: { databases: [main], databaseUsers: [ops]${names} }\n`;
    expect(problems(role(''))).toEqual([
      expect.stringMatching(
        /teleport\.roles\.ops\.databaseNames: Postgres database main needs databaseNames, .* add for example \[main\] or \["\*"\]/,
      ),
    ]);
    expect(problems(role(', databaseNames: [main]'))).toEqual([]);
  });

  it('gives the default developer role no application in production, and keeps overwritten recordings as long as recordings', () => {
    expect(
      configOf(`${MINIMAL_ENVIRONMENT}production: true\ngitops: { approvers: [alice] }\n${block}`).teleport.roles.developer!.appLabels,
    ).toEqual({});
    expect(configOf(`${MINIMAL_ENVIRONMENT}${block}`).teleport.roles.developer!.appLabels).toEqual({ '*': '*' });
    const rule = (text: string) =>
      Object.values(resourcesOf(synthEnvironment(configOf(`${MINIMAL_ENVIRONMENT}${text}`)), 'aws_s3_bucket_lifecycle_configuration'))
        .flatMap((l) => l.rule)
        .find((r) => r.id === 'recordings');
    expect(rule(block).noncurrent_version_expiration).toBeUndefined();
    expect(
      rule('teleport: { enabled: true, domain: teleport.example.com, recordingsExpireDays: 400 }\n').noncurrent_version_expiration,
    ).toEqual([{ noncurrent_days: 400 }]);
  });
});

describe('the generated teleport.yaml', () => {
  const config = parse(parameter(stack, '/shop-access/teleport/teleport.yaml'));

  it('keeps state in the DynamoDB table and audit in the events table and the bucket', () => {
    expect(config.version).toBe('v3');
    expect(config.teleport.storage).toMatchObject({
      type: 'dynamodb',
      region: 'eu-west-1',
      table_name: 'shop-teleport-state',
      audit_events_uri: ['dynamodb://shop-teleport-state-events'],
    });
    expect(config.teleport.storage.audit_sessions_uri).toMatch(
      /^s3:\/\/shop-teleport-audit-123456789012\/records\?sse_kms_key=\$\{aws_kms_key\.teleport-storage_key_[0-9A-F]+\.arn\}$/,
    );
  });

  it('serves every protocol on 443 of the public address (TLS routing), signing in with GitHub', () => {
    expect(config.proxy_service).toMatchObject({ enabled: true, public_addr: 'teleport.example.com:443', web_listen_addr: '0.0.0.0:3080' });
    expect(config.auth_service).toMatchObject({
      enabled: true,
      cluster_name: 'shop-teleport',
      proxy_listener_mode: 'multiplex',
      session_recording: 'node',
    });
    expect(config.auth_service.authentication).toMatchObject({ type: 'github', connector_name: 'github' });
  });

  it('applies on startup only roles and the two IAM join tokens, and keeps the GitHub connector apart, with no credentials in them', () => {
    const text = parameter(stack, '/shop-access/teleport/resources.yaml');
    const docs = parseAllDocuments(text).map((d) => d.toJSON());
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'role/admin',
      'role/analyst',
      'role/developer',
      'token/ecs-iam-agent',
      'token/ecs-iam-node',
    ]);
    // --apply-on-startup takes tokens, users, roles, networking and auth preference, bots and a few more (lib/auth/init.go applyResources); a connector stops the auth service.
    const applicable = ['token', 'user', 'role', 'cluster_networking_config', 'cluster_auth_preference', 'bot', 'db_object_import_rule'];
    for (const d of docs) expect([d.kind, applicable.includes(d.kind)]).toEqual([d.kind, true]);
    const connectorText = parameter(stack, '/shop-access/teleport/github-connector.yaml');
    expect(connectorText).not.toMatch(/client_(secret|id):/);
    const connectorDocs = parseAllDocuments(connectorText).map((d) => d.toJSON());
    expect(connectorDocs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['github/github']);
    const connector = connectorDocs[0];
    expect(connector.spec.teams_to_roles).toEqual([
      { organization: 'my-org', team: 'developers', roles: ['developer'] },
      { organization: 'my-org', team: 'platform', roles: ['admin'] },
    ]);
    expect(connector.spec.redirect_url).toBe('https://teleport.example.com/v1/webapi/github/callback');
    expect(text).not.toMatch(/client_(secret|id):/);
    // Each kind of agent joins with a token of its own: an application's task role cannot join as a database agent.
    const token = (name: string) => docs.find((d) => d.kind === 'token' && d.metadata.name === name).spec;
    const assumed = (role: string) => ({
      aws_account: '123456789012',
      aws_arn: `arn:aws:sts::123456789012:assumed-role/${ref(
        'aws_iam_role',
        idOf(stack, 'aws_iam_role', (r) => r.name === role),
        'name',
      )}/*`,
    });
    expect(token('ecs-iam-agent')).toEqual({
      roles: ['Db', 'App'],
      join_method: 'iam',
      allow: [assumed('shop-access-teleport-agent-task')],
    });
    expect(token('ecs-iam-node')).toEqual({ roles: ['Node'], join_method: 'iam', allow: [assumed('shop-access-worker-task')] });
  });

  it('creates the GitHub connector with tctl on the auth host once the auth service answers, at every task start', () => {
    const containers = containersOf(stack, 'shop-access-teleport');
    expect(containers.map((c) => c.name)).toEqual(['teleport', CONFIG_WRITER, TCTL_CONTAINER]);
    const applier = containers.find((c) => c.name === TCTL_CONTAINER)!;
    expect(applier).toMatchObject({
      essential: false,
      image: access.teleport.agentImage,
      entryPoint: ['/busybox/sh', '-c'],
      readonlyRootFilesystem: true,
    });
    expect(applier.command![0]).toContain(
      '/usr/local/bin/tctl --config=/etc/teleport/teleport.yaml create -f /etc/teleport/github-connector.yaml',
    );
    expect(applier.dependsOn).toEqual([
      { containerName: CONFIG_WRITER, condition: 'SUCCESS' },
      { containerName: 'teleport', condition: 'START' },
    ]);
    // tctl signs in with the auth service's local admin identity: the same config and data volumes.
    const teleport = containers.find((c) => c.name === 'teleport')!;
    const volumes = (c: ContainerDefinition) => c.mountPoints!.filter((m) => m.containerPath !== '/tmp');
    expect(volumes(applier)).toEqual(volumes(teleport).map((m) => ({ ...m, readOnly: m.containerPath === '/etc/teleport' })));
    expect(applier.secrets ?? []).toEqual([]);
    // Without GitHub sign-in: no connector; the tctl container only says so, and stays for one-off tctl commands (the first local user).
    const local = synthEnvironment(configOf(`${MINIMAL_ENVIRONMENT}teleport: { enabled: true, domain: teleport.example.com }\n`));
    const localTctl = containersOf(local, 'shop-dev-teleport').find((c) => c.name === TCTL_CONTAINER)!;
    expect(localTctl.command![0]).toMatch(/^echo "no GitHub connector in this cluster/);
    expect(localTctl.command![0]).not.toContain('create -f');
    expect(Object.values(resourcesOf(local, 'aws_ssm_parameter')).map((p) => p.name)).not.toContain(
      '/shop-dev/teleport/github-connector.yaml',
    );
  });

  it('reaches the container only as SSM parameters and Secrets Manager references', () => {
    const writer = containersOf(stack, 'shop-access-teleport').find((c) => c.name === CONFIG_WRITER)!;
    expect(writer.essential).toBe(false);
    expect(writer.environment).toEqual([]);
    expect(writer.secrets).toEqual([
      { name: 'GITHUB_CLIENT_ID', valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/teleport/github-client-id' },
      { name: 'GITHUB_CLIENT_SECRET', valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/teleport/github-secret' },
      {
        name: 'TELEPORT_GITHUB_CONNECTOR',
        valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/shop-access/teleport/github-connector.yaml',
      },
      { name: 'TELEPORT_RESOURCES', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/shop-access/teleport/resources.yaml' },
      { name: 'TELEPORT_YAML', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/shop-access/teleport/teleport.yaml' },
    ]);
    const teleport = containersOf(stack, 'shop-access-teleport').find((c) => c.name === 'teleport')!;
    expect(teleport.dependsOn).toEqual([{ containerName: CONFIG_WRITER, condition: 'SUCCESS' }]);
    expect(teleport.command).toEqual(['start', '--config=/etc/teleport/teleport.yaml', '--apply-on-startup=/etc/teleport/resources.yaml']);
    expect(teleport.image).toBe(access.teleport.image);
    for (const p of Object.values(resourcesOf(stack, 'aws_ssm_parameter'))) expect(p.type).toBe('String');
  });
});

describe('IAM', () => {
  it('lets the cluster touch exactly its two tables, its bucket and its key', () => {
    const table = (name: string) =>
      ref(
        'aws_dynamodb_table',
        idOf(stack, 'aws_dynamodb_table', (t) => t.name === name),
        'arn',
      );
    const key = ref(
      'aws_kms_key',
      idOf(stack, 'aws_kms_key', (k) => /Teleport/.test(k.description)),
      'arn',
    );
    const bucket = 'arn:aws:s3:::shop-teleport-audit-123456789012';
    expect(statementsOf(stack, 'shop-access-teleport-task')).toEqual([
      {
        Sid: 'TeleportTables',
        Effect: 'Allow',
        Action: [
          'dynamodb:BatchWriteItem',
          'dynamodb:ConditionCheckItem',
          'dynamodb:DeleteItem',
          'dynamodb:DescribeTable',
          'dynamodb:DescribeTimeToLive',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:Scan',
          'dynamodb:UpdateItem',
        ],
        Resource: [
          table('shop-teleport-state'),
          table('shop-teleport-state-events'),
          `${table('shop-teleport-state-events')}/index/timesearchV2`,
        ],
      },
      {
        Sid: 'TeleportStateStream',
        Effect: 'Allow',
        Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        Resource: `${table('shop-teleport-state')}/stream/*`,
      },
      {
        Sid: 'TeleportRecordingsBucket',
        Effect: 'Allow',
        Action: ['s3:GetBucketVersioning', 's3:ListBucket', 's3:ListBucketMultipartUploads', 's3:ListBucketVersions'],
        Resource: bucket,
      },
      {
        Sid: 'TeleportRecordings',
        Effect: 'Allow',
        Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:GetObjectVersion', 's3:ListMultipartUploadParts', 's3:PutObject'],
        Resource: `${bucket}/*`,
      },
      {
        Sid: 'TeleportKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: key,
      },
    ]);
    // Its execution role reads its own two parameters and the two GitHub secrets, nothing else.
    const execution = statementsOf(stack, 'shop-access-teleport-execution');
    expect(execution.find((s) => s.Sid === 'ReadSecrets').Resource).toEqual([
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/teleport/github-client-id-??????',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/teleport/github-secret-??????',
    ]);
  });

  it('lets the database agent connect as the configured users of each database only', () => {
    const db = (name: string, attribute: string) =>
      ref(
        'aws_db_instance',
        idOf(stack, 'aws_db_instance', (d) => d.identifier === `shop-access-${name}`),
        attribute,
      );
    const user = (name: string, u: string) => `arn:aws:rds-db:eu-west-1:123456789012:dbuser:${db(name, 'resource_id')}/${u}`;
    expect(statementsOf(stack, 'shop-access-teleport-agent-task')).toEqual([
      {
        Sid: 'RdsIamConnect',
        Effect: 'Allow',
        Action: 'rds-db:connect',
        Resource: [
          user('main', 'teleport_admin'),
          user('main', 'teleport_readonly'),
          user('reports', 'analyst_ro'),
          user('reports', 'teleport_admin'),
          user('reports', 'teleport_readonly'),
        ],
      },
      { Sid: 'RdsDescribe', Effect: 'Allow', Action: 'rds:DescribeDBInstances', Resource: [db('main', 'arn'), db('reports', 'arn')] },
    ]);
  });
});

describe('databases, applications and containers', () => {
  it('turns on IAM authentication for the databases Teleport fronts, and admits the agent', () => {
    const instances = Object.values(resourcesOf(stack, 'aws_db_instance'));
    expect(instances.map((d) => d.iam_database_authentication_enabled)).toEqual([true, true]);
    const agentGroup = ref(
      'aws_security_group',
      idOf(stack, 'aws_security_group', (g) => g.name === 'shop-access-teleport-agent'),
      'id',
    );
    const rules = Object.values(resourcesOf(stack, 'aws_vpc_security_group_ingress_rule')).filter(
      (r) => r.referenced_security_group_id === agentGroup,
    );
    expect(rules.map((r) => r.from_port).sort()).toEqual([3306, 5432, 8080]);
    const agent = parse(parameter(stack, '/shop-access/teleport/agent.yaml'));
    expect(agent.teleport.join_params).toEqual({ method: 'iam', token_name: 'ecs-iam-agent' });
    expect(agent.db_service.databases.map((d: any) => [d.name, d.protocol, d.aws.rds.instance_id])).toEqual([
      ['main', 'postgres', 'shop-access-main'],
      ['reports', 'mysql', 'shop-access-reports'],
    ]);
    expect(agent.app_service.apps).toEqual([
      {
        name: 'admin',
        uri: 'http://admin.shop-access.local:8080',
        public_addr: 'admin.teleport.example.com',
        labels: { service: 'admin', env: 'access' },
      },
    ]);
  });

  it('leaves databases that Teleport does not front unchanged', () => {
    const config = configOf(`${MINIMAL_ENVIRONMENT}databases:
  main: { engine: postgres, engineVersion: "16.4", instanceClass: db.t4g.small }
  other: { engine: postgres, engineVersion: "16.4", instanceClass: db.t4g.small }
${REFERENCE_BLOCK}`);
    const json = synthEnvironment(config);
    const byId = Object.fromEntries(Object.values(resourcesOf(json, 'aws_db_instance')).map((d) => [d.identifier, d]));
    expect(byId['shop-dev-main']!.iam_database_authentication_enabled).toBe(true);
    expect(byId['shop-dev-other']!).not.toHaveProperty('iam_database_authentication_enabled');
  });

  it('adds the agent sidecar only to services that ask for it: not essential, no dependsOn, its own log group', () => {
    const worker = containersOf(stack, 'shop-access-worker');
    expect(worker.map((c) => c.name)).toEqual(['worker', 'teleport-agent']);
    const sidecar = worker[1]!;
    expect(sidecar).toMatchObject({ essential: false, image: access.teleport.agentImage, readonlyRootFilesystem: true });
    expect(sidecar.dependsOn).toBeUndefined();
    expect(worker[0]!.dependsOn).toBeUndefined();
    // teleport start has no --join-method flag: the IAM join method is set in the config, handed over with --config-string.
    expect(sidecar.command).toEqual(['start', expect.stringMatching(/^--config-string=[A-Za-z0-9+/]+=*$/)]);
    const node = parse(Buffer.from(sidecar.command![1]!.slice('--config-string='.length), 'base64').toString('utf8'));
    expect(node).toEqual({
      version: 'v3',
      teleport: {
        data_dir: '/var/lib/teleport',
        proxy_server: 'teleport.example.com:443',
        join_params: { method: 'iam', token_name: 'ecs-iam-node' },
        log: { output: 'stderr', severity: 'INFO', format: { output: 'json' } },
      },
      auth_service: { enabled: false },
      proxy_service: { enabled: false },
      ssh_service: { enabled: true, labels: { env: 'access', service: 'worker' } },
    });
    expect(sidecar.logConfiguration!.options!['awslogs-group']).toBe('/ecs/shop-access/worker/teleport-agent');
    expect(Object.values(resourcesOf(stack, 'aws_cloudwatch_log_group')).map((g) => g.name)).toContain(
      '/ecs/shop-access/worker/teleport-agent',
    );
    expect(containersOf(stack, 'shop-access-admin').map((c) => c.name)).toEqual(['admin']);
  });

  it("changes nothing of an environment's other resources", () => {
    const dev = exampleConfig('dev');
    const plain = JSON.parse(synthEnvironment(dev)).resource;
    const withTeleport = JSON.parse(
      synthEnvironment({
        ...dev,
        teleport: {
          ...configOf(`${MINIMAL_ENVIRONMENT}teleport: { enabled: true, domain: teleport.example.com, databases: [] }\n`).teleport,
        },
      }),
    ).resource;
    for (const [type, byName] of Object.entries(plain as Record<string, Record<string, unknown>>)) {
      for (const [name, values] of Object.entries(byName)) expect([type, name, withTeleport[type]?.[name]]).toEqual([type, name, values]);
    }
    expect(Object.keys(withTeleport.aws_ecs_service).length).toBe(Object.keys(plain.aws_ecs_service).length + 1);
  });

  it('publishes the proxy on 443 only, with its own certificate for the domain and the wildcard, and DNS records', () => {
    const listeners = Object.values(resourcesOf(stack, 'aws_lb_listener'));
    expect(listeners.map((l) => [l.port, l.protocol])).toEqual([[443, 'HTTPS']]);
    const certificate = Object.values(resourcesOf(stack, 'aws_acm_certificate'))[0];
    expect([certificate.domain_name, certificate.subject_alternative_names]).toEqual(['teleport.example.com', ['*.teleport.example.com']]);
    expect(
      Object.values(resourcesOf(stack, 'aws_route53_record'))
        .filter((r) => r.alias)
        .map((r) => `${r.name} ${r.type}`)
        .sort(),
    ).toEqual(['*.teleport.example.com A', '*.teleport.example.com AAAA', 'teleport.example.com A', 'teleport.example.com AAAA']);
    const bucket = Object.values(resourcesOf(stack, 'aws_s3_bucket')).find((b) => b.bucket === 'shop-teleport-audit-123456789012');
    expect(bucket).toBeDefined();
    const tables = Object.values(resourcesOf(stack, 'aws_dynamodb_table'));
    expect(tables.find((t) => t.name === 'shop-teleport-state')).toMatchObject({
      stream_enabled: true,
      stream_view_type: 'NEW_IMAGE',
      ttl: { attribute_name: 'Expires', enabled: true },
    });
  });
});

describe('guardrails', () => {
  it('pass on the Teleport fixture and the staging example', () => {
    const reports = evaluateGuardrails([access, exampleConfig('staging')]).filter((r) => ['access', 'staging'].includes(r.environment));
    expect(reports.map((r) => r.environment)).toEqual(['access', 'staging']);
    expect(reports.filter((r) => r.failed).map((r) => formatReport(r))).toEqual([]);
    // The Teleport rules did look at something: each finds its resources in the fixture.
    const json = JSON.parse(stack);
    for (const id of Object.keys(TELEPORT_GUARDRAIL_FIXTURES))
      expect([id, RULES.find((r) => r.id === id)!.check(json, { production: true })]).toEqual([id, []]);
    expect(teleportAuditBuckets(json).map((b) => b.values.bucket)).toEqual(['shop-teleport-audit-123456789012']);
  });

  describe.each(Object.entries(TELEPORT_GUARDRAIL_FIXTURES))('rule %s', (id, fixture) => {
    const rule = RULES.find((r) => r.id === id)!;
    it('accepts a compliant stack and rejects a non-compliant one', () => {
      expect(rule).toBeDefined();
      expect(rule.check(fixture.pass, { production: true })).toEqual([]);
      const findings = rule.check(fixture.fail, { production: true });
      expect(findings.length).toBeGreaterThan(0);
      expect(findings.map((f) => f.message).join('\n')).toMatch(fixture.says);
    });
  });
});
