/**
 * The claim protocol of the DynamoDB store (store.ts, `Lease`): one lease
 * item per environment (pk `LEASE`, sk the environment), each change a
 * conditional UpdateItem, and the fencing token copied onto the run item
 * (`fence`) that fenced writes of the run are conditioned on. No
 * transactions (dynalite has none): a claim is two conditional writes, the
 * lease then the run's token, and the caller releases the lease when the
 * second fails.
 */
import { QueryCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RunStatus } from '../run';
import { isAwsError, leaseKey, objectOf, runKey, type Item } from './dynamodb-records';
import { checkLeaseMs, type Lease } from './store';

/** `leaseUntil`, not `expiresAt`: that is the table's TTL attribute (epoch seconds), and a lease item must never expire (its token counter would restart). */
const NAMES = { '#owner': 'owner', '#runId': 'runId', '#token': 'token', '#expiresAt': 'leaseUntil' };

export class DynamoDbClaims {
  constructor(
    private readonly db: () => DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async acquire(environment: string, runId: string, owner: string, leaseMs: number): Promise<Lease | undefined> {
    checkLeaseMs(leaseMs);
    return this.update(environment, {
      UpdateExpression:
        'SET #owner = :owner, #runId = :runId, #expiresAt = :expiresAt, #environment = :environment, #entity = :lease ADD #token :one',
      ConditionExpression: 'attribute_not_exists(#runId)',
      ExpressionAttributeNames: { ...NAMES, '#environment': 'environment', '#entity': 'entity' },
      ExpressionAttributeValues: {
        ':owner': { S: owner },
        ':runId': { S: runId },
        ':expiresAt': { N: String(Date.now() + leaseMs) },
        ':environment': { S: environment },
        ':lease': { S: 'lease' },
        ':one': { N: '1' },
      },
    });
  }

  async renew(lease: Lease, leaseMs: number): Promise<Lease | undefined> {
    checkLeaseMs(leaseMs);
    return this.update(lease.environment, {
      UpdateExpression: 'SET #expiresAt = :expiresAt',
      ConditionExpression: '#token = :token AND #owner = :owner AND #runId = :runId',
      ExpressionAttributeNames: NAMES,
      ExpressionAttributeValues: {
        ':expiresAt': { N: String(Date.now() + leaseMs) },
        ':token': { N: String(lease.token) },
        ':owner': { S: lease.owner },
        ':runId': { S: lease.runId },
      },
    });
  }

  async release(lease: Lease): Promise<boolean> {
    const released = await this.update(
      lease.environment,
      {
        UpdateExpression: 'SET #expiresAt = :zero REMOVE #owner, #runId',
        ConditionExpression: '#token = :token AND attribute_exists(#runId)',
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: { ':zero': { N: '0' }, ':token': { N: String(lease.token) } },
      },
      false,
    );
    return released !== undefined;
  }

  async takeOver(lease: Lease, owner: string, leaseMs: number): Promise<Lease | undefined> {
    checkLeaseMs(leaseMs);
    const now = Date.now();
    return this.update(lease.environment, {
      UpdateExpression: 'SET #owner = :owner, #expiresAt = :expiresAt ADD #token :one',
      ConditionExpression: '#token = :token AND attribute_exists(#runId) AND (#expiresAt < :now OR #owner = :owner)',
      ExpressionAttributeNames: NAMES,
      ExpressionAttributeValues: {
        ':owner': { S: owner },
        ':expiresAt': { N: String(now + leaseMs) },
        ':one': { N: '1' },
        ':token': { N: String(lease.token) },
        ':now': { N: String(now) },
      },
    });
  }

  async list(): Promise<Lease[]> {
    const leases: Lease[] = [];
    let start: Item | undefined;
    do {
      const page = await this.db().send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': 'pk' },
          ExpressionAttributeValues: { ':pk': { S: 'LEASE' } },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) if (item.runId?.S !== undefined) leases.push(leaseOf(item));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return leases.sort((a, b) => (a.environment < b.environment ? -1 : a.environment > b.environment ? 1 : 0));
  }

  async fenceRun(id: string, token: number, status: readonly RunStatus[]): Promise<boolean> {
    if (status.length === 0) return false;
    const values: Item = { ':token': { N: String(token) } };
    status.forEach((s, i) => {
      values[`:s${i}`] = { S: s };
    });
    try {
      await this.db().send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: runKey(id),
          UpdateExpression: 'SET #fence = :token',
          ConditionExpression: `attribute_exists(#pk) AND #status IN (${status.map((_, i) => `:s${i}`).join(', ')}) AND (attribute_not_exists(#fence) OR #fence < :token)`,
          ExpressionAttributeNames: { '#pk': 'pk', '#status': 'status', '#fence': 'fence' },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isAwsError(error, 'ConditionalCheckFailedException')) return false;
      throw error;
    }
  }

  /** One conditional update of an environment's lease item: the lease after it (when `returning`), or undefined when the condition failed. */
  private async update(
    environment: string,
    input: Pick<
      ConstructorParameters<typeof UpdateItemCommand>[0],
      'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
    returning = true,
  ): Promise<Lease | undefined> {
    try {
      const result = await this.db().send(
        new UpdateItemCommand({ TableName: this.tableName, Key: leaseKey(environment), ...input, ReturnValues: 'ALL_NEW' }),
      );
      return returning ? leaseOf(result.Attributes!) : ({} as Lease);
    } catch (error) {
      if (isAwsError(error, 'ConditionalCheckFailedException')) return undefined;
      throw error;
    }
  }
}

/**
 * The condition that a run item carries fencing token `fence` (0: none), for
 * `updateRun` and `appendLog`: adds its names and values to those given.
 */
export function fenceCondition(fence: number, names: Record<string, string>, values: Item): string {
  names['#fence'] = 'fence';
  if (fence === 0) return 'attribute_not_exists(#fence)';
  values[':fence'] = { N: String(fence) };
  return '#fence = :fence';
}

function leaseOf(item: Item): Lease {
  const { environment, owner, runId, token, leaseUntil } = objectOf(item) as {
    environment: string;
    owner: string;
    runId: string;
    token: number;
    leaseUntil: number;
  };
  return { environment, owner, runId, token, expiresAt: leaseUntil };
}
