/**
 * The controller section resolved for its stack, the GitHub OIDC trust of
 * an environment, and the checks of both that need every environment at
 * once (load.ts runs `controllerProblems`).
 */
import { partitionOf } from '../aws-facts';
import type { Problem } from './problems';
import type { EnvironmentConfig } from './resolve';
import { CONTROLLER_NAME_PART, type ParsedController } from './controller-schema';

/** The OIDC `sub` values each GitHub Actions role of an environment trusts. */
export interface GithubTrust {
  readonly repository: string;
  readonly deploySubjects: readonly string[];
  readonly applySubjects: readonly string[];
  readonly oidcProvider: 'create' | 'existing';
}

/**
 * Whom the deploy and apply roles trust: outside production the branches and
 * the GitHub environment; in production, when a GitHub environment is
 * named, only that environment (its protection rules gate every apply and
 * every image rollout), unless `applyFromBranches: true` says otherwise.
 */
export function githubTrust(config: Pick<EnvironmentConfig, 'production' | 'ci'>): GithubTrust | undefined {
  const github = config.ci.github;
  if (!github) return undefined;
  const branches = github.branches.map((b) => `repo:${github.repository}:ref:refs/heads/${b}`);
  const environment = github.environment !== undefined ? [`repo:${github.repository}:environment:${github.environment}`] : [];
  const fromBranches = github.applyFromBranches ?? !config.production;
  const subjects = fromBranches || environment.length === 0 ? [...branches, ...environment] : environment;
  return {
    repository: github.repository,
    deploySubjects: subjects,
    applySubjects: subjects,
    oidcProvider: github.oidcProvider,
  };
}

/** The controller as its stack builds it: the shared `controller:` section with the account, region and state it lands in. */
export interface ControllerConfig extends ParsedController {
  readonly project: string;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  /** The environments it manages with its own task role (the others through environmentRoles). */
  readonly direct: readonly EnvironmentConfig[];
  /** Every environment of the repository, by name order. */
  readonly environments: readonly EnvironmentConfig[];
  /** Where its own stack keeps its state: the bucket of the first directly managed environment. */
  readonly backend: EnvironmentConfig['backend'];
  readonly availabilityZones: readonly string[];
}

/** The `controller:` section of a set of environments (they all carry the same one, from defaults.yaml), resolved; undefined without one. */
export function resolveController(configs: readonly EnvironmentConfig[]): ControllerConfig | undefined {
  const sorted = [...configs].sort((a, b) => a.environment.localeCompare(b.environment));
  const parsed = sorted.find((c) => c.controller !== undefined)?.controller;
  if (!parsed) return undefined;
  const direct = sorted.filter((c) => !Object.hasOwn(parsed.environmentRoles, c.environment));
  const home = direct[0] ?? sorted[0]!;
  const region = parsed.aws.region ?? home.aws.region;
  const accountId = parsed.aws.accountId ?? home.aws.accountId;
  const sameAccount =
    direct.find((c) => c.aws.accountId === accountId && c.backend.accountId === accountId) ??
    sorted.find((c) => c.backend.accountId === accountId) ??
    home;
  return {
    ...parsed,
    project: home.project,
    region,
    accountId,
    partition: partitionOf(region),
    direct,
    environments: sorted,
    backend: sameAccount.backend,
    availabilityZones: parsed.network.availabilityZones ?? [`${region}a`, `${region}b`],
  };
}

/** Why an ARN is not in the given partition, region (when it has one) and account, or undefined. */
export function arnPlaceProblem(
  arn: string,
  place: { readonly partition: string; readonly region?: string; readonly accountId: string },
  whose: string,
): string | undefined {
  const [, partition, , region, account] = arn.split(':');
  if (partition !== place.partition)
    return `${arn} is in partition ${partition}, ${whose} in ${place.partition}; use arn:${place.partition}:...`;
  if (place.region !== undefined && region !== place.region)
    return `${arn} is in region ${region}, ${whose} in ${place.region}; use ${place.region}`;
  if (account !== place.accountId) return `${arn} is in account ${account}, ${whose} in ${place.accountId}; use ${place.accountId}`;
  return undefined;
}

/** The loaded environment as the cross-environment checks need it. */
interface Located {
  readonly config: EnvironmentConfig;
  readonly source: { problem(path: readonly (string | number)[], message: string): Problem };
}

/**
 * Checks that need every environment: environmentRoles name environments
 * that exist, the controller manages directly only environments in its own
 * account and region, no environment is named like the controller, one
 * account agrees on creating the GitHub OIDC provider, and production names
 * a GitHub environment for its apply role (or relaxes that explicitly).
 */
export function controllerProblems(loaded: readonly Located[]): Problem[] {
  const problems: Problem[] = [];
  for (const env of loaded) {
    const { config } = env;
    const github = config.ci.github;
    if (github && config.production && github.environment === undefined && github.applyFromBranches !== true) {
      problems.push(
        env.source.problem(
          ['ci', 'github', 'environment'],
          "production's apply role trusts only a GitHub environment with protection rules: name it here (ci.github.environment), or set ci.github.applyFromBranches: true to trust every push to the branches",
        ),
      );
    }
    if (github && config.aws.accountId !== config.backend.accountId) {
      problems.push(
        env.source.problem(
          ['ci', 'github'],
          `the bootstrap stack of bucket ${config.backend.bucket} runs in account ${config.backend.accountId}, but this environment's roles belong in ${config.aws.accountId}; keep the state bucket in the environment's account, or make the roles by hand`,
        ),
      );
    }
  }
  const byAccount = new Map<string, Located[]>();
  for (const env of loaded.filter((e) => e.config.ci.github))
    byAccount.set(env.config.aws.accountId, [...(byAccount.get(env.config.aws.accountId) ?? []), env]);
  for (const [account, envs] of byAccount) {
    const kinds = new Set(envs.map((e) => e.config.ci.github!.oidcProvider));
    if (kinds.size > 1) {
      const existing = envs.find((e) => e.config.ci.github!.oidcProvider === 'existing')!;
      problems.push(
        existing.source.problem(
          ['ci', 'github', 'oidcProvider'],
          `account ${account} has one GitHub OIDC provider: its environments must agree on create or existing (${envs.map((e) => `${e.config.environment}: ${e.config.ci.github!.oidcProvider}`).join(', ')})`,
        ),
      );
    }
  }

  const controller = resolveController(loaded.map((e) => e.config));
  if (!controller) return problems;
  const first = loaded[0]!;
  if (controller.direct.length === 0 && controller.aws.accountId === undefined) {
    problems.push(
      first.source.problem(
        ['controller', 'environmentRoles'],
        "every environment is reached through a role, so the controller's account cannot be taken from one: give controller.aws.accountId and controller.aws.region",
      ),
    );
  } else if (!loaded.some((e) => e.config.backend.accountId === controller.accountId)) {
    problems.push(
      first.source.problem(
        ['controller'],
        `no environment keeps its state in the controller's account ${controller.accountId}, so its own stack has no state bucket there; run the controller in the account of one of them (controller.aws.accountId)`,
      ),
    );
  }
  const names = new Set(loaded.map((e) => e.config.environment));
  for (const [name, roleArn] of Object.entries(controller.environmentRoles)) {
    const target = loaded.find((e) => e.config.environment === name)?.config;
    if (!target)
      problems.push(
        first.source.problem(['controller', 'environmentRoles', name], `no environment "${name}"; found ${[...names].sort().join(', ')}`),
      );
    // The role plans and applies that environment: it belongs to its partition and account.
    const misplaced =
      target && arnPlaceProblem(roleArn, { partition: target.aws.partition, accountId: target.aws.accountId }, `environment ${name}`);
    if (misplaced) problems.push(first.source.problem(['controller', 'environmentRoles', name], misplaced));
  }
  const certificate = controller.loadBalancer.certificateArn;
  const misplacedCertificate = certificate && arnPlaceProblem(certificate, controller, "the controller's load balancer");
  if (misplacedCertificate)
    problems.push(
      first.source.problem(
        ['controller', 'loadBalancer', 'certificateArn'],
        `${misplacedCertificate} (an ALB takes only certificates of its own region and account)`,
      ),
    );
  // Where a missing role is asked for: environmentRoles, or controller itself when it has none yet.
  const rolesAt = Object.keys(controller.environmentRoles).length > 0 ? ['controller', 'environmentRoles'] : ['controller'];
  for (const env of loaded) {
    const { config } = env;
    if (config.environment === CONTROLLER_NAME_PART) {
      problems.push(
        env.source.problem(
          ['environment'],
          `with controller: set, its resources are named ${config.project}-controller-*; rename the environment "controller"`,
        ),
      );
    }
    if (Object.hasOwn(controller.environmentRoles, config.environment)) continue;
    if (config.aws.accountId !== controller.accountId) {
      problems.push(
        first.source.problem(
          rolesAt,
          `the controller runs in account ${controller.accountId} and ${config.environment} is in ${config.aws.accountId}: give controller.environmentRoles.${config.environment}, a role in that account the controller assumes`,
        ),
      );
    } else if (config.aws.partition !== controller.partition) {
      // Credentials of one partition are worthless in another: its own account there is another account.
      problems.push(
        first.source.problem(
          rolesAt,
          `the controller runs in partition ${controller.partition} (${controller.region}) and ${config.environment} in ${config.aws.partition} (${config.aws.region}): give controller.environmentRoles.${config.environment}, a role in ${config.environment}'s partition the controller assumes`,
        ),
      );
    }
    if (config.project !== controller.project) {
      problems.push(
        env.source.problem(
          ['project'],
          `the controller manages one project (${controller.project}); ${config.environment} is ${config.project}`,
        ),
      );
    }
  }
  return problems;
}
