import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { Construct } from 'constructs';

/** The issuer of GitHub Actions' OIDC tokens. */
export const GITHUB_OIDC_ISSUER = 'token.actions.githubusercontent.com';

/** The ARN of an account's GitHub OIDC provider: IAM names it after the issuer, so every stack can spell it. */
export function githubOidcProviderArn(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:oidc-provider/${GITHUB_OIDC_ISSUER}`;
}

export interface GithubOidcProviderProps {
  readonly partition: string;
  readonly accountId: string;
}

/**
 * The account's one GitHub Actions OIDC provider, for sts.amazonaws.com.
 * No thumbprint: AWS verifies GitHub's certificate itself for this issuer.
 */
export class GithubOidcProvider extends Construct {
  readonly provider: IamOpenidConnectProvider;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: GithubOidcProviderProps) {
    super(scope, id);
    this.provider = new IamOpenidConnectProvider(this, 'provider', {
      url: `https://${GITHUB_OIDC_ISSUER}`,
      clientIdList: ['sts.amazonaws.com'],
    });
    this.arn = githubOidcProviderArn(props.partition, props.accountId);
  }
}
