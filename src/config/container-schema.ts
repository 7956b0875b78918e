/**
 * What every container of a task takes, a service's or a job's main container
 * and sidecars alike: the image, secrets, limits, mounts, start order; and the
 * sidecars themselves.
 */
import { z } from 'zod';
import { computedDefault } from './schema-defaults';
import { envVarName, nonNegativeInt, positiveInt } from './schema-values';
import { strictObject } from './strict-object';
import { refuse, secretNameProblem } from './value-checks';

/** A full image reference: optional registry, path, and a tag or digest. */
const IMAGE_REFERENCE = /^([a-z0-9.-]+(:[0-9]+)?\/)?[a-z0-9._\/-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$/;

/**
 * Why an image reference is refused, or undefined. A reference whose first
 * segment is no registry host (reports:0.1.0, team/app:1) would be pulled
 * from Docker Hub without a word; it must say which registry it means.
 */
export function imageReferenceProblem(reference: string): string | undefined {
  if (!IMAGE_REFERENCE.test(reference)) {
    return 'a full image reference needs a registry and a tag or digest, for example public.ecr.aws/nginx/nginx:1.27 (for an ECR repository of this environment use { repository, tag })';
  }
  const first = reference.split('/')[0]!;
  if (reference.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return undefined;
  const at = reference.search(/[:@][^/]*$/);
  const name = reference.slice(0, at);
  const version = reference.slice(at);
  const tag = version.startsWith(':') ? version.slice(1) : 'TAG';
  const hub = `docker.io/${name.includes('/') ? name : `library/${name}`}${version}`;
  return `"${reference}" names no registry, so it would silently come from Docker Hub; write image: { repository: ${name}, tag: "${tag}" } for this environment's ECR repository, or image: ${hub} for Docker Hub`;
}

/** Tags that name a moving target: with immutable tags they cannot be pushed twice, and deployments would not say which build runs. */
export const MUTABLE_TAGS: readonly string[] = [
  'latest',
  'stable',
  'edge',
  'nightly',
  'main',
  'master',
  'develop',
  'dev',
  'current',
  'snapshot',
  'head',
  'canary',
];

export const imageSchema = z
  .union([
    z.string().superRefine((reference, ctx) => {
      const problem = imageReferenceProblem(reference);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    strictObject({
      repository: z
        .string()
        .regex(
          /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/,
          'ECR repository names are lowercase letters, digits, and . _ - / between them',
        )
        .describe('Repository key; the ECR repository is <project>/<environment>/<repository>'),
      tag: z
        .string({ error: 'quote the tag in YAML, for example "1.4.2"' })
        .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'image tags are 1-128 letters, digits, _ . -, not starting with . or -')
        .describe('Image tag: a version or build ID (moving tags such as latest are refused while registry.immutableTags is true)'),
    }),
  ])
  .describe(
    '{ repository, tag } for an ECR repository of this environment, or a full reference with a registry and a tag or digest (public.ecr.aws/nginx/nginx:1.27, docker.io/library/nginx:1.27, 123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.2)',
  );

export const secretSchema = z.union(
  [
    strictObject({
      /** A Secrets Manager secret name or ARN. */
      secretsManager: z.string().superRefine(refuse(secretNameProblem)).describe('A Secrets Manager secret name or ARN'),
      /** A JSON key inside the secret. */
      key: z.string().min(1).optional().describe('A JSON key inside the secret').meta(computedDefault('the whole secret')),
    }),
    strictObject({
      /** An SSM parameter name (/path/name) or ARN. */
      ssm: z
        .string()
        .regex(/^(\/[A-Za-z0-9_.-]+)+$|^arn:aws[a-z-]*:ssm:/, 'an SSM parameter is a path like /shop/prod/flags or an ARN')
        .describe('An SSM parameter name (/path) or ARN'),
    }),
  ],
  { error: 'a secret is { secretsManager: NAME_OR_ARN, key: JSON_KEY } or { ssm: /parameter/name }' },
);

/** ECS ulimit names. */
const ULIMIT_NAMES = [
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack',
] as const;

const ulimitSchema = strictObject({
  name: z.enum(ULIMIT_NAMES).describe('The limit, for example nofile'),
  soft: nonNegativeInt.describe('Soft limit'),
  hard: nonNegativeInt.describe('Hard limit, at least soft'),
}).superRefine((u, ctx) => {
  if (u.soft > u.hard) ctx.addIssue({ code: 'custom', path: ['soft'], message: `soft ${u.soft} is above hard ${u.hard}` });
});

const mountPointSchema = strictObject({
  volume: z.string().min(1).describe("A key of the service's volumes"),
  path: z
    .string()
    .regex(/^\/[A-Za-z0-9_.\/-]*$/, 'a mount path is absolute, for example /var/lib/app')
    .describe('Where the volume appears in the container'),
  readOnly: z.boolean().default(false).describe('Mount read-only'),
});

/** The name by which dependsOn and routing refer to a service's main container. */
export const MAIN_CONTAINER = 'app';

const dependsOnSchema = strictObject({
  container: z.string().min(1).describe(`A sidecar of the same service, or "${MAIN_CONTAINER}" for the main container`),
  condition: z
    .enum(['START', 'COMPLETE', 'SUCCESS', 'HEALTHY'])
    .default('START')
    .describe('START, COMPLETE (exited), SUCCESS (exited 0) or HEALTHY (its health check passes)'),
});

/** Settings every container takes, the main one and sidecars alike. */
export const containerSettings = {
  user: z
    .string()
    .regex(/^\d{1,10}(:\d{1,10})?$/, 'a user is a numeric UID or UID:GID in quotes, for example "10001:10001"')
    .refine((u) => !/^0(:|$)/.test(u), 'UID 0 is root; run as a non-root UID, for example "10001:10001"')
    .optional()
    .describe('Run as this non-root UID or UID:GID')
    .meta(computedDefault("the image's user")),
  ulimits: z.array(ulimitSchema).default([]).describe("Resource limits, [{ name, soft, hard }], beyond Fargate's own"),
  workingDirectory: z
    .string()
    .regex(/^\/[A-Za-z0-9_.\/-]*$/, 'a working directory is an absolute path')
    .optional()
    .describe('Working directory of the command')
    .meta(computedDefault("the image's")),
  dockerLabels: z
    .record(z.string().regex(/^[A-Za-z0-9_.\/-]{1,255}$/, 'label names are letters, digits, _ . / -'), z.string().max(4096))
    .default({})
    .describe('Docker labels on the container'),
  mountPoints: z
    .array(mountPointSchema)
    .default([])
    .describe('Volumes of the service mounted in this container: [{ volume, path, readOnly }]'),
  dependsOn: z.array(dependsOnSchema).default([]).describe('Containers of the task that must reach a condition before this one starts'),
};

const sidecarHealthCheckSchema = strictObject({
  command: z.string().min(1).describe('Shell command; exit 0 means healthy'),
  intervalSeconds: z.number().int().min(5).max(300).default(30).describe('Seconds between checks, 5-300'),
  timeoutSeconds: z.number().int().min(2).max(60).default(5).describe('Seconds a check may take, 2-60'),
  retries: z.number().int().min(1).max(10).default(3).describe('Failures in a row before unhealthy, 1-10'),
  startPeriodSeconds: z.number().int().min(0).max(300).default(0).describe('Seconds after start before failures count, 0-300'),
});

export const sidecarSchema = strictObject({
  image: imageSchema,
  cpu: nonNegativeInt
    .max(16384)
    .default(0)
    .describe("CPU units reserved for this container, out of the task's cpu; 0: a share of what is left"),
  memory: positiveInt
    .optional()
    .describe("Hard memory limit in MiB, out of the task's memory")
    .meta(computedDefault('no limit of its own')),
  essential: z.boolean().default(true).describe('The task stops when this container stops'),
  port: z
    .number()
    .int()
    .min(1)
    .max(65535)
    .optional()
    .describe('A port the container listens on, reachable within the task')
    .meta(computedDefault('none; load balancer traffic goes to the main container')),
  command: z.array(z.string()).optional().describe('Command').meta(computedDefault("the image's")),
  environment: z
    .record(envVarName, z.union([z.string(), z.number(), z.boolean()]))
    .default({})
    .describe('Plain environment variables'),
  secrets: z
    .record(envVarName, secretSchema)
    .default({})
    .describe('Secrets as environment variables; the execution role may read exactly these'),
  healthCheck: sidecarHealthCheckSchema.optional().describe('Container health check'),
  readonlyRootFilesystem: z.boolean().default(true).describe('Read-only root filesystem with a writable /tmp'),
  stopTimeoutSeconds: z.number().int().min(2).max(120).default(30).describe('Seconds between SIGTERM and SIGKILL, 2-120'),
  ...containerSettings,
}).superRefine((c, ctx) => {
  for (const name of Object.keys(c.secrets)) {
    if (Object.hasOwn(c.environment, name))
      ctx.addIssue({
        code: 'custom',
        path: ['secrets', name],
        message: `${name} is also in environment; a variable comes from one or the other`,
      });
  }
});
