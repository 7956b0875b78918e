/**
 * The environment file format (README: Configuration), as one zod
 * schema. The TypeScript types and the editor JSON Schema both come from
 * here; rules that need more than one key are in `rules.ts`.
 *
 * This file assembles the sections, each in a file of its own
 * (network-schema.ts, service-schema.ts, ...; the value types they share are
 * in schema-values.ts).
 *
 * Conventions: every object is strict (an unknown key is an error with a
 * suggestion), every default is written with `.default()` (scalars) or
 * `.prefault({})` (objects, so their own defaults apply), and a default that
 * depends on another key or on production stays optional and is resolved in
 * `resolve.ts`, declared for the reference with schema-defaults.ts. No
 * description states a default: the reference reads them from the JSON Schema.
 */
import { z } from 'zod';
import { awsSchema, backendSchema, tagsSchema } from './account-schema';
import { clusterSchema } from './cluster-schema';
import { ciSchema, controllerSchema } from './controller-schema';
import { costSchema } from './cost-schema';
import { databaseSchema } from './database-schema';
import { tableSchema } from './dynamodb-schema';
import { gitopsSchema } from './gitops-schema';
import { guardrailsSchema } from './guardrails-schema';
import { jobSchema, queueSchema } from './jobs-schema';
import { certificateSchema, dnsSchema, loadBalancerSchema } from './load-balancer-schema';
import { monitoringSchema } from './monitoring-schema';
import { networkSchema } from './network-schema';
import { registrySchema } from './registry-schema';
import { computedDefault } from './schema-defaults';
import { namedMap, nameSchema, retentionDays } from './schema-values';
import { serviceSchema } from './service-schema';
import { strictObject } from './strict-object';
import { teleportSchema } from './teleport-schema';
import { bucketSchema, cacheSchema } from './workload-schema';

// The names other modules import from here, where they now live.
export { NAME_PATTERN } from './schema-values';
export { capacitySchema, type Capacity } from './cluster-schema';
export { imageReferenceProblem, imageSchema, MAIN_CONTAINER, MUTABLE_TAGS } from './container-schema';
export type { ParsedJob } from './jobs-schema';

export const environmentSchema = strictObject({
  $schema: z
    .string()
    .optional()
    .describe('The editor schema this file follows (the yaml-language-server comment does the same); ignored by the CLI'),
  project: nameSchema.describe('Name prefix of every resource: 2-20 lowercase letters, digits, hyphens (required)'),
  environment: nameSchema
    .optional()
    .describe('Environment name, also the stack name; unique across files')
    .meta(computedDefault('the file name')),
  /** Production environments get the strict defaults and must pass every guardrail. */
  production: z
    .boolean()
    .optional()
    .describe('Stricter defaults and every guardrail')
    .meta(computedDefault('true for prod, production, prod-*')),
  aws: awsSchema.describe('Region, account and availability zones'),
  backend: backendSchema.describe('S3 state bucket and DynamoDB lock table'),
  tags: tagsSchema.describe(
    "Tags on every resource, besides Project, Environment and ManagedBy (reserved); AWS's characters and lengths, 45 at most",
  ),
  /** Default retention of the log groups the project creates. */
  logRetentionDays: retentionDays
    .default(30)
    .describe(
      'Retention of every log group without its own: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days',
    ),
  network: networkSchema.describe('A new VPC (cidr) or an existing one (existing)'),
  cluster: clusterSchema.prefault({}).describe('ECS cluster: Container Insights and the default capacity'),
  registry: registrySchema.prefault({}).describe('ECR repositories of images given as { repository, tag }'),
  loadBalancer: loadBalancerSchema.prefault({}).describe('The application load balancer, created when a service has routing'),
  certificates: namedMap(certificateSchema)
    .default({})
    .describe('ACM certificates by name: new ones validated through DNS, or existing ones by ARN'),
  dns: dnsSchema.optional().describe("The Route 53 zone of the environment's host names"),
  services: namedMap(serviceSchema).default({}).describe('Fargate services by name'),
  jobs: namedMap(jobSchema)
    .default({})
    .describe('Scheduled jobs by name: a Fargate task run by EventBridge Scheduler on a cron or rate schedule'),
  queues: namedMap(queueSchema).default({}).describe('SQS queues by name, each with a dead-letter queue <name>-dlq'),
  databases: namedMap(databaseSchema).default({}).describe('RDS databases by name'),
  dynamodb: namedMap(tableSchema).default({}).describe('DynamoDB tables by name'),
  caches: namedMap(cacheSchema)
    .default({})
    .describe('ElastiCache Valkey or Redis OSS replication groups by name: encrypted, AUTH token in Secrets Manager, private'),
  buckets: namedMap(bucketSchema)
    .default({})
    .describe('S3 buckets of the application by name: private, encrypted, TLS only, with grants to services'),
  monitoring: monitoringSchema.prefault({}).describe('Alarm emails, thresholds and the dashboard'),
  guardrails: guardrailsSchema.prefault({}).describe('Waivers of guardrail rules: rule ID -> reason'),
  gitops: gitopsSchema.prefault({}).describe('What the GitOps controller may do with this environment'),
  controller: controllerSchema
    .optional()
    .describe("The GitOps controller's own infrastructure, one per repository: set it in defaults.yaml only"),
  ci: ciSchema.describe('CI access through GitHub Actions OIDC: ci.github'),
  teleport: teleportSchema
    .prefault({})
    .describe('Teleport zero-trust access: the cluster, its storage, GitHub sign-in, roles and databases'),
  cost: costSchema.prefault({}).describe('Usage assumptions of the monthly cost estimate (npx platform cost); every one has a default'),
});

export type ParsedEnvironment = z.output<typeof environmentSchema>;
