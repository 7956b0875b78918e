/**
 * Services real applications need (docs/services.md): images without
 * surprises, sidecars, volumes, task role permissions, networking, DNS records, several certificates, alarm
 * control, container settings and RDS windows. The `apps` and `production` fixtures under
 * test/fixtures/unusual use every key and are planned by real Terraform in CI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import { alarmBreakdown, alarmCount, formatAlarmCount, loadEnvironments } from '../../src/core/index';
import { SHORTHAND_STATEMENT_IDS } from '../../src/config/service-rules';
import { EXAMPLES_DIR, UNUSUAL_DIR } from '../support/fixture-dirs';
import { cli } from '../support/cli-in-process';
import { MINIMAL_ENVIRONMENT, configOf, problemsOf, resourcesOf, synthEnvironment } from '../support/helpers';

const fixtures = loadEnvironments(UNUSUAL_DIR).map((e) => e.config);
const fixture = (name: string) => fixtures.find((c) => c.environment === name)!;
const apps = synthEnvironment(fixture('apps'));
const production = synthEnvironment(fixture('production'));

const ref = (type: string, id: string, attribute: string) => `\${${type}.${id}.${attribute}}`;
const idOf = (stack: string, type: string, predicate: (r: any) => boolean) =>
  Object.entries(resourcesOf(stack, type)).find(([, r]) => predicate(r))![0];
const taskOf = (stack: string, family: string) =>
  Object.values(resourcesOf(stack, 'aws_ecs_task_definition')).find((t) => t.family === family)!;
const containersOf = (stack: string, family: string): ContainerDefinition[] => JSON.parse(taskOf(stack, family).container_definitions);
const roleRef = (stack: string, name: string) =>
  ref(
    'aws_iam_role',
    idOf(stack, 'aws_iam_role', (r) => r.name === name),
    'id',
  );
const policiesOf = (stack: string, role: string) =>
  Object.values(resourcesOf(stack, 'aws_iam_role_policy')).filter((p) => p.role === roleRef(stack, role));
const statementsOf = (stack: string, role: string, policyName?: string): any[] =>
  policiesOf(stack, role)
    .filter((p) => policyName === undefined || p.name === policyName)
    .flatMap((p) => JSON.parse(p.policy).Statement);
const list = (value: unknown): string[] => (Array.isArray(value) ? value : [value as string]);

/** An environment with one service `api`, its keys given as YAML lines indented by four spaces. */
const withService = (lines: string, more = '') =>
  `${MINIMAL_ENVIRONMENT}services:\n  api:\n    cpu: 512\n    memory: 1024\n${lines}${more}`;
const problems = (text: string) => problemsOf({ 'dev.yaml': text });
const problemOf = (text: string, key: string) => problems(text).find((line) => line.includes(` ${key}: `));

describe("the configuration contract's keys for certificates, DNS and what a service needs (image, user, security groups, task role, volumes, sidecars, health check)", () => {
  it('are accepted as the contract writes them', () => {
    const text = `${MINIMAL_ENVIRONMENT}certificates:
  web: { domain: shop.example.com }
  api: { domain: api.shop.example.com }
  legacy: { arn: "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d" }
loadBalancer: { certificate: web, additionalCertificates: [api] }
dns:
  hostedZoneId: Z0123456789ABCDEFGHIJ
services:
  api:
    image: { repository: api, tag: "1.4.2" }
    cpu: 512
    memory: 1024
    port: 8080
    routing: { hosts: [api.shop.example.com], priority: 100 }
    user: "10001:10001"
    securityGroupIds: [sg-0abc1234def567890]
    taskRole:
      statements:
        - { actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:eu-west-1:123456789012:orders"] }
      s3Buckets: { read: [shop-assets], write: [shop-uploads] }
      managedPolicyArns: []
    volumes:
      data: { efs: { rootDirectory: /data, posixUser: "10001:10001" } }
      scratch: { ephemeral: { sizeGiB: 40 } }
    mountPoints: [{ volume: data, path: /var/lib/app, readOnly: false }]
    sidecars:
      otel:
        image: public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0
        cpu: 64
        memory: 128
        essential: false
        dependsOn: []
    healthCheck:
      command: "curl -f http://localhost:8080/health || exit 1"
      intervalSeconds: 30
      timeoutSeconds: 5
      retries: 3
      startPeriodSeconds: 10
databases:
  main:
    engine: postgres
    engineVersion: "16.4"
    instanceClass: db.t4g.medium
    backupWindow: "03:00-04:00"
    maintenanceWindow: "sun:04:30-sun:05:30"
monitoring:
  alarmEmails: [oncall@shop.example.com]
  alarms: { enabled: true }
  topicArn: arn:aws:sns:eu-west-1:123456789012:ops
`;
    expect(problems(text)).toEqual([]);
    const stack = synthEnvironment(configOf(text));
    expect(taskOf(stack, 'shop-dev-api').ephemeral_storage).toEqual({ size_in_gib: 40 });
    expect(Object.values(resourcesOf(stack, 'aws_lb_listener_certificate'))).toHaveLength(1);
  });
});

describe('images without surprises', () => {
  it('refuses a name with no registry, showing the ECR and the Docker Hub spelling', () => {
    expect(problemOf(withService('    image: reports:0.1.0\n'), 'services.api.image')).toBe(
      'cfg/dev.yaml:14:12 services.api.image: "reports:0.1.0" names no registry, so it would silently come from Docker Hub; ' +
        'write image: { repository: reports, tag: "0.1.0" } for this environment\'s ECR repository, or image: docker.io/library/reports:0.1.0 for Docker Hub',
    );
    expect(problemOf(withService('    image: team/app:2\n'), 'services.api.image')).toContain(
      'or image: docker.io/team/app:2 for Docker Hub',
    );
    expect(problems(withService('    image: docker.io/library/reports:0.1.0\n'))).toEqual([]);
    expect(problems(withService('    image: localhost:5000/reports:0.1.0\n'))).toEqual([]);
  });

  it('applies the same rule to sidecar images', () => {
    const text = withService('    image: docker.io/library/nginx:1.27\n    sidecars:\n      otel: { image: "otel/collector:0.1" }\n');
    expect(problemOf(text, 'services.api.sidecars.otel.image')).toContain('or image: docker.io/otel/collector:0.1 for Docker Hub');
  });

  it('refuses moving tags while tags are immutable, with the fix', () => {
    const main = withService('    image: { repository: api, tag: latest }\n');
    expect(problemOf(main, 'services.api.image.tag')).toMatch(
      /"latest" is a moving tag, but registry.immutableTags lets each tag be pushed once.*tag images by version or commit.*or set registry.immutableTags: false/,
    );
    const sidecar = withService(
      '    image: { repository: api, tag: "1.0" }\n    sidecars:\n      agent: { image: { repository: agent, tag: Stable } }\n',
    );
    expect(problemOf(sidecar, 'services.api.sidecars.agent.image.tag')).toContain('"Stable" is a moving tag');
    expect(problems(`${main}registry: { immutableTags: false }\n`)).toEqual([]);
  });

  it('refuses moving tags of other registries in production only; a version or a digest is pinned', () => {
    const moving = withService(
      '    image: public.ecr.aws/nginx/nginx:latest\n    sidecars:\n      otel: { image: "public.ecr.aws/aws-observability/aws-otel-collector:stable" }\n',
    );
    expect(problems(moving)).toEqual([]);
    const production = `${moving}production: true\nguardrails: { waivers: {} }\n`;
    expect(problemOf(production, 'services.api.image')).toContain(
      '"public.ecr.aws/nginx/nginx:latest" has a moving tag, and production runs pinned images',
    );
    expect(problemOf(production, 'services.api.sidecars.otel.image')).toContain('pin a version (for example :1.27) or a digest');
    const pinned = withService(
      `    image: public.ecr.aws/nginx/nginx@sha256:${'a'.repeat(64)}\n    sidecars:\n      otel: { image: "localhost:5000/otel:0.40.0" }\n`,
    );
    expect(problems(`${pinned}production: true\n`).filter((p) => p.includes('moving tag'))).toEqual([]);
  });

  it('lets the execution role pull exactly the ECR repositories of the task, a private URI included', () => {
    const statements = statementsOf(apps, 'internal-tools-apps-api-execution');
    expect(statements.find((s) => s.Sid === 'PullImage')).toEqual({
      Sid: 'PullImage',
      Effect: 'Allow',
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      Resource: 'arn:aws:ecr:us-east-1:210987654321:repository/shared/api',
    });
    expect(statements.filter((s) => list(s.Action).includes('ecr:GetAuthorizationToken'))).toEqual([
      { Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    ]);
    // The environment's own repository is granted by reference, the same way.
    const reports = statementsOf(apps, 'internal-tools-apps-reports-execution').find((s) => s.Sid === 'PullImage');
    expect(reports.Resource).toBe(
      ref(
        'aws_ecr_repository',
        idOf(apps, 'aws_ecr_repository', (r) => r.name === 'internal-tools/apps/reports'),
        'arn',
      ),
    );
  });

  it('grants one pull statement over the main and sidecar repositories, and none for public images', () => {
    const config = configOf(
      withService(
        '    image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.2\n    sidecars:\n      agent: { image: "123456789012.dkr.ecr.eu-central-1.amazonaws.com/tools/agent@sha256:' +
          'a'.repeat(64) +
          '", cpu: 64, memory: 128 }\n      otel: { image: public.ecr.aws/otel/collector:1.0, cpu: 64, memory: 128 }\n',
      ),
    );
    const stack = synthEnvironment(config);
    const statements = statementsOf(stack, 'shop-dev-api-execution');
    expect(statements.filter((s) => s.Sid === 'PullImage').map((s) => s.Resource)).toEqual([
      ['arn:aws:ecr:eu-central-1:123456789012:repository/tools/agent', 'arn:aws:ecr:eu-west-1:123456789012:repository/api'],
    ]);
    const publicOnly = synthEnvironment(configOf(withService('    image: public.ecr.aws/nginx/nginx:1.27\n')));
    expect(
      statementsOf(publicOnly, 'shop-dev-api-execution')
        .flatMap((s) => list(s.Action))
        .filter((a) => a.startsWith('ecr:')),
    ).toEqual([]);
  });
});

describe('sidecars', () => {
  const containers = containersOf(apps, 'internal-tools-apps-api');
  const byName = Object.fromEntries(containers.map((c) => [c.name!, c]));

  it('run in the task with the main container, each with its settings and its own log group', () => {
    expect(containers.map((c) => [c.name, c.essential, c.cpu, c.memory])).toEqual([
      ['api', true, undefined, undefined],
      ['otel', false, 128, 256],
      ['teleport', false, 128, 256],
    ]);
    expect(byName.otel!.portMappings).toEqual([{ containerPort: 4317, protocol: 'tcp', name: 'otel-4317' }]);
    expect(byName.otel!.command).toEqual(['--config=/etc/ecs/ecs-default-config.yaml']);
    expect(byName.otel!.healthCheck).toEqual({
      command: ['CMD-SHELL', '/healthcheck'],
      interval: 30,
      timeout: 5,
      retries: 3,
      startPeriod: 10,
    });
    expect(byName.teleport!.environment).toEqual([{ name: 'TELEPORT_PROXY', value: 'teleport.example.com:443' }]);
    const groups = Object.values(resourcesOf(apps, 'aws_cloudwatch_log_group')).map((g) => g.name);
    expect(groups).toEqual(
      expect.arrayContaining([
        '/ecs/internal-tools-apps/api',
        '/ecs/internal-tools-apps/api/otel',
        '/ecs/internal-tools-apps/api/teleport',
      ]),
    );
    expect(containers.map((c) => c.logConfiguration!.options!['awslogs-group'])).toEqual([
      '/ecs/internal-tools-apps/api',
      '/ecs/internal-tools-apps/api/otel',
      '/ecs/internal-tools-apps/api/teleport',
    ]);
    expect(containers.map((c) => c.logConfiguration!.options!['awslogs-stream-prefix'])).toEqual(['api', 'otel', 'teleport']);
  });

  it('start in dependency order; "app" is the main container', () => {
    expect(byName.api!.dependsOn).toEqual([{ containerName: 'otel', condition: 'HEALTHY' }]);
    expect(byName.teleport!.dependsOn).toEqual([{ containerName: 'api', condition: 'START' }]);
  });

  it('each get a writable /tmp of their own when read-only', () => {
    expect(byName.teleport!.mountPoints).toEqual([{ sourceVolume: 'tmp-teleport', containerPath: '/tmp', readOnly: false }]);
    expect(taskOf(apps, 'internal-tools-apps-api').volume.map((v: any) => v.name)).toEqual([
      'tmp',
      'tmp-otel',
      'tmp-teleport',
      'data',
      'scratch',
    ]);
  });

  it('have their secrets read by the execution role, and nothing more', () => {
    const statements = statementsOf(apps, 'internal-tools-apps-api-execution');
    const databaseSecret = ref(
      'aws_secretsmanager_secret',
      idOf(apps, 'aws_secretsmanager_secret', (r) => r.name === 'internal-tools-apps/database/main'),
      'arn',
    );
    const instance = idOf(apps, 'aws_db_instance', (r) => r.identifier === 'internal-tools-apps-main');
    const switchMarker = Object.keys(JSON.parse(apps).resource.terraform_data).find((id) =>
      id.startsWith('database-main_master-secret-switch'),
    );
    expect(statements.find((s) => s.Sid === 'ReadSecrets').Resource).toEqual([
      // References in the configuration's order (the connection secret, then the master password from the secret RDS
      // manages; the marker stands in only in the plan that switches to it), then the literal ARNs sorted.
      databaseSecret,
      `\${try(aws_db_instance.${instance}.master_user_secret[0].secret_arn, terraform_data.${switchMarker}.id)}`,
      'arn:aws:secretsmanager:us-east-1:210987654321:secret:stripe/api-??????',
      'arn:aws:secretsmanager:us-east-1:210987654321:secret:teleport-join-AbCdEf',
      'arn:aws:secretsmanager:us-east-1:210987654321:secret:teleport-join-AbCdEf-??????',
    ]);
    expect(statements.find((s) => s.Sid === 'ReadParameters').Resource).toEqual([
      'arn:aws:ssm:us-east-1:210987654321:parameter/internal-tools/apps/otel-token',
    ]);
    expect(statements.find((s) => s.Sid === 'WriteLogs').Resource).toHaveLength(3);
    // The reports service's role reads none of them.
    expect(statementsOf(apps, 'internal-tools-apps-reports-execution').map((s) => s.Sid)).toEqual(['EcrLogin', 'PullImage', 'WriteLogs']);
    expect(byName.teleport!.secrets).toEqual([
      { name: 'TELEPORT_JOIN_TOKEN', valueFrom: 'arn:aws:secretsmanager:us-east-1:210987654321:secret:teleport-join-AbCdEf' },
    ]);
  });

  const sidecar = (yaml: string) => withService('    image: docker.io/library/nginx:1.27\n    port: 80\n    sidecars:\n', yaml);

  it('must fit inside the task', () => {
    expect(
      problemOf(
        sidecar(
          '      a: { image: public.ecr.aws/a/a:1, cpu: 256, memory: 512 }\n      b: { image: public.ecr.aws/b/b:1, cpu: 256, memory: 256 }\n',
        ),
        'services.api.sidecars',
      ),
    ).toContain("the sidecars reserve 512 cpu units of the task's 512, leaving nothing for the main container");
    expect(problemOf(sidecar('      a: { image: public.ecr.aws/a/a:1, memory: 1024 }\n'), 'services.api.sidecars')).toContain(
      "the sidecars' memory adds up to 1024 MiB of the task's 1024",
    );
  });

  it('have dependencies that exist, can be met and form no cycle', () => {
    expect(
      problemOf(
        sidecar('      a: { image: public.ecr.aws/a/a:1, dependsOn: [{ container: nope }] }\n'),
        'services.api.sidecars.a.dependsOn.0.container',
      ),
    ).toContain('no container "nope" in this task; use one of app');
    expect(
      problemOf(
        sidecar('      a: { image: public.ecr.aws/a/a:1, dependsOn: [{ container: app, condition: HEALTHY }] }\n'),
        'services.api.sidecars.a.dependsOn.0.condition',
      ),
    ).toContain('HEALTHY needs a health check on app; add services.api.healthCheck.command');
    expect(
      problemOf(
        sidecar(
          '      a: { image: public.ecr.aws/a/a:1, dependsOn: [{ container: b, condition: SUCCESS }] }\n      b: { image: public.ecr.aws/b/b:1 }\n',
        ),
        'services.api.sidecars.a.dependsOn.0.condition',
      ),
    ).toContain('SUCCESS waits for b to exit, but it is essential');
    expect(
      problemOf(
        sidecar(
          '      a: { image: public.ecr.aws/a/a:1, dependsOn: [{ container: b }] }\n      b: { image: public.ecr.aws/b/b:1, dependsOn: [{ container: app }] }\n    dependsOn: [{ container: a }]\n',
        ),
        'services.api.dependsOn',
      ),
    ).toContain('dependsOn forms a cycle (app -> a -> b -> app)');
  });

  it("are at most nine, ECS's limit of ten containers a task", () => {
    const ten = Array.from({ length: 10 }, (_, i) => `      s${i}: { image: public.ecr.aws/a/a:1 }\n`).join('');
    expect(problemOf(sidecar(ten), 'services.api.sidecars')).toContain('a task holds at most 10 containers');
    expect(problemOf(sidecar(ten.split('\n').slice(1).join('\n')), 'services.api.sidecars')).toBeUndefined();
  });

  it('need their own port and name', () => {
    expect(problemOf(sidecar('      a: { image: public.ecr.aws/a/a:1, port: 80 }\n'), 'services.api.sidecars.a.port')).toContain(
      'port 80 is also used by container app',
    );
    expect(problemOf(sidecar('      app: { image: public.ecr.aws/a/a:1 }\n'), 'services.api.sidecars.app')).toContain(
      "is the main container's name",
    );
  });
});

describe('volumes', () => {
  const fileSystems = Object.entries(resourcesOf(apps, 'aws_efs_file_system'));
  const [fsId, fs] = fileSystems[0]!;

  it('give a file system shared by two services once, encrypted with the environment key', () => {
    expect(fileSystems).toHaveLength(1);
    expect(fs).toMatchObject({
      creation_token: 'internal-tools-apps-data',
      encrypted: true,
      kms_key_id: ref(
        'aws_kms_key',
        idOf(apps, 'aws_kms_key', (k) => /Logs/.test(k.description)),
        'arn',
      ),
    });
    expect(fs.lifecycle).toBeUndefined();
    const mountTargets = Object.values(resourcesOf(apps, 'aws_efs_mount_target'));
    expect(mountTargets.map((m) => m.subnet_id)).toEqual(
      Object.entries(resourcesOf(apps, 'aws_subnet'))
        .filter(([id]) => id.includes('private'))
        .map(([id]) => ref('aws_subnet', id, 'id')),
    );
    expect(Object.values(resourcesOf(apps, 'aws_efs_backup_policy'))[0].backup_policy.status).toBe('DISABLED');
  });

  it('admit NFS only from the services that mount them', () => {
    const group = ref(
      'aws_security_group',
      idOf(apps, 'aws_security_group', (g) => g.name === 'internal-tools-apps-data-efs'),
      'id',
    );
    const ingress = Object.values(resourcesOf(apps, 'aws_vpc_security_group_ingress_rule')).filter((r) => r.security_group_id === group);
    const serviceGroup = (name: string) =>
      ref(
        'aws_security_group',
        idOf(apps, 'aws_security_group', (g) => g.name === `internal-tools-apps-${name}`),
        'id',
      );
    expect(ingress.map((r) => [r.from_port, r.referenced_security_group_id])).toEqual([
      [2049, serviceGroup('api')],
      [2049, serviceGroup('reports')],
    ]);
    expect(Object.values(resourcesOf(apps, 'aws_vpc_security_group_egress_rule')).filter((r) => r.security_group_id === group)).toEqual([]);
  });

  it('mount through an access point per service with TLS and IAM, writable only where asked', () => {
    const points = Object.values(resourcesOf(apps, 'aws_efs_access_point'));
    expect(points.map((p) => [p.posix_user, p.root_directory])).toEqual([
      [
        { uid: 10001, gid: 10001 },
        { path: '/data', creation_info: { owner_uid: 10001, owner_gid: 10001, permissions: '0750' } },
      ],
      [
        { uid: 1000, gid: 1000 },
        { path: '/reports', creation_info: { owner_uid: 1000, owner_gid: 1000, permissions: '0750' } },
      ],
    ]);
    const data = taskOf(apps, 'internal-tools-apps-api').volume.find((v: any) => v.name === 'data');
    expect(data.efs_volume_configuration).toEqual({
      file_system_id: ref('aws_efs_file_system', fsId, 'id'),
      transit_encryption: 'ENABLED',
      authorization_config: { access_point_id: expect.stringMatching(/^\$\{aws_efs_access_point\..*\.id\}$/), iam: 'ENABLED' },
    });
    expect(statementsOf(apps, 'internal-tools-apps-api-task', 'efs-api-data')[0].Action).toEqual([
      'elasticfilesystem:ClientMount',
      'elasticfilesystem:ClientWrite',
    ]);
    const reports = statementsOf(apps, 'internal-tools-apps-reports-task', 'efs-reports-data')[0];
    expect(reports.Action).toEqual(['elasticfilesystem:ClientMount']);
    expect(reports.Condition.StringEquals['elasticfilesystem:AccessPointArn']).toMatch(/^\$\{aws_efs_access_point\..*\.arn\}$/);
    expect(containersOf(apps, 'internal-tools-apps-reports')[0]!.mountPoints).toContainEqual({
      sourceVolume: 'data',
      containerPath: '/reports',
      readOnly: true,
    });
  });

  it('are backed up and kept from destroy in production', () => {
    const [, prodFs] = Object.entries(resourcesOf(production, 'aws_efs_file_system'))[0]!;
    expect(prodFs.lifecycle).toEqual({ prevent_destroy: true });
    expect(Object.values(resourcesOf(production, 'aws_efs_backup_policy'))[0].backup_policy.status).toBe('ENABLED');
    expect(Object.values(resourcesOf(production, 'aws_efs_access_point'))[0]).toMatchObject({
      posix_user: { uid: 101, gid: 101 },
      root_directory: { path: '/content' },
    });
  });

  it('size the ephemeral storage', () => {
    expect(taskOf(apps, 'internal-tools-apps-api').ephemeral_storage).toEqual({ size_in_gib: 40 });
    expect(taskOf(apps, 'internal-tools-apps-reports').ephemeral_storage).toBeUndefined();
  });

  const volume = (yaml: string) => withService('    image: docker.io/library/nginx:1.27\n', yaml);

  it('are checked: mounted volumes exist, volumes are mounted, one ephemeral storage, sizes', () => {
    expect(problemOf(volume('    mountPoints: [{ volume: data, path: /data }]\n'), 'services.api.mountPoints.0.volume')).toContain(
      'no volume "data" in services.api.volumes; add it under volumes',
    );
    expect(problemOf(volume('    volumes: { data: { efs: {} } }\n'), 'services.api.volumes.data')).toContain(
      'no container mounts volume data',
    );
    expect(problemOf(volume('    volumes: { tmp-otel: { ephemeral: {} } }\n'), 'services.api.volumes.tmp-otel')).toContain(
      "volume names tmp and tmp-* are the project's",
    );
    expect(problems(volume('    volumes: { scratch: { ephemeral: { sizeGiB: 50 } } }\n'))).toEqual([]);
    expect(
      problemOf(
        volume(
          '    volumes: { a: { ephemeral: {} }, b: { ephemeral: {} } }\n    mountPoints: [{ volume: a, path: /a }, { volume: b, path: /b }]\n',
        ),
        'services.api.volumes.b',
      ),
    ).toContain('a task has one ephemeral storage, already used by volume a');
    expect(
      problemOf(
        volume('    volumes: { a: { ephemeral: { sizeGiB: 20 } } }\n    mountPoints: [{ volume: a, path: /a }]\n'),
        'services.api.volumes.a.ephemeral.sizeGiB',
      ),
    ).toContain('must be at least 21');
    expect(
      problemOf(
        volume('    volumes: { a: { efs: {}, ephemeral: {} } }\n    mountPoints: [{ volume: a, path: /a }]\n'),
        'services.api.volumes.a',
      ),
    ).toContain('a volume is either { efs: { ... } } or { ephemeral: { sizeGiB } }');
    expect(
      problemOf(
        volume('    volumes: { a: { efs: { posixUser: "0:0" } } }\n    mountPoints: [{ volume: a, path: /a }]\n'),
        'services.api.volumes.a.efs.posixUser',
      ),
    ).toContain('UID 0 is root');
  });
});

describe('the task role', () => {
  const declared = statementsOf(apps, 'internal-tools-apps-api-task', 'declared');

  it('has exactly the declared statements, then the shorthands expanded to exact actions', () => {
    expect(declared).toEqual([
      { Sid: 'Declared1', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: ['arn:aws:sqs:us-east-1:210987654321:orders'] },
      {
        Sid: 'Declared2',
        Effect: 'Deny',
        Action: ['s3:PutObject'],
        Resource: ['arn:aws:s3:::shop-uploads/*'],
        Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
      },
      { Sid: 'S3ReadBuckets', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::shop-assets'] },
      { Sid: 'S3ReadObjects', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::shop-assets/*'] },
      {
        Sid: 'S3WriteObjects',
        Effect: 'Allow',
        Action: ['s3:AbortMultipartUpload', 's3:PutObject'],
        Resource: ['arn:aws:s3:::shop-uploads/*'],
      },
      {
        Sid: 'SqsReceive',
        Effect: 'Allow',
        Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
        Resource: ['arn:aws:sqs:us-east-1:210987654321:orders-dlq'],
      },
      { Sid: 'SnsPublish', Effect: 'Allow', Action: ['sns:Publish'], Resource: ['arn:aws:sns:us-east-1:210987654321:order-events'] },
    ]);
  });

  it("keeps statement IDs unique: declared ones may not take a shorthand's", () => {
    const shorthandIds = declared.map((s) => s.Sid).filter((sid) => !sid.startsWith('Declared'));
    expect(shorthandIds.every((sid) => SHORTHAND_STATEMENT_IDS.includes(sid))).toBe(true);
    const text = withService(
      '    image: docker.io/library/nginx:1.27\n    taskRole:\n      statements: [{ sid: SnsPublish, actions: ["sns:Publish"], resources: ["arn:aws:sns:eu-west-1:123456789012:t"] }]\n',
    );
    expect(problemOf(text, 'services.api.taskRole.statements.0.sid')).toContain('statement ID SnsPublish is written by a shorthand');
  });

  it("attaches the managed policies, and the execution role stays the project's", () => {
    const attachments = Object.values(resourcesOf(apps, 'aws_iam_role_policy_attachment')).filter(
      (a) => a.role === roleRef(apps, 'internal-tools-apps-api-task').replace(/\.id\}$/, '.name}'),
    );
    expect(attachments.map((a) => a.policy_arn)).toEqual(['arn:aws:iam::210987654321:policy/api-extra']);
    expect(policiesOf(apps, 'internal-tools-apps-api-execution').map((p) => p.name)).toEqual(['start-task']);
  });

  const role = (yaml: string, more = '') => withService(`    image: docker.io/library/nginx:1.27\n    taskRole:\n${yaml}`, more);

  it('refuses wildcards unless iam-no-wildcards is waived, and ARNs outside the environment', () => {
    const wild = role('      statements: [{ actions: ["s3:*"], resources: ["*"] }]\n');
    expect(problems(wild)).toEqual([
      expect.stringContaining(
        'services.api.taskRole.statements.0.actions.0: s3:* is a pattern that allows every action; list the actions the service needs, or waive iam-no-wildcards',
      ),
      expect.stringContaining('services.api.taskRole.statements.0.resources.0: "*" allows every resource'),
    ]);
    expect(
      problems(`${wild}guardrails: { waivers: { iam-no-wildcards: "a migration tool that walks every bucket of the account" } }\n`),
    ).toEqual([]);
    expect(
      problemOf(
        role('      statements: [{ actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:us-east-1:123456789012:q"] }]\n'),
        'services.api.taskRole.statements.0.resources.0',
      ),
    ).toContain('is in region us-east-1, this environment in eu-west-1');
    expect(
      problemOf(role('      sqsQueues: { send: ["arn:aws:sqs:eu-west-1:999999999999:q"] }\n'), 'services.api.taskRole.sqsQueues.send.0'),
    ).toContain('is in account 999999999999, this environment in 123456789012');
    expect(
      problemOf(
        role('      statements: [{ actions: ["SendMessage"], resources: ["arn:aws:sqs:eu-west-1:123456789012:q"] }]\n'),
        'services.api.taskRole.statements.0.actions.0',
      ),
    ).toContain('actions look like service:Action');
  });

  it('refuses patterns inside actions and ARNs, and AWS managed policies, unless waived; a Deny may use them', () => {
    const patterns = role(
      '      statements: [{ actions: ["iam:Pass*"], resources: ["arn:aws:iam::123456789012:role/*"] }, { actions: ["s3:GetObject"], resources: ["arn:aws:s3:::*"] }]\n',
    );
    expect(problems(patterns)).toEqual([
      expect.stringContaining('services.api.taskRole.statements.0.actions.0: iam:Pass* is a pattern that allows every matching action'),
      expect.stringContaining(
        'services.api.taskRole.statements.0.resources.0: arn:aws:iam::123456789012:role/* is a pattern over many resources',
      ),
      expect.stringContaining('services.api.taskRole.statements.1.resources.0: arn:aws:s3:::* is a pattern over many resources'),
    ]);
    expect(
      problemOf(
        role('      managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"]\n'),
        'services.api.taskRole.managedPolicyArns.0',
      ),
    ).toContain('is an AWS managed policy, written for every account and wider than one service needs');
    expect(problems(role('      statements: [{ effect: Deny, actions: ["s3:Delete*"], resources: ["arn:aws:s3:::*"] }]\n'))).toEqual([]);
    expect(
      problems(`${patterns}guardrails: { waivers: { iam-no-wildcards: "a deployment tool that passes the roles it creates" } }\n`),
    ).toEqual([]);
  });
});

describe('managed policies the project owns', () => {
  const env = (name: string, arns: string[] = []) =>
    `${MINIMAL_ENVIRONMENT}environment: ${name}\nservices:\n  api:\n    image: docker.io/library/nginx:1.27\n    cpu: 256\n    memory: 512\n    taskRole:\n      managedPolicyArns: [${arns.map((a) => `"${a}"`).join(', ')}]\n${name.startsWith('prod') ? 'gitops: { approvers: [alice] }\n' : ''}`;
  const policy = (name: string) => `arn:aws:iam::123456789012:policy/${name}`;
  const refused = (arns: string[], extra: Record<string, string> = {}) =>
    problemsOf({ 'dev.yaml': env('dev', arns), 'prod.yaml': env('prod'), ...extra });

  it("refuses the boundaries, the GitHub roles' and the controller's policies, and other environments' policies, each named, at its key", () => {
    expect(
      refused([
        policy('shop-prod-gh-apply-1'),
        policy('shop-dev-boundary'),
        policy('shop-prod-boundary'),
        policy('shop-dev-gh-deploy-2'),
        policy('shop-prod-controller-1'),
        policy('shop-controller-task-1'),
        policy('shop-prod-reports'),
      ]),
    ).toEqual([
      `cfg/dev.yaml:17:27 services.api.taskRole.managedPolicyArns.0: ${policy('shop-prod-gh-apply-1')} is a policy of the GitHub Actions apply role of environment prod, which this project manages for its own roles; a service may not hold it: declare the statements the service needs in taskRole.statements, or attach a policy of your own whose name does not start with shop-<another environment>- or shop-controller`,
      expect.stringMatching(
        /^cfg\/dev\.yaml:17:\d+ services\.api\.taskRole\.managedPolicyArns\.1: \S+policy\/shop-dev-boundary is the permissions boundary of environment dev, /,
      ),
      expect.stringMatching(/managedPolicyArns\.2: \S+policy\/shop-prod-boundary is the permissions boundary of environment prod, /),
      expect.stringMatching(
        /managedPolicyArns\.3: \S+policy\/shop-dev-gh-deploy-2 is a policy of the GitHub Actions deploy role of environment dev, /,
      ),
      expect.stringMatching(
        /managedPolicyArns\.4: \S+policy\/shop-prod-controller-1 is a policy of the controller's role in environment prod, /,
      ),
      expect.stringMatching(/managedPolicyArns\.5: \S+policy\/shop-controller-task-1 is a policy of the GitOps controller, /),
      expect.stringMatching(/managedPolicyArns\.6: \S+policy\/shop-prod-reports is named for environment prod \(shop-prod-\*\), /),
    ]);
  });

  it("accepts the environment's own policies and others of the account, and tells dev-eu's own from dev's", () => {
    expect(refused([policy('shop-dev-reports'), policy('team-readonly'), policy('path/to/shop-dev-extra')])).toEqual([]);
    const siblings = { 'dev-eu.yaml': env('dev-eu', [policy('shop-dev-eu-reports')]) };
    expect(refused([policy('shop-dev-eu-reports')], siblings)).toEqual([
      expect.stringMatching(
        /^cfg\/dev\.yaml:\S+ services\.api\.taskRole\.managedPolicyArns\.0: \S+shop-dev-eu-reports is named for environment dev-eu/,
      ),
    ]);
    expect(
      problemsOf({ 'dev-eu.yaml': env('dev-eu', [policy('shop-dev-eu-reports'), policy('shop-dev-reports')]), 'dev.yaml': env('dev') }),
    ).toEqual([
      expect.stringMatching(
        /^cfg\/dev-eu\.yaml:\S+ services\.api\.taskRole\.managedPolicyArns\.1: \S+shop-dev-reports is named for environment dev \(shop-dev-\*\)/,
      ),
    ]);
  });
});

describe('networking a team already has', () => {
  it('adds existing security groups to the tasks and the load balancer', () => {
    const service = Object.values(resourcesOf(apps, 'aws_ecs_service')).find((s) => s.name === 'api');
    expect(service.network_configuration.security_groups).toEqual([
      expect.stringMatching(/^\$\{aws_security_group\./),
      'sg-0abc1234def567890',
    ]);
    const existing =
      `${withService('    image: docker.io/library/nginx:1.27\n    port: 80\n    assignPublicIp: true\n    routing: { paths: ["/*"], priority: 1 }\n')}`.replace(
        'network:\n  cidr: 10.0.0.0/16\n',
        'network:\n  existing: { vpcId: vpc-0123456789abcdef0, publicSubnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1], privateSubnetIds: [subnet-0123456789abcdef2, subnet-0123456789abcdef3], loadBalancerSecurityGroupIds: [sg-0123456789abcdef0] }\n',
      );
    const stack = synthEnvironment(configOf(existing));
    expect(Object.values(resourcesOf(stack, 'aws_lb'))[0].security_groups).toEqual([
      expect.stringMatching(/^\$\{aws_security_group\./),
      'sg-0123456789abcdef0',
    ]);
    expect(Object.values(resourcesOf(stack, 'aws_ecs_service'))[0].network_configuration).toMatchObject({
      assign_public_ip: true,
      subnets: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    });
  });

  it('gives public IPs only where the network allows them', () => {
    expect(
      problemOf(withService('    image: docker.io/library/nginx:1.27\n    assignPublicIp: true\n'), 'services.api.assignPublicIp'),
    ).toContain('tasks of a VPC with NAT gateways run in private subnets');
    const noNat = withService('    image: docker.io/library/nginx:1.27\n    assignPublicIp: false\n').replace(
      'cidr: 10.0.0.0/16',
      'cidr: 10.0.0.0/16\n  natGateways: none',
    );
    expect(problemOf(noNat, 'services.api.assignPublicIp')).toContain(
      'without NAT gateways, tasks reach ECR and AWS APIs only through a public IP',
    );
  });
});

describe('DNS and certificates', () => {
  it('points every routing host at the load balancer with A and AAAA alias records', () => {
    const lbId = Object.keys(resourcesOf(apps, 'aws_lb'))[0]!;
    const aliases = Object.values(resourcesOf(apps, 'aws_route53_record')).filter((r) => r.alias);
    expect(aliases.map((r) => [r.name, r.type, r.zone_id])).toEqual([
      ['api.example.com', 'A', 'Z0123456789ABCDEFGHIJ'],
      ['api.example.com', 'AAAA', 'Z0123456789ABCDEFGHIJ'],
      ['www.example.com', 'A', 'Z0123456789ABCDEFGHIJ'],
      ['www.example.com', 'AAAA', 'Z0123456789ABCDEFGHIJ'],
    ]);
    for (const record of aliases) {
      expect(record.alias).toEqual({
        name: ref('aws_lb', lbId, 'dns_name'),
        zone_id: ref('aws_lb', lbId, 'zone_id'),
        evaluate_target_health: true,
      });
    }
  });

  it('validates new certificates in the zone of dns unless a certificate names its own', () => {
    const validation = Object.values(resourcesOf(apps, 'aws_route53_record')).filter((r) => r.for_each);
    expect(validation.map((r) => r.zone_id)).toEqual(['Z0123456789ABCDEFGHIJ', 'Z0123456789ABCDEFGHIJ']);
  });

  it('serves the first certificate by default and the others by SNI, an existing ARN included', () => {
    const https = Object.entries(resourcesOf(apps, 'aws_lb_listener')).find(([, l]) => l.port === 443)!;
    const validated = (name: string) =>
      ref(
        'aws_acm_certificate_validation',
        idOf(apps, 'aws_acm_certificate_validation', (_v) => true && _v.certificate_arn.includes(`certificate-${name}_`)),
        'certificate_arn',
      );
    expect(https[1].certificate_arn).toBe(validated('web'));
    const sni = Object.values(resourcesOf(apps, 'aws_lb_listener_certificate'));
    expect(sni.map((c) => [c.listener_arn, c.certificate_arn])).toEqual([
      [ref('aws_lb_listener', https[0], 'arn'), validated('api')],
      [ref('aws_lb_listener', https[0], 'arn'), 'arn:aws:acm:us-east-1:210987654321:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789'],
    ]);
    expect(Object.keys(resourcesOf(apps, 'aws_acm_certificate'))).toHaveLength(2);
  });

  const routed = (more: string, hosts = '[api.example.com]') =>
    `${withService(`    image: docker.io/library/nginx:1.27\n    port: 80\n    routing: { hosts: ${hosts}, priority: 1 }\n`)}${more}`;

  it('are checked against the zone, the certificates and the environment', () => {
    expect(
      problemOf(routed('dns: { hostedZoneId: Z0123456789ABCDEFGHIJ, domain: example.org }\n'), 'services.api.routing.hosts.0'),
    ).toContain('api.example.com is not inside dns.domain example.org');
    expect(
      problemOf(routed('dns: { hostedZoneId: Z0123456789ABCDEFGHIJ }\n', '["api?.example.com"]'), 'services.api.routing.hosts.0'),
    ).toContain('is a pattern, not a DNS name');
    const certificates = 'certificates: { web: { domain: example.com } }\n';
    expect(
      problemOf(
        routed(`${certificates}loadBalancer: { certificate: web, additionalCertificates: [api] }\n`),
        'loadBalancer.additionalCertificates.0',
      ),
    ).toContain('no certificate "api" under certificates; use one of web');
    expect(
      problemOf(routed(`${certificates}loadBalancer: { additionalCertificates: [web] }\n`), 'loadBalancer.additionalCertificates.0'),
    ).toContain('SNI certificates need a default one');
    expect(
      problemOf(
        routed(
          'certificates: { old: { arn: "arn:aws:acm:us-east-1:123456789012:certificate/abc" } }\nloadBalancer: { certificate: old }\n',
        ),
        'certificates.old.arn',
      ),
    ).toContain('a load balancer uses certificates of its own account and region (123456789012, eu-west-1)');
    expect(
      problemOf(
        routed(
          'certificates: { old: { arn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc", hostedZoneId: Z0123456789ABCDEFGHIJ } }\n',
        ),
        'certificates.old.arn',
      ),
    ).toContain('takes no subjectAlternativeNames or hostedZoneId');
  });
});

describe('alarm control', () => {
  it('sends every alarm to an existing topic and creates none', () => {
    const alarms = Object.values(resourcesOf(apps, 'aws_cloudwatch_metric_alarm'));
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect(alarm.alarm_actions).toEqual(['arn:aws:sns:us-east-1:210987654321:ops']);
      expect(alarm.ok_actions).toEqual(['arn:aws:sns:us-east-1:210987654321:ops']);
    }
    expect(resourcesOf(apps, 'aws_sns_topic')).toEqual({});
  });

  it('counts the alarms an environment creates, per kind switched on', () => {
    // api: 3 service + 3 target alarms; reports: 3 service alarms; the load balancer: 1; the database: 4.
    expect(alarmCount(apps)).toBe(14);
    const noServices = synthEnvironment(
      configOf(`${withService('    image: docker.io/library/nginx:1.27\n')}monitoring: { alarms: { services: false } }\n`),
    );
    expect(alarmCount(noServices)).toBe(0);
    expect(formatAlarmCount('apps', 14)).toBe("apps: 14 alarm(s) (4 beyond the free tier's 10, about $0.10 each a month)");
    expect(formatAlarmCount('dev', 3)).toBe("dev: 3 alarm(s) (within the free tier's 10)");
  });

  it("counts the two alarms Application Auto Scaling creates per target-tracking policy, in the free tier's 10 too", () => {
    // qa-: one service with a requests-per-target policy (and a schedule, which creates no alarm).
    const stack = synthEnvironment(fixture('qa-'));
    const own = Object.keys(resourcesOf(stack, 'aws_cloudwatch_metric_alarm')).length;
    expect(Object.keys(resourcesOf(stack, 'aws_appautoscaling_policy'))).toHaveLength(1);
    expect(alarmBreakdown(stack)).toEqual({ own, autoscaling: 2 });
    expect(alarmCount(stack)).toBe(own + 2);
    expect(formatAlarmCount('qa-', 9, 2)).toBe("qa-: 9 alarm(s), 2 of them by target-tracking autoscaling (within the free tier's 10)");
    expect(formatAlarmCount('prod', 12, 4)).toBe(
      "prod: 12 alarm(s), 4 of them by target-tracking autoscaling (2 beyond the free tier's 10, about $0.10 each a month)",
    );
  });

  it('are switched off by kind', () => {
    const config = fixture('apps');
    const without = (kind: 'targets' | 'databases' | 'loadBalancer') =>
      alarmCount(
        synthEnvironment({ ...config, monitoring: { ...config.monitoring, alarms: { ...config.monitoring.alarms, [kind]: false } } }),
      );
    expect([without('targets'), without('databases'), without('loadBalancer')]).toEqual([11, 10, 13]);
  });

  it('are counted by synth', async () => {
    const out = mkdtempSync(join(tmpdir(), 'alarm-count-'));
    try {
      const result = await cli(['synth', '--config', UNUSUAL_DIR, '--env', 'apps', '--out', out]);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain("apps: 14 alarm(s) (4 beyond the free tier's 10, about $0.10 each a month)");
      // The example dev's api has one target-tracking policy.
      const dev = await cli(['synth', '--config', EXAMPLES_DIR, '--env', 'dev', '--out', out]);
      expect(dev.stdout).toMatch(/dev: \d+ alarm\(s\), 2 of them by target-tracking autoscaling \(/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('turns every alarm and the topic off, in production only with a waiver', () => {
    expect(resourcesOf(production, 'aws_cloudwatch_metric_alarm')).toEqual({});
    expect(resourcesOf(production, 'aws_sns_topic')).toEqual({});
    const prod = `${withService('    image: docker.io/library/nginx:1.27\n')}production: true\ngitops: { approvers: [alice] }\nmonitoring: { alarms: { enabled: false } }\n`;
    expect(problemOf(prod, 'monitoring.alarms.enabled')).toContain(
      'a production environment without alarms fails silently; keep alarms on, or waive alarms-enabled',
    );
    expect(problems(`${prod}guardrails: { waivers: { alarms-enabled: "a short-lived load test environment" } }\n`)).toEqual([]);
  });

  it('refuses a topic of another region, and subscribes alarmEmails to an existing topic', () => {
    const base = withService('    image: docker.io/library/nginx:1.27\n');
    expect(problemOf(`${base}monitoring: { topicArn: "arn:aws:sns:us-east-1:123456789012:ops" }\n`, 'monitoring.topicArn')).toContain(
      'CloudWatch alarms notify topics of their own region (eu-west-1)',
    );
    const stack = synthEnvironment(
      configOf(`${base}monitoring: { topicArn: "arn:aws:sns:eu-west-1:123456789012:ops", alarmEmails: [a@example.com] }\n`),
    );
    expect(Object.values(resourcesOf(stack, 'aws_sns_topic_subscription'))).toEqual([
      { topic_arn: 'arn:aws:sns:eu-west-1:123456789012:ops', protocol: 'email', endpoint: 'a@example.com' },
    ]);
    expect(resourcesOf(stack, 'aws_sns_topic')).toEqual({});
  });
});

describe('container settings', () => {
  const [api] = containersOf(apps, 'internal-tools-apps-api');

  it('reach the main container: user, ulimits, working directory, labels, health check, stop timeout', () => {
    expect(api).toMatchObject({
      user: '10001:10001',
      workingDirectory: '/srv',
      ulimits: [{ name: 'nofile', softLimit: 65536, hardLimit: 65536 }],
      dockerLabels: { team: 'payments' },
      stopTimeout: 60,
      healthCheck: {
        command: ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1'],
        interval: 15,
        timeout: 5,
        retries: 4,
        startPeriod: 20,
      },
    });
    const teleport = containersOf(apps, 'internal-tools-apps-api')[2]!;
    expect([teleport.user, teleport.stopTimeout]).toEqual(['10002:10002', 10]);
  });

  it('are checked', () => {
    const base = (yaml: string) => withService(`    image: docker.io/library/nginx:1.27\n${yaml}`);
    expect(problemOf(base('    user: "0:0"\n'), 'services.api.user')).toContain('UID 0 is root');
    expect(problemOf(base('    ulimits: [{ name: nofile, soft: 10, hard: 5 }]\n'), 'services.api.ulimits.0.soft')).toContain(
      'soft 10 is above hard 5',
    );
    expect(
      problemOf(
        base('    healthCheck: { command: "true", timeoutSeconds: 90, intervalSeconds: 120 }\n'),
        'services.api.healthCheck.timeoutSeconds',
      ),
    ).toContain('60 seconds at most');
    expect(problemOf(base('    healthCheck: { command: "true", retries: 11 }\n'), 'services.api.healthCheck.retries')).toContain(
      'must be at most 10',
    );
  });
});

describe('RDS windows', () => {
  it('reach the instance', () => {
    expect(Object.values(resourcesOf(apps, 'aws_db_instance'))[0]).toMatchObject({
      backup_window: '02:00-02:45',
      maintenance_window: 'sat:23:30-sun:00:30',
    });
  });

  const database = (windows: string) =>
    `${MINIMAL_ENVIRONMENT}databases:\n  main: { engine: postgres, engineVersion: "16.4", instanceClass: db.t4g.medium, ${windows} }\n`;

  it("are at least 30 minutes and do not overlap, across midnight and the week's end", () => {
    expect(problems(database('backupWindow: "23:45-00:30", maintenanceWindow: "mon:01:00-mon:02:00"'))).toEqual([]);
    expect(
      problemOf(database('backupWindow: "23:45-00:30", maintenanceWindow: "mon:00:00-mon:01:00"'), 'databases.main.maintenanceWindow'),
    ).toContain('overlaps the daily backup window 23:45-00:30');
    expect(
      problemOf(database('backupWindow: "03:00-04:00", maintenanceWindow: "sun:23:30-mon:03:30"'), 'databases.main.maintenanceWindow'),
    ).toContain('overlaps');
    expect(problemOf(database('backupWindow: "03:00-03:15"'), 'databases.main.backupWindow')).toContain(
      'at least 30 minutes; 03:00-03:15 is 15',
    );
    expect(problemOf(database('maintenanceWindow: "sun:25:00-sun:26:00"'), 'databases.main.maintenanceWindow')).toContain(
      'ddd:hh:mm-ddd:hh:mm in UTC',
    );
  });
});
