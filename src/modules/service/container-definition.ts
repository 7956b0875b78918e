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

/** A container health check, run by the shell in the container. */
export interface ContainerHealthCheck {
  readonly command: string;
  /** @default 30 */
  readonly intervalSeconds?: number;
  /** @default 5 */
  readonly timeoutSeconds?: number;
  /** @default 3 */
  readonly retries?: number;
  /** Seconds after start before failures count (at most 300). @default 60 */
  readonly startPeriodSeconds?: number;
}

/** A volume of the task mounted in the container. */
export interface ContainerMount {
  readonly volume: string;
  readonly path: string;
  readonly readOnly: boolean;
}

export interface ContainerProps {
  /** The container name (the service name for the main container). */
  readonly name: string;
  readonly image: string;
  /** The task stops when this container stops. @default true */
  readonly essential?: boolean;
  /** CPU units reserved for the container. @default none (a share of the task's) */
  readonly cpu?: number;
  /** Hard memory limit in MiB. @default none (the task's) */
  readonly memory?: number;
  /** The container port. @default no port (a worker) */
  readonly port?: number;
  /** @default the image's entry point */
  readonly entryPoint?: readonly string[];
  /** @default the image's command */
  readonly command?: readonly string[];
  /** Plain environment variables. */
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: readonly ContainerSecret[];
  /** @default no container health check */
  readonly healthCheck?: ContainerHealthCheck;
  /** Mount the root filesystem read-only, with a writable /tmp volume. */
  readonly readonlyRootFilesystem: boolean;
  /** The task volume mounted at /tmp when the root filesystem is read-only. @default TMP_VOLUME */
  readonly tmpVolume?: string;
  /** Seconds between SIGTERM and SIGKILL. */
  readonly stopTimeoutSeconds: number;
  /** Run an init process (needed for ECS Exec sessions to be reaped). */
  readonly initProcess: boolean;
  /** UID or UID:GID to run as. @default the image's user */
  readonly user?: string;
  /** @default [] */
  readonly ulimits?: readonly { readonly name: string; readonly soft: number; readonly hard: number }[];
  /** @default the image's */
  readonly workingDirectory?: string;
  /** @default {} */
  readonly dockerLabels?: Readonly<Record<string, string>>;
  /** Volumes of the task mounted here (besides /tmp). @default [] */
  readonly mountPoints?: readonly ContainerMount[];
  /** Containers of the task this one waits for. @default [] */
  readonly dependsOn?: readonly { readonly container: string; readonly condition: 'START' | 'COMPLETE' | 'SUCCESS' | 'HEALTHY' }[];
  readonly logGroupName: string;
  readonly region: string;
}

/** The name of the writable volume mounted at /tmp when the root filesystem is read-only. */
export const TMP_VOLUME = 'tmp';

/** ECS accepts a health check start period of at most 300 seconds. */
const MAX_START_PERIOD = 300;

export function containerDefinition(props: ContainerProps): ContainerDefinition {
  const byName = <T extends { name?: string }>(a: T, b: T) => (a.name ?? '').localeCompare(b.name ?? '');
  const mountPoints = [
    ...(props.readonlyRootFilesystem ? [{ sourceVolume: props.tmpVolume ?? TMP_VOLUME, containerPath: '/tmp', readOnly: false }] : []),
    ...(props.mountPoints ?? []).map((m) => ({ sourceVolume: m.volume, containerPath: m.path, readOnly: m.readOnly })),
  ];
  const labels = Object.entries(props.dockerLabels ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const health = props.healthCheck;
  return {
    name: props.name,
    image: props.image,
    essential: props.essential ?? true,
    ...(props.cpu !== undefined ? { cpu: props.cpu } : {}),
    ...(props.memory !== undefined ? { memory: props.memory } : {}),
    ...(props.entryPoint ? { entryPoint: [...props.entryPoint] } : {}),
    ...(props.command ? { command: [...props.command] } : {}),
    ...(props.port !== undefined
      ? { portMappings: [{ containerPort: props.port, protocol: 'tcp', name: `${props.name}-${props.port}` }] }
      : {}),
    environment: Object.entries(props.environment)
      .map(([name, value]) => ({ name, value }))
      .sort(byName),
    secrets: props.secrets.map((s) => ({ name: s.name, valueFrom: s.valueFrom })).sort(byName),
    readonlyRootFilesystem: props.readonlyRootFilesystem,
    ...(mountPoints.length > 0 ? { mountPoints } : {}),
    stopTimeout: props.stopTimeoutSeconds,
    ...(props.initProcess ? { linuxParameters: { initProcessEnabled: true } } : {}),
    ...(props.user !== undefined ? { user: props.user } : {}),
    ...(props.workingDirectory !== undefined ? { workingDirectory: props.workingDirectory } : {}),
    ...(props.ulimits?.length
      ? { ulimits: props.ulimits.map((u) => ({ name: u.name as never, softLimit: u.soft, hardLimit: u.hard })) }
      : {}),
    ...(labels.length > 0 ? { dockerLabels: Object.fromEntries(labels) } : {}),
    ...(props.dependsOn?.length ? { dependsOn: props.dependsOn.map((d) => ({ containerName: d.container, condition: d.condition })) } : {}),
    ...(health
      ? {
          healthCheck: {
            command: ['CMD-SHELL', health.command],
            interval: health.intervalSeconds ?? 30,
            timeout: health.timeoutSeconds ?? 5,
            retries: health.retries ?? 3,
            startPeriod: Math.min(health.startPeriodSeconds ?? 60, MAX_START_PERIOD),
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
