/**
 * `ci-info`: what a pipeline needs to ship an environment's images, from
 * config alone (no AWS call): the region and account, the GitHub OIDC roles
 * (src/naming.ts spells their names) and the GitHub environment they trust, the cluster, and each service's ECS
 * name, ECR repository and image platform. The workflows in src/cli/templates/workflows read
 * exactly this shape.
 */
import { githubRoleName } from '../../naming';
import { serviceTarget, type EnvironmentTarget } from './targets';

export interface CiInfo {
  readonly environment: string;
  readonly region: string;
  readonly accountId: string;
  /** The role that pushes the environment's images and rolls its services out; null without `ci.github` (the bootstrap creates no roles then). */
  readonly deployRoleArn: string | null;
  /** The role that plans and applies the environment; null without `ci.github`. */
  readonly applyRoleArn: string | null;
  /** `ci.github.environment`: the GitHub environment whose jobs the roles trust (its protection rules gate them), or null. */
  readonly githubEnvironment: string | null;
  readonly cluster: string;
  /**
   * Each service: its ECS name, its ECR repository (null for an image of
   * another registry) and the platform its image must be built for
   * (`cpuArchitecture` ARM64: `linux/arm64`, else `linux/amd64`; an image of
   * the other platform never starts, and the rollout rolls back).
   */
  readonly services: Record<
    string,
    { readonly serviceName: string; readonly repositoryUrl: string | null; readonly platform: 'linux/amd64' | 'linux/arm64' }
  >;
}

/** The pipeline's view of the environment, every service or only `service`. */
export function ciInfo(target: EnvironmentTarget, service?: string): CiInfo {
  const github = target.loaded.config.ci.github;
  // The bootstrap creates the roles in the environment's account, for environments with ci.github only.
  const role = (purpose: 'deploy' | 'apply') =>
    github ? `arn:${target.partition}:iam::${target.accountId}:role/${githubRoleName(target.project, target.environment, purpose)}` : null;
  const services = service === undefined ? Object.values(target.services) : [serviceTarget(target, service)];
  return {
    environment: target.environment,
    region: target.region,
    accountId: target.accountId,
    deployRoleArn: role('deploy'),
    applyRoleArn: role('apply'),
    githubEnvironment: github?.environment ?? null,
    cluster: target.cluster,
    services: Object.fromEntries(
      services.map((s) => [s.name, { serviceName: s.serviceName, repositoryUrl: s.repositoryUrl, platform: s.platform }]),
    ),
  };
}
