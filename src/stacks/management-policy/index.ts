/**
 * What may plan and apply an environment, derived from what the environment
 * contains: its state objects and lock, then create/update/delete only of
 * resources named with its `<project>-<environment>` prefix (resource ARN
 * patterns) or tagged with its Project and Environment (conditions, where a
 * service authorizes creation before there is an ARN). A service the
 * environment does not use gets no statement. Every `*` resource carries its
 * reason here; `wildcardWaiver` turns them into the guardrail waiver that the
 * stacks holding such a policy record.
 *
 * One file per AWS service (this folder), each a pure function of the
 * EnvironmentConfig that names resources with the functions the modules
 * name them with. Pure functions of the EnvironmentConfig: the controller's task role, an
 * environment role made by the bootstrap (controller.environmentRoles) and
 * the GitHub apply role all use `managementStatements`; the GitHub deploy
 * role uses `deployStatements`.
 */
import type { EnvironmentConfig } from '../../config/resolve';
import { Naming } from '../../naming';
import { arns, IAM_WRITES, protectedIamArns, type ReasonedStatement } from './common';
import { ec2Statements } from './ec2';
import { ecsStatements } from './ecs';
import { iamStatements } from './iam';
import { logStatements } from './logs';
import { kmsStatements } from './kms';
import { registryStatements } from './ecr';
import { loadBalancerStatements } from './load-balancer';
import { certificateStatements } from './certificates';
import { discoveryStatements } from './discovery';
import { autoscalingStatements } from './autoscaling';
import { monitoringStatements } from './monitoring';
import { databaseStatements } from './databases';
import { tableStatements } from './tables';
import { fileSystemStatements } from './file-systems';
import { readStatements } from './read';
import { stateStatements } from './state';
import { teleportStatements } from './teleport';
import { jobStatements } from './jobs';
import { workloadStatements } from './workloads';

export {
  boundaryPolicyArn,
  boundaryPolicyName,
  databasesOf,
  IAM_WRITES,
  OWNER_TAG_KEYS,
  protectedIamArns,
  type ReasonedStatement,
} from './common';
export { deployStatements, serviceRoleNames } from './deploy';
export { chunkStatements, mergeStatements, policyStatements, unreasonedWildcards, wildcardWaiver } from './merge';
export { stateStatements } from './state';

/**
 * Resource patterns of this policy that also match a sibling environment's
 * names (`shop-prod-*` matches `shop-prod-eu-task`): the same pattern with the
 * sibling's prefix, denied. Siblings are the other environments whose name
 * starts with this one's and a `-`.
 */
export function siblingPatterns(config: EnvironmentConfig, statements: readonly ReasonedStatement[], others: readonly string[]): string[] {
  const prefix = arns(config).prefix;
  const siblings = others.filter((o) => o.startsWith(`${config.environment}-`)).map((o) => new Naming(config.project, o).prefix);
  if (siblings.length === 0) return [];
  const wide = [...new Set(statements.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Resource ?? []].flat()))].filter(
    (r) => r.includes(`${prefix}-*`) || r.includes(`${prefix}*`),
  );
  return [...new Set(siblings.flatMap((sibling) => wide.map((r) => r.replace(prefix, sibling))))].sort();
}

/**
 * Every statement that plans and applies the environment, in a fixed order
 * (tests compare them exactly). `others`: the names of the other
 * environments of the config folder that this policy does not also manage,
 * whose resources a prefix pattern might match (siblingPatterns).
 */
export function managementStatements(config: EnvironmentConfig, others: readonly string[] = []): ReasonedStatement[] {
  const { arn, prefix } = arns(config);
  const statements: ReasonedStatement[] = [
    ...stateStatements(config),
    ...readStatements(config),
    ...ec2Statements(config),
    ...ecsStatements(config),
    ...iamStatements(config),
    ...logStatements(config),
    ...kmsStatements(config),
    ...registryStatements(config),
    ...loadBalancerStatements(config),
    ...certificateStatements(config),
    ...discoveryStatements(config),
    ...autoscalingStatements(config),
    ...monitoringStatements(config),
    ...databaseStatements(config),
    ...tableStatements(config),
    ...fileSystemStatements(config),
    ...jobStatements(config),
    ...workloadStatements(config),
    ...(config.teleport.enabled ? teleportStatements(config) : []),
  ];
  const add = (s: ReasonedStatement) => statements.push(s);

  // Explicit denies win over every allow above, and over any policy a role could attach to itself.
  add({ Sid: 'DenyOwnIam', Effect: 'Deny', Action: IAM_WRITES, Resource: protectedIamArns(config) });
  // A boundary, once a role has one, stays.
  add({
    Sid: 'DenyBoundaryRemoval',
    Effect: 'Deny',
    Action: 'iam:DeleteRolePermissionsBoundary',
    Resource: arn('iam', `role/${prefix}-*`, ''),
  });
  const siblings = siblingPatterns(config, statements, others);
  // IAM names: every write (a controller may still assume a sibling's role it is given); anything else: every action.
  const siblingIam = siblings.filter((r) => r.startsWith(`arn:${config.aws.partition}:iam::`));
  const siblingOther = siblings.filter((r) => !siblingIam.includes(r));
  if (siblingIam.length > 0) add({ Sid: 'DenySiblingIam', Effect: 'Deny', Action: IAM_WRITES, Resource: siblingIam });
  if (siblingOther.length > 0) add({ Sid: 'DenySiblingEnvironments', Effect: 'Deny', Action: '*', Resource: siblingOther });
  return statements;
}
