/**
 * Local stand-ins for an S3 state backend, for checks and tests: s3rver (S3)
 * and dynalite (DynamoDB), both dev dependencies, on free ports of
 * 127.0.0.1, their data in a temporary folder removed on stop.
 *
 * s3rver ignores `If-None-Match: *` on PUT, the condition Terraform's lock
 * file relies on (a second run would get the lock too). A small front in
 * this file answers 412 to a conditional PUT of a key that exists or is being
 * written, as S3 does. So a check through it proves how Terraform uses the
 * condition, not that S3 honours it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AttributeDefinition, DynamoDBClient, KeySchemaElement } from '@aws-sdk/client-dynamodb';

/** The DynamoDB client, loaded when a check starts the servers: loading the core does not load the SDK. */
const dynamodbSdk = (): typeof import('@aws-sdk/client-dynamodb') => require('@aws-sdk/client-dynamodb');

/** The keys both servers accept (s3rver's own; dynalite checks none). */
export const SERVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

interface Listening {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** dynalite, in memory. */
export interface DynamoDbServer extends Listening {
  /** A client on this server (destroyed on stop). */
  readonly client: DynamoDBClient;
}

/** s3rver behind the conditional-write front. */
export interface S3Server extends Listening {
  /** Where s3rver keeps the objects (removed on stop). */
  readonly directory: string;
  /** Conditional PUTs the front refused with 412 so far. */
  readonly refusedConditionalPuts: () => number;
  createBucket(name: string): Promise<void>;
  /** Every key in the bucket, sorted. */
  listKeys(bucket: string): Promise<string[]>;
  /** The object's text, or undefined when there is none. */
  getObject(bucket: string, key: string): Promise<string | undefined>;
}

export interface BackendServers {
  readonly s3: S3Server;
  readonly dynamodb: DynamoDbServer;
  /** `-backend-config` overrides that point an S3 backend at these servers. */
  readonly backendConfig: readonly string[];
  stop(): Promise<void>;
}

/** Both servers; if the second fails to start, the first is stopped. */
export async function startBackendServers(region = 'us-east-1'): Promise<BackendServers> {
  const dynamodb = await startDynamoDb(region);
  const s3 = await startS3().catch(async (error: unknown) => {
    await dynamodb.stop();
    throw error;
  });
  return {
    s3,
    dynamodb,
    backendConfig: serverBackendConfig(s3.endpoint, dynamodb.endpoint),
    stop: async () => {
      await Promise.all([s3.stop(), dynamodb.stop()]);
    },
  };
}

/**
 * The S3 backend settings for these servers: their endpoints, path-style
 * URLs, their keys, and none of the AWS-only checks (STS, account ID,
 * region list, instance metadata).
 */
export function serverBackendConfig(s3Endpoint: string, dynamodbEndpoint: string): string[] {
  return [
    `endpoints={s3=${JSON.stringify(s3Endpoint)},dynamodb=${JSON.stringify(dynamodbEndpoint)}}`,
    'use_path_style=true',
    'skip_credentials_validation=true',
    'skip_requesting_account_id=true',
    'skip_region_validation=true',
    'skip_metadata_api_check=true',
    `access_key=${SERVER_CREDENTIALS.accessKeyId}`,
    `secret_key=${SERVER_CREDENTIALS.secretAccessKey}`,
  ];
}

interface Dynalite extends Server {
  address(): AddressInfo;
}

/** dynalite on a free port; tables are created and deleted at once. */
export async function startDynamoDb(region = 'us-east-1'): Promise<DynamoDbServer> {
  const dynalite = devDependency<(options: Record<string, number>) => Dynalite>('dynalite');
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await listen(server);
  const endpoint = `http://127.0.0.1:${server.address().port}`;
  const client = new (dynamodbSdk().DynamoDBClient)({ region, endpoint, credentials: SERVER_CREDENTIALS });
  return {
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      await close(server);
    },
  };
}

interface S3rver {
  callback(): (request: IncomingMessage, response: ServerResponse) => void;
  store: { existsObject(bucket: string, key: string): Promise<boolean> };
  logger: { close(): void; exceptions: { unhandle(): void } };
}

export interface S3ServerOptions {
  /**
   * Answer 412 to a conditional PUT of an existing key (`If-None-Match: *`),
   * as S3 does; false shows s3rver as it is. @default true
   */
  readonly conditionalWrites?: boolean;
}

/** s3rver on a free port, its objects in a temporary folder, behind the conditional-write front. */
export async function startS3(options: S3ServerOptions = {}): Promise<S3Server> {
  const S3rverClass = devDependency<new (options: Record<string, unknown>) => S3rver>('s3rver');
  const directory = mkdtempSync(join(tmpdir(), 'platform-s3-'));
  const s3rver = new S3rverClass({ directory, silent: true });
  const handle = s3rver.callback();
  // Keys a conditional PUT is writing now: a second one for the same key must fail too.
  const writing = new Set<string>();
  let refused = 0;
  const server = createServer((request, response) => {
    const target = options.conditionalWrites === false ? undefined : conditionalPutTarget(request);
    if (!target) return handle(request, response);
    const id = `${target.bucket}/${target.key}`;
    const claimed = writing.has(id);
    writing.add(id);
    void (claimed ? Promise.resolve(true) : s3rver.store.existsObject(target.bucket, target.key)).then(
      (exists) => {
        if (exists) {
          if (!claimed) writing.delete(id);
          refused++;
          response.writeHead(412, { 'content-type': 'application/xml' });
          response.end(
            '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition></Error>',
          );
          return;
        }
        response.on('close', () => writing.delete(id));
        handle(request, response);
      },
      (error: unknown) => {
        writing.delete(id);
        response.writeHead(500).end(String(error));
      },
    );
  });
  await listen(server);
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Unsigned requests are anonymous, which s3rver allows: the checks read and list with plain HTTP.
  const url = (bucket: string, key = '') => `${endpoint}/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
  return {
    endpoint,
    directory,
    refusedConditionalPuts: () => refused,
    createBucket: async (name) => {
      const response = await fetch(url(name), { method: 'PUT' });
      if (!response.ok) throw new Error(`creating s3://${name}: HTTP ${response.status} ${await response.text()}`);
    },
    listKeys: async (bucket) => {
      const response = await fetch(`${url(bucket)}?list-type=2&max-keys=1000`);
      if (!response.ok) throw new Error(`listing s3://${bucket}: HTTP ${response.status}`);
      return [...(await response.text()).matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => unescapeXml(m[1]!)).sort();
    },
    getObject: async (bucket, key) => {
      const response = await fetch(url(bucket, key));
      if (response.status === 404) return undefined;
      if (!response.ok) throw new Error(`reading s3://${bucket}/${key}: HTTP ${response.status}`);
      return response.text();
    },
    stop: async () => {
      await close(server);
      s3rver.logger.exceptions.unhandle();
      s3rver.logger.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The bucket and key of a path-style PUT with `If-None-Match: *`, else undefined. */
function conditionalPutTarget(request: IncomingMessage): { bucket: string; key: string } | undefined {
  if (request.method !== 'PUT' || request.headers['if-none-match'] !== '*') return undefined;
  const [, bucket, ...key] = new URL(request.url ?? '/', 'http://localhost').pathname.split('/');
  if (!bucket || key.length === 0) return undefined;
  return { bucket: decodeURIComponent(bucket), key: decodeURIComponent(key.join('/')) };
}

/** A lock table as Terraform's S3 backend needs it (on these servers, no encryption or recovery settings apply). */
export interface LockTableProps {
  readonly name: string;
  readonly hashKey: string;
  readonly attributes: readonly { readonly name: string; readonly type: string }[];
}

export async function createTable(client: DynamoDBClient, table: LockTableProps): Promise<void> {
  await client.send(
    new (dynamodbSdk().CreateTableCommand)({
      TableName: table.name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: table.hashKey, KeyType: 'HASH' } satisfies KeySchemaElement],
      AttributeDefinitions: table.attributes.map(
        (a): AttributeDefinition => ({ AttributeName: a.name, AttributeType: a.type as AttributeDefinition['AttributeType'] }),
      ),
    }),
  );
}

/** Every item of a table, each attribute as its string value (the lock table holds strings only). */
export async function scanTable(client: DynamoDBClient, table: string): Promise<Record<string, string>[]> {
  const result = await client.send(new (dynamodbSdk().ScanCommand)({ TableName: table }));
  return (result.Items ?? []).map((item) =>
    Object.fromEntries(Object.entries(item).map(([name, value]) => [name, value.S ?? value.N ?? JSON.stringify(value)])),
  );
}

function devDependency<T>(name: string): T {
  try {
    return require(name) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      throw new Error(`${name} is not installed: it is a dev dependency of the backend check; run npm ci (dev dependencies included)`);
    }
    throw error;
  }
}

function listen(server: Server): Promise<void> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
}

function close(server: Server): Promise<void> {
  // Keep-alive connections of the SDK and Terraform would hold close() open.
  (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
  return new Promise((resolveClose) => server.close(() => resolveClose()));
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
