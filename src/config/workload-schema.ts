/**
 * `caches.<name>`, `buckets.<name>` and `loadBalancer.waf` (docs/workloads.md). Cross-key rules
 * (services that exist, production's stricter needs) are in
 * `workload-rules.ts`; defaults that depend on other keys (production) in
 * `workload-resolve.ts`.
 */
import { z } from 'zod';
import { ELASTICACHE_ENGINE_VERSIONS, LOG_RETENTION_DAYS, type CacheEngine } from '../aws-facts';
import { strictObject } from './strict-object';
import { uniqueList } from './value-checks';
import { computedDefault, defaultByEnvironment, PRODUCTION_DEFAULTS } from './schema-defaults';

const engines = Object.keys(ELASTICACHE_ENGINE_VERSIONS) as CacheEngine[];

export const cacheSchema = strictObject({
  engine: z
    .enum(engines as [CacheEngine, ...CacheEngine[]], { error: 'engine is valkey or redis (Redis OSS)' })
    .default('valkey')
    .describe('valkey or redis (Redis OSS); Valkey costs about 20% less per node'),
  engineVersion: z
    .string({ error: 'an engine version is text in quotes, for example "7.2"' })
    .optional()
    .describe(
      `Major.minor engine version ElastiCache offers: valkey ${ELASTICACHE_ENGINE_VERSIONS.valkey.join(', ')}; redis ${ELASTICACHE_ENGINE_VERSIONS.redis.join(', ')}`,
    )
    .meta(computedDefault('the newest of the engine')),
  nodeType: z
    .string()
    .regex(/^cache\.[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'a node type looks like cache.t4g.micro or cache.r7g.large')
    .default('cache.t4g.micro')
    .describe('The node type of every node'),
  replicas: z
    .number()
    .int()
    .min(0)
    .max(5)
    .default(0)
    .describe('Read replicas beside the primary, 0-5; 1 or more turns on Multi-AZ and automatic failover, and production needs 1'),
  port: z.number().int().min(1024).max(65535).default(6379).describe('The port the nodes listen on'),
  snapshotRetentionDays: z
    .number()
    .int()
    .min(0)
    .max(35)
    .optional()
    .describe('Days of daily snapshots kept, 0-35; production needs 1 or more')
    .meta(defaultByEnvironment(PRODUCTION_DEFAULTS.cacheSnapshotRetentionDays)),
  snapshotWindow: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'a snapshot window is hh:mm-hh:mm in UTC, for example "02:00-03:00"')
    .default('02:00-03:00')
    .describe('Daily snapshot window, hh:mm-hh:mm UTC, apart from the maintenance window'),
  maintenanceWindow: z
    .string()
    .regex(
      /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/,
      'a maintenance window is ddd:hh:mm-ddd:hh:mm in UTC, for example "sun:05:00-sun:06:00"',
    )
    .default('sun:05:00-sun:06:00')
    .describe('Weekly maintenance window, ddd:hh:mm-ddd:hh:mm UTC'),
  authTokenVersion: z
    .number()
    .int()
    .min(1)
    .default(1)
    .describe(
      'Raise it to rotate the AUTH token: a new token is generated and written to the secret, and ElastiCache keeps the old one valid until the next rotation; restart the services to read the new one',
    ),
  allowedServices: uniqueList(z.string())
    .default([])
    .describe(
      'Services that get network access to the port, CACHE_<NAME>_HOST and CACHE_<NAME>_PORT, and the AUTH token as the secret CACHE_<NAME>_AUTH_TOKEN, each once',
    ),
});

const HTTP_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'] as const;

export const bucketSchema = strictObject({
  versioning: z
    .boolean()
    .optional()
    .describe('Keep every version of every object; production needs it')
    .meta(defaultByEnvironment(PRODUCTION_DEFAULTS.bucketVersioning)),
  encryption: z
    .enum(['kms', 's3'])
    .optional()
    .describe(
      "kms: SSE-KMS with the environment's customer key (rotated yearly; granted services get kms:Decrypt/GenerateDataKey on it); s3: SSE-S3",
    )
    .meta(defaultByEnvironment(PRODUCTION_DEFAULTS.bucketEncryption)),
  cors: strictObject({
    allowedOrigins: uniqueList(
      z
        .string()
        .regex(/^(\*|https?:\/\/[A-Za-z0-9*.-]+(:\d+)?)$/, 'an origin is a scheme and host, for example https://shop.example.com (or *)'),
    )
      .min(1)
      .describe('Origins browsers may send requests from, for example https://shop.example.com (required with cors)'),
    allowedMethods: uniqueList(z.enum(HTTP_METHODS, { error: `a method is one of ${HTTP_METHODS.join(', ')}` }))
      .min(1)
      .default(['GET'])
      .describe(`HTTP methods allowed from those origins: ${HTTP_METHODS.join(', ')}`),
    allowedHeaders: uniqueList(z.string().min(1)).default(['*']).describe('Request headers allowed'),
    exposeHeaders: uniqueList(z.string().min(1))
      .default(['ETag'])
      .describe('Response headers the browser may read; multipart uploads need ETag'),
    maxAgeSeconds: z.number().int().min(0).max(86400).default(3000).describe('Seconds a browser may cache the preflight answer'),
  })
    .optional()
    .describe('Browser access (uploads from a web page): { allowedOrigins, allowedMethods, allowedHeaders, exposeHeaders, maxAgeSeconds }'),
  lifecycle: strictObject({
    expireNoncurrentDays: z
      .number()
      .int()
      .min(1)
      .max(36500)
      .optional()
      .describe('Days before a replaced or deleted version is removed; needs versioning')
      .meta(computedDefault('90 with versioning')),
    expireDays: z.number().int().min(1).max(36500).optional().describe('Days before current objects expire').meta(computedDefault('never')),
    abortIncompleteUploadDays: z.number().int().min(1).max(365).default(7).describe('Days before unfinished multipart uploads are removed'),
  })
    .prefault({})
    .describe('Lifecycle rules: { expireNoncurrentDays, expireDays, abortIncompleteUploadDays }'),
  allowedServices: strictObject({
    read: uniqueList(z.string()).default([]).describe('Services that may list the bucket and get objects, each once'),
    write: uniqueList(z.string())
      .default([])
      .describe('Services that may put and delete objects, each once (writers can read too only when also listed in read)'),
  })
    .prefault({})
    .describe(
      "Grants to the services' task roles: { read: [services], write: [services] }, on this bucket only; BUCKET_<NAME>_NAME is injected into each",
    ),
});

export const WAF_MANAGED_RULES = ['common', 'knownBadInputs', 'ipReputation', 'anonymousIp', 'sqlInjection', 'linux'] as const;
export type WafManagedRule = (typeof WAF_MANAGED_RULES)[number];

export const wafSchema = strictObject({
  enabled: z
    .boolean()
    .optional()
    .describe('A WAFv2 web ACL on the load balancer; production without one needs a waiver of waf-enabled')
    .meta(defaultByEnvironment(PRODUCTION_DEFAULTS.wafEnabled)),
  rateLimitPerFiveMinutes: z
    .number()
    .int()
    .min(10)
    .max(2_000_000_000)
    .default(2000)
    .describe('Requests one client IP may send in any 5 minutes before it is blocked, 10 or more'),
  managedRules: uniqueList(z.enum(WAF_MANAGED_RULES, { error: `a managed rule group is one of ${WAF_MANAGED_RULES.join(', ')}` }))
    .default(['common', 'knownBadInputs', 'ipReputation'])
    .describe(`AWS managed rule groups, in order: ${WAF_MANAGED_RULES.join(', ')}`),
  countOnly: uniqueList(z.enum([...WAF_MANAGED_RULES, 'rateLimit'], { error: `one of ${WAF_MANAGED_RULES.join(', ')} or rateLimit` }))
    .default([])
    .describe('Rules that only count matches instead of blocking (to try a rule group first): managed rule groups or rateLimit'),
  logRetentionDays: z
    .number()
    .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
      message: `CloudWatch Logs accepts only ${LOG_RETENTION_DAYS.join(', ')} days`,
    })
    .optional()
    .describe('Retention of the aws-waf-logs-<prefix> log group')
    .meta(computedDefault('logRetentionDays')),
});

export type ParsedCache = z.output<typeof cacheSchema>;
export type ParsedBucket = z.output<typeof bucketSchema>;
export type ParsedWaf = z.output<typeof wafSchema>;
