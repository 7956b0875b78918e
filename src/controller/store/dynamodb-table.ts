/**
 * Table administration of the DynamoDB store: creating the table with its
 * indexes (PAY_PER_REQUEST), waiting for it, turning on the TTL of log items.
 * The controller stack creates the same table (runs-table.ts).
 */
import { CreateTableCommand, DescribeTableCommand, UpdateTimeToLiveCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { isAwsError } from './dynamodb-records';

/** A valid DynamoDB table name. */
export const TABLE_NAME_PATTERN = /^[A-Za-z0-9_.-]{3,255}$/;

export interface CreateTableOptions {
  /** How long to wait for the table and its indexes to become ACTIVE, in milliseconds. Default: 300000. */
  readonly timeoutMs?: number;
}

/**
 * Creates the table with its indexes and turns on TTL on `expiresAt`, unless
 * the table exists; waits until it is ACTIVE either way. Resolves whether it
 * created the table. An endpoint that does not implement UpdateTimeToLive
 * (dynalite) gets a table whose log items never expire.
 */
export async function createRunsTable(client: DynamoDBClient, tableName: string, options: CreateTableOptions = {}): Promise<boolean> {
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  if (!(await tableExists(client, tableName))) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: ['pk', 'sk', 'entity', 'orderKey', 'environment', 'status'].map((name) => ({
            AttributeName: name,
            AttributeType: 'S',
          })),
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: [
            ['byEntity', 'entity'],
            ['byEnvironment', 'environment'],
            ['byStatus', 'status'],
          ].map(([index, hash]) => ({
            IndexName: index,
            KeySchema: [
              { AttributeName: hash, KeyType: 'HASH' },
              { AttributeName: 'orderKey', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          })),
        }),
      );
      await waitUntilActive(client, tableName, deadline);
      await enableTimeToLive(client, tableName);
      return true;
    } catch (error) {
      // Another process created it at the same moment.
      if (!isAwsError(error, 'ResourceInUseException')) throw error;
    }
  }
  await waitUntilActive(client, tableName, deadline);
  return false;
}

async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return false;
    throw error;
  }
}

async function waitUntilActive(client: DynamoDBClient, tableName: string, deadline: number): Promise<void> {
  for (let delay = 50; ; delay = Math.min(delay * 2, 2000)) {
    const { Table: table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (table?.TableStatus === 'ACTIVE' && (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE')) return;
    if (Date.now() + delay > deadline)
      throw new Error(`DynamoDB table ${tableName} is still ${table?.TableStatus ?? 'missing'}: gave up waiting for it to become ACTIVE`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

async function enableTimeToLive(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } }),
    );
  } catch (error) {
    if (!isAwsError(error, 'UnknownOperationException')) throw error;
  }
}
