/**
 * Defaults of jobs and queues that depend on other keys (docs/jobs-and-queues.md): a job's capacity, log retention and public IPs as a service's;
 * a queue's AWS names (80 characters, `.fifo` for FIFO queues) and its
 * encryption, a customer key in production.
 */
import { fitName } from '../naming';
import type { ParsedEnvironment } from './schema';

/** SQS queue names: 1-80 characters, the `.fifo` suffix included. */
const QUEUE_NAME_LIMIT = 80;

/** The AWS name of a queue or of its dead-letter queue (`dlq`): `<prefix>-<name>[-dlq][.fifo]`, fitted to 80 characters. */
export function queueName(prefix: string, name: string, fifo: boolean, dlq = false): string {
  const suffix = fifo ? '.fifo' : '';
  return `${fitName(`${prefix}-${name}${dlq ? '-dlq' : ''}`, QUEUE_NAME_LIMIT - suffix.length)}${suffix}`;
}

interface Context {
  readonly prefix: string;
  readonly production: boolean;
  /** Whether tasks get public IPs by default (a new VPC without NAT). */
  readonly publicIpDefault: boolean;
}

export function resolveJobs(parsed: ParsedEnvironment, context: Context) {
  return Object.fromEntries(
    Object.entries(parsed.jobs).map(([name, job]) => [
      name,
      {
        ...job,
        name,
        capacity: job.capacity ?? parsed.cluster.capacity,
        logRetentionDays: job.logRetentionDays ?? parsed.logRetentionDays,
        assignPublicIp: job.assignPublicIp ?? context.publicIpDefault,
        sidecars: Object.fromEntries(
          Object.entries(job.sidecars).map(([sidecarName, sidecar]) => [sidecarName, { ...sidecar, name: sidecarName }]),
        ),
        /** Jobs mount no volumes (a rule refuses mountPoints). */
        volumes: {} as Record<string, never>,
      },
    ]),
  );
}

export function resolveQueues(parsed: ParsedEnvironment, context: Context) {
  return Object.fromEntries(
    Object.entries(parsed.queues).map(([name, queue]) => [
      name,
      {
        ...queue,
        name,
        queueName: queueName(context.prefix, name, queue.fifo),
        deadLetterQueueName: queueName(context.prefix, name, queue.fifo, true),
        /** Production: the environment's queue key (a customer managed KMS key); elsewhere SQS's own SSE. */
        customerKey: context.production,
      },
    ]),
  );
}
