/** Small mappings from configuration values to module props, used by the environment stack. */
import { dnsSuffixOf, partitionOf } from '../aws-facts';
import { ecrRepositoryName } from '../naming';
import type { EnvironmentConfig, ServiceConfig } from '../config/resolve';
import type { Capacity } from '../config/schema';
import type { CapacityProviderShare } from '../modules/cluster/ecs-cluster';
import type { ContainerSecret } from '../modules/service/container-definition';
import { queueVariable } from '../config/injected-variables';

type Aws = EnvironmentConfig['aws'];

/** onDemand: FARGATE only; spot: FARGATE_SPOT only; a mix: both, with weights and the one base. */
export function capacityShares(capacity: Capacity): CapacityProviderShare[] {
  if (capacity === 'onDemand') return [{ provider: 'FARGATE', weight: 1, base: 0 }];
  if (capacity === 'spot') return [{ provider: 'FARGATE_SPOT', weight: 1, base: 0 }];
  const shares: CapacityProviderShare[] = [];
  if (capacity.onDemandWeight > 0 || capacity.onDemandBase > 0)
    shares.push({ provider: 'FARGATE', weight: capacity.onDemandWeight, base: capacity.onDemandBase });
  if (capacity.spotWeight > 0 || capacity.spotBase > 0)
    shares.push({ provider: 'FARGATE_SPOT', weight: capacity.spotWeight, base: capacity.spotBase });
  return shares;
}

/**
 * ECR repositories are per environment, `<project>/<environment>/<repository>`,
 * so that environments sharing an account never share (or collide on) a
 * repository, and every stack stands alone with no cross-stack reference.
 * (A component ECR cannot hold, such as an environment named `qa-`, is
 * cleaned with a hash: ecrRepositoryName.)
 */
export function repositoryName(config: EnvironmentConfig, repository: string): string {
  return ecrRepositoryName(`${config.project}/${config.environment}/${repository}`);
}

type Image = ServiceConfig['image'];

/** The URL of one of the environment's ECR repositories: `<account>.dkr.ecr.<region>.<dns suffix>/<project>/<environment>/<repository>`. */
export function repositoryUrl(config: EnvironmentConfig, repository: string): string {
  return `${config.aws.accountId}.dkr.ecr.${config.aws.region}.${dnsSuffixOf(config.aws.region)}/${repositoryName(config, repository)}`;
}

/** The image a container runs: its own ECR repository's URI built from account, region and name, or the reference as given. */
export function imageOf(config: EnvironmentConfig, image: Image): string {
  if (typeof image === 'string') return image;
  return `${repositoryUrl(config, image.repository)}:${image.tag}`;
}

/** A private ECR image reference: account, region, DNS suffix and repository. */
const PRIVATE_ECR = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.(amazonaws\.com(?:\.cn)?)\/([^:@]+)[:@]/;

/**
 * The ECR repository an image is pulled from, as the ARN the execution role
 * needs pull permissions on: this environment's repository for
 * `{ repository, tag }`, the repository of a private ECR URI, or undefined
 * for any other registry. Main containers and sidecars use this one helper.
 */
export function pullRepositoryArn(image: Image, repositoryArns: Readonly<Record<string, string>>): string | undefined {
  if (typeof image !== 'string') return repositoryArns[image.repository];
  const match = PRIVATE_ECR.exec(image);
  if (!match) return undefined;
  const [, account, region, , repository] = match;
  return `arn:${partitionOf(region!)}:ecr:${region}:${account}:repository/${repository}`;
}

/** The distinct repositories the containers of an environment pull from. */
export function repositoriesOf(config: EnvironmentConfig): string[] {
  const images = [...Object.values(config.services), ...Object.values(config.jobs)].flatMap((s) => [
    s.image,
    ...Object.values(s.sidecars).map((c) => c.image),
  ]);
  return [...new Set(images.flatMap((image) => (typeof image === 'string' ? [] : [image.repository])))].sort();
}

/**
 * A secret as ECS references it. Secrets Manager names become partial ARNs
 * (ECS resolves them; IAM matches the six-character suffix AWS appends);
 * a JSON key is appended as `:key::`. SSM parameter names become ARNs.
 */
export function containerSecret(name: string, secret: ServiceConfig['secrets'][string], aws: Aws): ContainerSecret {
  if ('ssm' in secret) {
    const arn = secret.ssm.startsWith('arn:')
      ? secret.ssm
      : `arn:${aws.partition}:ssm:${aws.region}:${aws.accountId}:parameter/${secret.ssm.replace(/^\//, '')}`;
    return { name, valueFrom: arn, readResources: [arn], source: 'ssm' };
  }
  const arn = secret.secretsManager.startsWith('arn:')
    ? secret.secretsManager
    : `arn:${aws.partition}:secretsmanager:${aws.region}:${aws.accountId}:secret:${secret.secretsManager}`;
  const readResources = secret.secretsManager.startsWith('arn:') ? [arn, `${arn}-??????`] : [`${arn}-??????`];
  return { name, valueFrom: secret.key ? `${arn}:${secret.key}::` : arn, readResources, source: 'secretsManager' };
}

/** Container environment values are strings; YAML numbers and booleans are written as YAML shows them. */
export function environmentStrings(environment: ServiceConfig['environment']): Record<string, string> {
  return Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, String(value)]));
}

/** QUEUE_<KEY>_URL of every queue that lists this service or job. */
export function queueVariables(
  config: Pick<EnvironmentConfig, 'queues'>,
  workload: string,
  queueUrls: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.values(config.queues)
      .filter((q) => q.allowedServices.send.includes(workload) || q.allowedServices.receive.includes(workload))
      .map((q) => [queueVariable(q.name), queueUrls[q.name]!]),
  );
}
