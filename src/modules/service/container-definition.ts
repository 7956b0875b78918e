/**
 * The container definition of a service, built from the ECS API's own
 * `ContainerDefinition` type (types only) so that the JSON string ECS and
 * scanners read is checked by the compiler.
 */
import type { ContainerDefinition } from '@aws-sdk/client-ecs';

/** A secret ECS injects as an environment variable. */
export interface ContainerSecret {
  /** The environment variable. */
  readonly name: string;
  /** What ECS reads: a Secrets Manager ARN (with `:key::` for one JSON key) or an SSM parameter ARN. */
  readonly valueFrom: string;
  /** The IAM resources the execution role needs to read it. */
  readonly readResources: readonly string[];
  readonly source: 'secretsManager' | 'ssm';
}

export interface ContainerProps {
  /** The container name (the service name). */
  readonly name: string;
  readonly image: string;
  /** The container port. @default no port (a worker) */
  readonly port?: number;
  /** @default the image's command */
  readonly command?: readonly string[];
  /** Plain environment variables. */
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: readonly ContainerSecret[];
  /** Shell command of the container health check. @default none */
  readonly healthCheckCommand?: string;
  /** Seconds the health check waits for the container to start. @default 60 */
  readonly healthCheckStartPeriodSeconds?: number;
  /** Mount the root filesystem read-only, with a writable /tmp volume. */
  readonly readonlyRootFilesystem: boolean;
  /** Seconds between SIGTERM and SIGKILL. */
  readonly stopTimeoutSeconds: number;
  /** Run an init process (needed for ECS Exec sessions to be reaped). */
  readonly initProcess: boolean;
  readonly logGroupName: string;
  readonly region: string;
}

/** The name of the writable volume mounted at /tmp when the root filesystem is read-only. */
export const TMP_VOLUME = 'tmp';

/** ECS accepts a health check start period of at most 300 seconds. */
const MAX_START_PERIOD = 300;

export function containerDefinition(props: ContainerProps): ContainerDefinition {
  const byName = <T extends { name?: string }>(a: T, b: T) => (a.name ?? '').localeCompare(b.name ?? '');
  return {
    name: props.name,
    image: props.image,
    essential: true,
    ...(props.command ? { command: [...props.command] } : {}),
    ...(props.port !== undefined ? { portMappings: [{ containerPort: props.port, protocol: 'tcp', name: `${props.name}-${props.port}` }] } : {}),
    environment: Object.entries(props.environment).map(([name, value]) => ({ name, value })).sort(byName),
    secrets: props.secrets.map((s) => ({ name: s.name, valueFrom: s.valueFrom })).sort(byName),
    readonlyRootFilesystem: props.readonlyRootFilesystem,
    ...(props.readonlyRootFilesystem ? { mountPoints: [{ sourceVolume: TMP_VOLUME, containerPath: '/tmp', readOnly: false }] } : {}),
    stopTimeout: props.stopTimeoutSeconds,
    ...(props.initProcess ? { linuxParameters: { initProcessEnabled: true } } : {}),
    ...(props.healthCheckCommand
      ? {
        healthCheck: {
          command: ['CMD-SHELL', props.healthCheckCommand],
          interval: 30,
          timeout: 5,
          retries: 3,
          startPeriod: Math.min(props.healthCheckStartPeriodSeconds ?? 60, MAX_START_PERIOD),
        },
      }
      : {}),
    logConfiguration: {
      logDriver: 'awslogs',
      options: {
        'awslogs-group': props.logGroupName,
        'awslogs-region': props.region,
        'awslogs-stream-prefix': props.name,
      },
    },
  };
}
