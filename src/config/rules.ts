/**
 * Rules that span keys: cross-references and AWS limits that the schema of a
 * single key cannot see. Each returns issues with the key path to blame.
 */
import { parameterGroupFamily, RDS_PARAMETER_FAMILIES, supportsPerformanceInsights } from '../aws-facts';
import { bucketVariable, cacheVariables, databaseVariables, tableVariable } from './injected-variables';
import { shown } from './problems';
import { didYouMean } from './suggest';
import { checkServices } from './service-rules';
import { checkTeleport } from './teleport-rules';
import { checkJobsAndQueues } from './jobs-rules';
import { checkWorkloads } from './workload-rules';
import { isMap } from '../values';
import type { EnvironmentConfig } from './resolve';
import type { KeyPath } from './yaml-source';
import type { Capacity } from './schema';

export interface RuleIssue {
  readonly path: KeyPath;
  readonly message: string;
}

/** A cross-key rule; `ruleIds` are the guardrail rules that waivers may name (config sits below guardrails). */
type Rule = (env: EnvironmentConfig, ruleIds: readonly string[]) => RuleIssue[];

/**
 * What the cross-reference rules read. A valid EnvironmentConfig is one; so
 * is what `referencesOf` recovers from a file that failed the schema, so that
 * a broken reference is reported together with the schema's problems.
 */
export interface References {
  readonly loadBalancer: { readonly certificate?: string };
  readonly certificates: Readonly<Record<string, unknown>>;
  readonly services: Readonly<
    Record<
      string,
      {
        readonly port?: number;
        readonly routing?: { readonly priority?: number };
        readonly autoscaling?: { readonly requestsPerTarget?: number };
      }
    >
  >;
  readonly databases: Readonly<Record<string, { readonly allowedServices: readonly string[] }>>;
  readonly dynamodb: Readonly<
    Record<string, { readonly allowedServices: { readonly read: readonly string[]; readonly write: readonly string[] } }>
  >;
}

type ReferenceRule = (refs: References) => RuleIssue[];

/** Whether a capacity strategy can place tasks on Fargate Spot. */
export function usesSpot(capacity: Capacity): boolean {
  if (capacity === 'spot') return true;
  if (capacity === 'onDemand') return false;
  return capacity.spotWeight > 0 || capacity.spotBase > 0;
}

const availabilityZonesInRegion: Rule = (env) =>
  env.aws.availabilityZones.flatMap((zone, i) => {
    if (!new RegExp(`^${env.aws.region}[a-z]$`).test(zone)) {
      return [
        {
          path: ['aws', 'availabilityZones', i],
          message: `${shown(zone)} is not a zone of ${env.aws.region}; zones look like ${env.aws.region}a`,
        },
      ];
    }
    if (env.aws.availabilityZones.indexOf(zone) !== i) {
      return [{ path: ['aws', 'availabilityZones', i], message: `${shown(zone)} is listed twice` }];
    }
    return [];
  });

const certificateExists: ReferenceRule = (env) => {
  const name = env.loadBalancer.certificate;
  if (name === undefined || Object.hasOwn(env.certificates, name)) return [];
  const known = Object.keys(env.certificates);
  return [
    {
      path: ['loadBalancer', 'certificate'],
      message: `no certificate "${name}" under certificates; ${known.length ? `use one of ${known.join(', ')}` : 'add it under certificates or remove this key for HTTP only'}`,
    },
  ];
};

const routingRules: ReferenceRule = (env) => {
  const issues: RuleIssue[] = [];
  const priorities = new Map<number, string>();
  for (const [name, service] of Object.entries(env.services)) {
    if (service.routing && service.port === undefined) {
      issues.push({ path: ['services', name, 'routing'], message: `routing needs a container port; add services.${name}.port` });
    }
    const priority = service.routing?.priority;
    if (priority !== undefined) {
      const other = priorities.get(priority);
      if (other !== undefined) {
        issues.push({
          path: ['services', name, 'routing', 'priority'],
          message: `priority ${priority} is already used by service ${other}; priorities are unique per environment`,
        });
      } else {
        priorities.set(priority, name);
      }
    }
    if (service.autoscaling?.requestsPerTarget !== undefined && !service.routing) {
      issues.push({
        path: ['services', name, 'autoscaling', 'requestsPerTarget'],
        message: 'requestsPerTarget needs routing through the load balancer; add routing or remove requestsPerTarget',
      });
    }
  }
  return issues;
};

const armNotOnSpot: Rule = (env) =>
  Object.entries(env.services).flatMap(([name, service]) =>
    service.cpuArchitecture === 'ARM64' && usesSpot(service.capacity)
      ? [
          {
            path: ['services', name, 'cpuArchitecture'],
            message: 'Fargate Spot does not run ARM64 tasks; set capacity: onDemand for this service or use X86_64',
          },
        ]
      : [],
  );

const secretReferences: Rule = (env) =>
  Object.entries(env.services).flatMap(([name, service]) =>
    Object.entries(service.secrets).flatMap(([variable, secret]) => {
      if (
        'secretsManager' in secret &&
        secret.secretsManager.startsWith('arn:') &&
        !/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/.test(secret.secretsManager)
      ) {
        return [
          {
            path: ['services', name, 'secrets', variable, 'secretsManager'],
            message: 'not a Secrets Manager ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME)',
          },
        ];
      }
      return [];
    }),
  );

const allowedServicesExist: ReferenceRule = (env) => {
  const known = Object.keys(env.services);
  const check = (names: readonly string[], path: KeyPath): RuleIssue[] =>
    names.flatMap((service, i) =>
      typeof service !== 'string'
        ? []
        : known.includes(service)
          ? []
          : [
              {
                path: [...path, i],
                message: `no service "${service}" in this environment; use one of ${known.join(', ') || '(none defined)'}`,
              },
            ],
    );
  return [
    ...Object.entries(env.databases).flatMap(([name, db]) => check(db.allowedServices, ['databases', name, 'allowedServices'])),
    ...Object.entries(env.dynamodb).flatMap(([name, table]) => [
      ...check(table.allowedServices.read, ['dynamodb', name, 'allowedServices', 'read']),
      ...check(table.allowedServices.write, ['dynamodb', name, 'allowedServices', 'write']),
    ]),
  ];
};

const databaseRules: Rule = (env) =>
  Object.entries(env.databases).flatMap(([name, db]) => {
    const issues: RuleIssue[] = [];
    if (!parameterGroupFamily(db.engine, db.engineVersion)) {
      issues.push({
        path: ['databases', name, 'engineVersion'],
        message: `no known parameter group family for ${db.engine} ${db.engineVersion}; use a version of ${RDS_PARAMETER_FAMILIES[db.engine].join(', ')}`,
      });
    }
    if (db.performanceInsights && !supportsPerformanceInsights(db.instanceClass)) {
      issues.push({
        path: ['databases', name, 'performanceInsights'],
        message: `${db.instanceClass} does not support Performance Insights; use a larger class or set performanceInsights: false`,
      });
    }
    return issues;
  });

const tableRules: Rule = (env) =>
  Object.entries(env.dynamodb).flatMap(([name, table]) => {
    const issues: RuleIssue[] = [];
    const at = (...rest: (string | number)[]): KeyPath => ['dynamodb', name, ...rest];
    const provisioned = table.billingMode === 'PROVISIONED';
    const capacityOf = (unit: { readCapacity?: number; writeCapacity?: number }, path: (string | number)[]) => {
      for (const key of ['readCapacity', 'writeCapacity'] as const) {
        if (provisioned && unit[key] === undefined)
          issues.push({ path: at(...path, key), message: `billingMode PROVISIONED needs ${key}` });
        if (!provisioned && unit[key] !== undefined)
          issues.push({ path: at(...path, key), message: `${key} applies only to billingMode PROVISIONED; remove it` });
      }
    };
    capacityOf(table, []);
    const types = new Map<string, string>();
    const attribute = (attr: { name: string; type: string } | undefined, path: (string | number)[]) => {
      if (!attr) return;
      const known = types.get(attr.name);
      if (known !== undefined && known !== attr.type) {
        issues.push({
          path: at(...path, 'type'),
          message: `attribute ${attr.name} is type ${known} elsewhere in this table; one attribute has one type`,
        });
      }
      types.set(attr.name, attr.type);
    };
    attribute(table.hashKey, ['hashKey']);
    attribute(table.sortKey, ['sortKey']);
    const indexNames = new Set<string>();
    table.globalSecondaryIndexes.forEach((index, i) => {
      attribute(index.hashKey, ['globalSecondaryIndexes', i, 'hashKey']);
      attribute(index.sortKey, ['globalSecondaryIndexes', i, 'sortKey']);
      capacityOf(index, ['globalSecondaryIndexes', i]);
      if (indexNames.has(index.name))
        issues.push({ path: at('globalSecondaryIndexes', i, 'name'), message: `index name ${index.name} is used twice` });
      indexNames.add(index.name);
    });
    return issues;
  });

const injectedVariablesFree: Rule = (env) => {
  const issues: RuleIssue[] = [];
  const injected = new Map<string, Map<string, string>>();
  const add = (service: string, variable: string, source: string) => {
    if (!injected.has(service)) injected.set(service, new Map());
    injected.get(service)!.set(variable, source);
  };
  for (const [name, db] of Object.entries(env.databases)) {
    for (const service of db.allowedServices)
      for (const { variable } of databaseVariables(name)) add(service, variable, `databases.${name}`);
  }
  for (const [name, table] of Object.entries(env.dynamodb)) {
    for (const service of [...table.allowedServices.read, ...table.allowedServices.write])
      add(service, tableVariable(name), `dynamodb.${name}`);
  }
  for (const [name, cache] of Object.entries(env.caches)) {
    for (const service of cache.allowedServices)
      for (const variable of Object.values(cacheVariables(name))) add(service, variable, `caches.${name}`);
  }
  for (const [name, bucket] of Object.entries(env.buckets)) {
    for (const service of [...bucket.allowedServices.read, ...bucket.allowedServices.write])
      add(service, bucketVariable(name), `buckets.${name}`);
  }
  for (const [service, variables] of injected) {
    if (!Object.hasOwn(env.services, service)) continue;
    const config = env.services[service]!;
    for (const [variable, source] of variables) {
      for (const section of ['environment', 'secrets'] as const) {
        if (Object.hasOwn(config[section], variable)) {
          issues.push({
            path: ['services', service, section, variable],
            message: `${variable} is set by the project from ${source}; rename this variable`,
          });
        }
      }
    }
  }
  return issues;
};

const waiversNameRules: Rule = (env, ruleIds) =>
  Object.keys(env.guardrails.waivers)
    .filter((id) => !ruleIds.includes(id))
    .map((id) => ({ path: ['guardrails', 'waivers', id], message: `no guardrail "${id}"; ${didYouMean(id, ruleIds, 'rules:')}` }));

const internalLoadBalancerCidrs: Rule = (env) =>
  env.loadBalancer.allowedCidrs.length === 0 && Object.values(env.services).some((s) => s.routing)
    ? [
        {
          path: ['loadBalancer', 'allowedCidrs'],
          message:
            'an internal load balancer in an existing VPC needs allowedCidrs: the networks that may reach it (for example the VPC CIDR)',
        },
      ]
    : [];

/** Production applies always wait for an approval of the very plan; a setting that says otherwise would mislead. */
const productionNeedsApproval: Rule = (env) => {
  if (!env.production) return [];
  if (env.gitops.autoApply)
    return [
      {
        path: ['gitops', 'autoApply'],
        message: 'production applies always need an approval of the plan; remove autoApply (or set it to false) and list gitops.approvers',
      },
    ];
  if (env.gitops.approvers.length === 0)
    return [
      {
        path: ['gitops', 'approvers'],
        message: 'nobody could approve a production run; add gitops.approvers (the GitHub logins who may approve)',
      },
    ];
  return [];
};

/** Alias records are addressed by host name with every other character as -: two names must not meet there. */
const hostRecordAddresses: Rule = (env) => {
  if (!env.dns) return [];
  const issues: RuleIssue[] = [];
  const byAddress = new Map<string, string>();
  for (const [name, service] of Object.entries(env.services)) {
    (service.routing?.hosts ?? []).forEach((host, i) => {
      const lower = host.toLowerCase();
      const address = lower.replace(/^\*/, 'wildcard').replace(/[^a-z0-9-]/g, '-');
      const other = byAddress.get(address);
      if (other !== undefined && other !== lower) {
        issues.push({
          path: ['services', name, 'routing', 'hosts', i],
          message: `${shown(host)} and ${shown(other)} would get one DNS record address in Terraform; route one of them only`,
        });
      }
      if (other === undefined) byAddress.set(address, lower);
    });
  }
  return issues;
};

const REFERENCE_RULES: readonly ReferenceRule[] = [certificateExists, routingRules, allowedServicesExist];

const RULES: readonly Rule[] = [
  hostRecordAddresses,
  internalLoadBalancerCidrs,
  waiversNameRules,
  productionNeedsApproval,
  injectedVariablesFree,
  availabilityZonesInRegion,
  armNotOnSpot,
  secretReferences,
  databaseRules,
  tableRules,
  checkTeleport,
  checkJobsAndQueues,
  checkWorkloads,
];

/** Every cross-key issue of one valid environment; `ruleIds` are the guardrail rules waivers may name. */
export function checkEnvironment(env: EnvironmentConfig, ruleIds: readonly string[]): RuleIssue[] {
  return [...REFERENCE_RULES.flatMap((rule) => rule(env)), ...RULES.flatMap((rule) => rule(env, ruleIds)), ...checkServices(env)];
}

/** The cross-key issues that are not cross-references (those come from `checkReferences` when the schema fails). */
export function checkRules(env: EnvironmentConfig, ruleIds: readonly string[]): RuleIssue[] {
  return [...RULES.flatMap((rule) => rule(env, ruleIds)), ...checkServices(env)];
}

/** The cross-reference issues of an environment that failed the schema, from what can be read of it. */
export function checkReferences(refs: References): RuleIssue[] {
  return REFERENCE_RULES.flatMap((rule) => rule(refs));
}

/** The references of raw (unvalidated) environment data: whatever has the expected shape. */
export function referencesOf(raw: unknown): References {
  const map = (value: unknown): Record<string, any> => (isMap(value) ? value : {});
  const names = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  const number = (value: unknown) => (typeof value === 'number' ? value : undefined);
  const data = map(raw);
  const certificate = map(data.loadBalancer).certificate;
  return {
    loadBalancer: { certificate: typeof certificate === 'string' ? certificate : undefined },
    certificates: map(data.certificates),
    services: Object.fromEntries(
      Object.entries(map(data.services)).map(([name, service]) => {
        const routing = map(map(service).routing);
        const priority = number(routing.priority);
        return [
          name,
          {
            port: number(map(service).port),
            routing: map(service).routing !== undefined ? { priority } : undefined,
            autoscaling: { requestsPerTarget: number(map(map(service).autoscaling).requestsPerTarget) },
          },
        ];
      }),
    ),
    databases: Object.fromEntries(
      Object.entries(map(data.databases)).map(([name, db]) => [name, { allowedServices: names(map(db).allowedServices) }]),
    ),
    dynamodb: Object.fromEntries(
      Object.entries(map(data.dynamodb)).map(([name, table]) => {
        const allowed = map(map(table).allowedServices);
        return [name, { allowedServices: { read: names(allowed.read), write: names(allowed.write) } }];
      }),
    ),
  };
}
