/**
 * Terraform for an environment the controller reaches through a role
 * (controller.environmentRoles): the controller's stack hands the task the
 * mapping as CONTROLLER_ENVIRONMENT_ROLES (JSON, environment -> role ARN,
 * from the applied infrastructure, not from the commit being planned). For
 * such an environment the child terraform gets a generated AWS config file
 * with one profile that assumes the role, sourcing the task's own
 * credentials, so that both the S3 backend and the AWS provider assume it.
 * The file holds no secret: a role ARN and where credentials come from.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TerraformSettings } from '../core/index';

/** The variable naming the roles, set by the controller's task definition. */
export const ENVIRONMENT_ROLES_VARIABLE = 'CONTROLLER_ENVIRONMENT_ROLES';

/** The profile of the generated file. */
export const ENVIRONMENT_PROFILE = 'environment';

/** Variables a child terraform never sees: the controller's secrets, and static keys that would win over the profile. */
const WITHHELD = ['WEBHOOK_SECRET', 'API_TOKEN', 'GITHUB_TOKEN', 'AWS_SHARED_CREDENTIALS_FILE'];

/** environment -> role ARN, from CONTROLLER_ENVIRONMENT_ROLES (absent: none; malformed: an error naming the variable). */
export function environmentRolesFrom(env: NodeJS.ProcessEnv): Record<string, string> {
  const text = env[ENVIRONMENT_ROLES_VARIABLE];
  if (text === undefined || text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(
      `${ENVIRONMENT_ROLES_VARIABLE} is not JSON; it maps environment names to role ARNs, {"prod":"arn:aws:iam::210987654321:role/shop-prod-controller"}`,
    );
  }
  const roles = parsed as Record<string, unknown>;
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    Object.values(roles).some((v) => typeof v !== 'string' || !/^arn:aws[a-z-]*:iam::\d{12}:role\//.test(v))
  ) {
    throw new Error(
      `${ENVIRONMENT_ROLES_VARIABLE} must map environment names to role ARNs, {"prod":"arn:aws:iam::210987654321:role/shop-prod-controller"}`,
    );
  }
  return roles as Record<string, string>;
}

/** The AWS config file that assumes `roleArn` from the task's (ECS) or the process's (environment) credentials. */
export function environmentRoleConfig(roleArn: string, environment: string, env: NodeJS.ProcessEnv): string {
  const inContainer = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI !== undefined || env.AWS_CONTAINER_CREDENTIALS_FULL_URI !== undefined;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  return [
    `[profile ${ENVIRONMENT_PROFILE}]`,
    `role_arn = ${roleArn}`,
    `credential_source = ${inContainer ? 'EcsContainer' : 'Environment'}`,
    `role_session_name = gitops-controller-${environment}`,
    'duration_seconds = 3600',
    ...(region ? [`region = ${region}`] : []),
    '',
  ].join('\n');
}

/**
 * `settings` for terraform of `environment`: unchanged without a role; with
 * one, AWS_CONFIG_FILE (written under `dir`) and AWS_PROFILE point at the
 * assuming profile. Secrets are withheld either way.
 */
export function withEnvironmentRole(settings: TerraformSettings, environment: string, dir: string): TerraformSettings {
  const env: NodeJS.ProcessEnv = { ...settings.env };
  for (const name of WITHHELD) delete env[name];
  const roleArn = environmentRolesFrom(settings.env)[environment];
  if (roleArn === undefined) return { ...settings, env };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${environment}.config`);
  writeFileSync(file, environmentRoleConfig(roleArn, environment, settings.env), { mode: 0o600 });
  // A profile with a role wins over static keys in the AWS SDKs; AWS_PROFILE must not name another profile.
  return {
    ...settings,
    env: { ...env, AWS_CONFIG_FILE: file, AWS_PROFILE: ENVIRONMENT_PROFILE, AWS_SDK_LOAD_CONFIG: '1' },
    description: `${settings.description}; ${environment} through the role ${roleArn}`,
  };
}
