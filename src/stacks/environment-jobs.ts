/**
 * Queues and scheduled jobs of an environment (docs/jobs-and-queues.md):
 * the queues (with the customer key in production), the jobs' tasks and
 * schedules, and the grants that need services and jobs: send and receive
 * on the queues they are listed in, egress from jobs to the services they
 * name. QUEUE_<KEY>_URL reaches services through `queueVariables` (mapping.ts).
 */
import type { Construct } from 'constructs';
import type { EnvironmentConfig, JobConfig } from '../config/resolve';
import type { EcsCluster } from '../modules/cluster/ecs-cluster';
import { ScheduledJob } from '../modules/job/scheduled-job';
import { QueuesKey } from '../modules/kms/queues-key';
import type { Network } from '../modules/network/network';
import { Queue } from '../modules/queue/queue';
import type { FargateService } from '../modules/service/fargate-service';
import { containerSettings, serviceEgress, sidecarProps } from './environment-services';
import { capacityShares, containerSecret, environmentStrings, imageOf, pullRepositoryArn, queueVariables } from './mapping';
import { taskRoleStatements } from './task-role-statements';

export interface QueuesAndKey {
  readonly queues: Record<string, Queue>;
  readonly key?: QueuesKey;
}

/** Every queue of the environment, and the customer key they share in production. */
export function addQueues(scope: Construct, config: EnvironmentConfig, prefix: string): QueuesAndKey {
  const queues = Object.values(config.queues);
  const needsKey = config.production && (queues.length > 0 || Object.keys(config.jobs).length > 0);
  const key = needsKey ? new QueuesKey(scope, 'queues-key', { namePrefix: prefix }) : undefined;
  const result: Record<string, Queue> = {};
  for (const queue of queues) {
    result[queue.name] = new Queue(scope, `queue-${queue.name}`, {
      name: queue.queueName,
      deadLetterQueueName: queue.deadLetterQueueName,
      fifo: queue.fifo,
      contentBasedDeduplication: queue.contentBasedDeduplication,
      visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds,
      messageRetentionSeconds: queue.messageRetentionSeconds,
      deadLetterRetentionSeconds: queue.deadLetterRetentionSeconds,
      maxReceiveCount: queue.maxReceiveCount,
      receiveWaitTimeSeconds: queue.receiveWaitTimeSeconds,
      delaySeconds: queue.delaySeconds,
      kmsKeyArn: queue.customerKey ? key?.arn : undefined,
      // Production's messages are data: a plan that destroys a queue is refused, as for buckets and file systems.
      preventDestroy: config.production,
    });
  }
  return { queues: result, key };
}

/** What a job attaches to. */
export interface JobSurroundings {
  readonly config: EnvironmentConfig;
  readonly prefix: string;
  readonly network: Network;
  readonly cluster: EcsCluster;
  readonly repositoryArns: Readonly<Record<string, string>>;
  readonly logsKeyArn?: string;
  readonly queueKeyArn?: string;
  readonly queueUrls: Readonly<Record<string, string>>;
}

export function addJob(scope: Construct, job: JobConfig, env: JobSurroundings): ScheduledJob {
  const { config } = env;
  return new ScheduledJob(scope, `job-${job.name}`, {
    name: job.name,
    namePrefix: env.prefix,
    cluster: { name: env.cluster.name, arn: env.cluster.arn },
    image: imageOf(config, job.image),
    repositoryArns: [job.image, ...Object.values(job.sidecars).map((s) => s.image)].flatMap(
      (image) => pullRepositoryArn(image, env.repositoryArns) ?? [],
    ),
    cpu: job.cpu,
    memory: job.memory,
    cpuArchitecture: job.cpuArchitecture,
    command: job.command,
    environment: { ...environmentStrings(job.environment), ...queueVariables(config, job.name, env.queueUrls) },
    secrets: Object.entries(job.secrets).map(([name, secret]) => containerSecret(name, secret, config.aws)),
    container: containerSettings(job, job),
    sidecars: Object.values(job.sidecars).map((sidecar) => sidecarProps(sidecar, job, env)),
    taskStatements: taskRoleStatements(job, config.aws),
    managedPolicyArns: job.taskRole.managedPolicyArns,
    readonlyRootFilesystem: job.readonlyRootFilesystem,
    stopTimeoutSeconds: job.stopTimeoutSeconds,
    logs: { retentionDays: job.logRetentionDays, kmsKeyArn: env.logsKeyArn },
    egress: serviceEgress(job, config),
    schedule: job.schedule,
    timezone: job.timezone,
    enabled: job.enabled,
    capacity: capacityShares(job.capacity),
    retries: job.retries,
    maximumEventAgeSeconds: job.maximumEventAgeSeconds,
    network: {
      vpcId: env.network.vpcId,
      subnetIds: job.assignPublicIp ? env.network.publicSubnetIds : env.network.privateSubnetIds,
      assignPublicIp: job.assignPublicIp,
      extraSecurityGroupIds: job.securityGroupIds,
    },
    queueKmsKeyArn: env.queueKeyArn,
  });
}

/** Send and receive grants on the queues, and jobs' paths to the services they name in egress. */
export function grantQueuesAndJobs(
  config: EnvironmentConfig,
  resources: {
    readonly queues: Readonly<Record<string, Queue>>;
    readonly services: Readonly<Record<string, FargateService>>;
    readonly jobs: Readonly<Record<string, ScheduledJob>>;
  },
): void {
  const roleOf = (workload: string) =>
    Object.hasOwn(resources.services, workload)
      ? resources.services[workload]!.roles.taskRole
      : resources.jobs[workload]!.task.roles.taskRole;
  for (const queue of Object.values(config.queues)) {
    for (const access of ['send', 'receive'] as const) {
      for (const workload of queue.allowedServices[access]) resources.queues[queue.name]!.grant(workload, roleOf(workload).id, access);
    }
  }
  for (const job of Object.values(config.jobs)) {
    for (const entry of job.egress ?? []) {
      if (!('service' in entry)) continue;
      const peer = resources.services[entry.service]!;
      const port = config.services[entry.service]!.port!;
      resources.jobs[job.name]!.allowTo(`service-${entry.service}`, peer.securityGroup.id, port, `service ${entry.service}`);
      peer.allowFrom(`from-job-${job.name}`, resources.jobs[job.name]!.task.securityGroup.id, `job ${job.name}`);
    }
  }
}
