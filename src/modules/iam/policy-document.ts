/** IAM policy documents as typed objects, serialised once (sorted keys are not needed: field order is fixed here). */

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: '*' | Readonly<Record<string, string | readonly string[]>>;
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  /** Every resource but these (a Deny's exception). */
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export function policyDocument(...statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** The trust policy that lets one AWS service assume a role. */
export function assumeRolePolicy(service: string, condition?: PolicyStatement['Condition']): string {
  return policyDocument({
    Effect: 'Allow',
    Principal: { Service: service },
    Action: 'sts:AssumeRole',
    ...(condition ? { Condition: condition } : {}),
  });
}
