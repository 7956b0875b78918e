/**
 * GitHub Actions OIDC in the bootstrap stack: one provider per account, the
 * deploy and apply roles of each environment trusted only by the configured
 * repository and branches (production's apply role: only its GitHub
 * environment), and the config errors that keep it so.
 */
import { githubRoleName } from '../../src/naming';
import { synthesize } from '../../src/core/synthesize';
import { evaluateGuardrails } from '../../src/core/guardrails';
import { loadEnvironments } from '../../src/core/index';
import { githubTrust } from '../../src/config/controller';
import { configsOf, EXAMPLES_DIR, exampleConfigs, MINIMAL_ENVIRONMENT, problemsOf } from '../support/helpers';
import { synthesizedFixture } from '../support/synth-cache';

const BOOTSTRAP = 'bootstrap-shop-tf-state-123456789012';
const stacks = synthesizedFixture(EXAMPLES_DIR);
const bootstrap = JSON.parse(stacks.find((s) => s.name === BOOTSTRAP)!.json);
const roles = Object.values(bootstrap.resource.aws_iam_role) as any[];
const role = (name: string) => roles.find((r) => r.name === name)!;
const trustOf = (name: string) => JSON.parse(role(name).assume_role_policy).Statement[0];

describe('the example bootstrap stack', () => {
  it("creates the account's GitHub OIDC provider once, for sts.amazonaws.com", () => {
    const providers = Object.values(bootstrap.resource.aws_iam_openid_connect_provider) as any[];
    expect(providers.map(({ url, client_id_list }) => ({ url, client_id_list }))).toEqual([
      { url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] },
    ]);
  });

  it('creates exactly the deploy and apply roles githubRoleName spells, per environment', () => {
    const expected = ['dev', 'prod', 'staging']
      .flatMap((env) => (['apply', 'deploy'] as const).map((purpose) => githubRoleName('shop', env, purpose)))
      .sort();
    expect(roles.map((r) => r.name).sort()).toEqual(expected);
  });

  it('trusts only the repository and branch, audience sts.amazonaws.com', () => {
    expect(trustOf('shop-dev-gh-deploy')).toEqual({
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      // Exact subjects: StringEquals (StringLike only with a branch pattern).
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': ['repo:shop-org/shop-infra:ref:refs/heads/main'],
        },
      },
    });
    expect(trustOf('shop-dev-gh-apply').Condition.StringEquals['token.actions.githubusercontent.com:sub']).toEqual([
      'repo:shop-org/shop-infra:ref:refs/heads/main',
    ]);
  });

  it('lets production apply and deploy only from its GitHub environment (protection rules), not from every push to main', () => {
    expect(trustOf('shop-prod-gh-apply').Condition.StringEquals['token.actions.githubusercontent.com:sub']).toEqual([
      'repo:shop-org/shop-infra:environment:production',
    ]);
    expect(trustOf('shop-prod-gh-deploy').Condition.StringEquals['token.actions.githubusercontent.com:sub']).toEqual([
      'repo:shop-org/shop-infra:environment:production',
    ]);
    expect(trustOf('shop-prod-gh-deploy').Condition.StringLike).toBeUndefined();
  });

  it('gives the deploy role only pushing, rolling out and passing its service roles; the apply role the derived policy', () => {
    const policies = Object.values(bootstrap.resource.aws_iam_policy) as any[];
    const deploy = policies.filter((p) => p.name.startsWith('shop-dev-gh-deploy-')).flatMap((p) => JSON.parse(p.policy).Statement);
    expect(deploy.map((s: any) => s.Sid)).toEqual([
      'EcrLogin',
      'PushImages',
      'TaskDefinitions',
      'TagTaskDefinitions',
      'RollOut',
      'PassServiceRoles',
    ]);
    const apply = policies.filter((p) => p.name.startsWith('shop-prod-gh-apply-')).flatMap((p) => JSON.parse(p.policy).Statement);
    expect(apply.map((s: any) => s.Sid)).toContain('StateObjects');
    expect(apply.find((s: any) => s.Sid === 'StateObjects').Resource).toEqual([
      'arn:aws:s3:::shop-tf-state-123456789012/platform/prod.tfstate',
    ]);
    // Only the permissions boundaries (a ceiling, permissions-boundary.test.ts) allow every action.
    const granting = policies.filter((p) => !p.name.endsWith('-boundary'));
    expect(granting.length).toBeGreaterThan(0);
    for (const p of granting)
      expect(JSON.parse(p.policy).Statement.every((s: any) => !JSON.stringify(s).includes('"Action":"*"'))).toBe(true);
  });

  it('passes the guardrails as production, with the waivers it records (each "*" with its reason)', () => {
    const report = evaluateGuardrails(exampleConfigs(), stacks).find((r) => r.environment === BOOTSTRAP)!;
    expect(report.production).toBe(true);
    expect(report.failed).toBe(false);
    expect(report.results.filter((r) => r.status === 'waived').map((r) => r.rule.id)).toEqual(['alarms-enabled', 'iam-no-wildcards']);
    expect(bootstrap['//'].guardrails.waivers['iam-no-wildcards']).toContain(
      'EcrLogin: ecr:GetAuthorizationToken has no resource-level permission',
    );
  });

  it('is the same when only one environment is synthesized (synth --env dev)', () => {
    const dev = exampleConfigs().filter((c) => c.environment === 'dev');
    const partial = synthesize(dev);
    expect(partial.map((s) => s.name)).toEqual([BOOTSTRAP, 'dev']);
    expect(partial.find((s) => s.name === BOOTSTRAP)!.json).toBe(stacks.find((s) => s.name === BOOTSTRAP)!.json);
  });
});

const ci = (extra: string) => `ci:\n  github:\n    repository: shop-org/shop-infra\n${extra}`;

describe('the apply role beside a sibling environment', () => {
  it("denies the writes on prod-eu's names that prod's prefix patterns would allow; prod-eu needs none (its patterns do not match prod)", () => {
    const out = synthesize(
      configsOf({
        'prod.yaml': `${MINIMAL_ENVIRONMENT}gitops: { approvers: [alice] }\n${ci('    applyFromBranches: true\n')}`,
        'prod-eu.yaml': `${MINIMAL_ENVIRONMENT.replace('10.0.0.0/16', '10.1.0.0/16')}gitops: { approvers: [alice] }\n${ci('    applyFromBranches: true\n')}`,
      }),
    );
    const stack = JSON.parse(out.find((s) => s.name.startsWith('bootstrap-'))!.json);
    const statementsOf = (prefix: string) =>
      (Object.values(stack.resource.aws_iam_policy) as any[])
        .filter((p) => p.name.startsWith(prefix))
        .flatMap((p) => JSON.parse(p.policy).Statement);
    const prod = statementsOf('shop-prod-gh-apply-');
    expect(prod.find((s: any) => s.Sid === 'DenySiblingIam').Resource).toContain('arn:aws:iam::123456789012:role/shop-prod-eu-*');
    expect(prod.find((s: any) => s.Sid === 'DenyOwnIam').Resource).toContain('arn:aws:iam::123456789012:role/shop-prod-gh-apply');
    expect(statementsOf('shop-prod-eu-gh-apply-').map((s: any) => s.Sid)).not.toContain('DenySiblingIam');
  });
});

describe('one OIDC provider per account', () => {
  it("is created by the first bucket's bootstrap stack only; the other uses its ARN", () => {
    const configs = configsOf({
      'aa.yaml': `${MINIMAL_ENVIRONMENT.replace('shop-tf-state', 'aaa-state')}${ci('')}`,
      'bb.yaml': `${MINIMAL_ENVIRONMENT.replace('shop-tf-state', 'bbb-state').replace('10.0.0.0/16', '10.1.0.0/16')}${ci('')}`,
    });
    const out = synthesize(configs);
    const providers = (name: string) =>
      Object.keys(JSON.parse(out.find((s) => s.name === name)!.json).resource.aws_iam_openid_connect_provider ?? {}).length;
    expect(providers('bootstrap-aaa-state')).toBe(1);
    expect(providers('bootstrap-bbb-state')).toBe(0);
    const trust = (Object.values(JSON.parse(out.find((s) => s.name === 'bootstrap-bbb-state')!.json).resource.aws_iam_role) as any[])[0]
      .assume_role_policy;
    expect(JSON.parse(trust).Statement[0].Principal.Federated).toBe(
      'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
    );
  });

  it('is not created with oidcProvider: existing', () => {
    const out = synthesize(configsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}${ci('    oidcProvider: existing\n')}` }));
    expect(JSON.parse(out.find((s) => s.name.startsWith('bootstrap-'))!.json).resource.aws_iam_openid_connect_provider).toBeUndefined();
  });

  it('environments of one account must agree on create or existing', () => {
    expect(
      problemsOf({
        'aa.yaml': `${MINIMAL_ENVIRONMENT}${ci('    oidcProvider: existing\n')}`,
        'bb.yaml': `${MINIMAL_ENVIRONMENT.replace('10.0.0.0/16', '10.1.0.0/16')}${ci('')}`,
      }),
    ).toEqual([
      'cfg/aa.yaml:13:19 ci.github.oidcProvider: account 123456789012 has one GitHub OIDC provider: its environments must agree on create or existing (aa: existing, bb: create)',
    ]);
  });
});

describe('ci.github in config', () => {
  it('refuses a production apply role trusting branches unless that is said explicitly', () => {
    expect(problemsOf({ 'prod.yaml': `${MINIMAL_ENVIRONMENT}gitops: { approvers: [alice] }\n${ci('')}` })).toEqual([
      "cfg/prod.yaml:13:5 ci.github.environment: production's apply role trusts only a GitHub environment with protection rules: name it here (ci.github.environment), or set ci.github.applyFromBranches: true to trust every push to the branches",
    ]);
    const relaxed = configsOf({
      'prod.yaml': `${MINIMAL_ENVIRONMENT}gitops: { approvers: [alice] }\n${ci('    applyFromBranches: true\n')}`,
    })[0]!;
    expect(githubTrust(relaxed)!.applySubjects).toEqual(['repo:shop-org/shop-infra:ref:refs/heads/main']);
  });

  it('refuses wildcards in the GitHub environment, and a branch pattern unless branchPatterns says so', () => {
    expect(
      problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}ci:\n  github:\n    repository: shop-org/shop-infra\n    environment: "prod*"\n` }),
    ).toEqual([
      'cfg/dev.yaml:13:18 ci.github.environment: a GitHub environment name, without wildcards (* ?), quotes, commas, colons or backslashes',
    ]);
    expect(
      problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}ci:\n  github:\n    repository: shop-org/shop-infra\n    environment: "?"\n` }),
    ).toHaveLength(1);
    expect(
      problemsOf({
        'dev.yaml': `${MINIMAL_ENVIRONMENT}ci:\n  github:\n    repository: shop-org/shop-infra\n    branches: ["release/*"]\n`,
      }),
    ).toEqual([
      'cfg/dev.yaml:13:16 ci.github.branches.0: release/* is a pattern: every branch it matches could assume the roles; name the branch exactly, or set ci.github.branchPatterns: true',
    ]);
    expect(
      problemsOf({
        'dev.yaml': `${MINIMAL_ENVIRONMENT}ci:\n  github:\n    repository: shop-org/shop-infra\n    branches: ["release/*"]\n    branchPatterns: true\n`,
      }),
    ).toEqual([]);
  });

  it('refuses a repository that is not owner/name and a branch with a wildcard in the middle', () => {
    expect(problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}ci:\n  github:\n    repository: "*"\n    branches: ["ma*in"]\n` })).toEqual([
      'cfg/dev.yaml:12:17 ci.github.repository: a GitHub repository is owner/name, for example shop-org/shop-infra',
      'cfg/dev.yaml:13:16 ci.github.branches.0: a branch name such as main or release/* (letters, digits, . _ / -, one trailing * at most)',
    ]);
  });

  it('trusts branch patterns as given (release/*, with branchPatterns: true) and the GitHub environment outside production too', () => {
    const configs = loadEnvironments('test/fixtures/controller').map((e) => e.config);
    expect(githubTrust(configs.find((c) => c.environment === 'dev')!)!.deploySubjects).toEqual([
      'repo:acme/platform:ref:refs/heads/main',
      'repo:acme/platform:ref:refs/heads/release/*',
    ]);
    expect(githubTrust(configs.find((c) => c.environment === 'prod')!)!.applySubjects).toEqual([
      'repo:acme/platform:environment:production',
    ]);
  });
});
