/**
 * What the operations commands act on, resolved from an environment's
 * config with the very functions the stacks name resources with (cluster,
 * ECS services, containers, log groups, ECR repositories), so that the
 * commands find exactly what Terraform created.
 */
import { formatProblem } from '../../config/problems';
import type { LoadedEnvironment } from '../../config/load';
import { MAIN_CONTAINER } from '../../config/schema';
import { serviceNames } from '../../modules/service/fargate-service';
import { jobNames } from '../../modules/job/scheduled-job';
import { clusterName } from '../../stacks/environment-stack';
import { repositoryUrl } from '../../stacks/mapping';
import { Naming } from '../../naming';
import { loadEnvironments, unknownEnvironment } from '../environments';
import { OperationError } from './aws-clients';

/** One service of an environment, as AWS names it. */
export interface ServiceTarget {
  /** The service key in config. */
  readonly name: string;
  /** The ECS service's name. */
  readonly serviceName: string;
  /** ECS container names by config name: `app` for the main container (named after the service in ECS), then each sidecar. */
  readonly containers: Readonly<Record<string, string>>;
  /** Log group names, by the same keys. */
  readonly logGroups: Readonly<Record<string, string>>;
  /** The main container's ECR repository URL, when its image is one of the environment's repositories; else null. */
  readonly repositoryUrl: string | null;
  /** The platform its tasks run on (`cpuArchitecture`): the one its image must be built for. */
  readonly platform: 'linux/amd64' | 'linux/arm64';
  /** The desired count in config (Terraform's, at creation only when autoscaling owns it). */
  readonly desiredCount: number;
  /** The autoscaling range, when autoscaling owns the desired count. */
  readonly autoscaling?: { readonly min: number; readonly max: number };
  /** ECS Exec on. */
  readonly exec: boolean;
  /** A pipeline owns the task definition (deployment.externalImageUpdates): Terraform leaves rollouts alone. */
  readonly externalImageUpdates: boolean;
}

/** One scheduled job of an environment, as AWS names it. */
export interface JobTarget {
  /** The job key in config. */
  readonly name: string;
  /** The EventBridge Scheduler schedule (group default) that holds how the job runs. */
  readonly scheduleName: string;
  /** The task definition family. */
  readonly family: string;
  /** The main container's name in ECS. */
  readonly mainContainer: string;
}

/** One environment, as AWS names it. */
export interface EnvironmentTarget {
  readonly environment: string;
  readonly project: string;
  readonly production: boolean;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  readonly cluster: string;
  readonly services: Readonly<Record<string, ServiceTarget>>;
  readonly jobs: Readonly<Record<string, JobTarget>>;
  /** The loaded environment: messages point at its keys. */
  readonly loaded: LoadedEnvironment;
}

/** The target of a loaded environment. */
export function environmentTarget(loaded: LoadedEnvironment): EnvironmentTarget {
  const { config } = loaded;
  const prefix = new Naming(config.project, config.environment).prefix;
  const services: Record<string, ServiceTarget> = {};
  for (const service of Object.values(config.services)) {
    const sidecars = Object.keys(service.sidecars);
    services[service.name] = {
      name: service.name,
      serviceName: serviceNames.service(service.name),
      containers: { [MAIN_CONTAINER]: serviceNames.mainContainer(service.name), ...Object.fromEntries(sidecars.map((s) => [s, s])) },
      logGroups: {
        [MAIN_CONTAINER]: serviceNames.logGroup(prefix, service.name),
        ...Object.fromEntries(sidecars.map((s) => [s, serviceNames.logGroup(prefix, service.name, s)])),
      },
      repositoryUrl: typeof service.image === 'string' ? null : repositoryUrl(config, service.image.repository),
      platform: service.cpuArchitecture === 'ARM64' ? 'linux/arm64' : 'linux/amd64',
      desiredCount: service.desiredCount,
      ...(service.autoscaling && { autoscaling: { min: service.autoscaling.min, max: service.autoscaling.max } }),
      exec: service.exec,
      externalImageUpdates: service.deployment.externalImageUpdates,
    };
  }
  return {
    environment: config.environment,
    project: config.project,
    production: config.production,
    region: config.aws.region,
    accountId: config.aws.accountId,
    partition: config.aws.partition,
    cluster: clusterName(config),
    services,
    jobs: Object.fromEntries(
      Object.values(config.jobs).map((job) => [
        job.name,
        {
          name: job.name,
          scheduleName: jobNames.schedule(prefix, job.name),
          family: jobNames.family(prefix, job.name),
          mainContainer: serviceNames.mainContainer(job.name),
        },
      ]),
    ),
    loaded,
  };
}

/** The target of environment `name` in `configDir`; an unknown name is a ConfigError listing the environments. */
export function loadEnvironmentTarget(configDir: string, name: string): EnvironmentTarget {
  const all = loadEnvironments(configDir);
  const loaded = all.find((e) => e.config.environment === name);
  if (!loaded) {
    throw unknownEnvironment(
      configDir,
      name,
      all.map((e) => e.config.environment),
    );
  }
  return environmentTarget(loaded);
}

/** Service `name` of the environment; an unknown one is an OperationError listing the services. */
export function serviceTarget(target: EnvironmentTarget, name: string): ServiceTarget {
  const service = Object.hasOwn(target.services, name) ? target.services[name] : undefined;
  if (service) return service;
  const known = Object.keys(target.services);
  throw refusal(
    target,
    ['services'],
    `no service "${name}" in ${target.environment}; its services are ${known.length > 0 ? known.join(', ') : 'none'}`,
  );
}

/** Job `name` of the environment; an unknown one is an OperationError listing the jobs. */
export function jobTarget(target: EnvironmentTarget, name: string): JobTarget {
  const job = Object.hasOwn(target.jobs, name) ? target.jobs[name] : undefined;
  if (job) return job;
  const known = Object.keys(target.jobs);
  throw refusal(
    target,
    known.length > 0 ? ['jobs'] : [],
    `no job "${name}" in ${target.environment}; its jobs are ${known.length > 0 ? known.join(', ') : 'none (add one under jobs)'}`,
  );
}

/** The ECS container of `container` (`app` or a sidecar name); an unknown one is an OperationError listing them. */
export function containerOf(
  target: EnvironmentTarget,
  service: ServiceTarget,
  container: string,
): { readonly name: string; readonly logGroup: string } {
  if (Object.hasOwn(service.containers, container))
    return { name: service.containers[container]!, logGroup: service.logGroups[container]! };
  throw refusal(
    target,
    ['services', service.name],
    `no container "${container}" in service ${service.name}; its containers are ${Object.keys(service.containers).join(', ')} ("${MAIN_CONTAINER}" is the main one)`,
  );
}

/** A refusal that the environment's config explains: one line naming the file, line and key, `FILE:LINE:COL KEY: message`. */
export function refusal(target: EnvironmentTarget, path: readonly (string | number)[], message: string): OperationError {
  return new OperationError(formatProblem(target.loaded.source.problem([...path], message, true)));
}
