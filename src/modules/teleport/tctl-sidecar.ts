/**
 * The tctl container of the auth and proxy task. With GitHub sign-in it
 * creates (or replaces) the GitHub connector once the auth service answers. `teleport start --apply-on-startup` refuses
 * connectors (lib/auth/init.go applyResources takes only tokens, users,
 * roles, networking and auth preference, bots and a few more), and
 * `--bootstrap` runs only on a cluster's first start; so tctl on the auth
 * host does it, at every task start: a rotated client secret (read afresh
 * from Secrets Manager when the task starts) reaches the cluster on the next
 * deployment or restart.
 *
 * It runs tctl with the auth service's own config and data volume (tctl on
 * an auth host signs in with the local admin identity in the data
 * directory), from the debug image (a busybox shell), retries until the
 * auth service is up, then exits. Not essential: the cluster keeps serving
 * if it fails; its log group says why.
 *
 * Without GitHub it only says so and exits; it is there so that a one-off
 * task can run tctl with a command override (the first local user:
 * docs/teleport.md), since the distroless Teleport container has no shell.
 */
import type { SidecarProps } from '../service/fargate-service';
import { TELEPORT_CONFIG_DIR, TELEPORT_CONFIG_FILE, TELEPORT_CONNECTOR_FILE, TELEPORT_DATA_DIR } from './teleport-config';

export const TCTL_CONTAINER = 'teleport-tctl';

export interface TctlSidecarProps {
  /** A Teleport image of the cluster's version with a shell (the distroless debug variant). */
  readonly image: string;
  /** The main Teleport container, waited for. */
  readonly teleportContainer: string;
  /** The container that writes the files, waited for. */
  readonly configWriter: string;
  /** The task volumes of the config directory and the data directory. */
  readonly configVolume: string;
  readonly dataVolume: string;
  /** Whether there is a GitHub connector file to create. */
  readonly githubConnector: boolean;
  /** Tries, 10 seconds apart, before it gives up. @default 90 (15 minutes) */
  readonly attempts?: number;
}

/** The shell script: `tctl create -f` until it succeeds, at most `attempts` times. */
export function applyConnectorScript(attempts: number): string {
  return [
    'i=0',
    `until /usr/local/bin/tctl --config=${TELEPORT_CONFIG_FILE} create -f ${TELEPORT_CONNECTOR_FILE}; do`,
    '  i=$((i + 1))',
    `  if [ "$i" -ge ${attempts} ]; then echo "the GitHub connector could not be created after ${attempts} tries" >&2; exit 1; fi`,
    '  echo "the auth service is not ready; retrying in 10 seconds" >&2',
    '  sleep 10',
    'done',
    'echo "GitHub connector created or updated"',
  ].join('\n');
}

export function tctlSidecar(props: TctlSidecarProps): SidecarProps {
  return {
    name: TCTL_CONTAINER,
    image: props.image,
    essential: false,
    cpu: 0,
    memory: 128,
    entryPoint: ['/busybox/sh', '-c'],
    command: [
      props.githubConnector
        ? applyConnectorScript(props.attempts ?? 90)
        : 'echo "no GitHub connector in this cluster; run tctl here with a command override (docs: Teleport, the first local user)"',
    ],
    mountPoints: [
      { volume: props.configVolume, path: TELEPORT_CONFIG_DIR, readOnly: true },
      { volume: props.dataVolume, path: TELEPORT_DATA_DIR, readOnly: false },
    ],
    // The root filesystem is read-only; anything tctl keeps for itself goes to the container's writable /tmp.
    environment: { HOME: '/tmp' },
    stopTimeoutSeconds: 2,
    dependsOn: [
      { container: props.configWriter, condition: 'SUCCESS' },
      { container: props.teleportContainer, condition: 'START' },
    ],
  };
}
