/** `exec`: a running task of a service and the `aws ecs execute-command` line that opens a shell in it. */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Task } from '@aws-sdk/client-ecs';
import { ecsSdk } from './sdk';
import { MAIN_CONTAINER } from '../../config/schema';
import { AWS_ENDPOINT_VARIABLE, call, OperationError, type AwsClients } from './aws-clients';
import { containerOf, refusal, type EnvironmentTarget, type ServiceTarget } from './targets';

export interface ExecRequest {
  /** `app` (the main container) or a sidecar's name. @default app */
  readonly container?: string;
  /** @default /bin/sh */
  readonly command?: string;
  /** Read for the endpoint override, which the line passes on as --endpoint-url. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

export interface ExecTarget {
  readonly taskArn: string;
  /** The ECS container name. */
  readonly container: string;
  /** The arguments of `aws`. */
  readonly args: string[];
  /** The same, as one shell line to copy. */
  readonly line: string;
}

/**
 * A running task of the service with exec on, and the command that opens a
 * session in it. Refused, pointing at the key, when the service has exec
 * off; an error when no task runs or none has its exec agent running.
 */
export async function execTarget(
  target: EnvironmentTarget,
  service: ServiceTarget,
  clients: AwsClients,
  request: ExecRequest = {},
): Promise<ExecTarget> {
  if (!service.exec) {
    throw refusal(
      target,
      ['services', service.name, 'exec'],
      `ECS Exec is off for ${service.name} in ${target.environment}: set services.${service.name}.exec: true and apply (sessions are logged to an encrypted log group), then retry`,
    );
  }
  const container = containerOf(target, service, request.container ?? MAIN_CONTAINER).name;
  const listed = await call(clients, `ListTasks of ${service.serviceName} in cluster ${target.cluster}`, () =>
    clients.ecs.send(
      new (ecsSdk().ListTasksCommand)({
        cluster: target.cluster,
        serviceName: service.serviceName,
        desiredStatus: 'RUNNING',
      }),
    ),
  );
  const arns = (listed.taskArns ?? []).slice(0, 100);
  if (arns.length === 0)
    throw new OperationError(
      `no running task of ${service.serviceName} in cluster ${target.cluster} (${target.region}): see \`platform status --env ${target.environment}\``,
    );
  const described = await call(clients, `DescribeTasks in cluster ${target.cluster}`, () =>
    clients.ecs.send(new (ecsSdk().DescribeTasksCommand)({ cluster: target.cluster, tasks: arns })),
  );
  const running = (described.tasks ?? []).filter((t) => t.lastStatus === 'RUNNING');
  const ready = running.filter((t) => t.enableExecuteCommand && execAgentRunning(t, container));
  const task = ready.sort((a, b) => (b.startedAt?.getTime() ?? 0) - (a.startedAt?.getTime() ?? 0))[0];
  if (!task?.taskArn) {
    throw new OperationError(
      running.length === 0
        ? `no task of ${service.serviceName} is RUNNING yet (${arns.length} starting); retry in a minute`
        : `none of the ${running.length} running task(s) of ${service.serviceName} has the exec agent running in container ${container}: tasks started before exec was turned on need a new deployment (\`aws ecs update-service --force-new-deployment\`)`,
    );
  }
  const endpoint = (request.env ?? process.env)[AWS_ENDPOINT_VARIABLE];
  const args = [
    'ecs',
    'execute-command',
    '--region',
    target.region,
    ...(endpoint ? ['--endpoint-url', endpoint] : []),
    '--cluster',
    target.cluster,
    '--task',
    task.taskArn,
    '--container',
    container,
    '--interactive',
    '--command',
    request.command ?? '/bin/sh',
  ];
  return { taskArn: task.taskArn, container, args, line: ['aws', ...args].map(shellQuote).join(' ') };
}

function execAgentRunning(task: Task, container: string): boolean {
  const found = task.containers?.find((c) => c.name === container);
  return found?.managedAgents?.some((a) => a.name === 'ExecuteCommandAgent' && a.lastStatus === 'RUNNING') ?? false;
}

/** A word as a POSIX shell reads it back: plain words as they are, anything else in single quotes. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Where `command` is on the PATH, or undefined. */
export function onPath(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const file = join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * Runs the session: `aws` with the line's arguments, on this terminal. Both
 * the AWS CLI and the Session Manager plugin are the user's; a missing one
 * is an OperationError saying how to install it. Resolves to aws's exit code.
 */
export async function runExecSession(exec: ExecTarget, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (!onPath('aws', env))
    throw new OperationError(
      'the AWS CLI (aws) is not on the PATH: install AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html), or run the printed line elsewhere',
    );
  if (!onPath('session-manager-plugin', env)) {
    throw new OperationError(
      'the Session Manager plugin (session-manager-plugin) is not on the PATH: aws ecs execute-command needs it (https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html)',
    );
  }
  // Ctrl-C belongs to the session (the plugin passes it on to the container), not to this process.
  const ignore = () => undefined;
  process.on('SIGINT', ignore);
  try {
    return await new Promise<number>((resolve, reject) => {
      const child = spawn('aws', exec.args, { stdio: 'inherit', env });
      child.once('error', (error) => reject(new OperationError(`could not start aws: ${error.message}`)));
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
  } finally {
    process.off('SIGINT', ignore);
  }
}
