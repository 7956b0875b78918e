import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { Construct } from 'constructs';

/** The controller's secrets: the environment variable `serve` reads -> what the secret holds. */
export const CONTROLLER_SECRETS = {
  WEBHOOK_SECRET: { key: 'webhook-secret', description: 'The GitHub webhook secret (X-Hub-Signature-256)' },
  API_TOKEN: { key: 'api-token', description: 'The bearer token of the controller API and page' },
  GITHUB_TOKEN: { key: 'github-token', description: 'A GitHub token for commit statuses and plan comments' },
} as const;

export type ControllerSecretVariable = keyof typeof CONTROLLER_SECRETS;

export interface ControllerSecretsProps {
  /** `<project>-controller`: the secrets are <namePrefix>/webhook-secret, /api-token, /github-token. */
  readonly namePrefix: string;
  readonly kmsKeyArn: string;
}

/**
 * The three secrets, created empty: Terraform never holds a value (there is
 * no secret version here); `aws secretsmanager put-secret-value` sets each
 * one out of band. A deleted secret can be restored for 30 days.
 */
export class ControllerSecrets extends Construct {
  readonly secrets: Record<ControllerSecretVariable, SecretsmanagerSecret>;
  /** Secret names by environment variable. */
  readonly names: Record<ControllerSecretVariable, string>;

  constructor(scope: Construct, id: string, props: ControllerSecretsProps) {
    super(scope, id);
    const entries = Object.entries(CONTROLLER_SECRETS) as [
      ControllerSecretVariable,
      (typeof CONTROLLER_SECRETS)[ControllerSecretVariable],
    ][];
    this.names = Object.fromEntries(entries.map(([variable, s]) => [variable, `${props.namePrefix}/${s.key}`])) as Record<
      ControllerSecretVariable,
      string
    >;
    this.secrets = Object.fromEntries(
      entries.map(([variable, s]) => [
        variable,
        new SecretsmanagerSecret(this, s.key, {
          name: this.names[variable],
          description: `${s.description}; set with aws secretsmanager put-secret-value`,
          kmsKeyId: props.kmsKeyArn,
          recoveryWindowInDays: 30,
        }),
      ]),
    ) as Record<ControllerSecretVariable, SecretsmanagerSecret>;
  }
}
