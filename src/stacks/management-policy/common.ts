/**
 * The building blocks every service's statements share: the ARN pieces of
 * an environment, its tag conditions, its boundary, and the IAM names no
 * environment's policy may change.
 */
import type { EnvironmentConfig } from '../../config/resolve';
import { controllerNames } from '../../config/controller-schema';
import { environmentBoundaryName, githubRoleName, Naming } from '../../naming';
import { databaseNames } from '../../modules/database/database';
import { githubOidcProviderArn } from '../../modules/ci/github-oidc-provider';
import type { PolicyStatement } from '../../modules/iam/policy-document';

/** A policy statement; one whose Resource is `*` says why. */
export interface ReasonedStatement extends PolicyStatement {
  readonly Sid: string;
  /** Why the statement needs `*` (required exactly when Resource is `*`). */
  readonly reason?: string;
}

export type Condition = NonNullable<PolicyStatement['Condition']>;

/** The ARN building blocks of one environment. */
export function arns(config: EnvironmentConfig) {
  const { partition: p, region: r, accountId: a } = config.aws;
  const prefix = new Naming(config.project, config.environment).prefix;
  return {
    p,
    r,
    a,
    prefix,
    arn: (service: string, resource: string, region: string = r, account: string = a) =>
      `arn:${p}:${service}:${region}:${account}:${resource}`,
  };
}

/** The names of every database of the environment, as the Database module gives them, in key order. */
export function databasesOf(config: EnvironmentConfig): ReturnType<typeof databaseNames>[] {
  const prefix = new Naming(config.project, config.environment).prefix;
  return Object.values(config.databases)
    .sort((x, y) => x.name.localeCompare(y.name))
    .map((db) => databaseNames(prefix, db.name, db.parameterGroupFamily));
}

/** Requests that create or change a resource tagged as this environment's. */
export function tagged(config: EnvironmentConfig, kind: 'RequestTag' | 'ResourceTag'): Condition {
  return { StringEquals: { [`aws:${kind}/Project`]: config.project, [`aws:${kind}/Environment`]: config.environment } };
}

/** Tag keys that say whose a resource is: no policy here lets a role change them on an existing resource. */
export const OWNER_TAG_KEYS: readonly string[] = ['Project', 'Environment'];

/**
 * Tagging an existing resource: only one already tagged as this
 * environment's, and never its Project or Environment tag (so a role cannot
 * re-tag someone else's resource as its own, or give its own away).
 */
export function retagged(config: EnvironmentConfig): Condition {
  return { ...tagged(config, 'ResourceTag'), 'ForAllValues:StringNotEquals': { 'aws:TagKeys': [...OWNER_TAG_KEYS] } };
}

/**
 * Tagging while creating, for services with no `CreateAction` condition key
 * (KMS, ACM, Cloud Map, Application Auto Scaling): the request tags the new resource as this
 * environment's, and the resource has no Project or Environment tag yet
 * (a new one has none; a resource tagged as anyone's is refused).
 */
export function taggedOnCreate(config: EnvironmentConfig): Condition {
  return { ...tagged(config, 'RequestTag'), Null: { 'aws:ResourceTag/Project': 'true', 'aws:ResourceTag/Environment': 'true' } };
}

/** Every IAM action that changes something: what the deny statements refuse. */
export const IAM_WRITES = [
  'iam:Add*',
  'iam:Attach*',
  'iam:Create*',
  'iam:Delete*',
  'iam:Detach*',
  'iam:PassRole',
  'iam:Put*',
  'iam:Remove*',
  'iam:Set*',
  'iam:Tag*',
  'iam:Untag*',
  'iam:Update*',
];

/** The environment's permissions boundary policy, `<prefix>-boundary`, which the bootstrap creates (permissions-boundary.ts). */
export function boundaryPolicyName(config: EnvironmentConfig): string {
  return environmentBoundaryName(config.project, config.environment);
}

/** The ARN of the environment's permissions boundary policy, in the environment's account. */
export function boundaryPolicyArn(config: EnvironmentConfig): string {
  const { p, a } = arns(config);
  return `arn:${p}:iam::${a}:policy/${boundaryPolicyName(config)}`;
}

/** Requests about a role that has (or, creating it, gets) the environment's permissions boundary. */
export function withBoundary(config: EnvironmentConfig): Condition {
  return { StringEquals: { 'iam:PermissionsBoundary': boundaryPolicyArn(config) } };
}

/**
 * The roles that hold this policy (the GitHub roles, the controller's
 * environment role and the controller's own roles), their policies, the
 * account's GitHub OIDC provider and the reserved boundary policy:
 * `role/<prefix>-*` would match the first ones, so without this a job could
 * widen its own permissions or trust.
 */
export function protectedIamArns(config: EnvironmentConfig): string[] {
  const { p, a } = arns(config);
  const iam = (resource: string) => `arn:${p}:iam::${a}:${resource}`;
  const holders = [
    githubRoleName(config.project, config.environment, 'apply'),
    githubRoleName(config.project, config.environment, 'deploy'),
    controllerNames.environmentRole(config.project, config.environment),
  ];
  const controller = controllerNames.prefix(config.project);
  return [
    ...holders.flatMap((name) => [iam(`role/${name}`), iam(`policy/${name}-*`)]),
    iam(`role/${controller}-*`),
    iam(`policy/${controller}-*`),
    githubOidcProviderArn(p, a),
    iam(`policy/${boundaryPolicyName(config)}`),
  ];
}
