/**
 * The local S3 and DynamoDB servers the backend check and the controller
 * store tests share: free ports on 127.0.0.1, the conditional-write front
 * (and s3rver's gap without it), the bucket and table helpers, and a stop
 * that leaves nothing listening and no folder behind.
 */
import { existsSync } from 'node:fs';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  createTable,
  scanTable,
  serverBackendConfig,
  startBackendServers,
  startS3,
  type BackendServers,
} from '../../src/verification/backend-servers';

jest.setTimeout(30_000);

describe('backend servers', () => {
  let servers: BackendServers;

  beforeAll(async () => {
    servers = await startBackendServers();
    await servers.s3.createBucket('state-bucket');
  });
  afterAll(() => servers.stop());

  const put = (key: string, body: string, conditional: boolean, endpoint = servers.s3.endpoint) =>
    fetch(`${endpoint}/state-bucket/${key}`, { method: 'PUT', body, headers: conditional ? { 'if-none-match': '*' } : {} });

  it('listen on free ports of 127.0.0.1, and the backend config points there', () => {
    for (const endpoint of [servers.s3.endpoint, servers.dynamodb.endpoint]) expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(servers.s3.endpoint).not.toBe(servers.dynamodb.endpoint);
    expect(servers.backendConfig).toContain(`endpoints={s3="${servers.s3.endpoint}",dynamodb="${servers.dynamodb.endpoint}"}`);
    expect(servers.backendConfig).toEqual(serverBackendConfig(servers.s3.endpoint, servers.dynamodb.endpoint));
  });

  it('store, list and read objects in a created bucket', async () => {
    expect((await put('platform/dev.tfstate', '{"serial":1}', false)).status).toBe(200);
    expect((await put('platform/prod.tfstate', '{"serial":2}', false)).status).toBe(200);
    expect(await servers.s3.listKeys('state-bucket')).toEqual(expect.arrayContaining(['platform/dev.tfstate', 'platform/prod.tfstate']));
    expect(await servers.s3.getObject('state-bucket', 'platform/prod.tfstate')).toBe('{"serial":2}');
    expect(await servers.s3.getObject('state-bucket', 'platform/none.tfstate')).toBeUndefined();
  });

  it('refuse a conditional PUT of an existing key with 412, as S3 does, and count it', async () => {
    const refusedBefore = servers.s3.refusedConditionalPuts();
    expect((await put('locks/a.tflock', 'first', true)).status).toBe(200);
    const second = await put('locks/a.tflock', 'second', true);
    expect(second.status).toBe(412);
    expect(await second.text()).toContain('<Code>PreconditionFailed</Code>');
    expect(await servers.s3.getObject('state-bucket', 'locks/a.tflock')).toBe('first');
    expect(servers.s3.refusedConditionalPuts()).toBe(refusedBefore + 1);
    // Unconditional writes (the state itself) still replace.
    expect((await put('locks/a.tflock', 'third', false)).status).toBe(200);
    expect(await servers.s3.getObject('state-bucket', 'locks/a.tflock')).toBe('third');
  });

  it('let exactly one of several simultaneous conditional PUTs of a new key through', async () => {
    const statuses = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((body) => put('locks/race.tflock', body, true).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(4);
  });

  it('without the front, s3rver takes a conditional PUT of an existing key (the gap the front closes)', async () => {
    const bare = await startS3({ conditionalWrites: false });
    try {
      await bare.createBucket('state-bucket');
      expect((await put('x.tflock', 'first', true, bare.endpoint)).status).toBe(200);
      expect((await put('x.tflock', 'second', true, bare.endpoint)).status).toBe(200);
      expect(await bare.getObject('state-bucket', 'x.tflock')).toBe('second');
      expect(bare.refusedConditionalPuts()).toBe(0);
    } finally {
      await bare.stop();
    }
  });

  it('create a lock table as the bootstrap stack describes it, and scan its items', async () => {
    await createTable(servers.dynamodb.client, { name: 'locks', hashKey: 'LockID', attributes: [{ name: 'LockID', type: 'S' }] });
    await servers.dynamodb.client.send(
      new PutItemCommand({ TableName: 'locks', Item: { LockID: { S: 'state-bucket/platform/dev.tfstate' }, Info: { S: '{"ID":"x"}' } } }),
    );
    expect(await scanTable(servers.dynamodb.client, 'locks')).toEqual([
      { LockID: 'state-bucket/platform/dev.tfstate', Info: '{"ID":"x"}' },
    ]);
  });

  it('stop: nothing listens on either port and the S3 folder is gone', async () => {
    const other = await startBackendServers();
    expect(existsSync(other.s3.directory)).toBe(true);
    await other.stop();
    await expect(fetch(other.s3.endpoint)).rejects.toThrow();
    await expect(fetch(other.dynamodb.endpoint)).rejects.toThrow();
    expect(existsSync(other.s3.directory)).toBe(false);
  });
});
