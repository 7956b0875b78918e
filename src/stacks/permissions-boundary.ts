/**
 * The permissions boundary of an environment's roles: the managed policy
 * `<project>-<environment>-boundary`, created by the bootstrap stack, and the
 * aspect that sets it on every role an environment stack creates.
 *
 * The boundary is a ceiling, not a grant: a role may do only what both its
 * own policies and the boundary allow. It confines every role the
 * environment creates (services, Teleport, flow logs, database monitoring,
 * and any role the apply role creates, which it may only with this boundary)
 * to the environment:
 *
 * - it allows the actions the environment's roles use, on the environment's
 *   own resources only: names and ARN patterns with its `<project>-<env>`
 *   prefix, resources tagged with its Project and Environment (keys, file
 *   systems), the master secrets RDS manages for its instances, and the
 *   resources its configuration names (secrets, parameters, images,
 *   buckets, `taskRole` statements); plus the few calls AWS authorizes only
 *   on `*` (ECR login, the ECS Exec channel, log group look-up);
 * - it denies, whatever a role's own policy says, every other environment's
 *   state objects, secrets, keys, roles, prefixed resources and tagged
 *   resources, and the controller's secrets and roles: environments sharing
 *   an account are fenced in both directions;
 * - it denies IAM writes (no role under it creates or changes a role or a
 *   policy, so none can create a role without the boundary), passing roles
 *   outside the environment, organization and account changes, and changes
 *   to the boundary itself.
 *
 * No statement allows `*` or `<service>:*` actions (the iam-no-wildcards
 * guardrail holds on the bootstrap stack); denies may use patterns.
 */
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import { ACTIONS_WITHOUT_RESOURCES } from '../aws-facts';
import { controllerNames } from '../config/controller-schema';
import type { EnvironmentConfig } from '../config/resolve';
import { READ_ACTIONS, WRITE_ACTIONS } from '../modules/dynamodb/table';
import type { PolicyStatement } from '../modules/iam/policy-document';
import { flowLogGroupName } from '../modules/network/network';
import { serviceNames } from '../modules/service/fargate-service';
import { ECR_PULL_ACTIONS, serviceRoleName } from '../modules/service/service-roles';
import { jobNames } from '../modules/job/scheduled-job';
import { QUEUE_ACTIONS } from '../modules/queue/queue';
import { TELEPORT_AGENT_SERVICE } from '../modules/teleport/teleport-database-agent';
import { Naming } from '../naming';
import { boundaryPolicyArn, databasesOf, IAM_WRITES } from './management-policy';
import { containerSecret, pullRepositoryArn, repositoryName } from './mapping';
import { taskRoleStatements } from './task-role-statements';

/** IAM's limit of a managed policy, which a boundary must be: 6,144 characters without whitespace. */
export const BOUNDARY_POLICY_CHARACTERS = 6144;

/** The environment's own resources, as ARNs and ARN patterns by kind (the names the modules give). */
export function environmentResourcePatterns(
  config: EnvironmentConfig,
): Record<
  'logs' | 'secrets' | 'parameters' | 'tables' | 'buckets' | 'objects' | 'repositories' | 'databases' | 'roles' | 'queues' | 'topics',
  string[]
> {
  const { partition: p, region: r, accountId: a } = config.aws;
  const prefix = new Naming(config.project, config.environment).prefix;
  const arn = (service: string, resource: string) => `arn:${p}:${service}:${r}:${a}:${resource}`;
  // The instance identifiers the Database module gives (not always `<prefix>-<key>`).
  const identifiers = databasesOf(config).map((db) => db.identifier);
  return {
    // Services' and the exec session log groups (/ecs/<prefix>/...), flow logs, the engine logs of databases.
    logs: [
      arn('logs', `log-group:${serviceNames.logGroup(prefix, '*')}`),
      arn('logs', `log-group:${flowLogGroupName(prefix)}*`),
      ...databasesOf(config).map((db) => arn('logs', `log-group:${db.logGroupPrefix}*`)),
    ],
    secrets: [arn('secretsmanager', `secret:${prefix}/*`)],
    parameters: [arn('ssm', `parameter/${prefix}/*`)],
    tables: [arn('dynamodb', `table/${prefix}-*`)],
    buckets: [`arn:${p}:s3:::${prefix}-*`],
    objects: [`arn:${p}:s3:::${prefix}-*/*`],
    repositories: [arn('ecr', `repository/${repositoryName(config, '*')}`)],
    databases: identifiers.map((id) => arn('rds', `db:${id}`)),
    roles: [`arn:${p}:iam::${a}:role/${prefix}-*`],
    queues: [arn('sqs', `${prefix}-*`)],
    topics: [arn('sns', `${prefix}-*`)],
  };
}

const S3_OBJECT_ACTIONS = [
  's3:AbortMultipartUpload',
  's3:DeleteObject',
  's3:GetObject',
  's3:GetObjectVersion',
  's3:ListMultipartUploadParts',
  's3:PutObject',
];
const S3_BUCKET_ACTIONS = [
  's3:GetBucketLocation',
  's3:GetBucketVersioning',
  's3:ListBucket',
  's3:ListBucketMultipartUploads',
  's3:ListBucketVersions',
];
const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:PutLogEvents'];
const KEY_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'];
const SECRET_ACTIONS = ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'];
const PARAMETER_ACTIONS = ['ssm:GetParameter', 'ssm:GetParameters'];
const TABLE_ACTIONS = [
  ...new Set([
    ...READ_ACTIONS,
    ...WRITE_ACTIONS,
    'dynamodb:DescribeStream',
    'dynamodb:DescribeTable',
    'dynamodb:DescribeTimeToLive',
    'dynamodb:GetRecords',
    'dynamodb:GetShardIterator',
  ]),
].sort();

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

/** Resources the environment's configuration names outside its prefix: secrets and parameters, images of other registries, Teleport's storage. */
function configuredResources(config: EnvironmentConfig) {
  const { aws } = config;
  // Jobs carry the container keys of services: their secrets and images count the same.
  const services = [...Object.values(config.services), ...Object.values(config.jobs)];
  const secrets = services
    .flatMap((s) => [...Object.entries(s.secrets), ...Object.values(s.sidecars).flatMap((c) => Object.entries(c.secrets))])
    .map(([name, secret]) => containerSecret(name, secret, aws));
  const t = config.teleport;
  const github =
    t.enabled && t.sso.github.enabled
      ? [t.sso.github.clientIdRef, t.sso.github.clientSecretRef].filter((r): r is string => r !== undefined)
      : [];
  secrets.push(...github.map((ref) => containerSecret('SSO', { secretsManager: ref }, aws)));
  const arn = (service: string, resource: string) => `arn:${aws.partition}:${service}:${aws.region}:${aws.accountId}:${resource}`;
  return {
    secrets: sorted(secrets.filter((s) => s.source === 'secretsManager').flatMap((s) => s.readResources)),
    parameters: sorted(secrets.filter((s) => s.source === 'ssm').flatMap((s) => s.readResources)),
    repositories: sorted(
      services
        .flatMap((s) => [s.image, ...Object.values(s.sidecars).map((c) => c.image)])
        .flatMap((image) => (typeof image === 'string' ? (pullRepositoryArn(image, {}) ?? []) : [])),
    ),
    tables: t.enabled
      ? sorted([t.dynamodbTable, t.eventsTable].map((name) => arn('dynamodb', `table/${name}`))).flatMap((table) => [table, `${table}/*`])
      : [],
    // Teleport's recordings bucket, and the application buckets that grant a service access.
    buckets: sorted([
      ...(t.enabled ? [`arn:${aws.partition}:s3:::${t.auditBucket}`] : []),
      ...Object.values(config.buckets)
        .filter((b) => b.allowedServices.read.length + b.allowedServices.write.length > 0)
        .map((b) => `arn:${aws.partition}:s3:::${b.bucketName}`),
    ]),
  };
}

/**
 * The statements of an environment's boundary policy, in a fixed order.
 * `others`: the other environments of the project (every config the
 * bootstrap sees), whose resources are denied.
 */
export function boundaryStatements(config: EnvironmentConfig, others: readonly EnvironmentConfig[] = []): PolicyStatement[] {
  const { partition: p, region: r, accountId: a } = config.aws;
  const own = environmentResourcePatterns(config);
  const configured = configuredResources(config);
  const tags = { 'aws:ResourceTag/Project': config.project, 'aws:ResourceTag/Environment': config.environment };
  const statements: PolicyStatement[] = [];
  const allow = (
    Sid: string,
    Action: string | readonly string[],
    Resource: string | readonly string[],
    Condition?: PolicyStatement['Condition'],
  ) => {
    if ([Resource].flat().length > 0) statements.push({ Sid, Effect: 'Allow', Action, Resource, ...(Condition ? { Condition } : {}) });
  };
  const teleport = config.teleport.enabled;
  const hasDatabases = Object.keys(config.databases).length > 0;
  allow('OwnLogs', LOG_ACTIONS, own.logs);
  allow('OwnSecrets', SECRET_ACTIONS, sorted([...own.secrets, ...configured.secrets]));
  // The master secrets RDS manages (rds!db-<uuid>) are tagged with their instance's ARN.
  if (hasDatabases)
    allow('OwnDatabaseMasterSecrets', SECRET_ACTIONS, `arn:${p}:secretsmanager:${r}:${a}:secret:rds!db-*`, {
      StringLike: { 'aws:ResourceTag/aws:rds:primaryDBInstanceArn': own.databases },
    });
  allow('OwnParameters', PARAMETER_ACTIONS, sorted([...(teleport ? own.parameters : []), ...configured.parameters]));
  if (Object.keys(config.dynamodb).length > 0 || teleport) allow('OwnTables', TABLE_ACTIONS, sorted([...own.tables, ...configured.tables]));
  allow('OwnBuckets', S3_BUCKET_ACTIONS, configured.buckets);
  allow(
    'OwnObjects',
    S3_OBJECT_ACTIONS,
    configured.buckets.map((b) => `${b}/*`),
  );
  allow('OwnImages', [...ECR_PULL_ACTIONS], sorted([...own.repositories, ...configured.repositories]));
  // Key and file system ARNs carry random IDs: only those tagged as this environment's.
  allow('OwnKeys', KEY_ACTIONS, `arn:${p}:kms:${r}:${a}:key/*`, { StringEquals: tags });
  if (Object.keys(config.fileSystems).length > 0)
    allow(
      'OwnFileSystems',
      ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientRootAccess', 'elasticfilesystem:ClientWrite'],
      `arn:${p}:elasticfilesystem:${r}:${a}:file-system/*`,
      { StringEquals: tags },
    );
  if (Object.values(config.databases).some((d) => d.enhancedMonitoring)) {
    // AmazonRDSEnhancedMonitoringRole writes the account's shared RDSOSMetrics log group.
    allow(
      'DatabaseMonitoring',
      ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', ...LOG_ACTIONS].sort(),
      `arn:${p}:logs:${r}:${a}:log-group:RDS*`,
    );
  }
  if (teleport && hasDatabases) {
    allow('TeleportDatabases', 'rds:DescribeDBInstances', own.databases);
    // rds-db:connect names an instance by its DbiResourceId, which no pattern ties to a name: the Teleport agent's task role only.
    const agent = serviceRoleName(`${new Naming(config.project, config.environment).prefix}-${TELEPORT_AGENT_SERVICE}`, 'task');
    allow('TeleportDatabaseUsers', 'rds-db:connect', `arn:${p}:rds-db:${r}:${a}:dbuser:*/*`, {
      ArnEquals: { 'aws:PrincipalArn': `arn:${p}:iam::${a}:role/${agent}` },
    });
  }
  // What the configuration declares for task roles (taskRole.statements and the S3/SQS/SNS shorthands), on what it names.
  const declared = [...Object.values(config.services), ...Object.values(config.jobs)]
    .flatMap((s) => taskRoleStatements(s, config.aws))
    .filter((s) => s.Effect === 'Allow');
  allow('Declared', sorted(declared.flatMap((s) => [s.Action].flat())), sorted(declared.flatMap((s) => [s.Resource ?? []].flat())));
  // Queues: what the send and receive grants give, on the environment's queues (and the jobs' dead-letter queues).
  if (Object.keys(config.queues).length + Object.keys(config.jobs).length > 0)
    allow('OwnQueues', sorted([...QUEUE_ACTIONS.send, ...QUEUE_ACTIONS.receive]), own.queues);
  const jobs = Object.values(config.jobs);
  if (jobs.length > 0) {
    // The Scheduler's roles only: run the jobs' families in the cluster, tag what they start, and pass the jobs' own two roles.
    const prefix = new Naming(config.project, config.environment).prefix;
    const schedulers = {
      ArnEquals: { 'aws:PrincipalArn': jobs.map((j) => `arn:${p}:iam::${a}:role/${jobNames.schedulerRole(prefix, j.name)}`) },
    };
    allow(
      'JobRuns',
      ['ecs:RunTask', 'ecs:TagResource'],
      [`arn:${p}:ecs:${r}:${a}:task-definition/${prefix}-*:*`, `arn:${p}:ecs:${r}:${a}:task/${prefix}/*`],
      schedulers,
    );
    allow(
      'JobRoles',
      'iam:PassRole',
      jobs.flatMap((j) =>
        (['execution', 'task'] as const).map((kind) => `arn:${p}:iam::${a}:role/${serviceRoleName(`${prefix}-${j.name}`, kind)}`),
      ),
      schedulers,
    );
  }
  allow('Unscoped', [...ACTIONS_WITHOUT_RESOURCES].sort(), '*');

  // Other environments, in both directions. Most of it does not grow with their number, so a boundary fits one
  // managed policy however many environments share the account.
  // State: no role under a boundary reads or writes any state object, its own environment's included.
  const buckets = sorted([config, ...others].map((o) => `arn:${o.aws.partition}:s3:::${o.backend.bucket}`));
  statements.push({ Sid: 'DenyState', Effect: 'Deny', Action: 's3:*', Resource: buckets.flatMap((bucket) => [bucket, `${bucket}/*`]) });
  // Everything the project tagged as another environment's (the provider's default_tags tag every resource).
  statements.push({
    Sid: 'DenyOtherTagged',
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: {
      StringEquals: { 'aws:ResourceTag/Project': config.project },
      StringNotEquals: { 'aws:ResourceTag/Environment': config.environment },
    },
  });
  // The master secrets RDS manages (rds!db-*) of every instance but this environment's own.
  const ownDatabases = own.databases;
  statements.push({
    Sid: 'DenyOtherDatabaseSecrets',
    Effect: 'Deny',
    Action: 'secretsmanager:*',
    Resource: `arn:${p}:secretsmanager:*:*:secret:rds!db-*`,
    ...(ownDatabases.length > 0 ? { Condition: { StringNotLike: { 'aws:ResourceTag/aws:rds:primaryDBInstanceArn': ownDatabases } } } : {}),
  });
  // And by name: the project's roles, secrets and instances (in any region and account) unless tagged as this environment's,
  // so an untagged one is refused too (a negated condition holds when the tag is missing). No environment's policy
  // changes a resource's Project or Environment tag (management-policy: retagged), so another's cannot become this one's.
  statements.push({
    Sid: 'DenyOtherNamed',
    Effect: 'Deny',
    Action: '*',
    Resource: [
      `arn:${p}:iam::*:role/${config.project}-*`,
      `arn:${p}:rds:*:*:db:${config.project}-*`,
      `arn:${p}:secretsmanager:*:*:secret:${config.project}-*`,
    ],
    Condition: { StringNotEquals: { 'aws:ResourceTag/Environment': config.environment } },
  });
  // The controller's secrets (its API and GitHub tokens) and roles, in any account.
  const controller = controllerNames.prefix(config.project);
  statements.push(
    {
      Sid: 'DenyController',
      Effect: 'Deny',
      Action: '*',
      Resource: [`arn:${p}:secretsmanager:*:*:secret:${controller}/*`, `arn:${p}:iam::*:role/${controller}-*`],
    },
    // Every IAM write, so no role under the boundary creates a role (with or without it) or changes one.
    { Sid: 'DenyIamWrites', Effect: 'Deny', Action: IAM_WRITES.filter((action) => action !== 'iam:PassRole'), Resource: '*' },
    { Sid: 'DenyPassingOtherRoles', Effect: 'Deny', Action: 'iam:PassRole', NotResource: own.roles[0]! },
    { Sid: 'DenyOrganizationAndAccount', Effect: 'Deny', Action: ['account:*', 'organizations:*'], Resource: '*' },
    {
      Sid: 'DenyBoundaryChanges',
      Effect: 'Deny',
      Action: [
        'iam:CreatePolicyVersion',
        'iam:DeletePolicy',
        'iam:DeletePolicyVersion',
        'iam:DeleteRolePermissionsBoundary',
        'iam:SetDefaultPolicyVersion',
      ],
      Resource: [boundaryPolicyArn(config), ...own.roles],
    },
  );
  return statements;
}

/** Sets `permissions_boundary` on every `aws_iam_role` of the construct tree it visits (an attribute: addresses stay). */
export class PermissionsBoundaryAspect implements IAspect {
  /** @param boundaryArn the boundary policy's ARN (boundaryPolicyArn) */
  constructor(private readonly boundaryArn: string) {}

  visit(node: IConstruct): void {
    if (node instanceof IamRole) node.permissionsBoundary = this.boundaryArn;
  }
}
