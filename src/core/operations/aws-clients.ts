/**
 * The AWS API clients of the operations commands (status, logs, exec, scale,
 * rollout), and what their failures mean in one line. Credentials come from
 * the SDK's default chain (environment, AWS_PROFILE and SSO, web identity,
 * the container or instance role); the region is the environment's own.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import { ecsSdk, logsSdk, schedulerSdk } from './sdk';

import { AWS_ENDPOINT_VARIABLE } from '../names';

export { AWS_ENDPOINT_VARIABLE };

/** How to get credentials, said in every message about missing or refused ones. */
const CREDENTIALS_HELP =
  'set AWS_PROFILE (after `aws sso login --profile NAME` for SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where a role is available';

/** The clients the operations use. */
export interface AwsClients {
  readonly ecs: ECSClient;
  readonly logs: CloudWatchLogsClient;
  /** EventBridge Scheduler: `run` reads a job's schedule. */
  readonly scheduler: SchedulerClient;
  /** Where they send requests, for messages: the endpoint override, or AWS in the region. */
  readonly where: string;
}

export interface AwsClientOptions {
  /** Read for the endpoint override. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Static credentials. @default the SDK's default chain */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** Attempts per call (the SDK retries throttling and network errors). @default the SDK's (3, or AWS_MAX_ATTEMPTS) */
  readonly maxAttempts?: number;
}

/** A failure of an operation that the user can act on: the message says what happened and what to do. */
export class OperationError extends Error {
  override readonly name = 'OperationError';

  /** @param awsName the AWS error of the call, when an API call failed (`ClusterNotFoundException`) */
  constructor(
    message: string,
    readonly awsName?: string,
  ) {
    super(message);
  }
}

/** Clients for `region`, pointed at `PLATFORM_AWS_ENDPOINT` when set (an http(s) URL, else an OperationError). */
export function awsClients(region: string, options: AwsClientOptions = {}): AwsClients {
  const env = options.env ?? process.env;
  const endpoint = env[AWS_ENDPOINT_VARIABLE] || undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    throw new OperationError(
      `${AWS_ENDPOINT_VARIABLE}=${endpoint} is not an http(s) URL: set it to the endpoint, for example http://127.0.0.1:4566, or unset it to use AWS`,
    );
  }
  const settings = {
    region,
    ...(endpoint !== undefined && { endpoint }),
    ...(options.credentials !== undefined && { credentials: options.credentials }),
    ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
  };
  return {
    ecs: new (ecsSdk().ECSClient)(settings),
    logs: new (logsSdk().CloudWatchLogsClient)(settings),
    scheduler: new (schedulerSdk().SchedulerClient)(settings),
    where: endpoint ?? `AWS in ${region}`,
  };
}

/** Closes the clients' connections, so that the process can exit. */
export function closeClients(clients: AwsClients): void {
  clients.ecs.destroy();
  clients.logs.destroy();
  clients.scheduler.destroy();
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/**
 * Runs one API call; a failure anyone could hit (no credentials, expired or
 * refused ones, no network, a missing permission) becomes an OperationError
 * of one line naming the call (`what`), the cause and the fix. Other API
 * errors keep their type and get the call named in the message too.
 */
export async function call<T>(clients: AwsClients, what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw explain(error, what, clients.where);
  }
}

function explain(error: unknown, what: string, where: string): unknown {
  // Errors of Node's own sockets may come from another realm (a test sandbox), so no instanceof.
  if (typeof error !== 'object' || error === null || typeof (error as Error).message !== 'string') return error;
  const { name, message } = error as Error;
  // The SDK may wrap a socket error in one whose message is all that is left of it.
  const code = (error as { code?: string }).code ?? /\b(E[A-Z]{4,})\b/.exec(message)?.[1];
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return new OperationError(`${what}: no AWS credentials found; ${CREDENTIALS_HELP}`);
  }
  if (/ExpiredToken|TokenRefreshRequired/.test(name) || /sso session .*expired|token .*expired/i.test(message)) {
    return new OperationError(`${what}: the AWS credentials have expired; run \`aws sso login\` (or refresh them) and retry`);
  }
  if (['UnrecognizedClientException', 'InvalidSignatureException', 'InvalidClientTokenId', 'SignatureDoesNotMatch'].includes(name)) {
    return new OperationError(`${what}: AWS refused the credentials (${name}); ${CREDENTIALS_HELP}`);
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied') {
    return new OperationError(`${what}: access denied: ${oneLine(message)}; use a role that allows it (AWS_PROFILE)`);
  }
  if ((code !== undefined && NETWORK_CODES.has(code)) || name === 'TimeoutError' || name === 'RequestTimeout') {
    return new OperationError(
      `${what}: cannot reach ${where} (${code ?? name}); check the network, or ${AWS_ENDPOINT_VARIABLE} when it is set`,
    );
  }
  // Any other answer of the API (a missing cluster, a bad parameter) is the user's to act on, with AWS's own words.
  if ((error as { $metadata?: unknown }).$metadata !== undefined) return new OperationError(`${what}: ${name}: ${oneLine(message)}`, name);
  return error;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
