/**
 * The Teleport agent beside a service's main container (container access,
 * `services.<name>.teleport.ssh`). It joins the cluster through the proxy
 * with the IAM join method (the task role proves the account; no token
 * exists to leak), runs the SSH service, and shares the task's network.
 * Not essential, no dependsOn: the application never waits for it, and the
 * task keeps running if it stops.
 */
import type { SidecarProps } from '../service/fargate-service';
import { nodeConfig, TELEPORT_DATA_DIR, toYaml } from './teleport-config';

export const AGENT_SIDECAR = 'teleport-agent';
/** The task volume of the agent's data directory. */
export const AGENT_DATA_VOLUME = 'teleport-agent-data';

export interface AgentSidecarProps {
  /** The pinned agent image (it has a shell, so that `tsh ssh` has one). */
  readonly image: string;
  /** The proxy, `<teleport.domain>:443`. */
  readonly proxyServer: string;
  /** Labels roles select containers by (`service`, `env`). */
  readonly labels: Readonly<Record<string, string>>;
  /** @default 128 */
  readonly memory?: number;
}

/**
 * The sidecar's teleport.yaml (nodeConfig: SSH service only, IAM join
 * method through join_params, which `teleport start` has no flag for),
 * handed over base64-encoded with `--config-string` (teleport start's own
 * flag; tool/teleport/common/teleport.go), so no writer container is needed.
 * It holds no secret: the IAM join method has none.
 */
export function agentSidecar(props: AgentSidecarProps): SidecarProps {
  const config = Buffer.from(toYaml(nodeConfig({ proxyServer: props.proxyServer, labels: props.labels })), 'utf8').toString('base64');
  return {
    name: AGENT_SIDECAR,
    image: props.image,
    essential: false,
    cpu: 0,
    memory: props.memory ?? 128,
    entryPoint: ['/usr/bin/dumb-init', '/usr/local/bin/teleport'],
    command: ['start', `--config-string=${config}`],
    environment: {},
    secrets: [],
    mountPoints: [{ volume: AGENT_DATA_VOLUME, path: TELEPORT_DATA_DIR, readOnly: false }],
    readonlyRootFilesystem: true,
    stopTimeoutSeconds: 10,
  };
}
