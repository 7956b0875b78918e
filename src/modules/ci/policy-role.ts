import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { fitName, NAME_LIMITS } from '../../naming';
import { policyDocument, type PolicyStatement } from '../iam/policy-document';
import { ValidationError } from '../../validation-error';

export interface PolicyRoleProps {
  /** The role name. */
  readonly name: string;
  readonly description: string;
  /** The trust policy document (JSON). */
  readonly assumeRolePolicy: string;
  /**
   * The role's permissions, already split into groups that each fit in one
   * managed policy (6,144 characters): `<name>-1`, `<name>-2`, ...
   */
  readonly statementGroups: readonly (readonly PolicyStatement[])[];
  /** @default 3600 (one hour: a long apply outlives it only through the SDK's refresh) */
  readonly maxSessionSeconds?: number;
}

/**
 * A role whose permissions are customer-managed policies of its own, so
 * that a derived policy larger than IAM's inline limit (10,240 characters
 * per role) still fits.
 */
export class PolicyRole extends Construct {
  readonly role: IamRole;
  readonly policies: IamPolicy[];

  constructor(scope: Construct, id: string, props: PolicyRoleProps) {
    super(scope, id);
    if (props.statementGroups.length > 10)
      throw new ValidationError(
        `PolicyRole ${props.name}: ${props.statementGroups.length} policies, more than IAM attaches to a role (10)`,
        this,
      );
    this.role = new IamRole(this, 'role', {
      name: props.name,
      description: props.description,
      assumeRolePolicy: props.assumeRolePolicy,
      maxSessionDuration: props.maxSessionSeconds ?? 3600,
    });
    this.policies = props.statementGroups.map((statements, i) => {
      const policy = new IamPolicy(this, `policy-${i + 1}`, {
        name: fitName(`${props.name}-${i + 1}`, NAME_LIMITS.iamPolicy),
        description: `${props.name}: permissions, part ${i + 1} of ${props.statementGroups.length}`,
        policy: policyDocument(...statements),
      });
      new IamRolePolicyAttachment(this, `attachment-${i + 1}`, { role: this.role.name, policyArn: policy.arn });
      return policy;
    });
  }
}
