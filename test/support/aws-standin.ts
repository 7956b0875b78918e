/**
 * A stand-in for the ECS and CloudWatch Logs APIs, for the operations
 * commands' tests: a local HTTP server on 127.0.0.1 (a free port) that
 * speaks the AWS JSON 1.1 protocol the SDK v3 clients use (POST /, the
 * action in `X-Amz-Target`, JSON bodies, errors as `__type` and
 * `x-amzn-ErrorType`), keeps clusters, services, task definitions, tasks and
 * log events in memory, and records every request. It answers exactly the
 * calls the commands make:
 *
 *   AmazonEC2ContainerServiceV20141113.DescribeServices, UpdateService,
 *     DescribeTaskDefinition, RegisterTaskDefinition, ListTasks, DescribeTasks
 *   AmazonEC2ContainerServiceV20141113.RunTask (a task PROVISIONING, with the
 *     capacity provider the strategy chose first and the network it was given)
 *   Logs_20140328.FilterLogEvents (pages of `pageSize` events)
 *   EventBridge Scheduler GetSchedule (REST: GET /schedules/NAME?groupName=)
 *
 * A deployment started by UpdateService moves on at each DescribeServices:
 * after `settleAfter` looks it completes (one deployment left, running ==
 * desired), fails (rollout state FAILED) or stays in progress, as
 * `rollout` says.
 *
 * What it cannot prove: that AWS accepts the signature and the credentials
 * (it only checks that a SigV4 Authorization header for the service is
 * there), IAM permissions, real scheduling (tasks placed, health checks,
 * the circuit breaker's own rollback, timing), the full validation of a
 * task definition, ECS Exec sessions themselves (the Session Manager side),
 * CloudWatch's filter pattern syntax (here: a plain substring) and its
 * eventual consistency, throttling, or answer fields the commands do not
 * read. Those need a test against AWS.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const ECS = 'AmazonEC2ContainerServiceV20141113';
const LOGS = 'Logs_20140328';

/** One request as the stand-in received it. */
export interface AwsCall {
  /** ECS, Logs or Scheduler. */
  readonly service: 'ecs' | 'logs' | 'scheduler';
  /** The action, for example DescribeServices. */
  readonly action: string;
  readonly body: any;
  /** The access key ID of the SigV4 signature. */
  readonly accessKeyId?: string;
  /** The status the stand-in answered. */
  readonly status: number;
}

export interface StandInTask {
  readonly taskArn: string;
  lastStatus: string;
  enableExecuteCommand: boolean;
  /** Containers with their exec agent's state. */
  containers: { name: string; execAgent?: string }[];
  startedAt?: number;
}

interface StandInDeployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE';
  taskDefinition: string;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason?: string;
  desiredCount: number;
  runningCount: number;
  createdAt: number;
  updatedAt: number;
}

export interface StandInService {
  serviceName: string;
  status: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  taskDefinition: string;
  deployments: StandInDeployment[];
  tasks: StandInTask[];
  /** DescribeServices calls since the last UpdateService of the task definition. */
  looks: number;
}

/** A task RunTask started (outside any service). */
export interface StandInRunTask {
  readonly taskArn: string;
  readonly cluster: string;
  readonly taskDefinitionArn: string;
  readonly capacityProviderName?: string;
  readonly launchType?: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  readonly assignPublicIp: string;
  readonly startedBy?: string;
  lastStatus: string;
}

export interface StandInLogEvent {
  readonly eventId: string;
  readonly timestamp: number;
  readonly logStreamName: string;
  readonly message: string;
}

/** Read-only fields of a task definition: RegisterTaskDefinition refuses them, as the API does. */
const READ_ONLY = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
];

export class AwsStandIn {
  readonly calls: AwsCall[] = [];
  /** cluster -> service name -> service. */
  readonly clusters = new Map<string, Map<string, StandInService>>();
  /** ARN -> task definition (as DescribeTaskDefinition returns it). */
  readonly taskDefinitions = new Map<string, Record<string, any>>();
  readonly tags = new Map<string, { key: string; value: string }[]>();
  /** log group -> events. */
  readonly logGroups = new Map<string, StandInLogEvent[]>();
  /** EventBridge Scheduler schedules of group default, by name, as GetSchedule returns them. */
  readonly schedules = new Map<string, Record<string, any>>();
  /** Tasks RunTask started. */
  readonly runTasks: StandInRunTask[] = [];
  /** What a deployment does after `settleAfter` looks. */
  rollout: 'complete' | 'fail' | 'stuck' = 'complete';
  settleAfter = 2;
  /** Events per FilterLogEvents page. */
  pageSize = 2;
  private server?: Server;
  private base = '';
  private nextId = 1;

  constructor(
    readonly region = 'eu-west-1',
    readonly accountId = '123456789012',
  ) {}

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => send(res, 500, { __type: 'InternalFailure', message: String(error) }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    return this.base;
  }

  /** The calls of one action, in order. */
  callsOf(action: string): AwsCall[] {
    return this.calls.filter((c) => c.action === action);
  }

  /** A task definition revision, as Terraform would have registered it. */
  addTaskDefinition(
    family: string,
    containers: Record<string, any>[],
    settings: Record<string, any> = {},
    tags: { key: string; value: string }[] = [],
  ): string {
    const revision = [...this.taskDefinitions.values()].filter((d) => d.family === family).length + 1;
    const arn = `arn:aws:ecs:${this.region}:${this.accountId}:task-definition/${family}:${revision}`;
    this.taskDefinitions.set(arn, {
      ...settings,
      family,
      containerDefinitions: containers,
      taskDefinitionArn: arn,
      revision,
      status: 'ACTIVE',
      requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' }],
      compatibilities: ['EC2', 'FARGATE'],
      registeredAt: Date.now() / 1000,
      registeredBy: `arn:aws:iam::${this.accountId}:role/terraform`,
    });
    if (tags.length > 0) this.tags.set(arn, tags);
    return arn;
  }

  /** A stable service: one COMPLETED deployment, `count` tasks running. */
  addService(cluster: string, serviceName: string, taskDefinition: string, count = 1, tasks: StandInTask[] = []): StandInService {
    if (!this.clusters.has(cluster)) this.clusters.set(cluster, new Map());
    const now = Date.now() / 1000;
    const service: StandInService = {
      serviceName,
      status: 'ACTIVE',
      desiredCount: count,
      runningCount: count,
      pendingCount: 0,
      taskDefinition,
      tasks,
      looks: 0,
      deployments: [
        {
          id: `ecs-svc/${this.nextId++}`,
          status: 'PRIMARY',
          taskDefinition,
          rolloutState: 'COMPLETED',
          desiredCount: count,
          runningCount: count,
          createdAt: now,
          updatedAt: now,
        },
      ],
    };
    this.clusters.get(cluster)!.set(serviceName, service);
    return service;
  }

  addLogEvents(group: string, events: StandInLogEvent[]): void {
    this.logGroups.set(group, [...(this.logGroups.get(group) ?? []), ...events]);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const schedule = /^\/schedules\/([^/?]+)(\?.*)?$/.exec(req.url ?? '');
    if (schedule) {
      const accessKey = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
      const name = decodeURIComponent(schedule[1]!);
      const group = new URLSearchParams(schedule[2] ?? '').get('groupName') ?? 'default';
      const found = group === 'default' ? this.schedules.get(name) : undefined;
      const answer =
        req.method !== 'GET'
          ? error(400, 'ValidationException', 'the stand-in answers GET /schedules/NAME only')
          : accessKey === undefined || !String(req.headers.authorization).includes('/scheduler/aws4_request')
            ? error(403, 'UnrecognizedClientException', 'no SigV4 signature for scheduler')
            : found
              ? ok(found)
              : error(404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
      this.calls.push({
        service: 'scheduler',
        action: 'GetSchedule',
        body: { name, group },
        accessKeyId: accessKey,
        status: answer.status,
      });
      send(res, answer.status, answer.body);
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const [prefix, action = ''] = target.split('.');
    const service = prefix === ECS ? 'ecs' : prefix === LOGS ? 'logs' : undefined;
    const accessKeyId = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    let body: any;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      body = undefined;
    }
    let answer: Answer;
    if (req.method !== 'POST' || service === undefined) answer = error(400, 'UnknownOperationException', `unknown target ${target}`);
    else if (body === undefined) answer = error(400, 'SerializationException', 'the body is not JSON');
    else if (accessKeyId === undefined || !String(req.headers.authorization).includes(`/${service}/aws4_request`))
      answer = error(403, 'UnrecognizedClientException', 'no SigV4 signature for this service');
    else answer = service === 'ecs' ? this.ecs(action, body) : this.logs(action, body);
    this.calls.push({ service: service ?? 'ecs', action, body, accessKeyId, status: answer.status });
    send(res, answer.status, answer.body);
  }

  private ecs(action: string, body: any): Answer {
    switch (action) {
      case 'DescribeServices': {
        const cluster = this.clusters.get(body.cluster);
        if (!cluster) return error(400, 'ClusterNotFoundException', 'Cluster not found.');
        if (!Array.isArray(body.services) || body.services.length > 10)
          return error(400, 'InvalidParameterException', 'services: 1 to 10 names');
        const services = [];
        const failures = [];
        for (const name of body.services as string[]) {
          const service = cluster.get(name);
          if (!service) {
            failures.push({ arn: this.serviceArn(body.cluster, name), reason: 'MISSING' });
            continue;
          }
          this.progress(service);
          services.push(this.serviceView(body.cluster, service));
        }
        return ok({ services, failures });
      }
      case 'UpdateService': {
        const service = this.clusters.get(body.cluster)?.get(body.service);
        if (!service)
          return error(
            400,
            this.clusters.has(body.cluster) ? 'ServiceNotFoundException' : 'ClusterNotFoundException',
            'Service not found.',
          );
        if (body.desiredCount !== undefined) {
          service.desiredCount = body.desiredCount;
          for (const d of service.deployments) if (d.status === 'PRIMARY') d.desiredCount = body.desiredCount;
        }
        if (body.taskDefinition !== undefined) {
          if (!this.taskDefinitions.has(body.taskDefinition)) return error(400, 'ClientException', 'TaskDefinition not found.');
          const now = Date.now() / 1000;
          for (const d of service.deployments) d.status = 'ACTIVE';
          service.deployments.unshift({
            id: `ecs-svc/${this.nextId++}`,
            status: 'PRIMARY',
            taskDefinition: body.taskDefinition,
            rolloutState: 'IN_PROGRESS',
            desiredCount: service.desiredCount,
            runningCount: 0,
            createdAt: now,
            updatedAt: now,
          });
          service.taskDefinition = body.taskDefinition;
          service.looks = 0;
        }
        return ok({ service: this.serviceView(body.cluster, service) });
      }
      case 'DescribeTaskDefinition': {
        const definition = this.taskDefinitions.get(body.taskDefinition);
        if (!definition) return error(400, 'ClientException', 'Unable to describe task definition.');
        return ok({
          taskDefinition: definition,
          ...(body.include?.includes('TAGS') && { tags: this.tags.get(body.taskDefinition) ?? [] }),
        });
      }
      case 'RegisterTaskDefinition': {
        const readOnly = READ_ONLY.filter((field) => field in body);
        if (readOnly.length > 0) return error(400, 'ClientException', `read-only fields: ${readOnly.join(', ')}`);
        if (typeof body.family !== 'string' || !Array.isArray(body.containerDefinitions))
          return error(400, 'ClientException', 'family and containerDefinitions are required');
        const { family, containerDefinitions, tags, ...settings } = body;
        const arn = this.addTaskDefinition(family, containerDefinitions, settings, tags ?? []);
        return ok({ taskDefinition: this.taskDefinitions.get(arn), tags: tags ?? [] });
      }
      case 'ListTasks': {
        const service = this.clusters.get(body.cluster)?.get(body.serviceName);
        if (!this.clusters.has(body.cluster)) return error(400, 'ClusterNotFoundException', 'Cluster not found.');
        if (!service) return error(400, 'ServiceNotFoundException', 'Service not found.');
        const wanted = body.desiredStatus ?? 'RUNNING';
        return ok({ taskArns: service.tasks.filter((t) => wanted !== 'RUNNING' || t.lastStatus !== 'STOPPED').map((t) => t.taskArn) });
      }
      case 'DescribeTasks': {
        const all = [...(this.clusters.get(body.cluster)?.values() ?? [])].flatMap((s) => s.tasks);
        const tasks = (body.tasks as string[]).flatMap((arn) => all.filter((t) => t.taskArn === arn));
        return ok({
          tasks: tasks.map((t) => ({
            taskArn: t.taskArn,
            lastStatus: t.lastStatus,
            enableExecuteCommand: t.enableExecuteCommand,
            ...(t.startedAt !== undefined && { startedAt: t.startedAt / 1000 }),
            containers: t.containers.map((c) => ({
              name: c.name,
              managedAgents: c.execAgent ? [{ name: 'ExecuteCommandAgent', lastStatus: c.execAgent }] : [],
            })),
          })),
          failures: [],
        });
      }
      case 'RunTask': {
        const definition = this.taskDefinitions.get(body.taskDefinition);
        if (!definition) return error(400, 'ClientException', 'TaskDefinition not found.');
        if (body.launchType !== undefined && body.capacityProviderStrategy !== undefined)
          return error(400, 'InvalidParameterException', 'Specifying both a launch type and capacity provider strategy is not supported.');
        const vpc = body.networkConfiguration?.awsvpcConfiguration;
        if (!vpc?.subnets?.length)
          return error(400, 'InvalidParameterException', "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
        const task: StandInRunTask = {
          taskArn: `arn:aws:ecs:${this.region}:${this.accountId}:task/${body.cluster}/${(this.nextId++).toString(16).padStart(32, '0')}`,
          cluster: body.cluster,
          taskDefinitionArn: body.taskDefinition,
          capacityProviderName: body.capacityProviderStrategy?.[0]?.capacityProvider,
          launchType: body.launchType,
          subnets: vpc.subnets,
          securityGroups: vpc.securityGroups ?? [],
          assignPublicIp: vpc.assignPublicIp ?? 'DISABLED',
          startedBy: body.startedBy,
          lastStatus: 'PROVISIONING',
        };
        this.runTasks.push(task);
        return ok({
          tasks: [
            {
              taskArn: task.taskArn,
              taskDefinitionArn: task.taskDefinitionArn,
              lastStatus: task.lastStatus,
              capacityProviderName: task.capacityProviderName,
              startedBy: task.startedBy,
            },
          ],
          failures: [],
        });
      }
      default:
        return error(400, 'UnknownOperationException', `the stand-in does not answer ${action}`);
    }
  }

  private logs(action: string, body: any): Answer {
    if (action !== 'FilterLogEvents') return error(400, 'UnknownOperationException', `the stand-in does not answer ${action}`);
    const events = this.logGroups.get(body.logGroupName);
    if (!events) return error(400, 'ResourceNotFoundException', 'The specified log group does not exist.');
    const matching = events
      .filter(
        (e) =>
          (body.startTime === undefined || e.timestamp >= body.startTime) &&
          (body.filterPattern === undefined || e.message.includes(body.filterPattern)),
      )
      .sort((a, b) => a.timestamp - b.timestamp);
    const offset = body.nextToken ? Number(body.nextToken) : 0;
    const page = matching.slice(offset, offset + this.pageSize);
    const more = offset + this.pageSize < matching.length;
    return ok({
      events: page.map((e) => ({ ...e, ingestionTime: e.timestamp })),
      searchedLogStreams: [],
      ...(more && { nextToken: String(offset + this.pageSize) }),
    });
  }

  /** A deployment in progress moves on, as `rollout` says. */
  private progress(service: StandInService): void {
    const primary = service.deployments.find((d) => d.status === 'PRIMARY');
    if (!primary || primary.rolloutState !== 'IN_PROGRESS') return;
    service.looks += 1;
    if (service.looks < this.settleAfter || this.rollout === 'stuck') {
      primary.runningCount = Math.min(primary.desiredCount, service.looks);
      return;
    }
    primary.updatedAt = Date.now() / 1000;
    if (this.rollout === 'fail') {
      primary.rolloutState = 'FAILED';
      primary.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
      return;
    }
    primary.rolloutState = 'COMPLETED';
    primary.runningCount = primary.desiredCount;
    service.deployments = [primary];
    service.runningCount = service.desiredCount;
  }

  private serviceArn(cluster: string, name: string): string {
    return `arn:aws:ecs:${this.region}:${this.accountId}:service/${cluster}/${name}`;
  }

  private serviceView(cluster: string, service: StandInService) {
    return {
      serviceArn: this.serviceArn(cluster, service.serviceName),
      serviceName: service.serviceName,
      clusterArn: `arn:aws:ecs:${this.region}:${this.accountId}:cluster/${cluster}`,
      status: service.status,
      desiredCount: service.desiredCount,
      runningCount: service.runningCount,
      pendingCount: service.pendingCount,
      taskDefinition: service.taskDefinition,
      deployments: service.deployments.map((d) => ({ ...d })),
    };
  }
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

function ok(body: unknown): Answer {
  return { status: 200, body };
}

function error(status: number, type: string, message: string): Answer {
  return { status, body: { __type: type, message } };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const type = (body as { __type?: string }).__type;
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...(status >= 400 && type && { 'x-amzn-errortype': type }) });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
