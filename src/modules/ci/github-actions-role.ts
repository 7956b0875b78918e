import { Construct } from 'constructs';
import { policyDocument, type PolicyStatement } from '../iam/policy-document';
import { GITHUB_OIDC_ISSUER } from './github-oidc-provider';
import { PolicyRole } from './policy-role';
import { ValidationError } from '../../validation-error';

export interface GithubActionsRoleProps {
  /** The role name, githubRoleName(project, environment, purpose). */
  readonly name: string;
  readonly description: string;
  /** The account's GitHub OIDC provider. */
  readonly oidcProviderArn: string;
  /** The `sub` claims trusted: repo:OWNER/NAME:ref:refs/heads/BRANCH or repo:OWNER/NAME:environment:NAME. */
  readonly subjects: readonly string[];
  /** The role's permissions, in groups that each fit a managed policy. */
  readonly statementGroups: readonly (readonly PolicyStatement[])[];
}

/**
 * A role GitHub Actions assumes with its OIDC token: only tokens issued for
 * sts.amazonaws.com whose subject is one of `subjects`: StringEquals, or
 * StringLike when a subject ends in a branch pattern (release/*, allowed by
 * ci.github.branchPatterns); no subject has a wildcard elsewhere.
 */
export class GithubActionsRole extends Construct {
  readonly role: PolicyRole;

  constructor(scope: Construct, id: string, props: GithubActionsRoleProps) {
    super(scope, id);
    if (props.subjects.length === 0) throw new ValidationError(`GithubActionsRole ${props.name}: no trusted subject`, this);
    const wide = props.subjects.find((s) => !/^repo:[^*?:]+\/[^*?:]+:(ref:refs\/heads\/[^*?:]+\*?|environment:[^*?:]+)$/.test(s));
    if (wide)
      throw new ValidationError(
        `GithubActionsRole ${props.name}: subject ${wide} does not name one repository and a branch or environment`,
        this,
      );
    const trust = policyDocument({
      Effect: 'Allow',
      Principal: { Federated: props.oidcProviderArn },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: props.subjects.some((s) => s.endsWith('*'))
        ? {
            StringEquals: { [`${GITHUB_OIDC_ISSUER}:aud`]: 'sts.amazonaws.com' },
            StringLike: { [`${GITHUB_OIDC_ISSUER}:sub`]: [...props.subjects] },
          }
        : { StringEquals: { [`${GITHUB_OIDC_ISSUER}:aud`]: 'sts.amazonaws.com', [`${GITHUB_OIDC_ISSUER}:sub`]: [...props.subjects] } },
    });
    this.role = new PolicyRole(this, 'role', {
      name: props.name,
      description: props.description,
      assumeRolePolicy: trust,
      statementGroups: props.statementGroups,
    });
  }
}
