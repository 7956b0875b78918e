/** Guardrails: one compliant and one non-compliant stack per rule, then the example environments. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportJson } from '../../src/cli/report';
import { evaluateGuardrails } from '../../src/core/index';
import { RULE_IDS, RULES } from '../../src/guardrails/index';
import { defineRule, resources, type GuardrailRule, type StackJson } from '../../src/guardrails/rule';
import { formatReport, runGuardrails, WHOLE_STACK } from '../../src/guardrails/run';
import { TELEPORT_GUARDRAIL_FIXTURES } from '../fixtures/teleport/guardrail-fixtures';
import { JOBS_GUARDRAIL_FIXTURES } from '../fixtures/jobs/guardrail-fixtures';
import { WORKLOAD_GUARDRAIL_FIXTURES } from '../fixtures/workloads/guardrail-fixtures';
import { MINIMAL_ENVIRONMENT, exampleConfigs, problemsOf } from '../support/helpers';

const stack = (resource: Record<string, Record<string, any>>): StackJson => ({ resource });
const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const containers = (...definitions: object[]) => JSON.stringify(definitions);
const ref = (address: string, attribute = 'id') => `\${${address}.${attribute}}`;
const bucket = { aws_s3_bucket: { b: { bucket: 'x' } } };
const tlsDeny = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
const publicLb = (groups: string[]) => ({ aws_lb: { lb: { internal: false, security_groups: groups } } });

/** For every rule: a stack it accepts, a stack it rejects, and what the rejection says. */
const FIXTURES: Record<string, { pass: StackJson; fail: StackJson; says: RegExp }> = {
  'alarm-actions': {
    pass: stack({
      aws_cloudwatch_metric_alarm: { a: { alarm_actions: [ref('aws_sns_topic.t', 'arn')], ok_actions: [ref('aws_sns_topic.t', 'arn')] } },
    }),
    fail: stack({ aws_cloudwatch_metric_alarm: { a: { alarm_actions: [ref('aws_sns_topic.t', 'arn')] } } }),
    says: /notifies nobody/,
  },
  'alarms-enabled': {
    pass: stack({ aws_ecs_service: { s: {} }, aws_cloudwatch_metric_alarm: { a: {} } }),
    fail: stack({ aws_ecs_service: { s: {} } }),
    says: /nothing in this environment raises an alarm/,
  },
  'alb-access-logs': {
    pass: stack({ aws_lb: { lb: { access_logs: { bucket: 'b', enabled: true } } } }),
    fail: stack({ aws_lb: { lb: {} } }),
    says: /access logs are off/,
  },
  'alb-deletion-protection': {
    pass: stack({ aws_lb: { lb: { enable_deletion_protection: true } } }),
    fail: stack({ aws_lb: { lb: { enable_deletion_protection: false } } }),
    says: /deletion protection is off/,
  },
  'alb-drop-invalid-headers': {
    pass: stack({ aws_lb: { lb: { drop_invalid_header_fields: true } } }),
    fail: stack({ aws_lb: { lb: {} } }),
    says: /invalid header fields/,
  },
  'alb-https-only': {
    pass: stack({
      aws_lb_listener: {
        https: { protocol: 'HTTPS', port: 443, ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' },
        http: { protocol: 'HTTP', port: 80, default_action: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443' } }] },
      },
    }),
    fail: stack({ aws_lb_listener: { http: { protocol: 'HTTP', port: 80, default_action: [{ type: 'forward' }] } } }),
    says: /serves plain HTTP/,
  },
  'dynamodb-deletion-protection': {
    pass: stack({ aws_dynamodb_table: { t: { deletion_protection_enabled: true } } }),
    fail: stack({ aws_dynamodb_table: { t: { deletion_protection_enabled: false } } }),
    says: /deletion protection is off/,
  },
  'dynamodb-encryption': {
    pass: stack({ aws_dynamodb_table: { t: { server_side_encryption: { enabled: true } } } }),
    fail: stack({ aws_dynamodb_table: { t: {} } }),
    says: /KMS encryption is off/,
  },
  'dynamodb-point-in-time-recovery': {
    pass: stack({ aws_dynamodb_table: { t: { point_in_time_recovery: { enabled: true } } } }),
    fail: stack({ aws_dynamodb_table: { t: { point_in_time_recovery: { enabled: false } } } }),
    says: /point-in-time recovery is off/,
  },
  'ecr-immutable-tags': {
    pass: stack({ aws_ecr_repository: { r: { image_tag_mutability: 'IMMUTABLE' } } }),
    fail: stack({ aws_ecr_repository: { r: { image_tag_mutability: 'MUTABLE' } } }),
    says: /tags are mutable/,
  },
  'ecr-scan-on-push': {
    pass: stack({ aws_ecr_repository: { r: { image_scanning_configuration: { scan_on_push: true } } } }),
    fail: stack({ aws_ecr_repository: { r: { image_scanning_configuration: { scan_on_push: false } } } }),
    says: /not scanned/,
  },
  'ecs-container-insights': {
    pass: stack({ aws_ecs_cluster: { c: { setting: [{ name: 'containerInsights', value: 'enabled' }] } } }),
    fail: stack({ aws_ecs_cluster: { c: { setting: [{ name: 'containerInsights', value: 'disabled' }] } } }),
    says: /Container Insights is off/,
  },
  'ecs-deployment-circuit-breaker': {
    pass: stack({ aws_ecs_service: { s: { deployment_circuit_breaker: { enable: true, rollback: true } } } }),
    fail: stack({ aws_ecs_service: { s: { deployment_circuit_breaker: { enable: true, rollback: false } } } }),
    says: /circuit breaker/,
  },
  'ecs-exec-logging': {
    pass: stack({
      aws_ecs_service: { s: { enable_execute_command: true } },
      aws_ecs_cluster: {
        c: {
          configuration: {
            execute_command_configuration: { logging: 'OVERRIDE', log_configuration: { cloud_watch_encryption_enabled: true } },
          },
        },
      },
    }),
    fail: stack({ aws_ecs_service: { s: { enable_execute_command: true } }, aws_ecs_cluster: { c: {} } }),
    says: /not logged encrypted/,
  },
  'ecs-efs-transit-encryption': {
    pass: stack({
      aws_ecs_task_definition: {
        t: {
          volume: [
            { name: 'tmp' },
            {
              name: 'data',
              efs_volume_configuration: {
                file_system_id: 'fs',
                transit_encryption: 'ENABLED',
                authorization_config: { access_point_id: 'ap', iam: 'ENABLED' },
              },
            },
          ],
        },
      },
    }),
    fail: stack({
      aws_ecs_task_definition: {
        t: { volume: [{ name: 'data', efs_volume_configuration: { file_system_id: 'fs', transit_encryption: 'ENABLED' } }] },
      },
    }),
    says: /volume data is mounted without TLS or without IAM/,
  },
  'efs-encryption': {
    pass: stack({ aws_efs_file_system: { f: { encrypted: true } } }),
    fail: stack({ aws_efs_file_system: { f: {} } }),
    says: /not encrypted at rest/,
  },
  'ecs-no-public-ip': {
    pass: stack({ aws_ecs_service: { s: { network_configuration: { assign_public_ip: false } } } }),
    fail: stack({ aws_ecs_service: { s: { network_configuration: { assign_public_ip: true } } } }),
    says: /public IP/,
  },
  'ecs-open-egress': {
    pass: stack({
      aws_security_group: { g: {} },
      aws_ecs_service: { s: { network_configuration: { security_groups: [ref('aws_security_group.g', 'id')] } } },
      aws_vpc_security_group_egress_rule: {
        e: {
          security_group_id: ref('aws_security_group.g', 'id'),
          ip_protocol: 'tcp',
          from_port: 443,
          to_port: 443,
          cidr_ipv4: '0.0.0.0/0',
        },
      },
    }),
    fail: stack({
      aws_security_group: { g: {} },
      aws_ecs_service: { s: { network_configuration: { security_groups: [ref('aws_security_group.g', 'id')] } } },
      aws_vpc_security_group_egress_rule: {
        e: { security_group_id: ref('aws_security_group.g', 'id'), ip_protocol: '-1', cidr_ipv4: '0.0.0.0/0' },
      },
    }),
    says: /tasks may connect to 0\.0\.0\.0\/0 on every port/,
  },
  'ecs-readonly-root-filesystem': {
    pass: stack({ aws_ecs_task_definition: { t: { container_definitions: containers({ name: 'api', readonlyRootFilesystem: true }) } } }),
    fail: stack({ aws_ecs_task_definition: { t: { container_definitions: containers({ name: 'api', readonlyRootFilesystem: false }) } } }),
    says: /container api has a writable root filesystem/,
  },
  'ecs-separate-task-role': {
    pass: stack({ aws_ecs_task_definition: { t: { execution_role_arn: 'a', task_role_arn: 'b' } } }),
    fail: stack({ aws_ecs_task_definition: { t: { execution_role_arn: 'a', task_role_arn: 'a' } } }),
    says: /is the execution role/,
  },
  'iam-no-wildcards': {
    pass: stack({
      aws_iam_role_policy: {
        p: {
          policy: policy(
            { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
            { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::b/*' },
          ),
        },
      },
    }),
    fail: stack({
      aws_iam_role_policy: { p: { policy: policy({ Effect: 'Allow', Action: ['s3:GetObject', 'dynamodb:*'], Resource: '*' }) } },
    }),
    says: /allows every action \(dynamodb:\*\)|on every resource/,
  },
  'kms-rotation': {
    pass: stack({ aws_kms_key: { k: { enable_key_rotation: true } } }),
    fail: stack({ aws_kms_key: { k: {} } }),
    says: /rotation is off/,
  },
  'log-encryption': {
    pass: stack({ aws_cloudwatch_log_group: { g: { kms_key_id: ref('aws_kms_key.k', 'arn') } } }),
    fail: stack({ aws_cloudwatch_log_group: { g: {} } }),
    says: /customer key/,
  },
  'log-retention': {
    pass: stack({ aws_cloudwatch_log_group: { g: { retention_in_days: 30 } } }),
    fail: stack({ aws_cloudwatch_log_group: { g: {} } }),
    says: /kept forever/,
  },
  'no-plaintext-secrets': {
    pass: stack({
      aws_ecs_task_definition: {
        t: {
          container_definitions: containers({
            name: 'api',
            environment: [{ name: 'LOG_LEVEL', value: 'info' }],
            secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:eu-west-1:1:secret:x' }],
          }),
        },
      },
      aws_db_instance: { d: { password: ref('random_password.p', 'result') } },
    }),
    fail: stack({
      aws_ecs_task_definition: {
        t: { container_definitions: containers({ name: 'api', environment: [{ name: 'STRIPE_API_KEY', value: 'hunter2hunter2' }] }) },
      },
    }),
    says: /STRIPE_API_KEY in plain text/,
  },
  'rds-backup-retention': {
    pass: stack({ aws_db_instance: { d: { backup_retention_period: 7 } } }),
    fail: stack({ aws_db_instance: { d: { backup_retention_period: 1 } } }),
    says: /fewer than 7 day/,
  },
  'rds-deletion-protection': {
    pass: stack({ aws_db_instance: { d: { deletion_protection: true, skip_final_snapshot: false } } }),
    fail: stack({ aws_db_instance: { d: { deletion_protection: true, skip_final_snapshot: true } } }),
    says: /no final snapshot/,
  },
  'rds-encrypted': {
    pass: stack({ aws_db_instance: { d: { storage_encrypted: true } } }),
    fail: stack({ aws_db_instance: { d: { storage_encrypted: false } } }),
    says: /not encrypted/,
  },
  'rds-force-tls': {
    pass: stack({
      aws_db_parameter_group: { g: { parameter: [{ name: 'rds.force_ssl', value: '1' }] } },
      aws_db_instance: { d: { parameter_group_name: ref('aws_db_parameter_group.g', 'name') } },
    }),
    fail: stack({
      aws_db_parameter_group: { g: { parameter: [{ name: 'rds.force_ssl', value: '0' }] } },
      aws_db_instance: { d: { parameter_group_name: ref('aws_db_parameter_group.g', 'name') } },
    }),
    says: /does not force TLS/,
  },
  'rds-log-exports': {
    pass: stack({ aws_db_instance: { d: { enabled_cloudwatch_logs_exports: ['postgresql'] } } }),
    fail: stack({ aws_db_instance: { d: {} } }),
    says: /no engine logs/,
  },
  'rds-multi-az': {
    pass: stack({ aws_db_instance: { d: { multi_az: true } } }),
    fail: stack({ aws_db_instance: { d: { multi_az: false } } }),
    says: /no standby/,
  },
  'rds-not-public': {
    pass: stack({ aws_db_instance: { d: { publicly_accessible: false } } }),
    fail: stack({ aws_db_instance: { d: { publicly_accessible: true } } }),
    says: /publicly accessible/,
  },
  's3-encryption': {
    pass: stack({ ...bucket, aws_s3_bucket_server_side_encryption_configuration: { e: { bucket: ref('aws_s3_bucket.b') } } }),
    fail: stack({ ...bucket }),
    says: /no default encryption/,
  },
  's3-public-access-block': {
    pass: stack({
      ...bucket,
      aws_s3_bucket_public_access_block: {
        p: {
          bucket: ref('aws_s3_bucket.b'),
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        },
      },
    }),
    fail: stack({
      ...bucket,
      aws_s3_bucket_public_access_block: {
        p: {
          bucket: ref('aws_s3_bucket.b'),
          block_public_acls: true,
          block_public_policy: false,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        },
      },
    }),
    says: /not fully blocked/,
  },
  's3-tls-only': {
    pass: stack({ ...bucket, aws_s3_bucket_policy: { p: { bucket: ref('aws_s3_bucket.b'), policy: policy(tlsDeny) } } }),
    fail: stack({
      ...bucket,
      aws_s3_bucket_policy: {
        p: { bucket: ref('aws_s3_bucket.b'), policy: policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }) },
      },
    }),
    says: /without TLS are not denied/,
  },
  'security-group-descriptions': {
    pass: stack({ aws_security_group: { g: { description: 'api tasks' } } }),
    fail: stack({ aws_vpc_security_group_ingress_rule: { r: { from_port: 80 } } }),
    says: /no description/,
  },
  'security-group-open-ingress': {
    pass: stack({
      ...publicLb([ref('aws_security_group.alb')]),
      aws_security_group: { alb: {} },
      aws_vpc_security_group_ingress_rule: {
        r: { security_group_id: ref('aws_security_group.alb'), from_port: 443, to_port: 443, cidr_ipv4: '0.0.0.0/0' },
      },
    }),
    fail: stack({
      aws_security_group: { db: {} },
      aws_vpc_security_group_ingress_rule: {
        r: { security_group_id: ref('aws_security_group.db'), from_port: 5432, to_port: 5432, cidr_ipv4: '0.0.0.0/0' },
      },
    }),
    says: /port 5432 is open to 0\.0\.0\.0\/0/,
  },
  'sns-encryption': {
    pass: stack({ aws_sns_topic: { t: { kms_master_key_id: ref('aws_kms_key.k', 'arn') } } }),
    fail: stack({ aws_sns_topic: { t: {} } }),
    says: /not encrypted/,
  },
  'vpc-flow-logs': {
    pass: stack({ aws_vpc: { v: {} }, aws_flow_log: { f: { vpc_id: ref('aws_vpc.v') } } }),
    fail: stack({ aws_vpc: { v: {} } }),
    says: /no flow log/,
  },
  ...TELEPORT_GUARDRAIL_FIXTURES,
  ...JOBS_GUARDRAIL_FIXTURES,
  ...WORKLOAD_GUARDRAIL_FIXTURES,
};

describe.each(RULES.map((rule) => [rule.id, rule] as const))('rule %s', (id, rule) => {
  const fixture = FIXTURES[id];

  it('has an ID, a fix and a fixture', () => {
    expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
    expect(rule.fix.length).toBeGreaterThan(10);
    expect(fixture).toBeDefined();
  });

  it('accepts a compliant stack', () => {
    expect(rule.check(fixture!.pass, { production: true })).toEqual([]);
  });

  it('rejects a non-compliant stack, naming the resource and the problem', () => {
    const findings = rule.check(fixture!.fail, { production: true });
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0]!.address).toMatch(/^aws_[a-z0-9_]+\.[A-Za-z0-9_-]+$/);
    expect(findings.map((f) => f.message).join('\n')).toMatch(fixture!.says);
  });
});

describe('no-plaintext-secrets', () => {
  const rule = RULES.find((r) => r.id === 'no-plaintext-secrets')!;

  it('finds an access key anywhere in the stack and a literal database password', () => {
    const findings = rule.check(
      stack({
        aws_ssm_parameter: { p: { value: 'AKIAABCDEFGHIJKLMNOP' } },
        aws_db_instance: { d: { password: 'correct-horse-battery' } },
      }),
      { production: false },
    );
    expect(findings.map((f) => f.message)).toEqual(['password is written in plain text', 'value holds an AWS access key ID in plain text']);
  });
});

describe('running the rules', () => {
  const failing = FIXTURES['alb-access-logs']!.fail;
  const only = (...ids: string[]) => RULES.filter((r) => ids.includes(r.id));

  it('fails on a finding, and reports a waived one with its reason instead', () => {
    expect(runGuardrails({ environment: 'qa', production: false, waivers: {}, stack: failing }, only('alb-access-logs')).failed).toBe(true);
    const waived = runGuardrails(
      { environment: 'qa', production: false, waivers: { 'alb-access-logs': 'qa traffic is synthetic' }, stack: failing },
      only('alb-access-logs'),
    );
    expect(waived.failed).toBe(false);
    expect(formatReport(waived)).toContain(
      '  WAIVED alb-access-logs [CKV_AWS_91]: qa traffic is synthetic (1 finding(s): access logs are off)',
    );
  });

  it('checks production-only rules in production only', () => {
    const unprotected = FIXTURES['alb-deletion-protection']!.fail;
    const rules = only('alb-deletion-protection');
    expect(runGuardrails({ environment: 'qa', production: false, waivers: {}, stack: unprotected }, rules).results[0]!.status).toBe(
      'skipped',
    );
    expect(runGuardrails({ environment: 'prod', production: true, waivers: {}, stack: unprotected }, rules).failed).toBe(true);
  });

  it('says when a waiver is not needed', () => {
    const report = runGuardrails({
      environment: 'qa',
      production: false,
      waivers: { 'kms-rotation': 'no reason at all' },
      stack: stack({}),
    });
    expect(formatReport(report)).toContain('  NOTE waiver kms-rotation is not needed here: the rule passes or does not apply; remove it');
  });

  it('rejects a waiver of an unknown rule when the configuration is loaded', () => {
    expect(
      problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}guardrails:\n  waivers:\n    alb-acess-logs: "a reason long enough"\n` }),
    ).toEqual(['cfg/dev.yaml:12:21 guardrails.waivers.alb-acess-logs: no guardrail "alb-acess-logs"; did you mean "alb-access-logs"?']);
  });
});

describe('a rule that throws', () => {
  const lb = stack({ aws_lb: { lb: {} } });
  const throwing = (check: GuardrailRule['check']) =>
    defineRule('/rules/broken-rule.ts', {
      description: 'a rule with a bug',
      scannerIds: [],
      scope: 'all',
      fix: 'the fix of the rule',
      check,
    });
  // Reads a block the load balancer does not have: a TypeError on aws_lb.lb.
  const broken = throwing((s) => resources(s, 'aws_lb').flatMap((r) => (r.values.access_logs.bucket ? [] : [])));
  const rules = [broken, ...RULES.filter((r) => r.id === 'alb-access-logs' || r.id === 'alb-drop-invalid-headers')];

  it('is a failing finding of that rule on the resource it was reading, with what it threw, and the other rules still run', () => {
    const report = runGuardrails({ environment: 'qa', production: false, waivers: {}, stack: lb }, rules);
    expect(report.failed).toBe(true);
    expect(report.results.map((r) => [r.rule.id, r.status])).toEqual([
      ['broken-rule', 'fail'],
      ['alb-access-logs', 'fail'],
      ['alb-drop-invalid-headers', 'fail'],
    ]);
    const [result] = report.results;
    expect(result!.threw).toMatch(/Cannot read properties of undefined \(reading 'bucket'\)/);
    expect(result!.findings).toEqual([{ address: 'aws_lb.lb', message: `the rule threw while checking it: ${result!.threw}` }]);
    expect(report.results[1]!.findings).toEqual([{ address: 'aws_lb.lb', message: 'access logs are off' }]);
    expect(formatReport(report)).toContain(
      `  FAIL broken-rule aws_lb.lb: the rule threw while checking it: ${result!.threw}; a bug in the rule (src/guardrails/rules), not in the stack: report it`,
    );
  });

  it('fails even where the rule is waived, and its waiver is not called unneeded', () => {
    const report = runGuardrails({ environment: 'qa', production: false, waivers: { 'broken-rule': 'a reason long enough' }, stack: lb }, [
      broken,
    ]);
    expect(report.results[0]!.status).toBe('fail');
    expect(report.failed).toBe(true);
    expect(report.unneededWaivers).toEqual([]);
  });

  it('names the whole stack when it threw before reading a resource', () => {
    const report = runGuardrails({ environment: 'qa', production: false, waivers: {}, stack: lb }, [
      throwing(() => {
        throw new Error('not ready');
      }),
    ]);
    expect(report.results[0]!.findings).toEqual([{ address: WHOLE_STACK, message: 'the rule threw while checking it: not ready' }]);
  });

  it('says what it threw in the JSON report', () => {
    const report = runGuardrails({ environment: 'qa', production: false, waivers: {}, stack: lb }, [broken]);
    expect(reportJson(report).results[0]).toEqual({
      rule: 'broken-rule',
      status: 'fail',
      reason: undefined,
      threw: report.results[0]!.threw,
      findings: report.results[0]!.findings,
    });
  });
});

describe('rule IDs', () => {
  const dir = join(__dirname, '..', '..', 'src', 'guardrails', 'rules');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  const isRule = (value: unknown): value is GuardrailRule =>
    typeof value === 'object' && value !== null && typeof (value as GuardrailRule).check === 'function';

  it('are the file names: one rule per file of src/guardrails/rules, each in the index', () => {
    expect(files.length).toBeGreaterThan(40);
    const declared = files.map((file) => {
      const rules = Object.values(require(join(dir, file)) as Record<string, unknown>).filter(isRule);
      expect(rules).toHaveLength(1);
      return rules[0]!.id;
    });
    expect(declared).toEqual(files);
    expect([...RULE_IDS].sort()).toEqual(files);
  });

  it('come from the file name whatever the runtime loads (TypeScript here, compiled JavaScript in the package)', () => {
    const rule = { description: 'd', scannerIds: [], scope: 'all' as const, fix: 'f', check: () => [] };
    expect(defineRule('/app/dist/guardrails/rules/kms-rotation.js', rule).id).toBe('kms-rotation');
    expect(defineRule('/src/guardrails/rules/kms-rotation.ts', rule).id).toBe('kms-rotation');
  });
});

describe('the example environments', () => {
  const reports = Object.fromEntries(evaluateGuardrails(exampleConfigs()).map((r) => [r.environment, r]));

  it('pass every rule in production, with no waiver', () => {
    expect(reports.prod!.production).toBe(true);
    expect(reports.prod!.results.filter((r) => r.status !== 'pass').map((r) => r.rule.id)).toEqual([]);
  });

  it('fail nowhere', () => {
    for (const report of Object.values(reports)) expect(formatReport(report).filter((line) => line.includes('FAIL'))).toEqual([]);
  });

  it('report each dev waiver with its reason', () => {
    const waived = reports.dev!.results.filter((r) => r.status === 'waived').map((r) => [r.rule.id, r.reason]);
    expect(waived).toEqual(Object.entries(exampleConfigs().find((c) => c.environment === 'dev')!.guardrails.waivers).sort());
    expect(reports.dev!.unneededWaivers).toEqual([]);
  });
});

describe('the guardrails page (docs/guardrails.md)', () => {
  it('lists every rule with its scanner IDs and scope', () => {
    const readme = readFileSync('docs/guardrails.md', 'utf8');
    for (const rule of RULES) {
      const scanners = rule.scannerIds.join(', ') || '—';
      expect(readme).toContain(`| \`${rule.id}\` | ${rule.description} | ${scanners} | ${rule.scope} |`);
    }
  });
});
