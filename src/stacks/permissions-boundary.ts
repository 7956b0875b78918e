/**
 * The permissions boundary of an environment's roles: the managed policy
 * `<project>-<environment>-boundary`, created by the bootstrap stack, and the
 * aspect that sets it on every role an environment stack creates.
 *
 * The boundary is a ceiling, not a grant: a role may do only what both its
 * own policies and the boundary allow. The roles' own policies stay least
 * privilege; the boundary allows `*` and denies what no role of an
 * environment may ever do, so that a role created with the apply role's
 * permissions (which may create `role/<prefix>-*` only with this boundary)
 * cannot write IAM, pass a role outside the environment, or change the
 * organization, the account or the boundary itself.
 */
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import type { EnvironmentConfig } from '../config/resolve';
import { Naming } from '../naming';
import type { PolicyStatement } from '../modules/iam/policy-document';
import { boundaryPolicyArn, IAM_WRITES } from './management-policy';

/** Why the boundary allows `*`: recorded as the bootstrap's `iam-no-wildcards` waiver. */
export const BOUNDARY_WAIVER_REASON = 'the permissions boundaries <project>-<environment>-boundary allow "*" on "*" because a boundary is a ceiling intersected with each role\'s own least-privilege policy, which grants nothing by itself; '
  + 'they deny every IAM write, passing roles outside the environment, organizations:*, account:* and changes to the boundary itself, which stops IAM escalation through a role created with the apply role, '
  + 'but a role so created can still use every other service on every resource its own policy names';

/** The statements of an environment's boundary policy, in a fixed order. */
export function boundaryStatements(config: EnvironmentConfig): PolicyStatement[] {
  const { partition: p, accountId: a } = config.aws;
  const prefix = new Naming(config.project, config.environment).prefix;
  return [
    { Sid: 'Ceiling', Effect: 'Allow', Action: '*', Resource: '*' },
    { Sid: 'DenyIamWrites', Effect: 'Deny', Action: IAM_WRITES.filter((action) => action !== 'iam:PassRole'), Resource: '*' },
    { Sid: 'DenyPassingOtherRoles', Effect: 'Deny', Action: 'iam:PassRole', NotResource: `arn:${p}:iam::${a}:role/${prefix}-*` },
    { Sid: 'DenyOrganizationAndAccount', Effect: 'Deny', Action: ['account:*', 'organizations:*'], Resource: '*' },
    { Sid: 'DenyBoundaryChanges', Effect: 'Deny', Action: ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'], Resource: boundaryPolicyArn(config) },
  ];
}

/** Sets `permissions_boundary` on every `aws_iam_role` of the construct tree it visits (an attribute: addresses stay). */
export class PermissionsBoundaryAspect implements IAspect {
  /** @param boundaryArn the boundary policy's ARN (boundaryPolicyArn) */
  constructor(private readonly boundaryArn: string) {}

  visit(node: IConstruct): void {
    if (node instanceof IamRole) node.permissionsBoundary = this.boundaryArn;
  }
}
