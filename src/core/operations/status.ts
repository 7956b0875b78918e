/** `status`: every service of an environment as ECS reports it (DescribeServices, ten at a time). */
import type { Deployment, Service } from '@aws-sdk/client-ecs';
import { ecsSdk } from './sdk';
import { call, type AwsClients } from './aws-clients';
import type { EnvironmentTarget } from './targets';

/** DescribeServices takes at most this many services per call. */
const SERVICES_PER_CALL = 10;

/** The newest deployment of a service. */
export interface DeploymentStatus {
  /** PRIMARY, ACTIVE or INACTIVE. */
  readonly status: string;
  /** IN_PROGRESS, COMPLETED or FAILED (null when ECS reports none). */
  readonly rolloutState: string | null;
  readonly rolloutStateReason: string | null;
  /** ISO 8601. */
  readonly updatedAt: string | null;
  /** `family:revision`. */
  readonly taskDefinition: string | null;
}

export interface ServiceStatus {
  /** The service key in config. */
  readonly name: string;
  readonly serviceName: string;
  /** `active` as ECS reports it; `missing` when it does not exist (yet), `inactive` when it is being or was deleted. */
  readonly state: 'active' | 'missing' | 'inactive';
  readonly desired: number;
  readonly running: number;
  readonly pending: number;
  /** The service's task definition, `family:revision`. */
  readonly taskDefinition: string | null;
  /** Deployments under way or kept (more than one: a rollout is in progress). */
  readonly deployments: number;
  readonly lastDeployment: DeploymentStatus | null;
}

export interface EnvironmentStatus {
  readonly environment: string;
  readonly region: string;
  readonly cluster: string;
  /** False when the cluster itself does not exist: nothing has been applied (or the credentials are another account's). */
  readonly clusterFound: boolean;
  /** In config order. */
  readonly services: ServiceStatus[];
}

/** The status of every service of the environment; services ECS does not know are `missing`, not an error. */
export async function environmentStatus(target: EnvironmentTarget, clients: AwsClients): Promise<EnvironmentStatus> {
  const configured = Object.values(target.services);
  const found = new Map<string, Service>();
  let clusterFound = true;
  for (let i = 0; i < configured.length && clusterFound; i += SERVICES_PER_CALL) {
    const batch = configured.slice(i, i + SERVICES_PER_CALL).map((s) => s.serviceName);
    try {
      const answer = await call(clients, `DescribeServices in cluster ${target.cluster}`, () =>
        clients.ecs.send(new (ecsSdk().DescribeServicesCommand)({ cluster: target.cluster, services: batch })),
      );
      for (const service of answer.services ?? []) if (service.serviceName) found.set(service.serviceName, service);
    } catch (error) {
      if ((error as { awsName?: string }).awsName !== 'ClusterNotFoundException') throw error;
      clusterFound = false;
    }
  }
  return {
    environment: target.environment,
    region: target.region,
    cluster: target.cluster,
    clusterFound,
    services: configured.map((s) => serviceStatus(s.name, s.serviceName, found.get(s.serviceName))),
  };
}

function serviceStatus(name: string, serviceName: string, service: Service | undefined): ServiceStatus {
  if (!service)
    return {
      name,
      serviceName,
      state: 'missing',
      desired: 0,
      running: 0,
      pending: 0,
      taskDefinition: null,
      deployments: 0,
      lastDeployment: null,
    };
  const deployments = service.deployments ?? [];
  return {
    name,
    serviceName,
    state: service.status === 'ACTIVE' ? 'active' : 'inactive',
    desired: service.desiredCount ?? 0,
    running: service.runningCount ?? 0,
    pending: service.pendingCount ?? 0,
    taskDefinition: taskDefinitionName(service.taskDefinition),
    deployments: deployments.length,
    lastDeployment: newest(deployments),
  };
}

/** The PRIMARY deployment (the newest one ECS rolls out), or the latest updated. */
function newest(deployments: readonly Deployment[]): DeploymentStatus | null {
  const time = (d: Deployment) => (d.updatedAt ?? d.createdAt)?.getTime() ?? 0;
  const deployment = deployments.find((d) => d.status === 'PRIMARY') ?? [...deployments].sort((a, b) => time(b) - time(a))[0];
  if (!deployment) return null;
  return {
    status: deployment.status ?? 'UNKNOWN',
    rolloutState: deployment.rolloutState ?? null,
    rolloutStateReason: deployment.rolloutStateReason ?? null,
    updatedAt: (deployment.updatedAt ?? deployment.createdAt)?.toISOString() ?? null,
    taskDefinition: taskDefinitionName(deployment.taskDefinition),
  };
}

/** `family:revision` of a task definition ARN (what people recognise), or the value as it is. */
export function taskDefinitionName(arn: string | undefined): string | null {
  if (!arn) return null;
  return arn.replace(/^arn:[^:]+:ecs:[^:]*:[^:]*:task-definition\//, '');
}
