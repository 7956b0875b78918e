import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/resolve';
import { controllerNames } from '../config/controller-schema';
import { githubTrust, resolveController } from '../config/controller';
import { bootstrapStackName as bootstrapStackNameOf } from '../config/stack-names';
import { githubRoleName } from '../naming';
import { AwsContext } from '../modules/aws-context';
import { GithubActionsRole } from '../modules/ci/github-actions-role';
import { GithubOidcProvider, githubOidcProviderArn } from '../modules/ci/github-oidc-provider';
import { PolicyRole } from '../modules/ci/policy-role';
import { policyDocument } from '../modules/iam/policy-document';
import { StateBackend } from '../modules/state/state-backend';
import { GuardrailWaivers } from './guardrail-waivers';
import {
  boundaryPolicyName,
  chunkStatements,
  deployStatements,
  managementStatements,
  policyStatements,
  serviceRoleNames,
  wildcardWaiver,
  type ReasonedStatement,
} from './management-policy';
import { BOUNDARY_POLICY_CHARACTERS, boundaryStatements } from './permissions-boundary';
import { addS3Backend } from './s3-backend';
import { ValidationError } from '../validation-error';

/** Where the bootstrap stack keeps its state once it is in the bucket. */
export const BOOTSTRAP_STATE_KEY = 'bootstrap/terraform.tfstate';

export type BackendConfig = EnvironmentConfig['backend'];

/** The stack name of the bootstrap stack that creates a state bucket. */
export function bootstrapStackName(backend: BackendConfig): string {
  return bootstrapStackNameOf(backend.bucket);
}

/**
 * Whether this bucket's bootstrap stack creates the GitHub OIDC provider of
 * `accountId`: an account has one, so only the bootstrap stack of the first
 * bucket (by name) holding an environment of that account with ci.github
 * and oidcProvider create makes it; the others use its ARN.
 */
export function createsOidcProvider(all: readonly EnvironmentConfig[], bucket: string, accountId: string): boolean {
  const buckets = all
    .filter((c) => c.ci.github && c.ci.github.oidcProvider === 'create' && c.aws.accountId === accountId)
    .map((c) => c.backend.bucket)
    .sort();
  return buckets[0] === bucket;
}

/**
 * Creates the state bucket and lock table that environment stacks use. Its
 * own state is local until `backend.bootstrapStateInBucket` moves it into the
 * bucket it created (docs/bootstrap.md), locked like the environments'
 * states (with the lock file too when they use it; environments sharing a
 * bucket must agree on `useLockfile`).
 *
 * With `environments` (those whose state is in this bucket) and `all` (every
 * environment, to place the account's OIDC provider once), it also creates
 * per environment with ci.github the GitHub Actions roles
 * `<project>-<env>-gh-deploy` and `-gh-apply`, and, where
 * controller.environmentRoles names `<project>-<env>-controller` in this
 * account, that role for the controller to assume. Every environment of
 * this account gets its permissions boundary `<project>-<env>-boundary`
 * (permissions-boundary.ts), which its stack's roles carry.
 */
export class BootstrapStack extends TerraformStack {
  private readonly waivers: GuardrailWaivers;

  constructor(
    scope: Construct,
    backend: BackendConfig,
    tags: Readonly<Record<string, string>>,
    environments: readonly EnvironmentConfig[] = [],
    all: readonly EnvironmentConfig[] = environments,
  ) {
    super(scope, bootstrapStackName(backend));
    // The state bucket's place; its modules read the partition and account from here.
    AwsContext.set(this, backend);
    // Checked before the first resource: a refused input leaves nothing half built.
    const boundaries = this.boundaryPolicies(backend, environments, all);
    new AwsProvider(this, 'aws', {
      region: backend.region,
      allowedAccountIds: [backend.accountId],
      defaultTags: [{ tags: { ...tags, ManagedBy: 'cdktf' } }],
    });
    if (backend.bootstrapStateInBucket) {
      addS3Backend(this, {
        bucket: backend.bucket,
        key: BOOTSTRAP_STATE_KEY,
        region: backend.region,
        lockTable: backend.lockTable,
        useLockfile: backend.useLockfile,
      });
    } else {
      new LocalBackend(this, { path: 'terraform.tfstate' });
    }
    new StateBackend(this, 'state', { bucket: backend.bucket, lockTable: backend.lockTable });
    this.waivers = new GuardrailWaivers(this, 'guardrail-waivers');
    this.waivers.add(
      'alarms-enabled',
      'the bootstrap stack holds the state bucket, its lock table and IAM roles, nothing that serves traffic: a missing bucket or table fails every init and plan, and CloudTrail records their use',
    );
    this.addBoundaries(boundaries);
    this.addGithubRoles(backend, environments, all);
    this.addControllerRoles(backend, environments, all);
  }

  /** The permissions boundary of each environment in this account (one in another account is made there by hand), fenced from every other environment; refused when one is over IAM's size. */
  private boundaryPolicies(
    backend: BackendConfig,
    environments: readonly EnvironmentConfig[],
    all: readonly EnvironmentConfig[],
  ): { config: EnvironmentConfig; policy: string }[] {
    const here = [...environments]
      .filter((c) => c.aws.accountId === backend.accountId)
      .sort((a, b) => a.environment.localeCompare(b.environment));
    return here.map((config) => {
      const policy = policyDocument(...boundaryStatements(config, all));
      if (policy.replace(/\s/g, '').length > BOUNDARY_POLICY_CHARACTERS) {
        throw new ValidationError(
          `the permissions boundary of ${config.environment} is ${policy.length} characters, over IAM's ${BOUNDARY_POLICY_CHARACTERS} for one managed policy; name fewer resources in its taskRole statements`,
          this,
        );
      }
      return { config, policy };
    });
  }

  private addBoundaries(boundaries: readonly { config: EnvironmentConfig; policy: string }[]): void {
    for (const { config, policy } of boundaries) {
      new IamPolicy(this, `boundary-${config.environment}`, {
        name: boundaryPolicyName(config),
        description: `The permissions boundary of every role ${config.environment} creates: its own resources only, no other environment, no IAM writes`,
        policy,
      });
    }
  }

  private addGithubRoles(backend: BackendConfig, environments: readonly EnvironmentConfig[], all: readonly EnvironmentConfig[]): void {
    const withCi = [...environments]
      .filter((c) => c.ci.github && c.aws.accountId === backend.accountId)
      .sort((a, b) => a.environment.localeCompare(b.environment));
    if (withCi.length === 0) return;
    const providerArn = createsOidcProvider(all, backend.bucket, backend.accountId)
      ? new GithubOidcProvider(this, 'github-oidc').arn
      : githubOidcProviderArn(AwsContext.of(this).partition, backend.accountId);
    const reasoned: ReasonedStatement[] = [];
    for (const config of withCi) {
      const trust = githubTrust(config)!;
      const deploy = deployStatements(config, serviceRoleNames(config));
      const apply = managementStatements(config, othersOf(config, all));
      reasoned.push(...deploy, ...apply);
      const deployRole = new GithubActionsRole(this, `github-${config.environment}-deploy`, {
        name: githubRoleName(config.project, config.environment, 'deploy'),
        description: `GitHub Actions of ${trust.repository}: push ${config.environment}'s images and roll out its services`,
        oidcProviderArn: providerArn,
        subjects: trust.deploySubjects,
        statementGroups: chunkStatements(policyStatements(deploy)),
      });
      const applyRole = new GithubActionsRole(this, `github-${config.environment}-apply`, {
        name: githubRoleName(config.project, config.environment, 'apply'),
        description: `GitHub Actions of ${trust.repository}: plan and apply ${config.environment}`,
        oidcProviderArn: providerArn,
        subjects: trust.applySubjects,
        statementGroups: chunkStatements(policyStatements(apply)),
      });
      new TerraformOutput(this, `github_${config.environment.replace(/-/g, '_')}_deploy_role_arn`, { value: deployRole.role.role.arn });
      new TerraformOutput(this, `github_${config.environment.replace(/-/g, '_')}_apply_role_arn`, { value: applyRole.role.role.arn });
    }
    this.recordWaiver(reasoned);
  }

  private addControllerRoles(backend: BackendConfig, environments: readonly EnvironmentConfig[], all: readonly EnvironmentConfig[]): void {
    const controller = resolveController(all);
    if (!controller) return;
    const reasoned: ReasonedStatement[] = [];
    for (const config of [...environments].sort((a, b) => a.environment.localeCompare(b.environment))) {
      const wanted = controller.environmentRoles[config.environment];
      const name = controllerNames.environmentRole(config.project, config.environment);
      if (wanted !== `arn:${config.aws.partition}:iam::${backend.accountId}:role/${name}` || config.aws.accountId !== backend.accountId)
        continue;
      const statements = managementStatements(config, othersOf(config, all));
      reasoned.push(...statements);
      const taskRoleArn = `arn:${controller.partition}:iam::${controller.accountId}:role/${controllerNames.taskRole(controller.project)}`;
      // The account as principal, narrowed to the task role by aws:PrincipalArn: IAM accepts it before that role exists.
      const trust = policyDocument({
        Effect: 'Allow',
        Principal: { AWS: `arn:${controller.partition}:iam::${controller.accountId}:root` },
        Action: 'sts:AssumeRole',
        Condition: { ArnEquals: { 'aws:PrincipalArn': taskRoleArn } },
      });
      const role = new PolicyRole(this, `controller-${config.environment}`, {
        name,
        description: `The GitOps controller (${taskRoleArn}) plans and applies ${config.environment}`,
        assumeRolePolicy: trust,
        statementGroups: chunkStatements(policyStatements(statements)),
      });
      new TerraformOutput(this, `controller_${config.environment.replace(/-/g, '_')}_role_arn`, { value: role.role.arn });
    }
    this.recordWaiver(reasoned);
  }

  private recordWaiver(statements: readonly ReasonedStatement[]): void {
    const reason = wildcardWaiver(statements);
    if (reason !== undefined) this.waivers.add('iam-no-wildcards', reason);
  }
}

/** The other environments' names, whose resources a role of `config` must not reach (siblingPatterns). */
function othersOf(config: EnvironmentConfig, all: readonly EnvironmentConfig[]): string[] {
  return all.filter((c) => c.environment !== config.environment).map((c) => c.environment);
}
