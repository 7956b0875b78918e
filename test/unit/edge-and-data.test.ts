/** Edge and data: load balancer, certificates, RDS, DynamoDB and the allowedServices wiring. */
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { SecretsmanagerSecretRotation } from '@cdktf/provider-aws/lib/secretsmanager-secret-rotation';
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import { READ_ACTIONS, WRITE_ACTIONS } from '../../src/modules/dynamodb/table';
import { MINIMAL_ENVIRONMENT, configOf, exampleConfig, problemsOf, resourcesOf, synthEnvironment } from '../support/helpers';

const prod = synthEnvironment(exampleConfig('prod'));
const dev = synthEnvironment(exampleConfig('dev'));

const find = (stack: string, type: string, predicate: (r: any) => boolean) =>
  Object.entries(resourcesOf(stack, type)).find(([, r]) => predicate(r));
const idOf = (stack: string, type: string, predicate: (r: any) => boolean) => find(stack, type, predicate)![0];
const containerOf = (stack: string, service: string, env = 'prod'): ContainerDefinition =>
  JSON.parse(find(stack, 'aws_ecs_task_definition', (t) => t.family === `shop-${env}-${service}`)![1].container_definitions)[0];
const roleId = (stack: string, name: string) => idOf(stack, 'aws_iam_role', (r) => r.name === name);
const policiesOfRole = (stack: string, role: string) =>
  Object.values(resourcesOf(stack, 'aws_iam_role_policy'))
    .filter((p) => p.role === `\${aws_iam_role.${roleId(stack, role)}.id}`)
    .map((p) => JSON.parse(p.policy));

describe('load balancer', () => {
  it('is hardened: invalid headers dropped, defensive desync mitigation, deletion protection in prod', () => {
    expect(prod).toHaveResourceWithProperties(Lb, {
      name: 'shop-prod',
      load_balancer_type: 'application',
      internal: false,
      drop_invalid_header_fields: true,
      desync_mitigation_mode: 'defensive',
      idle_timeout: 60,
      enable_deletion_protection: true,
      access_logs: { bucket: 'shop-prod-alb-logs-123456789012-eu-west-1', enabled: true },
    });
    expect(dev).toHaveResourceWithProperties(Lb, { enable_deletion_protection: false });
  });

  it('sits in the public subnets, or the private ones when internal', () => {
    const [lb] = Object.values(resourcesOf(prod, 'aws_lb'));
    expect(lb.subnets.every((s: string) => s.includes('network_public-'))).toBe(true);
    const internal = synthEnvironment(
      configOf(`${MINIMAL_ENVIRONMENT}loadBalancer: { internal: true, accessLogs: false }
services:
  api: { image: "docker.io/library/nginx:1.27", cpu: 256, memory: 512, port: 80, routing: { paths: ["/*"], priority: 1 } }
`),
    );
    const [internalLb] = Object.values(resourcesOf(internal, 'aws_lb'));
    expect(internalLb.internal).toBe(true);
    expect(internalLb.subnets.every((s: string) => s.includes('network_private-'))).toBe(true);
  });

  it('opens only the listener ports to the allowed CIDRs', () => {
    const albGroup = idOf(prod, 'aws_security_group', (g) => g.name === 'shop-prod-alb');
    const ingress = Object.values(resourcesOf(prod, 'aws_vpc_security_group_ingress_rule')).filter((r) =>
      r.security_group_id.includes(albGroup),
    );
    expect(ingress.map((r) => [r.from_port, r.to_port, r.cidr_ipv4]).sort()).toEqual([
      [443, 443, '0.0.0.0/0'],
      [80, 80, '0.0.0.0/0'],
    ]);
    const egress = Object.values(resourcesOf(prod, 'aws_vpc_security_group_egress_rule')).filter((r) =>
      r.security_group_id.includes(albGroup),
    );
    expect(egress.map((r) => [r.description, r.referenced_security_group_id !== undefined]).sort()).toEqual([
      ['To service api on port 8080', true],
      ['To service web on port 3000', true],
    ]);
  });

  it('serves HTTPS with the configured policy and the validated certificate, and redirects HTTP', () => {
    expect(prod).toHaveResourceWithProperties(LbListener, {
      port: 443,
      protocol: 'HTTPS',
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      certificate_arn: expect.stringMatching(/^\$\{aws_acm_certificate_validation\..*\.certificate_arn\}$/),
      default_action: [
        expect.objectContaining({ type: 'fixed-response', fixed_response: expect.objectContaining({ status_code: '404' }) }),
      ],
    });
    expect(prod).toHaveResourceWithProperties(LbListener, {
      port: 80,
      protocol: 'HTTP',
      default_action: [
        expect.objectContaining({ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' } }),
      ],
    });
  });

  it('serves plain HTTP with a 404 default when there is no certificate', () => {
    const http = synthEnvironment(
      configOf(`${MINIMAL_ENVIRONMENT}services:
  api: { image: "docker.io/library/nginx:1.27", cpu: 256, memory: 512, port: 80, routing: { paths: ["/*"], priority: 1 } }
`),
    );
    const listeners = Object.values(resourcesOf(http, 'aws_lb_listener'));
    expect(listeners).toHaveLength(1);
    expect(listeners[0]).toMatchObject({
      port: 80,
      protocol: 'HTTP',
      default_action: [expect.objectContaining({ type: 'fixed-response' })],
    });
  });

  it("writes access logs to a private, encrypted, expiring bucket the region's log delivery may write to", () => {
    expect(prod).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
    });
    const policy = JSON.parse(find(prod, 'aws_s3_bucket_policy', () => true)![1].policy);
    expect(policy.Statement[0]).toEqual({
      Sid: 'LoadBalancerLogDelivery',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::156460612806:root' },
      Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::shop-prod-alb-logs-123456789012-eu-west-1/AWSLogs/123456789012/*',
    });
    expect(policy.Statement[1]).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(find(prod, 'aws_s3_bucket', () => true)![1].force_destroy).toBe(false);
  });

  it('routes each service through its own ip target group and listener rule', () => {
    const groups = Object.values(resourcesOf(prod, 'aws_lb_target_group'));
    expect(groups.map((g) => [g.name, g.port, g.target_type, g.health_check.path]).sort()).toEqual([
      ['shop-prod-api', 8080, 'ip', '/health'],
      ['shop-prod-web', 3000, 'ip', '/healthz'],
    ]);
    const rules = Object.values(resourcesOf(prod, 'aws_lb_listener_rule')).map((r) => [r.priority, r.condition]);
    expect(rules).toEqual(
      expect.arrayContaining([
        [100, [{ host_header: { values: ['api.shop.example.com'] } }, { path_pattern: { values: ['/api/*'] } }]],
        [200, [{ host_header: { values: ['shop.example.com', 'www.shop.example.com'] } }]],
      ]),
    );
  });

  it('attaches services to their target group after the rule exists, with a grace period', () => {
    const [, api] = find(prod, 'aws_ecs_service', (s) => s.name === 'api')!;
    expect(api.load_balancer).toEqual([
      { container_name: 'api', container_port: 8080, target_group_arn: expect.stringMatching(/aws_lb_target_group/) },
    ]);
    expect(api.health_check_grace_period_seconds).toBe(60);
    expect(api.depends_on).toEqual([
      expect.stringMatching(/^aws_ecs_cluster_capacity_providers\./),
      expect.stringMatching(/^aws_iam_role_policy\..*execution-policy/),
      expect.stringMatching(/^aws_lb_listener_rule\./),
    ]);
  });

  it('lets routed services accept traffic from the load balancer only', () => {
    const apiGroup = idOf(prod, 'aws_security_group', (g) => g.name === 'shop-prod-api');
    const ingress = Object.values(resourcesOf(prod, 'aws_vpc_security_group_ingress_rule')).filter((r) =>
      r.security_group_id.includes(apiGroup),
    );
    expect(ingress.map((r) => r.description).sort()).toEqual([
      'From service web to port 8080',
      'From service worker to port 8080',
      'From the load balancer to port 8080',
    ]);
    expect(ingress.every((r) => r.cidr_ipv4 === undefined)).toBe(true);
  });

  it('scales on requests per target with the load balancer and target group label', () => {
    expect(prod).toHaveResourceWithProperties(AppautoscalingPolicy, {
      name: 'shop-prod-api-requests',
      target_tracking_scaling_policy_configuration: expect.objectContaining({
        target_value: 1000,
        predefined_metric_specification: {
          predefined_metric_type: 'ALBRequestCountPerTarget',
          resource_label: expect.stringMatching(/^\$\{aws_lb\..*\.arn_suffix\}\/\$\{aws_lb_target_group\..*\.arn_suffix\}$/),
        },
      }),
    });
  });

  it('is not created when no service is routed', () => {
    expect(synthEnvironment(configOf(MINIMAL_ENVIRONMENT))).not.toHaveResource(Lb);
  });

  it('keeps every generated name within its AWS limit for the longest names', () => {
    const long = synthEnvironment(
      configOf(`${MINIMAL_ENVIRONMENT.replace('project: shop', 'project: a-very-long-project1')}environment: production-eu-west
gitops: { approvers: [alice] }
services:
  a-rather-long-service-name-here:
    image: "docker.io/library/nginx:1.27"
    cpu: 256
    memory: 512
    port: 80
    routing: { paths: ["/*"], priority: 1 }
databases:
  a-rather-long-database-name-xx:
    engine: postgres
    engineVersion: "16.4"
    instanceClass: db.t4g.medium
`),
    );
    const [lb] = Object.values(resourcesOf(long, 'aws_lb'));
    const [group] = Object.values(resourcesOf(long, 'aws_lb_target_group'));
    const [db] = Object.values(resourcesOf(long, 'aws_db_instance'));
    expect(lb.name.length).toBeLessThanOrEqual(32);
    expect(group.name.length).toBeLessThanOrEqual(32);
    expect(db.identifier).toMatch(/^[a-z](?!.*--)[a-z0-9-]{0,62}$/);
    expect(db.identifier).not.toMatch(/-$/);
    for (const role of Object.values(resourcesOf(long, 'aws_iam_role'))) expect(role.name.length).toBeLessThanOrEqual(64);
    for (const bucket of Object.values(resourcesOf(long, 'aws_s3_bucket'))) expect(bucket.bucket.length).toBeLessThanOrEqual(63);
  });
});

describe('certificates', () => {
  it('requests a DNS-validated certificate with its alternative names, replaced before destroyed', () => {
    expect(prod).toHaveResourceWithProperties(AcmCertificate, {
      domain_name: 'shop.example.com',
      subject_alternative_names: ['*.shop.example.com'],
      validation_method: 'DNS',
      lifecycle: { create_before_destroy: true },
    });
  });

  it('creates the validation records keyed by names from config, and waits for validation', () => {
    const [, record] = find(prod, 'aws_route53_record', () => true)!;
    expect(record.for_each).toBe('${toset(["*.shop.example.com", "shop.example.com"])}');
    expect(record).toMatchObject({ zone_id: 'Z0123456789ABCDEFGHIJ', allow_overwrite: true, ttl: 60 });
    expect(prod).toHaveResource(AcmCertificateValidation);
  });

  it('leaves validation to the user (and outputs the records) without a hosted zone', () => {
    const text = `${MINIMAL_ENVIRONMENT}certificates:\n  web: { domain: app.example.com }\n`;
    const stack = synthEnvironment(configOf(text));
    expect(stack).not.toHaveResource(Route53Record);
    expect(stack).not.toHaveResource(AcmCertificateValidation);
    expect(Object.keys(JSON.parse(stack).output)).toEqual(expect.arrayContaining([expect.stringMatching(/validation-records/)]));
  });
});

describe('databases', () => {
  const secretId = idOf(prod, 'aws_secretsmanager_secret', (s) => s.name === 'shop-prod/database/main');

  const instanceId = idOf(prod, 'aws_db_instance', (d) => d.identifier === 'shop-prod-main');
  const switchId = Object.keys(JSON.parse(prod).resource.terraform_data).find((id) => id.startsWith('database-main_master-secret-switch'));
  // The managed secret's ARN, or (only in the plan that switches an existing instance over) the marker's unknown ID.
  const masterSecret = `\${try(aws_db_instance.${instanceId}.master_user_secret[0].secret_arn, terraform_data.${switchId}.id)}`;

  it('lets RDS generate and keep the master password: no random_password, no password attribute', () => {
    expect(prod).toHaveResourceWithProperties(DbInstance, { identifier: 'shop-prod-main', manage_master_user_password: true });
    for (const stack of [prod, dev]) {
      expect(JSON.parse(stack).resource.random_password).toBeUndefined();
      expect(JSON.parse(stack).provider.random).toBeUndefined();
      for (const instance of Object.values(resourcesOf(stack, 'aws_db_instance'))) expect(instance.password).toBeUndefined();
    }
    expect(JSON.parse(prod).output.database_master_secret_arn_main.value).toBe(masterSecret);
  });

  it("rotates the managed secret on RDS's own schedule, or on passwordRotationDays through Terraform", () => {
    expect(prod).not.toHaveResource(SecretsmanagerSecretRotation);
    const rotated = synthEnvironment(
      configOf(
        `${MINIMAL_ENVIRONMENT}databases:\n  orders: { engine: mysql, engineVersion: "8.0.35", instanceClass: db.t4g.medium, passwordRotationDays: 30 }\n`,
      ),
    );
    const [[, rotation]] = Object.entries(resourcesOf(rotated, 'aws_secretsmanager_secret_rotation'));
    expect(rotation).toEqual({
      secret_id: expect.stringMatching(
        /^\$\{try\(aws_db_instance\.database-orders_instance_[0-9A-F]{8}\.master_user_secret\[0\]\.secret_arn, terraform_data\.database-orders_master-secret-switch_[0-9A-F]{8}\.id\)\}$/,
      ),
      rotation_rules: { automatically_after_days: 30 },
    });
    expect(
      problemsOf({
        'dev.yaml': `${MINIMAL_ENVIRONMENT}databases:\n  orders: { engine: mysql, engineVersion: "8.0.35", instanceClass: db.t4g.medium, passwordRotationDays: 0 }\n`,
      }),
    ).toEqual(['cfg/dev.yaml:11:105 databases.orders.passwordRotationDays: must be at least 1']);
  });

  it('forces TLS through a parameter group of the engine family', () => {
    expect(prod).toHaveResourceWithProperties(DbParameterGroup, {
      family: 'postgres16',
      parameter: [{ name: 'rds.force_ssl', value: '1', apply_method: 'pending-reboot' }],
    });
    const mysql = synthEnvironment(
      configOf(`${MINIMAL_ENVIRONMENT}databases:\n  orders: { engine: mysql, engineVersion: "8.0.35", instanceClass: db.t4g.medium }\n`),
    );
    expect(mysql).toHaveResourceWithProperties(DbParameterGroup, {
      family: 'mysql8.0',
      parameter: [expect.objectContaining({ name: 'require_secure_transport', value: '1' })],
    });
    expect(mysql).toHaveResourceWithProperties(DbInstance, { port: 3306, enabled_cloudwatch_logs_exports: ['error', 'slowquery'] });
  });

  it('is encrypted, private, backed up, protected and monitored in prod', () => {
    expect(prod).toHaveResourceWithProperties(DbInstance, {
      identifier: 'shop-prod-main',
      engine: 'postgres',
      engine_version: '16.4',
      instance_class: 'db.r7g.large',
      storage_type: 'gp3',
      storage_encrypted: true,
      publicly_accessible: false,
      multi_az: true,
      allocated_storage: 100,
      max_allocated_storage: 500,
      backup_retention_period: 14,
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: 'shop-prod-main-final',
      copy_tags_to_snapshot: true,
      auto_minor_version_upgrade: true,
      performance_insights_enabled: true,
      monitoring_interval: 60,
      enabled_cloudwatch_logs_exports: ['postgresql', 'upgrade'],
      maintenance_window: 'sun:04:30-sun:05:30',
    });
    expect(dev).toHaveResourceWithProperties(DbInstance, {
      multi_az: false,
      deletion_protection: false,
      skip_final_snapshot: true,
      monitoring_interval: 0,
      performance_insights_enabled: false,
    });
  });

  it('keeps the connection details but no password in its own secret, and no password in the synthesized JSON', () => {
    const [, version] = find(prod, 'aws_secretsmanager_secret_version', () => true)!;
    for (const key of ['engine', 'host', 'port', 'dbname', 'username']) expect(version.secret_string).toContain(`"${key}" =`);
    expect(version.secret_string).not.toContain('password');
    expect(prod).not.toMatch(/random_password|"password":/);
  });

  it('lets exactly the allowed services reach the port and read the two secrets', () => {
    const dbGroup = idOf(prod, 'aws_security_group', (g) => g.name === 'shop-prod-main-db');
    const ingress = Object.values(resourcesOf(prod, 'aws_vpc_security_group_ingress_rule')).filter((r) =>
      r.security_group_id.includes(dbGroup),
    );
    expect(ingress.map((r) => [r.description, r.from_port]).sort()).toEqual([
      ['From service api to port 5432', 5432],
      ['From service worker to port 5432', 5432],
    ]);
    const readers = (role: string) =>
      policiesOfRole(prod, role)
        .flatMap((p) => p.Statement)
        .filter((s: any) => s.Sid === 'ReadSecrets')
        .flatMap((s: any) => s.Resource);
    expect(readers('shop-prod-api-execution')).toEqual(
      expect.arrayContaining([`\${aws_secretsmanager_secret.${secretId}.arn}`, masterSecret]),
    );
    expect(readers('shop-prod-worker-execution')).toEqual([`\${aws_secretsmanager_secret.${secretId}.arn}`, masterSecret]);
    expect(readers('shop-prod-web-execution')).toEqual([]);
    // The managed secret uses Secrets Manager's AWS managed key: no KMS grant is needed, and none is given.
    expect(
      policiesOfRole(prod, 'shop-prod-worker-execution')
        .flatMap((p) => p.Statement)
        .flatMap((s: any) => [s.Action].flat()),
    ).not.toContain('kms:Decrypt');
  });

  it("injects the connection details as container secrets into allowed services only, the password from RDS's secret", () => {
    const secrets = containerOf(prod, 'worker').secrets!.map((s) => [s.name, s.valueFrom]);
    expect(secrets).toEqual(
      ['ENGINE', 'HOST', 'NAME', 'PASSWORD', 'PORT', 'USERNAME'].map((suffix) => [
        `DB_MAIN_${suffix}`,
        suffix === 'PASSWORD'
          ? `${masterSecret}:password::`
          : `\${aws_secretsmanager_secret.${secretId}.arn}:${{ ENGINE: 'engine', HOST: 'host', NAME: 'dbname', PORT: 'port', USERNAME: 'username' }[suffix]}::`,
      ]),
    );
    expect(containerOf(prod, 'web').secrets).toEqual([]);
  });

  it('creates the engine log groups with retention before RDS would', () => {
    const groups = Object.values(resourcesOf(prod, 'aws_cloudwatch_log_group')).filter((g) => g.name.startsWith('/aws/rds/'));
    expect(groups.map((g) => [g.name, g.retention_in_days])).toEqual([
      ['/aws/rds/instance/shop-prod-main/postgresql', 90],
      ['/aws/rds/instance/shop-prod-main/upgrade', 90],
    ]);
  });
});

describe('DynamoDB tables', () => {
  it('derives the attribute definitions once from the keys and index keys', () => {
    expect(prod).toHaveResourceWithProperties(DynamodbTable, {
      name: 'shop-prod-sessions',
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'pk',
      range_key: 'sk',
      attribute: [
        { name: 'gsi1pk', type: 'S' },
        { name: 'pk', type: 'S' },
        { name: 'sk', type: 'S' },
      ],
      global_secondary_index: [{ name: 'gsi1', hash_key: 'gsi1pk', projection_type: 'ALL' }],
      ttl: { attribute_name: 'expiresAt', enabled: true },
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: true,
    });
  });

  it('sets capacity only with PROVISIONED billing, for the table and its indexes', () => {
    const stack = synthEnvironment(
      configOf(`${MINIMAL_ENVIRONMENT}dynamodb:
  orders:
    billingMode: PROVISIONED
    readCapacity: 5
    writeCapacity: 2
    hashKey: { name: id, type: S }
    globalSecondaryIndexes: [{ name: by-customer, hashKey: { name: customer, type: S }, projection: { include: [total] }, readCapacity: 1, writeCapacity: 1 }]
`),
    );
    expect(stack).toHaveResourceWithProperties(DynamodbTable, {
      read_capacity: 5,
      write_capacity: 2,
      global_secondary_index: [
        {
          name: 'by-customer',
          hash_key: 'customer',
          projection_type: 'INCLUDE',
          non_key_attributes: ['total'],
          read_capacity: 1,
          write_capacity: 1,
        },
      ],
      deletion_protection_enabled: false,
    });
  });

  it('grants exactly the read or write actions on the table and its indexes to the listed services', () => {
    const tableId = idOf(prod, 'aws_dynamodb_table', () => true);
    const resources = [`\${aws_dynamodb_table.${tableId}.arn}`, `\${aws_dynamodb_table.${tableId}.arn}/index/*`];
    const grants = (role: string) =>
      policiesOfRole(prod, role)
        .flatMap((p) => p.Statement)
        .filter((s: any) => /Table$/.test(s.Sid));
    expect(grants('shop-prod-api-task')).toEqual([
      { Sid: 'ReadTable', Effect: 'Allow', Action: READ_ACTIONS, Resource: resources },
      { Sid: 'WriteTable', Effect: 'Allow', Action: WRITE_ACTIONS, Resource: resources },
    ]);
    expect(grants('shop-prod-web-task')).toEqual([{ Sid: 'ReadTable', Effect: 'Allow', Action: READ_ACTIONS, Resource: resources }]);
    expect(grants('shop-prod-worker-task')).toEqual([]);
  });

  it('tells the listed services the table name', () => {
    expect(containerOf(prod, 'web').environment).toContainEqual({ name: 'DYNAMODB_SESSIONS_TABLE', value: 'shop-prod-sessions' });
    expect(containerOf(prod, 'worker').environment!.map((e) => e.name)).not.toContain('DYNAMODB_SESSIONS_TABLE');
  });
});

describe('validation of the wiring', () => {
  it('rejects a service variable that the project injects', () => {
    const text = `${MINIMAL_ENVIRONMENT}services:
  api:
    image: "docker.io/library/nginx:1.27"
    cpu: 256
    memory: 512
    environment: { DB_MAIN_HOST: localhost }
databases:
  main: { engine: postgres, engineVersion: "16.4", instanceClass: db.t4g.medium, allowedServices: [api] }
`;
    expect(problemsOf({ 'dev.yaml': text })).toEqual([
      'cfg/dev.yaml:15:34 services.api.environment.DB_MAIN_HOST: DB_MAIN_HOST is set by the project from databases.main; rename this variable',
    ]);
  });

  it('rejects Performance Insights on a class that lacks it', () => {
    expect(
      problemsOf({
        'dev.yaml': `${MINIMAL_ENVIRONMENT}databases:\n  main: { engine: postgres, engineVersion: "16.4", instanceClass: db.t4g.micro, performanceInsights: true }\n`,
      }),
    ).toEqual([
      'cfg/dev.yaml:11:102 databases.main.performanceInsights: db.t4g.micro does not support Performance Insights; use a larger class or set performanceInsights: false',
    ]);
  });
});
