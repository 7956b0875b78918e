/** Cross-key rules of `teleport:` and `services.<name>.teleport` (docs/teleport.md). */
import { FARGATE_MEMORY_BY_CPU } from '../aws-facts';
import type { EnvironmentConfig } from './resolve';
import { TELEPORT_PRESET_ROLES } from './teleport-schema';
import type { KeyPath } from './yaml-source';

interface Issue {
  readonly path: KeyPath;
  readonly message: string;
}

/** Whether a certificate name (possibly *.x) covers a host. */
function covers(name: string, host: string): boolean {
  if (name === host) return true;
  return name.startsWith('*.') && host.endsWith(name.slice(1)) && !host.slice(0, -name.length + 1).includes('.');
}

export function checkTeleport(env: EnvironmentConfig): Issue[] {
  const issues: Issue[] = [];
  const t = env.teleport;
  for (const [name, service] of Object.entries(env.services)) {
    for (const kind of ['app', 'ssh'] as const) {
      if (service.teleport[kind] && !t.enabled) {
        issues.push({
          path: ['services', name, 'teleport', kind],
          message: `teleport.${kind} needs a Teleport cluster in this environment; set teleport.enabled: true (with teleport.domain) or remove it`,
        });
      }
    }
    if (service.teleport.app && service.port === undefined) {
      issues.push({
        path: ['services', name, 'teleport', 'app'],
        message: `an application needs a port to reach; add services.${name}.port or remove teleport.app`,
      });
    }
  }
  if (!t.enabled) return issues;

  // The cluster and its agent are ECS services of the environment's cluster, with log groups of these names.
  for (const reserved of ['teleport', 'teleport-agent']) {
    if (Object.hasOwn(env.services, reserved)) {
      issues.push({
        path: ['services', reserved],
        message: `the service name ${reserved} is Teleport's in an environment with teleport.enabled; rename the service`,
      });
    }
  }
  for (const [name, service] of Object.entries(env.services)) {
    if (service.teleport.ssh && Object.hasOwn(service.sidecars, 'teleport-agent')) {
      issues.push({
        path: ['services', name, 'sidecars', 'teleport-agent'],
        message: 'teleport.ssh adds a sidecar named teleport-agent; rename this sidecar',
      });
    }
  }

  const known = Object.keys(env.databases);
  const explicitDatabases = env.teleport.databases;
  explicitDatabases.forEach((db, i) => {
    if (!known.includes(db))
      issues.push({
        path: ['teleport', 'databases', i],
        message: `no database "${db}" in this environment; use one of ${known.join(', ') || '(none defined)'}`,
      });
  });
  for (const [roleName, role] of Object.entries(t.roles)) {
    role.databases.forEach((db, i) => {
      if (!t.databases.includes(db)) {
        issues.push({
          path: ['teleport', 'roles', roleName, 'databases', i],
          message: `database "${db}" is not fronted by Teleport; use one of ${t.databases.join(', ') || '(none: list it under teleport.databases)'}`,
        });
      }
    });
    if (role.databases.length > 0 && role.databaseUsers.length === 0) {
      issues.push({
        path: ['teleport', 'roles', roleName, 'databaseUsers'],
        message: 'a role with databases needs databaseUsers, the users it connects as',
      });
    }
  }
  const roleNames = [...Object.keys(t.roles), ...TELEPORT_PRESET_ROLES];
  for (const [team, roles] of Object.entries(t.sso.github.teams)) {
    roles.forEach((role, i) => {
      if (!roleNames.includes(role)) {
        issues.push({
          path: ['teleport', 'sso', 'github', 'teams', team, i],
          message: `no Teleport role "${role}"; use one of ${roleNames.join(', ')} or add it under teleport.roles`,
        });
      }
    });
    const org = team.includes('/') ? team.split('/')[0]! : undefined;
    if (org !== undefined && !t.sso.github.allowedOrganizations.includes(org)) {
      issues.push({
        path: ['teleport', 'sso', 'github', 'teams', team],
        message: `organization ${org} is not in allowedOrganizations; add it there or map a team of ${t.sso.github.allowedOrganizations.join(', ')}`,
      });
    }
  }

  const memory = FARGATE_MEMORY_BY_CPU[t.cpu];
  if (memory && !memory.includes(t.memory)) {
    issues.push({
      path: ['teleport', 'memory'],
      message: `${t.memory} is not a valid Fargate memory for cpu ${t.cpu}; use one of ${memory.join(', ')}`,
    });
  }

  if (t.certificate !== undefined) {
    const certificate = env.certificates[t.certificate];
    if (certificate === undefined) {
      const names = Object.keys(env.certificates);
      issues.push({
        path: ['teleport', 'certificate'],
        message: `no certificate "${t.certificate}" under certificates; ${names.length ? `use one of ${names.join(', ')}` : 'add it, or remove this key for a certificate of its own'}`,
      });
    } else if (certificate.domain !== undefined) {
      const names = [certificate.domain, ...certificate.subjectAlternativeNames];
      // The wildcard is needed once a service is published as an application (<service>.<domain>).
      const apps = Object.values(env.services).some((service) => service.teleport.app);
      for (const host of apps ? [t.domain, `app.${t.domain}`] : [t.domain]) {
        if (!names.some((n) => covers(n, host))) {
          const wanted = host === t.domain ? t.domain : `*.${t.domain}`;
          issues.push({
            path: ['teleport', 'certificate'],
            message: `certificate "${t.certificate}" does not cover ${wanted} (applications need *.${t.domain}); add it to its subjectAlternativeNames or remove teleport.certificate`,
          });
        }
      }
    }
  }
  // Records go into dns.hostedZoneId unless teleport.hostedZoneId names another zone: the domain must be inside it.
  const zoneDomain = env.dns?.domain;
  if (
    zoneDomain !== undefined &&
    t.hostedZoneId === env.dns?.hostedZoneId &&
    t.domain !== zoneDomain &&
    !t.domain.endsWith(`.${zoneDomain}`)
  ) {
    issues.push({
      path: ['teleport', 'domain'],
      message: `${t.domain} is not inside ${zoneDomain}, the zone of dns.hostedZoneId; use a name under it or give teleport.hostedZoneId`,
    });
  }
  // RDS IAM authentication, which the agent uses, needs these engine versions at least.
  const iamMinimum: Record<string, [number, number]> = { mariadb: [10, 11], mysql: [5, 7], postgres: [10, 0] };
  for (const name of t.databases) {
    const db = env.databases[name];
    if (db === undefined) continue;
    const [major = 0, minor = 0] = db.engineVersion.split('.').map(Number);
    const minimum = iamMinimum[db.engine];
    if (minimum && (major < minimum[0] || (major === minimum[0] && minor < minimum[1]))) {
      issues.push({
        path: ['databases', name, 'engineVersion'],
        message: `Teleport reaches ${name} with RDS IAM authentication, which ${db.engine} supports from ${minimum.join('.')}; raise databases.${name}.engineVersion or remove ${name} from teleport.databases`,
      });
    }
  }
  // Teleport checks db_names on Postgres: a role with none could never open a database.
  for (const [roleName, role] of Object.entries(t.roles)) {
    const postgres = role.databases.filter((name) => env.databases[name]?.engine === 'postgres');
    if (postgres.length > 0 && role.databaseNames.length === 0) {
      const example = env.databases[postgres[0]!]!.databaseName ?? postgres[0]!.replace(/-/g, '_');
      issues.push({
        path: ['teleport', 'roles', roleName, 'databaseNames'],
        message: `Postgres database ${postgres.join(', ')} needs databaseNames, the databases inside the engine the role may open (Teleport refuses every connection otherwise); add for example [${example}] or ["*"]`,
      });
    }
  }
  // Agents dial the proxy's public name; without NAT they leave from changing public task addresses no CIDR can name.
  if (env.network.kind === 'new' && env.network.natGateways === 'none' && !t.allowedCidrs.includes('0.0.0.0/0')) {
    issues.push({
      path: ['teleport', 'allowedCidrs'],
      message:
        "the network has no NAT gateway, so the environment's own Teleport agents reach the proxy from public task addresses that allowedCidrs cannot list; use network.natGateways single or perAz (their addresses are admitted automatically), or remove teleport.allowedCidrs",
    });
  }
  // Two Route 53 records of one name: the routing hosts' and Teleport's (domain, *.domain, each application's <service>.<domain>).
  if (t.hostedZoneId !== undefined && env.dns?.hostedZoneId !== undefined) {
    const apps = Object.values(env.services)
      .filter((service) => service.teleport.app)
      .map((service) => `${service.name}.${t.domain}`);
    const teleportNames = new Set([t.domain, `*.${t.domain}`, ...apps]);
    for (const [name, service] of Object.entries(env.services)) {
      (service.routing?.hosts ?? []).forEach((host, i) => {
        if (teleportNames.has(host.toLowerCase())) {
          issues.push({
            path: ['services', name, 'routing', 'hosts', i],
            message: `${host} is Teleport's (teleport.domain ${t.domain} has records for ${t.domain}, *.${t.domain} and every application); use a host outside ${t.domain}, or another teleport.domain`,
          });
        }
      });
    }
  }
  if (t.objectLock && t.recordingsExpireDays !== undefined && t.recordingsExpireDays < t.objectLock.days) {
    issues.push({
      path: ['teleport', 'recordingsExpireDays'],
      message: `recordings are locked for ${t.objectLock.days} days; set recordingsExpireDays to at least that`,
    });
  }
  return issues;
}
