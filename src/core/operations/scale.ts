/** `scale`: set a service's desired count (UpdateService), unless autoscaling owns it. */
import { ecsSdk } from './sdk';
import { call, OperationError, type AwsClients } from './aws-clients';
import { refusal, type EnvironmentTarget, type ServiceTarget } from './targets';

export interface ScaleResult {
  readonly serviceName: string;
  /** The desired count ECS reports after the update. */
  readonly desired: number;
  readonly running: number;
  /** What may change the count again: Terraform's next apply, or the autoscaling policy. */
  readonly notes: string[];
}

/**
 * Sets the desired count. A service with `autoscaling` in config is refused
 * (the scaling policy owns its count and would move it back) unless `force`.
 */
export async function scaleService(
  target: EnvironmentTarget,
  service: ServiceTarget,
  clients: AwsClients,
  count: number,
  force = false,
): Promise<ScaleResult> {
  if (!Number.isInteger(count) || count < 0) throw new OperationError(`--count ${count}: the desired count is a whole number, 0 or more`);
  const { autoscaling } = service;
  if (autoscaling && !force) {
    throw refusal(
      target,
      ['services', service.name, 'autoscaling'],
      `autoscaling owns the desired count of ${service.name} (min ${autoscaling.min}, max ${autoscaling.max}), so scale is refused: change min and max here and apply, or pass --force to set ${count} until the policy moves it`,
    );
  }
  const answer = await call(clients, `UpdateService ${service.serviceName} in cluster ${target.cluster}`, () =>
    clients.ecs.send(
      new (ecsSdk().UpdateServiceCommand)({
        cluster: target.cluster,
        service: service.serviceName,
        desiredCount: count,
      }),
    ),
  );
  const notes = autoscaling
    ? [
        `autoscaling keeps ${service.name} between ${autoscaling.min} and ${autoscaling.max} tasks and will move the count as its targets say${count < autoscaling.min || count > autoscaling.max ? ` (${count} is outside that range)` : ''}; Terraform ignores the count of an autoscaled service`,
      ]
    : count === service.desiredCount
      ? []
      : [
          `Terraform manages the count: the next apply sets it back to desiredCount ${service.desiredCount} from config; change services.${service.name}.desiredCount to keep ${count}`,
        ];
  return {
    serviceName: service.serviceName,
    desired: answer.service?.desiredCount ?? count,
    running: answer.service?.runningCount ?? 0,
    notes,
  };
}
