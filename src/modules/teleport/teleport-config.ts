/**
 * The Teleport configuration files, built from typed objects and written
 * as YAML by the `yaml` package: the cluster's `teleport.yaml` (auth and
 * proxy), the database and application agent's, an agent sidecar's, the
 * resources applied on startup (roles, the two IAM join tokens) and the
 * GitHub connector (created by tctl in the task). Pure functions: no
 * constructs, unit-tested by parsing their output.
 *
 * No secret goes into any of them: the GitHub client ID and secret are
 * appended to the connector file inside the task (see `appendGithubCredentials`).
 */
import { stringify } from 'yaml';
import type { AwsContext } from '../aws-context';

/** Where the files live in the task: a volume the config writer fills and Teleport reads. */
export const TELEPORT_CONFIG_DIR = '/etc/teleport';
export const TELEPORT_CONFIG_FILE = `${TELEPORT_CONFIG_DIR}/teleport.yaml`;
export const TELEPORT_RESOURCES_FILE = `${TELEPORT_CONFIG_DIR}/resources.yaml`;
export const TELEPORT_DATA_DIR = '/var/lib/teleport';
/** The proxy's web port in the task; the load balancer forwards 443 here. */
export const TELEPORT_WEB_PORT = 3080;
/** The GitHub connector, created by tctl in the task (not applied on startup, which refuses connectors). */
export const TELEPORT_CONNECTOR_FILE = `${TELEPORT_CONFIG_DIR}/github-connector.yaml`;
/** The IAM join token of the database and application agent (Teleport roles Db and App). */
export const AGENT_JOIN_TOKEN = 'ecs-iam-agent';
/** The IAM join token of the agent sidecars (Teleport role Node only). */
export const NODE_JOIN_TOKEN = 'ecs-iam-node';
export const GITHUB_CONNECTOR = 'github';

export type SessionRecording = 'node' | 'proxy' | 'node-sync' | 'proxy-sync';

export interface ClusterConfigProps {
  readonly clusterName: string;
  /** The proxy's public name; it serves on 443 there. */
  readonly domain: string;
  readonly region: string;
  readonly stateTable: string;
  readonly eventsTable: string;
  readonly auditBucket: string;
  /** The key recordings are written with. @default the bucket default */
  readonly auditKeyArn?: string;
  readonly sessionRecording: SessionRecording;
  /** Sign-in through the GitHub connector; else local users with a second factor. */
  readonly githubSignIn: boolean;
}

/** The auth and proxy service's teleport.yaml (config version v3, TLS routing on one port). */
export function clusterConfig(props: ClusterConfigProps): Record<string, unknown> {
  const sessions = `s3://${props.auditBucket}/records${props.auditKeyArn ? `?sse_kms_key=${props.auditKeyArn}` : ''}`;
  return {
    version: 'v3',
    teleport: {
      data_dir: TELEPORT_DATA_DIR,
      log: { output: 'stderr', severity: 'INFO', format: { output: 'json' } },
      storage: {
        type: 'dynamodb',
        region: props.region,
        table_name: props.stateTable,
        billing_mode: 'pay_per_request',
        audit_events_uri: [`dynamodb://${props.eventsTable}`],
        audit_sessions_uri: sessions,
      },
    },
    auth_service: {
      enabled: true,
      cluster_name: props.clusterName,
      listen_addr: '0.0.0.0:3025',
      // Web, SSH, database and reverse tunnels all on the proxy's one port (TLS routing).
      proxy_listener_mode: 'multiplex',
      session_recording: props.sessionRecording,
      // Teleport 16 and later refuse second_factor off; local users (break-glass) need WebAuthn or OTP.
      authentication: {
        type: props.githubSignIn ? 'github' : 'local',
        ...(props.githubSignIn ? { connector_name: GITHUB_CONNECTOR } : {}),
        second_factor: 'on',
        webauthn: { rp_id: props.domain },
      },
    },
    proxy_service: {
      enabled: true,
      web_listen_addr: `0.0.0.0:${TELEPORT_WEB_PORT}`,
      public_addr: `${props.domain}:443`,
      // The load balancer terminates TLS with the ACM certificate; Teleport upgrades its protocols over ALPN (Teleport >= 13).
      trust_x_forwarded_for: true,
    },
    ssh_service: { enabled: false },
  };
}

export interface AgentDatabase {
  /** The name users see (`tsh db connect <name>`): the database key. */
  readonly name: string;
  readonly protocol: 'postgres' | 'mysql';
  /** host:port of the instance. */
  readonly uri: string;
  /** The RDS instance identifier. */
  readonly instanceId: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface AgentApp {
  readonly name: string;
  /** Where the agent reaches it, for example http://api.shop-staging.local:8080. */
  readonly uri: string;
  /** `<name>.<domain>`. */
  readonly publicAddr: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface AgentConfigProps {
  /** The proxy, domain:443. */
  readonly proxyServer: string;
  readonly region: string;
  readonly databases: readonly AgentDatabase[];
  readonly apps: readonly AgentApp[];
}

/** The database and application agent's teleport.yaml: joins through the proxy with the IAM join method. */
export function agentConfig(props: AgentConfigProps): Record<string, unknown> {
  return {
    version: 'v3',
    teleport: {
      data_dir: TELEPORT_DATA_DIR,
      proxy_server: props.proxyServer,
      join_params: { method: 'iam', token_name: AGENT_JOIN_TOKEN },
      log: { output: 'stderr', severity: 'INFO', format: { output: 'json' } },
    },
    auth_service: { enabled: false },
    proxy_service: { enabled: false },
    ssh_service: { enabled: false },
    db_service: {
      enabled: props.databases.length > 0,
      databases: props.databases.map((db) => ({
        name: db.name,
        protocol: db.protocol,
        uri: db.uri,
        static_labels: { ...db.labels },
        aws: { region: props.region, rds: { instance_id: db.instanceId } },
      })),
    },
    app_service: {
      enabled: props.apps.length > 0,
      apps: props.apps.map((app) => ({ name: app.name, uri: app.uri, public_addr: app.publicAddr, labels: { ...app.labels } })),
    },
  };
}

export interface NodeConfigProps {
  /** The proxy, domain:443. */
  readonly proxyServer: string;
  /** Labels roles select containers by (`service`, `env`). */
  readonly labels: Readonly<Record<string, string>>;
}

/** An agent sidecar's teleport.yaml: the SSH service only, joining through the proxy with the IAM join method. */
export function nodeConfig(props: NodeConfigProps): Record<string, unknown> {
  return {
    version: 'v3',
    teleport: {
      data_dir: TELEPORT_DATA_DIR,
      proxy_server: props.proxyServer,
      join_params: { method: 'iam', token_name: NODE_JOIN_TOKEN },
      log: { output: 'stderr', severity: 'INFO', format: { output: 'json' } },
    },
    auth_service: { enabled: false },
    proxy_service: { enabled: false },
    ssh_service: { enabled: true, labels: Object.fromEntries(Object.entries(props.labels).sort(([a], [b]) => a.localeCompare(b))) },
  };
}

export interface RoleSpec {
  readonly name: string;
  readonly logins: readonly string[];
  readonly nodeLabels: Readonly<Record<string, string | readonly string[]>>;
  /** Database keys: matched through the `database` label of each registered database. */
  readonly databases: readonly string[];
  readonly databaseUsers: readonly string[];
  readonly databaseNames: readonly string[];
  readonly appLabels: Readonly<Record<string, string | readonly string[]>>;
  readonly maxSessionHours: number;
}

export interface GithubConnectorSpec {
  readonly domain: string;
  readonly endpointUrl?: string;
  /** Organization, team, roles. */
  readonly teams: readonly { readonly organization: string; readonly team: string; readonly roles: readonly string[] }[];
}

export interface JoinTokenSpec {
  /** The token's name (AGENT_JOIN_TOKEN or NODE_JOIN_TOKEN). */
  readonly name: string;
  /** What a task joining with it may be: [Db, App] for the agent, [Node] for sidecars. */
  readonly teleportRoles: readonly ('Node' | 'Db' | 'App')[];
  /** Task role names that may join with this token, and no other. */
  readonly roleNames: readonly string[];
}

/** Role resources (kind role, v7): allow only what the spec lists; sessions recorded, idle sessions cut. */
export function roleResource(role: RoleSpec): Record<string, unknown> {
  return {
    kind: 'role',
    version: 'v7',
    metadata: { name: role.name },
    spec: {
      options: { max_session_ttl: `${role.maxSessionHours}h0m0s`, client_idle_timeout: '30m', disconnect_expired_cert: true },
      allow: {
        logins: [...role.logins],
        node_labels: { ...role.nodeLabels },
        db_labels: role.databases.length > 0 ? { database: [...role.databases] } : {},
        db_users: [...role.databaseUsers],
        db_names: [...role.databaseNames],
        app_labels: { ...role.appLabels },
      },
      deny: {},
    },
  };
}

/** An IAM join token: tasks running as these roles of `aws`'s account join as the given Teleport roles; no shared secret exists. */
export function joinTokenResource(spec: JoinTokenSpec, aws: Pick<AwsContext, 'partition' | 'accountId'>): Record<string, unknown> {
  return {
    kind: 'token',
    version: 'v2',
    metadata: { name: spec.name },
    spec: {
      roles: [...spec.teleportRoles],
      join_method: 'iam',
      allow: spec.roleNames.map((role) => ({
        aws_account: aws.accountId,
        aws_arn: `arn:${aws.partition}:sts::${aws.accountId}:assumed-role/${role}/*`,
      })),
    },
  };
}

/**
 * The GitHub connector without its credentials: `client_id` and
 * `client_secret` are appended as the last keys of `spec` in the task.
 */
export function githubConnectorResource(spec: GithubConnectorSpec): Record<string, unknown> {
  return {
    kind: 'github',
    version: 'v3',
    metadata: { name: GITHUB_CONNECTOR },
    spec: {
      display: 'GitHub',
      redirect_url: `https://${spec.domain}/v1/webapi/github/callback`,
      ...(spec.endpointUrl ? { endpoint_url: spec.endpointUrl, api_endpoint_url: `${spec.endpointUrl.replace(/\/$/, '')}/api/v3` } : {}),
      teams_to_roles: spec.teams.map((t) => ({ organization: t.organization, team: t.team, roles: [...t.roles] })),
    },
  };
}

/** YAML of one document; YAML 1.1 rules, so that on, off, yes and no stay strings for Teleport's parser. */
export function toYaml(document: Record<string, unknown>): string {
  return stringify(document, { lineWidth: 0, version: '1.1' });
}

/**
 * Several resources as one multi-document YAML file. The file given to
 * `--apply-on-startup` may hold only the kinds Teleport applies there
 * (roles, tokens, users, ...; lib/auth/init.go applyResources): no connector.
 */
export function resourcesYaml(resources: readonly Record<string, unknown>[]): string {
  return resources.map((r) => `---\n${toYaml(r)}`).join('');
}

/**
 * The shell lines that append the GitHub credentials (from ECS secrets) to
 * the connector file (one document, the connector): two more keys of its `spec`.
 * Values are single-quoted YAML; a value with a quote or a line break is refused.
 */
export function appendGithubCredentials(file: string): string {
  return [
    'for v in "$GITHUB_CLIENT_ID" "$GITHUB_CLIENT_SECRET"; do case "$v" in *"\'"*|*"',
    '"*|"") echo "the GitHub client ID or secret is empty or holds a quote or line break" >&2; exit 1;; esac; done',
    `printf "  client_id: '%s'\\n  client_secret: '%s'\\n" "$GITHUB_CLIENT_ID" "$GITHUB_CLIENT_SECRET" >> ${file}`,
  ].join('\n');
}
