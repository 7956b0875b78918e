/**
 * Teleport's defaults that depend on other keys: the names of its table,
 * events table and bucket, the databases it fronts, and the default roles
 * (least privilege: developers get read-only database users outside
 * production and nothing of the databases in production; admin only for a
 * team mapped to it explicitly).
 */
import { fitName, NAME_LIMITS, Naming } from '../naming';
import type { ParsedTeleport, TeleportRole } from './teleport-schema';

/** The database users the default roles use; they must exist in the engine with IAM login granted (docs/teleport.md). */
export const TELEPORT_READONLY_USER = 'teleport_readonly';
export const TELEPORT_ADMIN_USER = 'teleport_admin';

export function defaultTeleportRoles(production: boolean, databases: readonly string[]): Record<string, TeleportRole> {
  return {
    developer: {
      logins: [],
      nodeLabels: {},
      databases: production ? [] : [...databases],
      databaseUsers: production || databases.length === 0 ? [] : [TELEPORT_READONLY_USER],
      databaseNames: production || databases.length === 0 ? [] : ['*'],
      // Production: no application either, unless the role is configured.
      appLabels: production ? {} : { '*': '*' },
      maxSessionHours: production ? 4 : 8,
    },
    admin: {
      logins: ['root'],
      nodeLabels: { '*': '*' },
      databases: [...databases],
      databaseUsers: databases.length === 0 ? [] : [TELEPORT_ADMIN_USER],
      databaseNames: databases.length === 0 ? [] : ['*'],
      appLabels: { '*': '*' },
      maxSessionHours: production ? 4 : 8,
    },
  };
}

/** What of the rest of the environment Teleport's defaults depend on. */
export interface TeleportContext {
  readonly project: string;
  readonly environment: string;
  readonly production: boolean;
  readonly accountId: string;
  readonly region: string;
  /** Every database key of the environment. */
  readonly databases: readonly string[];
  /** dns.hostedZoneId, if any. */
  readonly hostedZoneId?: string;
}

export function resolveTeleport(t: ParsedTeleport, context: TeleportContext) {
  const { production } = context;
  const naming = new Naming(context.project, context.environment);
  const dynamodbTable = t.dynamodbTable ?? fitName(`${naming.prefix}-teleport-state`, NAME_LIMITS.dynamodbTable);
  const databases = t.databases ?? [...context.databases];
  const domain = t.domain ?? '';
  return {
    ...t,
    domain,
    clusterName: t.clusterName ?? domain,
    dynamodbTable,
    eventsTable: t.eventsTable ?? fitName(`${dynamodbTable}-events`, NAME_LIMITS.dynamodbTable),
    auditBucket: t.auditBucket ?? naming.bucket(context.accountId, context.region, 'teleport-audit'),
    hostedZoneId: t.hostedZoneId ?? context.hostedZoneId,
    databases,
    roles: { ...defaultTeleportRoles(production, databases), ...t.roles },
    sso: {
      github: { ...t.sso.github, teams: t.sso.github.teams ?? { developers: ['developer'] } },
    },
    /** Production keeps the state tables and recordings on `terraform destroy`. */
    deletionProtection: production,
  };
}

export type TeleportConfig = ReturnType<typeof resolveTeleport>;
