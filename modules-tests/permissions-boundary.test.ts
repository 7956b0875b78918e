/**
 * The permissions boundary `<project>-<environment>-boundary`: the bootstrap
 * creates it per environment, every role an environment stack creates
 * carries it, and the management policy creates roles only with it.
 */
import { loadEnvironments } from '../src/core/index';
import { synthesize } from '../src/core/synthesize';
import type { EnvironmentConfig } from '../src/config/resolve';
import { environmentBoundaryName } from '../src/naming';
import { boundaryPolicyArn, managementStatements } from '../src/stacks/management-policy';
import { exampleConfigs, resourcesOf, synthEnvironment, UNUSUAL_DIR } from './helpers';

const BOOTSTRAP = 'bootstrap-shop-tf-state-123456789012';
const stacks = synthesize(exampleConfigs());
const bootstrap = JSON.parse(stacks.find((s) => s.name === BOOTSTRAP)!.json);
const boundaries = (Object.entries(bootstrap.resource.aws_iam_policy) as [string, any][]).filter(([, p]) => p.name.endsWith('-boundary'));
const loaded = (dir: string): EnvironmentConfig[] => loadEnvironments(dir).map((e) => e.config);

/** Whether an IAM pattern (`*` wildcard) matches a value. */
const matches = (pattern: string, value: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value);
/** Whether one of `statements` denies `action` on `arn` (Resource or NotResource). */
const denies = (statements: readonly any[], action: string, arn: string) => statements.some((s) => s.Effect === 'Deny'
  && [s.Action].flat().some((a: string) => matches(a, action))
  && (s.NotResource !== undefined ? ![s.NotResource].flat().some((r: string) => matches(r, arn)) : [s.Resource].flat().some((r: string) => matches(r, arn))));

describe('the boundary policy of the example bootstrap stack', () => {
  const statementsOf = (environment: string) => JSON.parse(boundaries.find(([, p]) => p.name === environmentBoundaryName('shop', environment))![1].policy).Statement;

  it('exists once per environment, named <project>-<env>-boundary, with stable addresses', () => {
    expect(boundaries.map(([id, p]) => [id, p.name]).sort()).toEqual([
      ['boundary-dev', 'shop-dev-boundary'], ['boundary-prod', 'shop-prod-boundary'], ['boundary-staging', 'shop-staging-boundary'],
    ]);
  });

  it('allows everything as a ceiling and denies exactly IAM writes, passing foreign roles, organizations, account and changes to itself', () => {
    expect(statementsOf('prod')).toEqual([
      { Sid: 'Ceiling', Effect: 'Allow', Action: '*', Resource: '*' },
      { Sid: 'DenyIamWrites', Effect: 'Deny', Action: ['iam:Add*', 'iam:Attach*', 'iam:Create*', 'iam:Delete*', 'iam:Detach*', 'iam:Put*', 'iam:Remove*', 'iam:Set*', 'iam:Tag*', 'iam:Untag*', 'iam:Update*'], Resource: '*' },
      { Sid: 'DenyPassingOtherRoles', Effect: 'Deny', Action: 'iam:PassRole', NotResource: 'arn:aws:iam::123456789012:role/shop-prod-*' },
      { Sid: 'DenyOrganizationAndAccount', Effect: 'Deny', Action: ['account:*', 'organizations:*'], Resource: '*' },
      { Sid: 'DenyBoundaryChanges', Effect: 'Deny', Action: ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'], Resource: 'arn:aws:iam::123456789012:policy/shop-prod-boundary' },
    ]);
  });

  it('stops a role under it from escalating, but not from passing its own environment\'s roles', () => {
    const prod = statementsOf('prod');
    const iam = (resource: string) => `arn:aws:iam::123456789012:${resource}`;
    for (const action of ['iam:CreateRole', 'iam:CreateUser', 'iam:CreateAccessKey', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:DeleteRolePermissionsBoundary', 'iam:SetDefaultPolicyVersion']) {
      expect([action, denies(prod, action, iam('role/shop-prod-x'))]).toEqual([action, true]);
    }
    expect(denies(prod, 'iam:PassRole', iam('role/shop-prod-api-task'))).toBe(false);
    expect(denies(prod, 'iam:PassRole', iam('role/shop-dev-api-task'))).toBe(true);
    expect(denies(prod, 'iam:PassRole', iam('role/admin'))).toBe(true);
    expect(denies(prod, 'organizations:LeaveOrganization', '*')).toBe(true);
    expect(denies(prod, 'account:PutAlternateContact', '*')).toBe(true);
    expect(denies(prod, 's3:GetObject', 'arn:aws:s3:::any/thing')).toBe(false);
  });

  it('records why it allows "*" in the bootstrap\'s waiver, and what it does not stop', () => {
    const waiver: string = bootstrap['//'].guardrails.waivers['iam-no-wildcards'];
    expect(waiver).toContain('permissions boundaries <project>-<environment>-boundary allow "*" on "*"');
    expect(waiver).toContain('can still use every other service');
  });
});

describe('every role of an environment stack', () => {
  const cases: [string, EnvironmentConfig][] = [
    ...exampleConfigs().map((c): [string, EnvironmentConfig] => [`example ${c.environment}`, c]),
    ...loaded('modules-tests/fixtures/teleport').map((c): [string, EnvironmentConfig] => [`teleport ${c.environment}`, c]),
    ...loaded(UNUSUAL_DIR).map((c): [string, EnvironmentConfig] => [`unusual ${c.environment}`, c]),
    ...loaded('modules-tests/fixtures/controller').map((c): [string, EnvironmentConfig] => [`controller ${c.environment}`, c]),
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
    for (const [address, role] of roles) expect([address, role.permissions_boundary]).toEqual([address, 'arn:aws:iam::123456789012:policy/shop-prod-boundary']);
  });

  it('could be created by the management policy only with that boundary', () => {
    for (const [, config] of cases) {
      const statements = managementStatements(config);
      const creating = statements.filter((s) => s.Effect === 'Allow' && [s.Action].flat().some((a) => ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePermissionsBoundary'].includes(a)));
      expect(creating.length).toBeGreaterThan(0);
      for (const s of creating) expect([s.Sid, s.Condition?.StringEquals?.['iam:PermissionsBoundary']]).toEqual([s.Sid, boundaryPolicyArn(config)]);
    }
  });
});
