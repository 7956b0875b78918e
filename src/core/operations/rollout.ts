/**
 * `rollout`: a new image for a service's main container. The current task
 * definition is registered again with only that image changed, the service
 * is updated to it, and the deployment is watched the way the AWS CLI's
 * `services-stable` waiter does (one deployment left, running == desired);
 * a FAILED rollout or a timeout updates the service back to the task
 * definition it ran before.
 */
import type { Deployment, RegisterTaskDefinitionCommandInput, Service, Tag, TaskDefinition } from '@aws-sdk/client-ecs';
import { imageReferenceProblem, MAIN_CONTAINER, MUTABLE_TAGS } from '../../config/schema';
import { IGNORE_EVENTS, type CoreListener } from '../events';
import { call, OperationError, type AwsClients } from './aws-clients';
import { ecsSdk } from './sdk';
import { sleep } from './sleep';
import { taskDefinitionName } from './status';
import type { EnvironmentTarget, ServiceTarget } from './targets';

/** Fields DescribeTaskDefinition returns that RegisterTaskDefinition does not take. */
const READ_ONLY_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
] as const;

export interface RolloutOptions {
  /** The new image of the main container: a full reference with a tag or digest. */
  readonly image: string;
  /** Seconds to wait for the deployment before rolling back. @default 600 */
  readonly timeoutSeconds?: number;
  /** Milliseconds between polls (the waiter's 15 s). @default 15000 */
  readonly pollMs?: number;
  /** Progress, as `note` events. @default none */
  readonly onEvent?: CoreListener;
  /** Stops waiting: treated like a timeout (the service is rolled back). */
  readonly signal?: AbortSignal;
}

export interface RolloutResult {
  readonly serviceName: string;
  /** `completed`, or `unchanged` when the service already ran this image. */
  readonly outcome: 'completed' | 'unchanged';
  readonly image: string;
  readonly previousTaskDefinition: string;
  readonly taskDefinition: string;
  readonly seconds: number;
  /** What may undo the rollout (Terraform owning the task definition). */
  readonly notes: string[];
}

/** A rollout that did not complete; the service was updated back to `rolledBackTo` (when set). */
export class RolloutError extends OperationError {
  constructor(
    message: string,
    readonly outcome: 'failed' | 'timeout',
    readonly rolledBackTo?: string,
  ) {
    super(message);
  }
}

/** The reason an image reference cannot be rolled out to this environment, or undefined. */
export function rolloutImageProblem(image: string, production: boolean): string | undefined {
  const problem = imageReferenceProblem(image);
  if (problem) return problem;
  if (image.includes('@sha256:')) return undefined;
  const tag = /:([^:/]+)$/.exec(image)?.[1] ?? 'latest';
  if (production && MUTABLE_TAGS.includes(tag.toLowerCase())) {
    return `"${tag}" is a moving tag, refused in production: roll out an immutable tag (the commit SHA, a version) or a digest (@sha256:...)`;
  }
  return undefined;
}

export async function rolloutImage(
  target: EnvironmentTarget,
  service: ServiceTarget,
  clients: AwsClients,
  options: RolloutOptions,
): Promise<RolloutResult> {
  const { image } = options;
  const onEvent = options.onEvent ?? IGNORE_EVENTS;
  const note = (message: string) => onEvent({ type: 'note', stack: target.environment, message });
  const problem = rolloutImageProblem(image, target.production);
  if (problem) throw new OperationError(`--image ${image}: ${problem}`);
  const started = Date.now();
  const where = `${service.serviceName} in cluster ${target.cluster}`;
  const notes = service.externalImageUpdates
    ? []
    : [
        `Terraform manages the task definition of ${service.name}: the next apply goes back to the image in config; set services.${service.name}.image to keep this one, or deployment.externalImageUpdates: true to leave images to pipelines`,
      ];

  const current = await describeService(target, service, clients);
  if ((current.deployments ?? []).length > 1) {
    throw new OperationError(
      `${where} is already deploying (${current.deployments!.length} deployments): wait until it is stable (\`platform status --env ${target.environment}\`), then retry`,
    );
  }
  const previousArn = current.taskDefinition!;
  const described = await call(clients, `DescribeTaskDefinition ${taskDefinitionName(previousArn)}`, () =>
    clients.ecs.send(new (ecsSdk().DescribeTaskDefinitionCommand)({ taskDefinition: previousArn, include: ['TAGS'] })),
  );
  const container = service.containers[MAIN_CONTAINER]!;
  const registration = withImage(described.taskDefinition!, described.tags, container, image);
  if (registration === 'unchanged') {
    return {
      serviceName: service.serviceName,
      outcome: 'unchanged',
      image,
      previousTaskDefinition: previousArn,
      taskDefinition: previousArn,
      seconds: 0,
      notes,
    };
  }
  if (registration === undefined)
    throw new OperationError(
      `task definition ${taskDefinitionName(previousArn)} has no container ${container}: it is not the one this project created for ${service.name}`,
    );

  const registered = await call(clients, `RegisterTaskDefinition ${registration.family}`, () =>
    clients.ecs.send(new (ecsSdk().RegisterTaskDefinitionCommand)(registration)),
  );
  const newArn = registered.taskDefinition!.taskDefinitionArn!;
  note(`registered ${taskDefinitionName(newArn)} (${container}: ${image})`);
  await updateService(target, service, clients, newArn);
  note(`updated ${where} to ${taskDefinitionName(newArn)}; waiting for it to be stable (at most ${options.timeoutSeconds ?? 600} s)`);

  const deadline = started + (options.timeoutSeconds ?? 600) * 1000;
  const back = (why: string, outcome: RolloutError['outcome']) =>
    rollBack(target, service, clients, previousArn, `rollout of ${image} to ${where} ${why}`, outcome);
  for (;;) {
    let state: Service;
    try {
      state = await describeService(target, service, clients);
    } catch (error) {
      // Watching failed (network, credentials): the deployment goes on unseen, so put the service back rather than leave it unknown.
      if (!(error instanceof OperationError)) throw error;
      return back(`could not be watched (${error.message})`, 'failed');
    }
    const outcome = deploymentOutcome(state, newArn);
    if (outcome.done === 'stable') {
      return {
        serviceName: service.serviceName,
        outcome: 'completed',
        image,
        previousTaskDefinition: previousArn,
        taskDefinition: newArn,
        seconds: Math.round((Date.now() - started) / 1000),
        notes,
      };
    }
    if (outcome.done === 'failed') return back(`failed (${outcome.reason})`, 'failed');
    note(`${outcome.progress}`);
    if (Date.now() + (options.pollMs ?? 15_000) > deadline || options.signal?.aborted) {
      return back(
        `${options.signal?.aborted ? 'stopped' : `not stable after ${options.timeoutSeconds ?? 600} s`} (${outcome.progress})`,
        'timeout',
      );
    }
    await sleep(options.pollMs ?? 15_000, options.signal);
  }
}

/** Updates the service back to `previousArn` and throws the RolloutError that says so (or, when that fails too, how to do it by hand). */
async function rollBack(
  target: EnvironmentTarget,
  service: ServiceTarget,
  clients: AwsClients,
  previousArn: string,
  what: string,
  outcome: RolloutError['outcome'],
): Promise<never> {
  try {
    await updateService(target, service, clients, previousArn);
  } catch (error) {
    if (!(error instanceof OperationError)) throw error;
    throw new RolloutError(
      `${what}; updating the service back failed too (${error.message}): run aws ecs update-service --region ${target.region} --cluster ${target.cluster} --service ${service.serviceName} --task-definition ${previousArn}`,
      outcome,
    );
  }
  throw new RolloutError(`${what}; updated the service back to ${taskDefinitionName(previousArn)}`, outcome, previousArn);
}

/** The task definition again, every setting as it was and only `container`'s image replaced; undefined without that container. */
export function withImage(
  definition: TaskDefinition,
  tags: Tag[] | undefined,
  container: string,
  image: string,
): RegisterTaskDefinitionCommandInput | 'unchanged' | undefined {
  const main = definition.containerDefinitions?.find((c) => c.name === container);
  if (!main) return undefined;
  if (main.image === image) return 'unchanged';
  const settings: Record<string, unknown> = { ...definition };
  for (const field of READ_ONLY_FIELDS) delete settings[field];
  return {
    ...(settings as Omit<RegisterTaskDefinitionCommandInput, 'family' | 'containerDefinitions'>),
    family: definition.family,
    containerDefinitions: definition.containerDefinitions!.map((c) => (c.name === container ? { ...c, image } : c)),
    ...(tags && tags.length > 0 && { tags }),
  };
}

type Outcome = { done: 'stable' } | { done: 'failed'; reason: string } | { done?: undefined; progress: string };

/** Where the deployment of `taskDefinition` stands: the `services-stable` waiter's test, plus ECS's rollout state. */
export function deploymentOutcome(service: Service, taskDefinition: string): Outcome {
  const deployments = service.deployments ?? [];
  const ours = deployments.find((d) => d.taskDefinition === taskDefinition);
  if (!ours)
    return { done: 'failed', reason: `ECS no longer deploys ${taskDefinitionName(taskDefinition)}: the circuit breaker rolled it back` };
  if (ours.rolloutState === 'FAILED')
    return { done: 'failed', reason: `rollout state FAILED: ${ours.rolloutStateReason ?? 'no reason given'}` };
  if (ours.status !== 'PRIMARY')
    return { done: 'failed', reason: `another deployment (${describe(deployments.find((d) => d.status === 'PRIMARY'))}) replaced it` };
  const stable =
    deployments.length === 1 &&
    service.runningCount === service.desiredCount &&
    (ours.rolloutState === undefined || ours.rolloutState === 'COMPLETED');
  if (stable) return { done: 'stable' };
  return {
    progress: `${service.runningCount ?? 0}/${service.desiredCount ?? 0} running, ${deployments.length} deployment(s), ${ours.rolloutState ?? 'no rollout state'}`,
  };
}

function describe(deployment: Deployment | undefined): string {
  return deployment ? `${taskDefinitionName(deployment.taskDefinition)}, ${deployment.rolloutState ?? deployment.status}` : 'unknown';
}

async function describeService(target: EnvironmentTarget, service: ServiceTarget, clients: AwsClients): Promise<Service> {
  const missing = new OperationError(
    `service ${service.serviceName} does not exist in cluster ${target.cluster} (${target.region}, account ${target.accountId}): apply the environment first (\`platform apply --env ${target.environment}\`), or check that the credentials are that account's`,
  );
  const answer = await call(clients, `DescribeServices ${service.serviceName} in cluster ${target.cluster}`, () =>
    clients.ecs.send(
      new (ecsSdk().DescribeServicesCommand)({
        cluster: target.cluster,
        services: [service.serviceName],
      }),
    ),
  ).catch((error: unknown) => {
    throw error instanceof OperationError && error.awsName === 'ClusterNotFoundException' ? missing : error;
  });
  const found = answer.services?.find((s) => s.serviceName === service.serviceName && s.status === 'ACTIVE');
  if (!found?.taskDefinition) throw missing;
  return found;
}

async function updateService(
  target: EnvironmentTarget,
  service: ServiceTarget,
  clients: AwsClients,
  taskDefinition: string,
): Promise<void> {
  await call(clients, `UpdateService ${service.serviceName} in cluster ${target.cluster}`, () =>
    clients.ecs.send(
      new (ecsSdk().UpdateServiceCommand)({
        cluster: target.cluster,
        service: service.serviceName,
        taskDefinition,
      }),
    ),
  );
}
