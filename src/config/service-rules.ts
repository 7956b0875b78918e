/**
 * Cross-key rules of what services carry: images and their tags, sidecars
 * and their dependencies, volumes and mount points, task role permissions,
 * networking, DNS names, certificates, alarms and database windows. Each
 * returns issues with the key path to blame and the fix.
 */
import type { EnvironmentConfig, ServiceConfig } from './resolve';
import { MAIN_CONTAINER, MUTABLE_TAGS } from './schema';
import type { KeyPath } from './yaml-source';

export interface ServiceRuleIssue {
  readonly path: KeyPath;
  readonly message: string;
}

type Rule = (env: EnvironmentConfig) => ServiceRuleIssue[];

/** The guardrail whose waiver allows `*` actions and resources in a task role. */
export const WILDCARD_WAIVER = 'iam-no-wildcards';
/** Statement IDs the taskRole shorthands write (stacks/task-role-statements.ts); declared statements may not take them. */
export const SHORTHAND_STATEMENT_IDS: readonly string[] = [
  'S3ReadBuckets',
  'S3ReadObjects',
  'S3WriteObjects',
  'SqsSend',
  'SqsReceive',
  'SnsPublish',
];

/** ECS takes at most 10 containers in a task definition. */
const MAX_CONTAINERS = 10;

/** The guardrail whose waiver allows a production environment without alarms. */
export const ALARMS_WAIVER = 'alarms-enabled';

/** Every container of a service: the main one (as "app") and its sidecars, with the key path of each. */
function containersOf(name: string, service: ServiceConfig) {
  return [
    {
      name: MAIN_CONTAINER,
      path: ['services', name] as KeyPath,
      essential: true,
      healthy: service.healthCheck.command !== undefined,
      image: service.image,
      port: service.port,
      dependsOn: service.dependsOn,
      mountPoints: service.mountPoints,
      readonlyRootFilesystem: service.readonlyRootFilesystem,
    },
    ...Object.values(service.sidecars).map((sidecar) => ({
      name: sidecar.name,
      path: ['services', name, 'sidecars', sidecar.name] as KeyPath,
      essential: sidecar.essential,
      healthy: sidecar.healthCheck !== undefined,
      image: sidecar.image,
      port: sidecar.port,
      dependsOn: sidecar.dependsOn,
      mountPoints: sidecar.mountPoints,
      readonlyRootFilesystem: sidecar.readonlyRootFilesystem,
    })),
  ];
}

const services = (env: EnvironmentConfig) => Object.entries(env.services);

/** The tag of a full image reference (undefined for a digest). */
function referenceTag(reference: string): string | undefined {
  const last = reference.split('/').pop()!;
  return last.includes('@') || !last.includes(':') ? undefined : last.slice(last.lastIndexOf(':') + 1);
}

/**
 * With immutable tags, a moving tag can be pushed once and then never again.
 * Production also runs other registries' images pinned: a moving tag there
 * changes what runs without a change to review.
 */
const imageTags: Rule = (env) =>
  services(env).flatMap(([name, service]) =>
    containersOf(name, service).flatMap((c): ServiceRuleIssue[] => {
      if (typeof c.image === 'string') {
        const tag = referenceTag(c.image);
        if (!env.production || tag === undefined || !MUTABLE_TAGS.includes(tag.toLowerCase())) return [];
        return [
          {
            path: [...c.path, 'image'],
            message: `"${c.image}" has a moving tag, and production runs pinned images: the next task start could run another build without a change to review; pin a version (for example :1.27) or a digest (@sha256:...)`,
          },
        ];
      }
      if (!env.registry.immutableTags || !MUTABLE_TAGS.includes(c.image.tag.toLowerCase())) return [];
      return [
        {
          path: [...c.path, 'image', 'tag'],
          message: `"${c.image.tag}" is a moving tag, but registry.immutableTags lets each tag be pushed once, and a deployment would not say which build runs; tag images by version or commit (for example "1.4.2" or "git-3f2c1a9"), or set registry.immutableTags: false`,
        },
      ];
    }),
  );

const sidecarRules: Rule = (env) =>
  services(env).flatMap(([name, service]) => {
    const issues: ServiceRuleIssue[] = [];
    const sidecars = Object.values(service.sidecars);
    for (const sidecar of sidecars) {
      if (sidecar.name === MAIN_CONTAINER || sidecar.name === name) {
        issues.push({
          path: ['services', name, 'sidecars', sidecar.name],
          message: `"${sidecar.name}" is the main container's name; give the sidecar another name`,
        });
      }
    }
    if (sidecars.length >= MAX_CONTAINERS) {
      issues.push({
        path: ['services', name, 'sidecars'],
        message: `a task holds at most ${MAX_CONTAINERS} containers, the main one included; keep ${MAX_CONTAINERS - 1} sidecars at most`,
      });
    }
    const cpu = sidecars.reduce((sum, s) => sum + s.cpu, 0);
    if (sidecars.length > 0 && cpu >= service.cpu) {
      issues.push({
        path: ['services', name, 'sidecars'],
        message: `the sidecars reserve ${cpu} cpu units of the task's ${service.cpu}, leaving nothing for the main container; raise services.${name}.cpu or lower the sidecars' cpu`,
      });
    }
    const memory = sidecars.reduce((sum, s) => sum + (s.memory ?? 0), 0);
    if (memory >= service.memory) {
      issues.push({
        path: ['services', name, 'sidecars'],
        message: `the sidecars' memory adds up to ${memory} MiB of the task's ${service.memory}, leaving nothing for the main container; raise services.${name}.memory or lower the sidecars' memory`,
      });
    }
    const containers = containersOf(name, service);
    // In awsvpc mode the containers of a task share one network namespace: one port, one container.
    const ports = new Map<number, string>();
    for (const c of containers) {
      if (c.port === undefined) continue;
      const other = ports.get(c.port);
      if (other !== undefined)
        issues.push({
          path: [...c.path, 'port'],
          message: `port ${c.port} is also used by container ${other} of this task; containers of a task share one network, so each needs its own port`,
        });
      else ports.set(c.port, c.name);
    }
    const byName = new Map(containers.map((c) => [c.name, c]));
    for (const c of containers) {
      c.dependsOn.forEach((dependency, i) => {
        const at: KeyPath = [...c.path, 'dependsOn', i, 'container'];
        const target = byName.get(dependency.container);
        if (!target) {
          issues.push({
            path: at,
            message: `no container "${dependency.container}" in this task; use one of ${[...byName.keys()].filter((n) => n !== c.name).join(', ')}`,
          });
        } else if (target.name === c.name) {
          issues.push({ path: at, message: 'a container cannot wait for itself' });
        } else if (dependency.condition === 'HEALTHY' && !target.healthy) {
          issues.push({
            path: [...c.path, 'dependsOn', i, 'condition'],
            message: `HEALTHY needs a health check on ${target.name}; add ${target.name === MAIN_CONTAINER ? `services.${name}.healthCheck.command` : `its healthCheck`} or wait for START`,
          });
        } else if ((dependency.condition === 'COMPLETE' || dependency.condition === 'SUCCESS') && target.essential) {
          issues.push({
            path: [...c.path, 'dependsOn', i, 'condition'],
            message: `${dependency.condition} waits for ${target.name} to exit, but it is essential (its exit stops the task); set essential: false on it or wait for START or HEALTHY`,
          });
        }
      });
    }
    const cycle = dependencyCycle(containers.map((c) => [c.name, c.dependsOn.map((d) => d.container)]));
    if (cycle) {
      const first = byName.get(cycle[0]!)!;
      issues.push({
        path: [...first.path, 'dependsOn'],
        message: `dependsOn forms a cycle (${cycle.join(' -> ')}), so the task could never start; remove one of these dependencies`,
      });
    }
    return issues;
  });

/** The first cycle in a dependency graph, as the names along it (first name repeated at the end). */
export function dependencyCycle(edges: readonly (readonly [string, readonly string[]])[]): string[] | undefined {
  const graph = new Map(edges);
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (node: string, trail: string[]): string[] | undefined => {
    if (state.get(node) === 'done' || !graph.has(node)) return undefined;
    if (state.get(node) === 'visiting') return [...trail.slice(trail.indexOf(node)), node];
    state.set(node, 'visiting');
    for (const next of graph.get(node)!) {
      const found = visit(next, [...trail, node]);
      if (found) return found;
    }
    state.set(node, 'done');
    return undefined;
  };
  for (const [node] of edges) {
    const found = visit(node, []);
    if (found) return found;
  }
  return undefined;
}

const volumeRules: Rule = (env) =>
  services(env).flatMap(([name, service]) => {
    const issues: ServiceRuleIssue[] = [];
    const volumes = Object.values(service.volumes);
    const mounted = new Set<string>();
    for (const c of containersOf(name, service)) {
      const paths = new Set<string>(c.readonlyRootFilesystem ? ['/tmp'] : []);
      c.mountPoints.forEach((mount, i) => {
        const at: KeyPath = [...c.path, 'mountPoints', i];
        if (!Object.hasOwn(service.volumes, mount.volume)) {
          const known = Object.keys(service.volumes);
          issues.push({
            path: [...at, 'volume'],
            message: `no volume "${mount.volume}" in services.${name}.volumes; ${known.length ? `use one of ${known.join(', ')}` : 'add it under volumes'}`,
          });
        }
        mounted.add(mount.volume);
        if (paths.has(mount.path)) {
          issues.push({
            path: [...at, 'path'],
            message:
              mount.path === '/tmp' && c.readonlyRootFilesystem
                ? '/tmp is already a writable volume of a read-only container; mount elsewhere'
                : `${mount.path} is mounted twice in this container`,
          });
        }
        paths.add(mount.path);
      });
    }
    for (const volume of volumes) {
      const at: KeyPath = ['services', name, 'volumes', volume.name];
      if (volume.name === 'tmp' || volume.name.startsWith('tmp-')) {
        issues.push({
          path: at,
          message: "volume names tmp and tmp-* are the project's (the writable /tmp of each read-only container); pick another",
        });
      } else if (volume.efs && !mounted.has(volume.name)) {
        // An unmounted ephemeral volume still sizes the task's storage; an unmounted file system would serve nobody.
        issues.push({ path: at, message: `no container mounts volume ${volume.name}; add a mountPoints entry or remove the volume` });
      }
    }
    const ephemeral = volumes.filter((v) => v.ephemeral);
    if (ephemeral.length > 1) {
      issues.push({
        path: ['services', name, 'volumes', ephemeral[1]!.name],
        message: `a task has one ephemeral storage, already used by volume ${ephemeral[0]!.name}; mount that volume at more paths instead`,
      });
    }
    return issues;
  });

/** An ARN's parts, or undefined when it is not an ARN. */
function arnParts(arn: string) {
  const match = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/.exec(arn);
  return match ? { partition: match[1]!, service: match[2]!, region: match[3]!, account: match[4]! } : undefined;
}

/** Why an ARN is outside this environment, or undefined. Empty region and account (S3, IAM) are fine; `aws` is the account of AWS managed policies. */
function foreignArn(env: EnvironmentConfig, arn: string): string | undefined {
  const parts = arnParts(arn);
  if (!parts) return `${arn} is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)`;
  const { partition, region, accountId } = env.aws;
  if (parts.partition !== partition)
    return `${arn} is in partition ${parts.partition}, this environment in ${partition}; use arn:${partition}:...`;
  if (parts.region !== '' && parts.region !== region)
    return `${arn} is in region ${parts.region}, this environment in ${region}; use ${region}`;
  if (parts.account !== '' && parts.account !== accountId && parts.account !== 'aws')
    return `${arn} is in account ${parts.account}, this environment in ${accountId}; use ${accountId}`;
  return undefined;
}

/** The part of an ARN after its account (arn:PARTITION:SERVICE:REGION:ACCOUNT:resource). */
function resourcePart(arn: string): string {
  return arn.split(':').slice(5).join(':');
}

const taskRoleRules: Rule = (env) =>
  services(env).flatMap(([name, service]) => {
    const issues: ServiceRuleIssue[] = [];
    const role = service.taskRole;
    const waived = Object.hasOwn(env.guardrails.waivers, WILDCARD_WAIVER);
    const at = (...rest: (string | number)[]): KeyPath => ['services', name, 'taskRole', ...rest];
    const sids = new Set<string>();
    role.statements.forEach((statement, i) => {
      const sid = statement.sid ?? `Declared${i + 1}`;
      if (sids.has(sid) || SHORTHAND_STATEMENT_IDS.includes(sid)) {
        issues.push({
          path: at('statements', i, 'sid'),
          message: `statement ID ${sid} is ${sids.has(sid) ? 'used twice' : 'written by a shorthand'}; IAM needs each ID once, so pick another`,
        });
      }
      sids.add(sid);
      // A Deny narrows what the role may do: wildcards there are safe.
      const allows = statement.effect !== 'Deny';
      statement.actions.forEach((action, j) => {
        if (allows && !waived && /[*?]/.test(action)) {
          issues.push({
            path: at('statements', i, 'actions', j),
            message: `${action} is a pattern that allows ${action === '*' || action.endsWith(':*') ? 'every action' : 'every matching action, now and as AWS adds more'}; list the actions the service needs, or waive ${WILDCARD_WAIVER} in guardrails.waivers with the reason`,
          });
        }
      });
      statement.resources.forEach((resource, j) => {
        if (resource === '*') {
          if (allows && !waived)
            issues.push({
              path: at('statements', i, 'resources', j),
              message: `"*" allows every resource; name the ARNs, or waive ${WILDCARD_WAIVER} in guardrails.waivers with the reason`,
            });
          return;
        }
        const problem = foreignArn(env, resource);
        if (problem) issues.push({ path: at('statements', i, 'resources', j), message: problem });
        else if (allows && !waived && /[*?]/.test(resourcePart(resource))) {
          issues.push({
            path: at('statements', i, 'resources', j),
            message: `${resource} is a pattern over many resources (arn:aws:s3:::* is every bucket of every account); name the resources, or waive ${WILDCARD_WAIVER} in guardrails.waivers with the reason`,
          });
        }
      });
    });
    const shorthands = [
      ['s3Buckets', 'read'],
      ['s3Buckets', 'write'],
      ['sqsQueues', 'send'],
      ['sqsQueues', 'receive'],
      ['snsTopics', 'publish'],
    ] as const;
    for (const [kind, access] of shorthands) {
      const refs: readonly string[] = (role[kind] as Record<string, readonly string[]>)[access]!;
      refs.forEach((ref, j) => {
        const problem = ref.startsWith('arn:') ? foreignArn(env, ref) : undefined;
        if (problem) issues.push({ path: at(kind, access, j), message: problem });
      });
    }
    role.managedPolicyArns.forEach((arn, j) => {
      const problem = foreignArn(env, arn);
      if (problem) issues.push({ path: at('managedPolicyArns', j), message: problem });
      // AWS's own policies are written for every account (AdministratorAccess, PowerUserAccess, ...FullAccess): wide by design.
      else if (!waived && /^arn:aws[a-z-]*:iam::aws:policy\//.test(arn)) {
        issues.push({
          path: at('managedPolicyArns', j),
          message: `${arn} is an AWS managed policy, written for every account and wider than one service needs; attach a policy of your account, declare statements, or waive ${WILDCARD_WAIVER} in guardrails.waivers with the reason`,
        });
      }
    });
    return issues;
  });

const networkingRules: Rule = (env) =>
  services(env).flatMap(([name, service]) => {
    const issues: ServiceRuleIssue[] = [];
    const network = env.network;
    if (network.kind === 'new' && network.natGateways !== 'none' && service.assignPublicIp) {
      issues.push({
        path: ['services', name, 'assignPublicIp'],
        message:
          'tasks of a VPC with NAT gateways run in private subnets, where a public IP reaches nothing; remove assignPublicIp, or set network.natGateways: none',
      });
    }
    if (network.kind === 'new' && network.natGateways === 'none' && !service.assignPublicIp) {
      issues.push({
        path: ['services', name, 'assignPublicIp'],
        message:
          'without NAT gateways, tasks reach ECR and AWS APIs only through a public IP; remove assignPublicIp: false, or set network.natGateways: single',
      });
    }
    service.securityGroupIds.forEach((id, i) => {
      if (service.securityGroupIds.indexOf(id) !== i)
        issues.push({ path: ['services', name, 'securityGroupIds', i], message: `${id} is listed twice` });
    });
    (service.egress ?? []).forEach((entry, i) => {
      const at: KeyPath = ['services', name, 'egress', i];
      if ('vpc' in entry && network.kind !== 'new') {
        issues.push({
          path: [...at, 'vpc'],
          message: 'the CIDR of an existing VPC is not known here (no AWS look-ups); give it as { cidr: ..., ports: [...] }',
        });
      }
      if ('service' in entry) {
        const target = env.services[entry.service];
        if (!target)
          issues.push({
            path: [...at, 'service'],
            message: `no service ${entry.service}; services: ${Object.keys(env.services).join(', ')}`,
          });
        else if (entry.service === name)
          issues.push({ path: [...at, 'service'], message: 'a service reaches itself without an egress rule; remove this entry' });
        else if (target.port === undefined || !target.serviceDiscovery) {
          issues.push({
            path: [...at, 'service'],
            message: `service ${entry.service} admits other services only with a port and serviceDiscovery: true; set them on services.${entry.service}`,
          });
        }
      }
    });
    return issues;
  });

const dnsRules: Rule = (env) => {
  if (!env.dns) return [];
  const { domain } = env.dns;
  return services(env).flatMap(([name, service]) =>
    (service.routing?.hosts ?? []).flatMap((host, i): ServiceRuleIssue[] => {
      const at: KeyPath = ['services', name, 'routing', 'hosts', i];
      if (host.includes('?') || host.slice(1).includes('*')) {
        return [
          {
            path: at,
            message: `${host} is a pattern, not a DNS name, so dns.hostedZoneId cannot get a record for it; use exact names or a leading *. wildcard, or remove dns`,
          },
        ];
      }
      const bare = host.toLowerCase().replace(/^\*\./, '');
      if (domain !== undefined && bare !== domain && !bare.endsWith(`.${domain}`)) {
        return [{ path: at, message: `${host} is not inside dns.domain ${domain}; use a name under ${domain}, or another zone` }];
      }
      return [];
    }),
  );
};

const certificateRules: Rule = (env) => {
  const issues: ServiceRuleIssue[] = [];
  const lb = env.loadBalancer;
  const known = Object.keys(env.certificates);
  lb.additionalCertificates.forEach((name, i) => {
    const at: KeyPath = ['loadBalancer', 'additionalCertificates', i];
    if (lb.certificate === undefined)
      issues.push({ path: at, message: 'SNI certificates need a default one; set loadBalancer.certificate first' });
    else if (!Object.hasOwn(env.certificates, name))
      issues.push({
        path: at,
        message: `no certificate "${name}" under certificates; ${known.length ? `use one of ${known.join(', ')}` : 'add it under certificates'}`,
      });
    else if (name === lb.certificate) issues.push({ path: at, message: `${name} is already the default certificate; remove it here` });
    else if (lb.additionalCertificates.indexOf(name) !== i) issues.push({ path: at, message: `${name} is listed twice` });
  });
  for (const [name, certificate] of Object.entries(env.certificates)) {
    if (certificate.arn === undefined) continue;
    const parts = arnParts(certificate.arn)!;
    if (parts.partition !== env.aws.partition || parts.region !== env.aws.region || parts.account !== env.aws.accountId) {
      issues.push({
        path: ['certificates', name, 'arn'],
        message: `a load balancer uses certificates of its own account and region (${env.aws.accountId}, ${env.aws.region}); this one is in ${parts.account}, ${parts.region}: import or request it there`,
      });
    }
  }
  return issues;
};

const alarmRules: Rule = (env) => {
  const issues: ServiceRuleIssue[] = [];
  const { monitoring } = env;
  if (!monitoring.alarms.enabled && env.production && !Object.hasOwn(env.guardrails.waivers, ALARMS_WAIVER)) {
    issues.push({
      path: ['monitoring', 'alarms', 'enabled'],
      message: `a production environment without alarms fails silently; keep alarms on, or waive ${ALARMS_WAIVER} in guardrails.waivers with the reason`,
    });
  }
  if (monitoring.topicArn !== undefined) {
    const parts = arnParts(monitoring.topicArn)!;
    if (parts.partition !== env.aws.partition || parts.region !== env.aws.region) {
      issues.push({
        path: ['monitoring', 'topicArn'],
        message: `CloudWatch alarms notify topics of their own region (${env.aws.region}); this topic is in ${parts.region}`,
      });
    }
  }
  if (env.cost.monthlyBudget !== undefined && monitoring.topicArn === undefined) {
    if (monitoring.alarmEmails.length === 0) {
      issues.push({
        path: ['cost', 'monthlyBudget'],
        message: "the budget's alerts go to monitoring.alarmEmails or monitoring.topicArn; set one of them, or remove monthlyBudget",
      });
    } else if (monitoring.alarmEmails.length > 10) {
      issues.push({
        path: ['monitoring', 'alarmEmails'],
        message: `an AWS budget alert mails at most 10 addresses (${monitoring.alarmEmails.length} here); send them to a topic with monitoring.topicArn, or list at most 10`,
      });
    }
  }
  return issues;
};

/** cost.overrides name services of this environment; a load balancer's requests go only to routed services. */
const costOverrideRules: Rule = (env) =>
  Object.entries(env.cost.overrides.services).flatMap(([name, usage]): ServiceRuleIssue[] => {
    const service = env.services[name];
    const known = Object.keys(env.services).sort();
    if (service === undefined) {
      return [
        {
          path: ['cost', 'overrides', 'services', name],
          message: `no service named ${name} in this environment; cost.overrides.services takes ${known.length > 0 ? known.join(', ') : 'no names (the environment has no services)'}`,
        },
      ];
    }
    if (usage.requestsPerSecond !== undefined && service.routing === undefined) {
      return [
        {
          path: ['cost', 'overrides', 'services', name, 'requestsPerSecond'],
          message: `service ${name} has no routing, so the load balancer sends it no requests; remove requestsPerSecond or give the service routing`,
        },
      ];
    }
    return [];
  });

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const WEEK = 7 * 1440;
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Minutes from Monday 00:00 of a window's start and its length; windows may wrap past midnight or the week's end. */
function windowOf(start: number, end: number, period: number) {
  return { start, length: (end - start + period) % period };
}

const databaseWindows: Rule = (env) =>
  Object.values(env.databases).flatMap((db) => {
    const issues: ServiceRuleIssue[] = [];
    const [backupStart, backupEnd] = db.backupWindow.split('-') as [string, string];
    const backup = windowOf(minutes(backupStart), minutes(backupEnd), 1440);
    const [mStart, mEnd] = db.maintenanceWindow
      .split('-')
      .map((part) => DAYS.indexOf(part.slice(0, 3)) * 1440 + minutes(part.slice(4))) as [number, number];
    const maintenance = windowOf(mStart, mEnd, WEEK);
    if (backup.length < 30)
      issues.push({
        path: ['databases', db.name, 'backupWindow'],
        message: `RDS needs a backup window of at least 30 minutes; ${db.backupWindow} is ${backup.length}`,
      });
    if (maintenance.length < 30)
      issues.push({
        path: ['databases', db.name, 'maintenanceWindow'],
        message: `RDS needs a maintenance window of at least 30 minutes; ${db.maintenanceWindow} is ${maintenance.length}`,
      });
    // The backup window recurs daily: look for any day's window that meets the weekly one.
    const overlaps = Array.from({ length: 8 }, (_, day) => day * 1440 + backup.start).some((start) =>
      [maintenance.start, maintenance.start + WEEK, maintenance.start - WEEK].some(
        (m) => start < m + maintenance.length && m < start + backup.length,
      ),
    );
    if (overlaps)
      issues.push({
        path: ['databases', db.name, 'maintenanceWindow'],
        message: `${db.maintenanceWindow} overlaps the daily backup window ${db.backupWindow}; RDS needs them apart`,
      });
    return issues;
  });

/** Every issue of the service-related rules. */
export function checkServices(env: EnvironmentConfig): ServiceRuleIssue[] {
  return [
    imageTags,
    sidecarRules,
    volumeRules,
    taskRoleRules,
    networkingRules,
    dnsRules,
    certificateRules,
    alarmRules,
    costOverrideRules,
    databaseWindows,
  ].flatMap((rule) => rule(env));
}
