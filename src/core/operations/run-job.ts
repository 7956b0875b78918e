/**
 * `run`: start one run of a scheduled job now, exactly as its schedule
 * would: the schedule Terraform created holds the task definition revision,
 * the capacity provider strategy and the network configuration (subnets,
 * security groups, public IP), so `run` reads it (GetSchedule) and hands
 * the same to ECS RunTask in the environment's cluster.
 */
import { jobNames } from '../../modules/job/scheduled-job';
import { call, OperationError, type AwsClients } from './aws-clients';
import { ecsSdk, schedulerSdk } from './sdk';
import type { EnvironmentTarget, JobTarget } from './targets';

export interface RunJobResult {
  readonly job: string;
  readonly taskArn: string;
  readonly taskDefinitionArn: string;
  readonly cluster: string;
  /** FARGATE, FARGATE_SPOT, or both with weights, as the schedule has them. */
  readonly capacity: readonly { readonly capacityProvider: string; readonly weight: number; readonly base: number }[];
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
}

export async function runJob(target: EnvironmentTarget, job: JobTarget, clients: AwsClients): Promise<RunJobResult> {
  const schedule = await call(clients, `GetSchedule ${job.scheduleName}`, () =>
    clients.scheduler.send(new (schedulerSdk().GetScheduleCommand)({ Name: job.scheduleName, GroupName: 'default' })),
  );
  const ecs = schedule.Target?.EcsParameters;
  const network = ecs?.NetworkConfiguration?.awsvpcConfiguration;
  if (!ecs?.TaskDefinitionArn || !network?.Subnets?.length) {
    throw new OperationError(
      `schedule ${job.scheduleName} has no ECS task to run (was it changed outside Terraform?); apply the environment ${target.environment} again`,
    );
  }
  const capacity = (ecs.CapacityProviderStrategy ?? []).map((s) => ({
    capacityProvider: s.capacityProvider!,
    weight: s.weight ?? 0,
    base: s.base ?? 0,
  }));
  const answer = await call(clients, `RunTask ${ecs.TaskDefinitionArn} in cluster ${target.cluster}`, () =>
    clients.ecs.send(
      new (ecsSdk().RunTaskCommand)({
        cluster: target.cluster,
        taskDefinition: ecs.TaskDefinitionArn,
        count: 1,
        ...(capacity.length > 0 ? { capacityProviderStrategy: capacity } : { launchType: 'FARGATE' }),
        platformVersion: ecs.PlatformVersion ?? 'LATEST',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: network.Subnets,
            securityGroups: network.SecurityGroups ?? [],
            assignPublicIp: network.AssignPublicIp ?? 'DISABLED',
          },
        },
        enableECSManagedTags: ecs.EnableECSManagedTags ?? true,
        ...(ecs.PropagateTags ? { propagateTags: ecs.PropagateTags } : {}),
        startedBy: jobNames.startedBy,
      }),
    ),
  );
  const failure = answer.failures?.[0];
  const task = answer.tasks?.[0];
  if (failure || !task?.taskArn) {
    throw new OperationError(
      `ECS did not start ${job.name}: ${failure?.reason ?? 'no task in the answer'}${failure?.detail ? ` (${failure.detail})` : ''}; try again, or check the cluster's capacity providers`,
    );
  }
  return {
    job: job.name,
    taskArn: task.taskArn,
    taskDefinitionArn: task.taskDefinitionArn ?? ecs.TaskDefinitionArn,
    cluster: target.cluster,
    capacity,
    subnets: network.Subnets,
    securityGroups: network.SecurityGroups ?? [],
  };
}
