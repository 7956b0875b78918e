/**
 * `taskRole.managedPolicyArns` may not attach the project's own policies to a
 * service: the permissions boundaries, the GitHub Actions roles' and the
 * controller's policies (which plan and apply whole environments), nor any
 * policy named for another environment of the config folder. Names come from
 * the functions the bootstrap and controller stacks name them with.
 */
import { controllerNames } from './controller-schema';
import type { Problem } from './problems';
import type { EnvironmentConfig } from './resolve';
import type { KeyPath } from './yaml-source';
import { environmentBoundaryName, githubRoleName, Naming } from '../naming';

/** IAM attaches at most 10 managed policies to a role: the bootstrap's roles hold parts 1-10. */
const MAX_POLICY_PARTS = 10;

export interface PolicyCheckedEnvironment {
  readonly config: EnvironmentConfig;
  readonly source: { problem(path: KeyPath, message: string): Problem };
}

/** What a policy name is when the project made it (or another environment owns it), else undefined. */
export function projectPolicyOf(name: string, own: EnvironmentConfig, environments: readonly string[]): string | undefined {
  const { project } = own;
  const parts = (role: string) => Array.from({ length: MAX_POLICY_PARTS }, (_, i) => `${role}-${i + 1}`);
  for (const environment of environments) {
    if (name === environmentBoundaryName(project, environment)) return `the permissions boundary of environment ${environment}`;
    for (const purpose of ['apply', 'deploy'] as const) {
      if (parts(githubRoleName(project, environment, purpose)).includes(name))
        return `a policy of the GitHub Actions ${purpose} role of environment ${environment}`;
    }
    if (parts(controllerNames.environmentRole(project, environment)).includes(name))
      return `a policy of the controller's role in environment ${environment}`;
  }
  if (name.startsWith(`${controllerNames.prefix(project)}-`) || name === controllerNames.prefix(project))
    return 'a policy of the GitOps controller';
  const ownPrefix = new Naming(project, own.environment).prefix;
  for (const environment of environments.filter((e) => e !== own.environment)) {
    const prefix = new Naming(project, environment).prefix;
    // dev-eu's own policies start with dev's prefix too: a name is another environment's only if its longest matching prefix is.
    if (name.startsWith(`${prefix}-`) && !(name.startsWith(`${ownPrefix}-`) && ownPrefix.length > prefix.length))
      return `named for environment ${environment} (${prefix}-*)`;
  }
  return undefined;
}

/** One problem per refused ARN, at its key, naming what the policy is and the fix. */
export function projectPolicyProblems(loaded: readonly PolicyCheckedEnvironment[]): Problem[] {
  const environments = loaded.map((e) => e.config.environment);
  return loaded.flatMap((env) =>
    Object.values(env.config.services).flatMap((service) =>
      service.taskRole.managedPolicyArns.flatMap((arn, i) => {
        const name = /:policy\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
        if (name === undefined || /^arn:[^:]+:iam::aws:/.test(arn)) return [];
        const what = projectPolicyOf(name, env.config, environments);
        if (what === undefined) return [];
        return [
          env.source.problem(
            ['services', service.name, 'taskRole', 'managedPolicyArns', i],
            `${arn} is ${what}, which this project manages for its own roles; a service may not hold it: declare the statements the service needs in taskRole.statements, or attach a policy of your own whose name does not start with ${env.config.project}-<another environment>- or ${controllerNames.prefix(env.config.project)}`,
          ),
        ];
      }),
    ),
  );
}
