/**
 * The permissions boundary `<project>-<environment>-boundary`: the bootstrap
 * creates it per environment, every role an environment stack creates
 * carries it, and the management policy creates roles only with it.
 */
import { loadEnvironments } from '../../src/core/index';
import type { EnvironmentConfig } from '../../src/config/resolve';
import { environmentBoundaryName } from '../../src/naming';
import { boundaryPolicyArn, managementStatements } from '../../src/stacks/management-policy';
import { ACTIONS_WITHOUT_RESOURCES } from '../../src/aws-facts';
import { BOUNDARY_POLICY_CHARACTERS, boundaryStatements } from '../../src/stacks/permissions-boundary';
import { EXAMPLES_DIR, exampleConfigs, resourcesOf, synthEnvironment, UNUSUAL_DIR } from '../support/helpers';
import { iamDecision } from '../support/iam-simulator';
import { synthesizedFixture } from '../support/synth-cache';

const BOOTSTRAP = 'bootstrap-shop-tf-state-123456789012';
const stacks = synthesizedFixture(EXAMPLES_DIR);
const bootstrap = JSON.parse(stacks.find((s) => s.name === BOOTSTRAP)!.json);
const boundaries = (Object.entries(bootstrap.resource.aws_iam_policy) as [string, any][]).filter(([, p]) => p.name.endsWith('-boundary'));
const loaded = (dir: string): EnvironmentConfig[] => loadEnvironments(dir).map((e) => e.config);

/** What IAM decides for `principal` with its identity statements and boundary (test/support/iam-simulator.ts). */
const decide = (
  principal: string,
  identity: object[],
  boundary: object[],
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
): Promise<string> => iamDecision({ principal, identity, boundary, action, resource, context });

const ACCOUNT = '123456789012';
const ALLOW_ALL = [{ Effect: 'Allow', Action: '*', Resource: '*' }];
const tagsOf = (environment: string) => ({
  'aws:ResourceTag/Project': 'shop',
  'aws:ResourceTag/Environment': environment,
  'aws:ResourceTag/ManagedBy': 'cdktf',
});

describe('the boundary policy of the example bootstrap stack', () => {
  const statementsOf = (environment: string) =>
    JSON.parse(boundaries.find(([, p]) => p.name === environmentBoundaryName('shop', environment))![1].policy).Statement;

  it('exists once per environment, named <project>-<env>-boundary, with stable addresses', () => {
    expect(boundaries.map(([id, p]) => [id, p.name]).sort()).toEqual([
      ['boundary-dev', 'shop-dev-boundary'],
      ['boundary-prod', 'shop-prod-boundary'],
      ['boundary-staging', 'shop-staging-boundary'],
    ]);
  });

  it('allows no "*" or "<service>:*" action, and "*" resources only for the calls AWS authorizes on "*" alone', () => {
    for (const [, policy] of boundaries) {
      for (const statement of JSON.parse(policy.policy).Statement.filter((st: any) => st.Effect === 'Allow')) {
        expect([policy.name, statement.Sid, [statement.Action].flat().filter((a: string) => a === '*' || a.endsWith(':*'))]).toEqual([
          policy.name,
          statement.Sid,
          [],
        ]);
        if ([statement.Resource].flat().includes('*'))
          expect([statement.Sid, [statement.Action].flat().every((a: string) => ACTIONS_WITHOUT_RESOURCES.has(a))]).toEqual([
            'Unscoped',
            true,
          ]);
      }
      expect(policy.policy.replace(/\s/g, '').length).toBeLessThanOrEqual(BOUNDARY_POLICY_CHARACTERS);
    }
    // So the bootstrap's waiver of iam-no-wildcards is about the management policies' reasoned "*" resources, not the boundaries.
    expect(bootstrap['//'].guardrails.waivers['iam-no-wildcards']).not.toContain('boundar');
  });

  // A role the dev apply role may create (role/shop-dev-*, only with dev's boundary), given every permission inline.
  const escaped = (environment: string, action: string, resource: string, context: Record<string, string | string[]> = {}) =>
    decide(`arn:aws:iam::${ACCOUNT}:role/shop-${environment}-x`, ALLOW_ALL, statementsOf(environment), action, resource, context);

  it.each([
    ['dev', 'prod'],
    ['staging', 'prod'],
    ['prod', 'dev'],
    ['prod', 'staging'],
    ['dev', 'staging'],
  ])('keeps a role made by %s with its boundary and Allow *:* out of %s: secrets, state, key, database, roles', async (own, other) => {
    const denied = async (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
      expect([action, resource, await escaped(own, action, resource, context)]).toEqual([action, resource, 'ExplicitlyDenied']);
    // The connection secret, and the master password secret RDS manages (tagged with its instance's ARN).
    await denied(
      'secretsmanager:GetSecretValue',
      `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:shop-${other}/database/main-AbCdEf`,
      tagsOf(other),
    );
    await denied(
      'secretsmanager:GetSecretValue',
      `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:rds!db-0f3c9a2e-5b1d-4c7e-9a8b-1d2e3f4a5b6c-AbCdEf`,
      { 'aws:ResourceTag/aws:rds:primaryDBInstanceArn': `arn:aws:rds:eu-west-1:${ACCOUNT}:db:shop-${other}-main` },
    );
    // Its state, read or written.
    await denied('s3:GetObject', `arn:aws:s3:::shop-tf-state-${ACCOUNT}/platform/${other}.tfstate`);
    await denied('s3:PutObject', `arn:aws:s3:::shop-tf-state-${ACCOUNT}/platform/${other}.tfstate`);
    // Its keys (random IDs: by their tags).
    await denied('kms:Decrypt', `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, tagsOf(other));
    // Its database.
    await denied('rds:DeleteDBInstance', `arn:aws:rds:eu-west-1:${ACCOUNT}:db:shop-${other}-main`, tagsOf(other));
    await denied('rds:ModifyDBInstance', `arn:aws:rds:eu-west-1:${ACCOUNT}:db:shop-${other}-main`);
    // Its roles: neither assumed nor passed.
    await denied('sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/shop-${other}-api-task`);
    await denied('iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/shop-${other}-api-task`);
    // A tagged resource of any kind.
    await denied('dynamodb:Scan', `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/shop-${other}-sessions`, tagsOf(other));
  });

  it("keeps such a role away from the controller's secrets and roles, IAM, and the boundary itself", async () => {
    for (const [action, resource] of [
      ['secretsmanager:GetSecretValue', `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:shop-controller/api-token-AbCdEf`],
      ['sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/shop-controller-task`],
      ['iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/shop-dev-y`],
      ['iam:PutRolePolicy', `arn:aws:iam::${ACCOUNT}:role/shop-dev-x`],
      ['iam:DeleteRolePermissionsBoundary', `arn:aws:iam::${ACCOUNT}:role/shop-dev-x`],
      ['iam:CreatePolicyVersion', `arn:aws:iam::${ACCOUNT}:policy/shop-dev-boundary`],
      ['iam:DeletePolicy', `arn:aws:iam::${ACCOUNT}:policy/shop-dev-boundary`],
      ['iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/admin`],
      ['organizations:LeaveOrganization', '*'],
    ] as const) {
      expect([action, await escaped('dev', action, resource)]).toEqual([action, 'ExplicitlyDenied']);
    }
  });

  it('lets it use its own environment: secrets, master secret, key, logs, images; nothing else', async () => {
    for (const [action, resource, context] of [
      ['secretsmanager:GetSecretValue', `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:shop-dev/database/main-AbCdEf`, tagsOf('dev')],
      [
        'secretsmanager:GetSecretValue',
        `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:rds!db-0f3c9a2e-5b1d-4c7e-9a8b-1d2e3f4a5b6c-AbCdEf`,
        { 'aws:ResourceTag/aws:rds:primaryDBInstanceArn': `arn:aws:rds:eu-west-1:${ACCOUNT}:db:shop-dev-main` },
      ],
      ['kms:Decrypt', `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, tagsOf('dev')],
      ['logs:PutLogEvents', `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/ecs/shop-dev/api:log-stream:api/api/0123`, {}],
      ['ecr:BatchGetImage', `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/shop/dev/web`, {}],
      ['ecr:GetAuthorizationToken', '*', {}],
    ] as const) {
      expect([action, resource, await escaped('dev', action, resource, context)]).toEqual([action, resource, 'Allowed']);
    }
    // Not what its environment does not name: another bucket, another table.
    expect(await escaped('dev', 's3:GetObject', 'arn:aws:s3:::someone-elses-bucket/key')).toBe('ImplicitlyDenied');
    expect(await escaped('dev', 'dynamodb:Scan', `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders`)).toBe('ImplicitlyDenied');
    // IAM database users only for the Teleport agent's task role, not for another role of staging.
    const connect = `arn:aws:rds-db:eu-west-1:${ACCOUNT}:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ/teleport_admin`;
    expect(
      await decide(
        `arn:aws:iam::${ACCOUNT}:role/shop-staging-teleport-agent-task`,
        ALLOW_ALL,
        statementsOf('staging'),
        'rds-db:connect',
        connect,
      ),
    ).toBe('Allowed');
    expect(
      await decide(`arn:aws:iam::${ACCOUNT}:role/shop-staging-teleport-x`, ALLOW_ALL, statementsOf('staging'), 'rds-db:connect', connect),
    ).toBe('ImplicitlyDenied');
    // No role of an environment passes roles (services run as theirs; none starts others).
    expect(await escaped('dev', 'iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/shop-dev-api-task`, tagsOf('dev'))).toBe('ImplicitlyDenied');
  });
});

describe('every role of an environment stack', () => {
  const cases: [string, EnvironmentConfig][] = [
    ...exampleConfigs().map((c): [string, EnvironmentConfig] => [`example ${c.environment}`, c]),
    ...loaded('test/fixtures/teleport').map((c): [string, EnvironmentConfig] => [`teleport ${c.environment}`, c]),
    ...loaded(UNUSUAL_DIR).map((c): [string, EnvironmentConfig] => [`unusual ${c.environment}`, c]),
    ...loaded('test/fixtures/controller').map((c): [string, EnvironmentConfig] => [`controller ${c.environment}`, c]),
    ...loaded('test/fixtures/jobs').map((c): [string, EnvironmentConfig] => [`jobs ${c.environment}`, c]),
  ];

  it.each(cases)('carries the boundary (%s)', (_name, config) => {
    const roles = resourcesOf(synthEnvironment(config), 'aws_iam_role');
    expect(Object.keys(roles).length).toBeGreaterThan(0);
    const arn = `arn:${config.aws.partition}:iam::${config.aws.accountId}:policy/${config.project}-${config.environment}-boundary`;
    expect(boundaryPolicyArn(config)).toBe(arn);
    for (const [address, role] of Object.entries(roles)) expect([address, role.permissions_boundary]).toEqual([address, arn]);
  });

  it('carries it in the synthesized app too (the path the CLI takes), and the flow-log and monitoring roles are among them', () => {
    const prod = JSON.parse(stacks.find((s) => s.name === 'prod')!.json);
    const roles = Object.entries(prod.resource.aws_iam_role) as [string, any][];
    expect(roles.some(([address]) => address.includes('flow-logs'))).toBe(true);
    expect(roles.some(([address]) => address.includes('monitoring'))).toBe(true);
    for (const [address, role] of roles)
      expect([address, role.permissions_boundary]).toEqual([address, 'arn:aws:iam::123456789012:policy/shop-prod-boundary']);
  });

  it('could be created by the management policy only with that boundary', () => {
    for (const [, config] of cases) {
      const statements = managementStatements(config);
      const creating = statements.filter(
        (s) =>
          s.Effect === 'Allow' &&
          [s.Action]
            .flat()
            .some((a) => ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePermissionsBoundary'].includes(a)),
      );
      expect(creating.length).toBeGreaterThan(0);
      for (const s of creating)
        expect([s.Sid, s.Condition?.StringEquals?.['iam:PermissionsBoundary']]).toEqual([s.Sid, boundaryPolicyArn(config)]);
    }
  });
});

describe('what the roles of an environment are given', () => {
  /** A concrete ARN for a resource reference or pattern of a synthesized role policy, with the tags AWS would see. */
  function concrete(stack: any, config: EnvironmentConfig, resource: string): { arn: string; context: Record<string, string> } | undefined {
    const { region: r, accountId: a } = config.aws;
    const tags = { 'aws:ResourceTag/Project': config.project, 'aws:ResourceTag/Environment': config.environment };
    const of = (type: string, id: string) => stack.resource[type]?.[id];
    const master = /^\$\{try\(aws_db_instance\.([^.]+)\.master_user_secret\[0\]\.secret_arn, [^)]+\)\}$/.exec(resource);
    if (master)
      return {
        arn: `arn:aws:secretsmanager:${r}:${a}:secret:rds!db-0f3c9a2e-5b1d-4c7e-9a8b-1d2e3f4a5b6c-AbCdEf`,
        context: {
          'aws:ResourceTag/aws:rds:primaryDBInstanceArn': `arn:aws:rds:${r}:${a}:db:${of('aws_db_instance', master[1]!).identifier}`,
        },
      };
    let taggedByUs = false;
    const arn = resource.replace(
      /\$\{([a-z0-9_]+)\.([^.}]+)\.(arn|id|resource_id)\}/g,
      (_m, type: string, id: string, attribute: string) => {
        const r0 = of(type, id);
        taggedByUs = true;
        switch (type) {
          case 'aws_cloudwatch_log_group':
            return `arn:aws:logs:${r}:${a}:log-group:${r0.name}`;
          case 'aws_secretsmanager_secret':
            return `arn:aws:secretsmanager:${r}:${a}:secret:${r0.name}-AbCdEf`;
          case 'aws_dynamodb_table':
            return `arn:aws:dynamodb:${r}:${a}:table/${r0.name}`;
          case 'aws_ecr_repository':
            return `arn:aws:ecr:${r}:${a}:repository/${r0.name}`;
          case 'aws_sqs_queue':
            return `arn:aws:sqs:${r}:${a}:${r0.name}`;
          case 'aws_iam_role':
            return `arn:aws:iam::${a}:role/${r0.name}`;
          case 'aws_ecs_cluster':
            return `arn:aws:ecs:${r}:${a}:cluster/${r0.name}`;
          case 'aws_kms_key':
            return `arn:aws:kms:${r}:${a}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
          case 'aws_efs_file_system':
            return `arn:aws:elasticfilesystem:${r}:${a}:file-system/fs-0123456789abcdef0`;
          case 'aws_db_instance':
            return attribute === 'resource_id' ? 'db-ABCDEFGHIJKLMNOPQRSTUVWXYZ' : `arn:aws:rds:${r}:${a}:db:${r0.identifier}`;
          default:
            throw new Error(`no concrete ARN for ${type}.${attribute} in a role policy`);
        }
      },
    );
    if (arn.includes('${')) throw new Error(`unresolved reference in ${resource}`);
    return { arn: arn.replace(/\?/g, 'A').replace(/\*/g, 'x'), context: taggedByUs ? tags : {} };
  }

  const suites: [string, string][] = [
    ['examples', 'test/fixtures/examples'],
    ['teleport', 'test/fixtures/teleport'],
    ['unusual', UNUSUAL_DIR],
    ['controller', 'test/fixtures/controller'],
    ['jobs', 'test/fixtures/jobs'],
  ];
  it.each(suites)(
    'stays inside its boundary, every action on every resource, each allowed by it (%s)',
    async (_name, dir) => {
      const configs = loaded(dir);
      let checked = 0;
      for (const stack of synthesizedFixture(dir).filter((s) => s.environment !== undefined)) {
        const config = configs.find((c) => c.environment === stack.environment)!;
        const json = JSON.parse(stack.json);
        const boundary = boundaryStatements(config, configs);
        for (const policy of Object.values(json.resource.aws_iam_role_policy ?? {}) as any[]) {
          const roleId = /^\$\{aws_iam_role\.([^.]+)\.(id|name)\}$/.exec(policy.role)![1]!;
          const principal = `arn:aws:iam::${config.aws.accountId}:role/${json.resource.aws_iam_role[roleId].name}`;
          for (const statement of JSON.parse(policy.policy).Statement.filter((st: any) => st.Effect === 'Allow')) {
            for (const action of [statement.Action].flat() as string[]) {
              for (const resource of [statement.Resource].flat() as string[]) {
                const target = resource === '*' ? { arn: '*', context: {} } : concrete(json, config, resource)!;
                // Resources of other accounts (a shared ECR repository, a queue elsewhere) are the other account's to allow; the boundary still must.
                // The statement's own conditions, their references made concrete, and a context that meets them.
                const own = JSON.parse(
                  JSON.stringify(statement)
                    .replace(
                      /\$\{aws_efs_access_point\.[^}]+\}/g,
                      `arn:aws:elasticfilesystem:${config.aws.region}:${config.aws.accountId}:access-point/fsap-0123456789abcdef0`,
                    )
                    .replace(
                      /\$\{aws_ecs_cluster\.[^}]+\}/g,
                      `arn:aws:ecs:${config.aws.region}:${config.aws.accountId}:cluster/${config.project}-${config.environment}`,
                    ),
                );
                const decision = await decide(principal, [{ ...own, Action: action, Resource: target.arn }], boundary, action, target.arn, {
                  ...target.context,
                  ...(own.Condition ? conditionContext(own.Condition) : {}),
                });
                if (decision === 'NotApplicable') continue;
                expect([stack.name, policy.name, principal, action, target.arn, decision]).toEqual([
                  stack.name,
                  policy.name,
                  principal,
                  action,
                  target.arn,
                  'Allowed',
                ]);
                checked++;
              }
            }
          }
        }
      }
      expect(checked).toBeGreaterThan(20);
    },
    60_000,
  );
});

/** Context values that satisfy a statement's own conditions (the role's policy, not the boundary, sets them). */
function conditionContext(condition: Record<string, Record<string, string | string[]>>): Record<string, string> {
  return Object.fromEntries(
    Object.values(condition).flatMap((byKey) => Object.entries(byKey).map(([key, value]) => [key, [value].flat()[0]!.replace(/\*/g, 'x')])),
  );
}

describe('every stack of every fixture', () => {
  const dirs = ['test/fixtures/examples', 'test/fixtures/teleport', UNUSUAL_DIR, 'test/fixtures/controller', 'test/fixtures/jobs'];
  it.each(dirs)('allows no "*" or "<service>:*" action in any IAM policy, boundaries included (%s)', (dir) => {
    const stacks = synthesizedFixture(dir);
    let policies = 0;
    for (const stack of stacks) {
      const json = JSON.parse(stack.json);
      for (const type of ['aws_iam_policy', 'aws_iam_role_policy']) {
        for (const [address, policy] of Object.entries(json.resource?.[type] ?? {}) as [string, any][]) {
          policies++;
          const wide = JSON.parse(policy.policy)
            .Statement.filter((s: any) => s.Effect === 'Allow')
            .flatMap((s: any) => [s.Action].flat())
            .filter((a: string) => a === '*' || a.endsWith(':*'));
          expect([stack.name, address, wide]).toEqual([stack.name, address, []]);
        }
      }
    }
    expect(policies).toBeGreaterThan(5);
  });
});

describe('a boundary with many environments beside it', () => {
  it('still fits one managed policy: its fences do not grow with their number, but for their roles, secrets and instances', () => {
    const examples = exampleConfigs();
    const staging = examples.find((c) => c.environment === 'staging')!;
    const many = [...examples, ...Array.from({ length: 12 }, (_, i) => ({ ...staging, environment: `team${i + 1}` }))];
    for (const config of many) {
      const size = JSON.stringify({ Version: '2012-10-17', Statement: boundaryStatements(config, many) }).length;
      expect([config.environment, size <= BOUNDARY_POLICY_CHARACTERS]).toEqual([config.environment, true]);
    }
  });
});

describe('environments whose names begin alike (dev and dev-eu)', () => {
  it("fence each other although dev's name patterns match dev-eu's names", async () => {
    const examples = exampleConfigs();
    const dev = examples.find((c) => c.environment === 'dev')!;
    const devEu = { ...dev, environment: 'dev-eu' };
    const all = [...examples, devEu];
    const table = (environment: string) => `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/shop-${environment}-sessions`;
    const asRole = (own: typeof dev, action: string, resource: string, context: Record<string, string>) =>
      decide(`arn:aws:iam::${ACCOUNT}:role/shop-${own.environment}-x`, ALLOW_ALL, boundaryStatements(own, all), action, resource, context);
    // table/shop-dev-* matches shop-dev-eu-sessions; its tags say whose it is.
    expect(await asRole(dev, 'dynamodb:Scan', table('dev-eu'), tagsOf('dev-eu'))).toBe('ExplicitlyDenied');
    expect(await asRole(dev, 'dynamodb:Scan', table('dev'), tagsOf('dev'))).toBe('Allowed');
    expect(await asRole(devEu, 'dynamodb:Scan', table('dev-eu'), tagsOf('dev-eu'))).toBe('Allowed');
    expect(await asRole(devEu, 'sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/shop-dev-api-task`, tagsOf('dev'))).toBe('ExplicitlyDenied');
  });
});
