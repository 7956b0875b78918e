/**
 * The GitOps controller's own infrastructure, one stack per repository
 * (`controller-infrastructure`): its image repository, runs table, three
 * empty secrets, key, log group, network (its own or an existing VPC),
 * cluster (its own or an existing one), HTTPS load balancer (its own or a
 * listener of an existing one), the one-task Fargate service, and alarms.
 * Its task role holds the derived management policy of the environments it
 * manages directly, and only sts:AssumeRole on the roles of the others
 * (controller.environmentRoles).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CONTROLLER_DEFAULT_CIDR, CONTROLLER_STACK, controllerNames } from '../config/controller-schema';
import type { ControllerConfig } from '../config/controller';
import { AwsContext } from '../modules/aws-context';
import { EcsCluster } from '../modules/cluster/ecs-cluster';
import { ApplicationLoadBalancer } from '../modules/load-balancer/application-load-balancer';
import { LogGroup } from '../modules/logs/log-group';
import { Alarm } from '../modules/monitoring/alarm';
import { AlertTopic } from '../modules/monitoring/alert-topic';
import { Network } from '../modules/network/network';
import { EcrRepository } from '../modules/registry/ecr-repository';
import { ControllerKey } from '../modules/controller/controller-key';
import { ControllerRouting } from '../modules/controller/controller-routing';
import { CONTROLLER_SECRETS, ControllerSecrets } from '../modules/controller/controller-secrets';
import { CONTROLLER_DATA_DIR, CONTROLLER_PORT, ControllerService } from '../modules/controller/controller-service';
import { RunsTable } from '../modules/controller/runs-table';
import { Naming } from '../naming';
import { GuardrailWaivers } from './guardrail-waivers';
import {
  chunkStatements,
  managementStatements,
  mergeStatements,
  policyStatements,
  wildcardWaiver,
  type ReasonedStatement,
} from './management-policy';
import { addS3Backend } from './s3-backend';

/** Where the controller stack keeps its state: an environment's state is <keyPrefix>/<env>.tfstate with env at most 20 characters, so this key is never one. */
export function controllerStateKey(config: ControllerConfig): string {
  return `${config.backend.keyPrefix}/${CONTROLLER_STACK}.tfstate`;
}

/** The controller image's default tag: the project's package.json version, so a release pins its controller. */
export function defaultControllerImageTag(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** The runs table actions `src/controller/store/dynamodb-store.ts` uses (it finds the table created, so no CreateTable). */
const STORE_ACTIONS = [
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
];

/** Everything the controller's task role may do: its table, the environments it manages itself, the roles of the others. */
export function controllerTaskStatements(config: ControllerConfig, keyArn: string): ReasonedStatement[] {
  const table = `arn:${config.partition}:dynamodb:${config.region}:${config.accountId}:table/${controllerNames.prefix(config.project)}-runs`;
  const statements: ReasonedStatement[] = [
    { Sid: 'RunsTable', Effect: 'Allow', Action: STORE_ACTIONS, Resource: [table, `${table}/index/*`] },
    {
      Sid: 'RunsTableKey',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      Resource: keyArn,
      Condition: { StringEquals: { 'kms:ViaService': `dynamodb.${config.region}.amazonaws.com` } },
    },
  ];
  const roles = Object.values(config.environmentRoles).sort();
  if (roles.length > 0)
    statements.push({ Sid: 'AssumeEnvironmentRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [...new Set(roles)] });
  // The environments it manages through a role are "others": prefix patterns of the direct ones must not reach them.
  const others = config.environments.filter((e) => !config.direct.includes(e)).map((e) => e.environment);
  return [
    ...statements,
    ...mergeStatements(
      config.direct.map((c) => managementStatements(c, others)),
      config.direct.map((c) => c.environment),
    ),
  ];
}

export class ControllerStack extends TerraformStack {
  readonly config: ControllerConfig;
  readonly repository: EcrRepository;
  readonly table: RunsTable;
  readonly secrets: ControllerSecrets;
  readonly service: ControllerService;
  readonly routing: ControllerRouting;
  readonly loadBalancer?: ApplicationLoadBalancer;
  readonly alertTopic?: AlertTopic;

  constructor(scope: Construct, config: ControllerConfig) {
    super(scope, CONTROLLER_STACK);
    this.config = config;
    const prefix = controllerNames.prefix(config.project);
    const aws = AwsContext.set(this, config);
    const { region, accountId } = aws;
    new AwsProvider(this, 'aws', {
      region,
      allowedAccountIds: [accountId],
      // Environment "controller" (no environment may have that name): no environment's management policy matches these resources.
      defaultTags: [{ tags: { ...config.tags, Project: config.project, Environment: 'controller', ManagedBy: 'cdktf' } }],
    });
    addS3Backend(this, {
      bucket: config.backend.bucket,
      key: controllerStateKey(config),
      region: config.backend.region,
      lockTable: config.backend.lockTable,
      useLockfile: config.backend.useLockfile,
    });

    const key = new ControllerKey(this, 'key', { namePrefix: prefix });
    this.repository = new EcrRepository(this, 'repository', {
      name: `${config.project}/controller`,
      scanOnPush: true,
      immutableTags: true,
      lifecycle: { keepTaggedImages: 20, untaggedExpiryDays: 7 },
    });
    this.table = new RunsTable(this, 'runs', { name: `${prefix}-runs`, kmsKeyArn: key.arn });
    this.secrets = new ControllerSecrets(this, 'secrets', { namePrefix: prefix, kmsKeyArn: key.arn });
    const logs = new LogGroup(this, 'logs', { name: `/ecs/${prefix}`, retentionDays: config.logRetentionDays, kmsKeyArn: key.arn });

    const existingNetwork = config.network.existing;
    const network = new Network(this, 'network', {
      namePrefix: prefix,
      availabilityZones: config.availabilityZones,
      vpc: existingNetwork
        ? {
            vpcId: existingNetwork.vpcId,
            publicSubnetIds: existingNetwork.publicSubnetIds ?? existingNetwork.privateSubnetIds,
            privateSubnetIds: existingNetwork.privateSubnetIds,
          }
        : { cidr: config.network.cidr ?? CONTROLLER_DEFAULT_CIDR, natGateways: 'single' },
      flowLogs: existingNetwork ? undefined : { retentionDays: config.logRetentionDays, kmsKeyArn: key.arn },
    });

    const cluster = config.cluster.existing
      ? existingCluster(config.cluster.existing, aws)
      : new EcsCluster(this, 'cluster', { name: prefix, containerInsights: true, defaultCapacity: [{ provider: 'FARGATE', weight: 1 }] });

    let listenerArn: string;
    let loadBalancerSecurityGroupId: string;
    let loadBalancerArnSuffix: string;
    let priority: number;
    const existingListener = config.loadBalancer.existing;
    if (existingListener) {
      listenerArn = existingListener.listenerArn;
      loadBalancerSecurityGroupId = existingListener.securityGroupId;
      // listener/app/NAME/LB-ID/LISTENER-ID -> app/NAME/LB-ID, the LoadBalancer dimension of its metrics.
      loadBalancerArnSuffix = existingListener.listenerArn.split(':listener/')[1]!.split('/').slice(0, 3).join('/');
      priority = existingListener.priority;
    } else {
      const naming = new Naming(config.project, 'controller');
      this.loadBalancer = new ApplicationLoadBalancer(this, 'load-balancer', {
        name: naming.loadBalancer(),
        namePrefix: prefix,
        vpcId: network.vpcId,
        subnetIds: network.publicSubnetIds,
        internal: false,
        // The listener ports admit both; the listener rules then tell the webhook path from the rest.
        allowedCidrs: [...new Set([...config.webhookCidrs, ...config.allowedCidrs])],
        https: { certificateArn: config.loadBalancer.certificateArn!, sslPolicy: config.loadBalancer.sslPolicy },
        deletionProtection: true,
        accessLogs: config.loadBalancer.accessLogs
          ? { bucketName: naming.bucket(accountId, region, 'alb-logs'), expiryDays: 90, forceDestroy: false }
          : undefined,
      });
      listenerArn = this.loadBalancer.listener.arn;
      loadBalancerSecurityGroupId = this.loadBalancer.securityGroup.id;
      loadBalancerArnSuffix = this.loadBalancer.loadBalancer.arnSuffix;
      priority = 1;
    }
    this.routing = new ControllerRouting(this, 'routing', {
      name: prefix,
      vpcId: network.vpcId,
      listenerArn,
      host: config.loadBalancer.host!,
      priority,
      port: CONTROLLER_PORT,
      webhookCidrs: config.webhookCidrs,
      allowedCidrs: config.allowedCidrs,
    });

    const taskStatements = controllerTaskStatements(config, key.arn);
    const reason = wildcardWaiver(taskStatements);
    const waivers = new GuardrailWaivers(this, 'guardrail-waivers');
    if (reason !== undefined) waivers.add('iam-no-wildcards', reason);
    if (this.loadBalancer) {
      waivers.add(
        'waf-enabled',
        "the controller's load balancer admits only the webhook and API CIDRs, and every request is authenticated (webhook signature or API token); the managed common rule set blocks request bodies over 8 KB, which GitHub's push payloads exceed",
      );
    }
    for (const [rule, why] of Object.entries(config.waivers)) waivers.add(rule, `${why} (controller.waivers)`);
    const tag = config.image.tag ?? defaultControllerImageTag();
    // OWNER/NAME, or an https://github.com/OWNER/NAME(.git) URL: the repository the reporter writes statuses to.
    const github = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(config.repository)
      ? config.repository
      : /^https:\/\/github\.com\/([A-Za-z0-9-]+\/[A-Za-z0-9._-]+?)(?:\.git)?\/?$/.exec(config.repository)?.[1];
    const command = [
      'serve',
      '--repo',
      github && !config.repository.startsWith('https://') ? `https://github.com/${github}.git` : config.repository,
      '--branch',
      config.branch,
      '--config-path',
      config.configPath,
      '--host',
      '0.0.0.0',
      '--port',
      String(CONTROLLER_PORT),
      '--data-dir',
      CONTROLLER_DATA_DIR,
      '--store',
      `dynamodb://${this.table.name}`,
      '--drift-minutes',
      String(config.driftMinutes),
      '--controllers',
      String(config.desiredCount),
      ...(github ? ['--github-repository', github] : []),
    ];
    this.service = new ControllerService(this, 'service', {
      namePrefix: prefix,
      cluster,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      loadBalancerSecurityGroupId,
      targetGroupArn: this.routing.targetGroup.arn,
      dependsOn: this.routing.rules,
      image: `${accountId}.dkr.ecr.${region}.${aws.dnsSuffix}/${this.repository.name}:${tag}`,
      repositoryArn: this.repository.arn,
      cpu: config.cpu,
      desiredCount: config.desiredCount,
      memory: config.memory,
      command,
      environment: {
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        CHECKPOINT_DISABLE: '1',
        // The roles the runner assumes per environment (src/controller/environment-role.ts): from this applied stack, not from a commit.
        ...(Object.keys(config.environmentRoles).length > 0
          ? {
              CONTROLLER_ENVIRONMENT_ROLES: JSON.stringify(
                Object.fromEntries(Object.entries(config.environmentRoles).sort(([a], [b]) => a.localeCompare(b))),
              ),
            }
          : {}),
      },
      secretArns: Object.fromEntries(
        Object.keys(CONTROLLER_SECRETS).map((variable) => [
          variable,
          this.secrets.secrets[variable as keyof typeof CONTROLLER_SECRETS].arn,
        ]),
      ),
      kmsKeyArn: key.arn,
      logGroupName: logs.name,
      logGroupArn: logs.arn,
      taskStatementGroups: chunkStatements(policyStatements(taskStatements)),
      // HTTPS only: AWS APIs, the registry, GitHub (the schema refuses ssh repositories).
      egressPorts: [443],
    });
    this.loadBalancer?.allowTo('controller', this.service.securityGroup.id, CONTROLLER_PORT, 'the controller');

    const topicArn =
      config.alarms.topicArn ??
      (this.alertTopic = new AlertTopic(this, 'alerts', { namePrefix: prefix, emails: config.alarms.emails })).arn;
    const dimensions = { ClusterName: cluster.name, ServiceName: prefix };
    new Alarm(this, 'alarm-not-running', {
      name: `${prefix}-not-running`,
      description: 'The GitOps controller has no running task: webhooks and runs are not handled',
      // Container Insights counts running tasks (own cluster); elsewhere, tasks reporting CPU stand in for it.
      metric: config.cluster.existing
        ? { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions, statistic: 'SampleCount', periodSeconds: 60 }
        : { namespace: 'ECS/ContainerInsights', metricName: 'RunningTaskCount', dimensions, statistic: 'Minimum', periodSeconds: 60 },
      comparison: 'LessThanThreshold',
      threshold: 1,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      missingData: 'breaching',
      topicArn,
    });
    new Alarm(this, 'alarm-5xx', {
      name: `${prefix}-target-5xx-high`,
      description: `The GitOps controller answered more than ${config.alarms.http5xxPerMinute} 5XX a minute`,
      metric: {
        namespace: 'AWS/ApplicationELB',
        metricName: 'HTTPCode_Target_5XX_Count',
        dimensions: { LoadBalancer: loadBalancerArnSuffix, TargetGroup: this.routing.targetGroup.arnSuffix },
        statistic: 'Sum',
        periodSeconds: 60,
      },
      comparison: 'GreaterThanThreshold',
      threshold: config.alarms.http5xxPerMinute,
      missingData: 'notBreaching',
      topicArn,
    });

    new TerraformOutput(this, 'repository_url', { value: this.repository.repository.repositoryUrl });
    new TerraformOutput(this, 'task_role_arn', { value: this.service.taskRole.role.arn });
    new TerraformOutput(this, 'runs_table', { value: this.table.name });
    for (const [variable, name] of Object.entries(this.secrets.names))
      new TerraformOutput(this, `secret_${variable.toLowerCase()}`, { value: name });
    if (this.loadBalancer) new TerraformOutput(this, 'load_balancer_dns_name', { value: this.loadBalancer.loadBalancer.dnsName });
  }
}

/** An existing cluster by name or ARN: its name (metrics) and ARN (the service). */
function existingCluster(nameOrArn: string, aws: AwsContext): { name: string; arn: string } {
  if (nameOrArn.startsWith('arn:')) return { name: nameOrArn.split(':cluster/')[1]!, arn: nameOrArn };
  return { name: nameOrArn, arn: aws.arn('ecs', `cluster/${nameOrArn}`) };
}
