import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { Construct } from 'constructs';
import { AwsContext } from '../aws-context';

/** The issuer of GitHub Actions' OIDC tokens. */
export const GITHUB_OIDC_ISSUER = 'token.actions.githubusercontent.com';

/** The ARN of an account's GitHub OIDC provider: IAM names it after the issuer, so every stack can spell it. */
export function githubOidcProviderArn(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:oidc-provider/${GITHUB_OIDC_ISSUER}`;
}

/**
 * The account's one GitHub Actions OIDC provider, for sts.amazonaws.com.
 * No thumbprint: AWS verifies GitHub's certificate itself for this issuer.
 * Its ARN is in the account of its stack's AWS context.
 */
export class GithubOidcProvider extends Construct {
  readonly provider: IamOpenidConnectProvider;
  readonly arn: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.provider = new IamOpenidConnectProvider(this, 'provider', {
      url: `https://${GITHUB_OIDC_ISSUER}`,
      clientIdList: ['sts.amazonaws.com'],
    });
    const { partition, accountId } = AwsContext.of(this);
    this.arn = githubOidcProviderArn(partition, accountId);
  }
}
