/**
 * What IAM decides for one request, evaluated by the IAM policy simulator
 * @cloud-copilot/iam-simulate: the caller's identity policy, its permissions
 * boundary, and the request's context keys (resource tags among them). A
 * statement list is validated once (the simulator would validate it on every
 * request: a tenth of the suites that ask thousands of questions).
 */
import { createValidatedPolicy, validateIdentityPolicy, type ValidatedPolicy } from '@cloud-copilot/iam-policy';
import { runSimulation } from '@cloud-copilot/iam-simulate';

export interface IamQuestion {
  /** The caller: a role's ARN. */
  readonly principal: string;
  readonly action: string;
  /** The resource's ARN, or "*". */
  readonly resource: string;
  /** The statements of the caller's identity policy. */
  readonly identity: readonly object[];
  /** The statements of its permissions boundary. @default no boundary */
  readonly boundary?: readonly object[];
  /** Context keys of the request (aws:PrincipalArn is always set, as AWS sets it). @default none */
  readonly context?: Record<string, string | string[]>;
}

const validated = new WeakMap<readonly object[], ValidatedPolicy>();

function policyOf(statements: readonly object[]): ValidatedPolicy {
  let policy = validated.get(statements);
  if (!policy) {
    policy = createValidatedPolicy({ Version: '2012-10-17', Statement: statements }, validateIdentityPolicy);
    validated.set(statements, policy);
  }
  return policy;
}

/**
 * `Allowed`, `ImplicitlyDenied` or `ExplicitlyDenied`; `NotApplicable` for a
 * resource form the action does not take (a policy lists `group` and
 * `group:*`; each action takes one). Throws on any other simulator error.
 */
export async function iamDecision(question: IamQuestion): Promise<string> {
  const { principal, action, resource } = question;
  // The resource's account; for "*" and S3 (no account in the ARN) the caller's own.
  const accountId = /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(resource)?.[1] ?? /^arn:[^:]+:iam::(\d{12}):/.exec(principal)![1]!;
  const partition = /^arn:([^:]+):/.exec(principal)![1]!;
  const response = await runSimulation(
    {
      request: {
        principal,
        action,
        resource: { resource, accountId },
        contextVariables: { 'aws:PrincipalArn': principal, ...question.context },
      },
      identityPolicies: [{ name: 'identity', policy: policyOf(question.identity) }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(question.boundary ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: policyOf(question.boundary) }] } : {}),
      // KMS keys need their key policy's consent: the project's keys delegate to the account (IAM decides), as here.
      ...(action.startsWith('kms:')
        ? {
            resourcePolicy: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::${accountId}:root` }, Action: 'kms:*', Resource: '*' },
              ],
            },
          }
        : {}),
    },
    {},
  );
  if (response.resultType === 'error' && JSON.stringify(response.errors).includes('no.resource.types')) return 'NotApplicable';
  if (response.resultType === 'error') throw new Error(`${action} on ${resource}: ${JSON.stringify(response.errors)}`);
  return response.overallResult;
}
