/**
 * The `teleport:` block of an environment and `services.<name>.teleport`
 * (docs/teleport.md). Cross-key rules (databases that exist, certificates
 * that cover the domain, services that need a port) are in
 * `teleport-rules.ts`; defaults that depend on other keys in
 * `teleport-resolve.ts`.
 */
import { z } from 'zod';
import { strictObject } from './strict-object';
import { refuse, secretNameProblem, uniqueList } from './value-checks';
import { computedDefault } from './schema-defaults';

/** The Teleport release the project pins; `teleport.image` overrides it. */
export const TELEPORT_VERSION = '17.5.4';
export const TELEPORT_IMAGE = `public.ecr.aws/gravitational/teleport-distroless:${TELEPORT_VERSION}`;
/** The agent sidecar: the debug variant carries a busybox shell, so `tsh ssh` has something to run. */
export const TELEPORT_AGENT_IMAGE = `public.ecr.aws/gravitational/teleport-distroless-debug:${TELEPORT_VERSION}`;
/** Writes the configuration files before Teleport starts (distroless images have no shell). */
export const TELEPORT_INIT_IMAGE = 'public.ecr.aws/docker/library/busybox:1.36.1';

/** Teleport's preset roles, which teams may be mapped to besides the configured ones. */
export const TELEPORT_PRESET_ROLES: readonly string[] = ['access', 'editor', 'auditor'];

const domainName = z
  .string()
  .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'not a domain name (lowercase, for example teleport.example.com)');
const imageReference = z
  .string()
  .regex(
    /^[a-z0-9.-]+(:[0-9]+)?\/[a-z0-9._\/-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$/,
    'an image reference needs a registry and a tag or digest, for example public.ecr.aws/gravitational/teleport-distroless:17.5.4',
  )
  .refine((ref) => !/:latest$/.test(ref), 'pin a Teleport version; latest would change the cluster under you');
const tableName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'DynamoDB table names are 3-255 letters, digits, underscores, dots and hyphens');
const bucketName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
    'S3 bucket names here are 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit',
  );
const secretRef = z.string().superRefine(refuse(secretNameProblem));
const linuxLogin = z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'a login is a Linux user name, for example root or app');
const databaseUser = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'database user names are letters, digits and _, starting with a letter or _');
const databaseNameOrAll = z.string().regex(/^\*$|^[A-Za-z][A-Za-z0-9_]{0,62}$/, 'a database name is letters, digits and _, or * for all');
const labels = z.record(
  z.string().regex(/^\*$|^[A-Za-z0-9_.\/-]{1,63}$/, 'label names are letters, digits, _ . / -, or *'),
  z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
);
const roleName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'role names are lowercase letters, digits and hyphens, starting with a letter');

export const teleportRoleSchema = strictObject({
  logins: uniqueList(linuxLogin).default([]).describe('Linux users of container access (tsh ssh) into agent sidecars; empty: no shell'),
  nodeLabels: labels
    .default({})
    .describe('Which containers (agent sidecars) the role reaches, by label: service, env; { "*": "*" } for all'),
  databases: uniqueList(z.string()).default([]).describe('Keys of teleport.databases the role may connect to'),
  databaseUsers: uniqueList(databaseUser)
    .default([])
    .describe('Database users the role may connect as, through RDS IAM authentication; each must exist with IAM login granted'),
  databaseNames: uniqueList(databaseNameOrAll)
    .default([])
    .describe('Databases inside the engine the role may open; * for all; required with a Postgres database, where Teleport checks it'),
  appLabels: labels
    .default({})
    .describe('Which applications (services with teleport.app) the role reaches, by label: service, env; { "*": "*" } for all'),
  maxSessionHours: z.number().int().min(1).max(24).default(8).describe('Hours a login lasts before tsh login is needed again, 1-24'),
});

const githubSchema = strictObject({
  enabled: z.boolean().default(false).describe('Sign in with GitHub (tsh login --auth=github)'),
  clientIdRef: secretRef
    .optional()
    .describe("Secrets Manager name or ARN of the GitHub OAuth app's client ID, a plain string; set out of band (required when enabled)"),
  clientSecretRef: secretRef
    .optional()
    .describe(
      "Secrets Manager name or ARN of the GitHub OAuth app's client secret, a plain string; it reaches the task only as an ECS secret (required when enabled)",
    ),
  allowedOrganizations: uniqueList(
    z
      .string()
      .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, 'a GitHub organization is 1-39 letters, digits and single hyphens'),
  )
    .default([])
    .describe('GitHub organizations whose members may sign in, at least one when enabled'),
  teams: z
    .record(
      z.string().regex(/^([A-Za-z0-9-]{1,39}\/)?[A-Za-z0-9._-]{1,100}$/, 'a team is its slug, or organization/slug'),
      uniqueList(roleName).min(1),
    )
    .optional()
    .describe(
      'GitHub team slug (every allowed organization) or organization/slug -> Teleport roles; admin only where a team is mapped to it',
    )
    .meta(computedDefault('{ developers: [developer] }')),
  endpointUrl: z
    .string()
    .regex(/^https:\/\/[a-z0-9.-]+(\/.*)?$/, 'an https:// URL')
    .optional()
    .describe('GitHub Enterprise Server: its https:// URL')
    .meta(computedDefault('github.com')),
});

const objectLockSchema = strictObject({
  mode: z
    .enum(['GOVERNANCE', 'COMPLIANCE'])
    .default('GOVERNANCE')
    .describe('GOVERNANCE (privileged users may delete) or COMPLIANCE (nobody may, until the days pass)'),
  days: z.number().int().min(1).max(3650).describe('Days each recording is locked (required with objectLock)'),
});

export const teleportSchema = strictObject({
  enabled: z
    .boolean()
    .default(false)
    .describe('Run a Teleport cluster in this environment: auth and proxy on Fargate, DynamoDB state, S3 session recordings'),
  domain: domainName.optional().describe("The proxy's public name; applications are <service>.<domain> (required when enabled)"),
  clusterName: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{0,62}$/, 'a cluster name is lowercase letters, digits, dots and hyphens')
    .optional()
    .describe('The Teleport cluster name; it is part of every certificate, so it cannot change later')
    .meta(computedDefault('the domain')),
  dynamodbTable: tableName
    .optional()
    .describe('The cluster state table, with streams and TTL')
    .meta(computedDefault('<project>-<environment>-teleport-state')),
  eventsTable: tableName.optional().describe('The audit events table').meta(computedDefault('<dynamodbTable>-events')),
  auditBucket: bucketName
    .optional()
    .describe('The session recordings bucket: versioned, customer-key encrypted, TLS only')
    .meta(computedDefault('<project>-<environment>-teleport-audit-<account>-<region>')),
  image: imageReference.default(TELEPORT_IMAGE).describe(`The auth and proxy image, pinned`),
  agentImage: imageReference.default(TELEPORT_AGENT_IMAGE).describe(`The image of agent sidecars and the database agent`),
  cpu: z
    .number()
    .int()
    .refine((v) => [256, 512, 1024, 2048, 4096].includes(v), 'Fargate cpu here is one of 256, 512, 1024, 2048, 4096')
    .default(512)
    .describe('Task CPU units of the auth and proxy service'),
  memory: z.number().int().positive().default(1024).describe('Task memory in MiB, a valid Fargate pair with cpu'),
  replicas: z.number().int().min(1).max(10).default(1).describe('Auth and proxy tasks; more than one share the DynamoDB state'),
  certificate: z
    .string()
    .optional()
    .describe('A key of certificates covering domain, and *.domain once a service has teleport.app')
    .meta(computedDefault('a certificate of its own for both')),
  hostedZoneId: z
    .string()
    .regex(/^Z[A-Z0-9]{1,31}$/, 'a hosted zone ID looks like Z0123456789ABCDEFGHIJ')
    .optional()
    .describe('Route 53 zone of the domain and *.domain records and of the certificate validation')
    .meta(computedDefault('dns.hostedZoneId; absent: no records')),
  allowedCidrs: uniqueList(z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'an IPv4 CIDR, for example 203.0.113.0/24'))
    .min(1)
    .default(['0.0.0.0/0'])
    .describe(
      "Who may reach the proxy on 443; restricted, the NAT gateways' addresses are admitted too (the environment's own agents), and a network without NAT refuses it",
    ),
  sessionRecording: z
    .enum(['node', 'proxy', 'node-sync', 'proxy-sync'])
    .default('node')
    .describe('Where sessions are recorded; off is not offered'),
  recordingsToInfrequentAccessDays: z
    .number()
    .int()
    .min(30)
    .max(3650)
    .default(30)
    .describe('Days before recordings move to S3 Standard-IA'),
  recordingsToGlacierDays: z
    .number()
    .int()
    .min(60)
    .max(3650)
    .default(90)
    .describe('Days before recordings move to Glacier Instant Retrieval'),
  recordingsExpireDays: z
    .number()
    .int()
    .min(1)
    .max(36500)
    .optional()
    .describe('Days before recordings are deleted')
    .meta(computedDefault('kept')),
  objectLock: objectLockSchema
    .optional()
    .describe('S3 Object Lock on the recordings bucket: { mode, days }; only at bucket creation')
    .meta(computedDefault('off')),
  sso: strictObject({ github: githubSchema.prefault({}).describe('The GitHub connector') })
    .prefault({})
    .describe('Single sign-on'),
  roles: z
    .record(roleName, teleportRoleSchema)
    .default({})
    .describe('Teleport roles by name; developer and admin exist by default and are replaced by an entry of the same name'),
  databases: uniqueList(z.string())
    .optional()
    .describe('Keys of databases reached through Teleport, with RDS IAM authentication')
    .meta(computedDefault('every database')),
  databaseAgent: strictObject({
    cpu: z
      .number()
      .int()
      .refine((v) => [256, 512, 1024].includes(v), 'one of 256, 512, 1024')
      .default(256)
      .describe('Task CPU units'),
    memory: z.number().int().positive().default(512).describe('Task memory in MiB'),
  })
    .prefault({})
    .describe('The agent serving databases and applications, a Fargate service of its own'),
}).superRefine((t, ctx) => {
  if (t.enabled && t.domain === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['domain'],
      message: "teleport.enabled needs domain, the proxy's public name (for example teleport.example.com)",
    });
  const pairs: Record<number, number[]> = {
    256: [512, 1024, 2048],
    512: [1024, 2048, 3072, 4096],
    1024: [2048, 3072, 4096, 5120, 6144, 7168, 8192],
  };
  if (pairs[t.databaseAgent.cpu] && !pairs[t.databaseAgent.cpu]!.includes(t.databaseAgent.memory)) {
    ctx.addIssue({
      code: 'custom',
      path: ['databaseAgent', 'memory'],
      message: `${t.databaseAgent.memory} is not a valid Fargate memory for cpu ${t.databaseAgent.cpu}; use one of ${pairs[t.databaseAgent.cpu]!.join(', ')}`,
    });
  }
  if (t.recordingsToGlacierDays < t.recordingsToInfrequentAccessDays + 30) {
    ctx.addIssue({
      code: 'custom',
      path: ['recordingsToGlacierDays'],
      message:
        'S3 needs 30 days in Standard-IA before another transition; set recordingsToGlacierDays at least recordingsToInfrequentAccessDays + 30',
    });
  }
  const { github } = t.sso;
  if (t.enabled && github.enabled) {
    if (github.clientIdRef === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['sso', 'github', 'clientIdRef'],
        message: "GitHub sign-in needs clientIdRef, the Secrets Manager name of the OAuth app's client ID",
      });
    if (github.clientSecretRef === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['sso', 'github', 'clientSecretRef'],
        message: "GitHub sign-in needs clientSecretRef, the Secrets Manager name of the OAuth app's client secret",
      });
    if (github.allowedOrganizations.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['sso', 'github', 'allowedOrganizations'],
        message: 'GitHub sign-in needs at least one organization whose members may sign in',
      });
  }
});

export const serviceTeleportSchema = strictObject({
  app: z
    .boolean()
    .default(false)
    .describe('Publish the service at <service>.<teleport.domain>, reachable only through Teleport; needs a port'),
  ssh: z
    .boolean()
    .default(false)
    .describe(
      "Container access: a Teleport agent sidecar (essential false, its own log group) joins the cluster with the IAM join method; tsh ssh opens a shell in that sidecar (same network, not the app container's files: use exec for those)",
    ),
});

export type ParsedTeleport = z.output<typeof teleportSchema>;
export type TeleportRole = z.output<typeof teleportRoleSchema>;
