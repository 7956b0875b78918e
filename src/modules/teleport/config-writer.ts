/**
 * The container that writes Teleport's files before Teleport starts.
 * Teleport's distroless images have no shell, so a small busybox container
 * of the same task writes each file from an ECS secret (an SSM parameter)
 * onto a task volume and exits; Teleport waits for its SUCCESS and reads the
 * volume read-only. The GitHub credentials arrive the same way, from
 * Secrets Manager, and exist only on the task's (encrypted) ephemeral storage.
 */
import type { ContainerSecret } from '../service/container-definition';
import type { SidecarProps } from '../service/fargate-service';
import { appendGithubCredentials, TELEPORT_CONFIG_DIR } from './teleport-config';

/** The task volume the files are written to. */
export const CONFIG_VOLUME = 'teleport-config';
export const CONFIG_WRITER = 'teleport-config-writer';

export interface ConfigFile {
  /** The environment variable holding the file, set from `secret`. */
  readonly variable: string;
  /** The absolute path under TELEPORT_CONFIG_DIR. */
  readonly path: string;
  /** The SSM parameter (String) holding the file. */
  readonly parameterArn: string;
}

export interface ConfigWriterProps {
  /** A pinned image with a POSIX shell. */
  readonly image: string;
  readonly files: readonly ConfigFile[];
  /**
   * GitHub credentials to append to this file (the connector file, one
   * document: the connector). @default none
   */
  readonly github?: { readonly file: string; readonly clientId: ContainerSecret; readonly clientSecret: ContainerSecret };
}

function ssmSecret(variable: string, arn: string): ContainerSecret {
  return { name: variable, valueFrom: arn, readResources: [arn], source: 'ssm' };
}

/** The config writer as a sidecar: not essential (it exits), no port, its own log group. */
export function configWriterSidecar(props: ConfigWriterProps): SidecarProps {
  const lines = [
    'set -eu',
    'umask 077',
    ...props.files.map((f) => `printf '%s\\n' "$${f.variable}" > ${f.path}`),
    ...(props.github ? [appendGithubCredentials(props.github.file)] : []),
    // Teleport runs as root in its image; the files stay readable by it only.
    `chmod 0400 ${TELEPORT_CONFIG_DIR}/*`,
  ];
  return {
    name: CONFIG_WRITER,
    image: props.image,
    essential: false,
    cpu: 0,
    memory: 32,
    entryPoint: ['sh', '-c'],
    command: [lines.join('\n')],
    secrets: [
      ...props.files.map((f) => ssmSecret(f.variable, f.parameterArn)),
      ...(props.github
        ? [
            { ...props.github.clientId, name: 'GITHUB_CLIENT_ID' },
            { ...props.github.clientSecret, name: 'GITHUB_CLIENT_SECRET' },
          ]
        : []),
    ],
    mountPoints: [{ volume: CONFIG_VOLUME, path: TELEPORT_CONFIG_DIR, readOnly: false }],
    readonlyRootFilesystem: true,
    stopTimeoutSeconds: 2,
  };
}
