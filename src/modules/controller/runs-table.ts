import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Construct } from 'constructs';

/**
 * The shape `src/controller/store/dynamodb-store.ts` reads and writes: keys
 * pk/sk, three sparse indexes ordered by orderKey, the TTL attribute of log
 * items (lease items, which the controllers claim runs with, never carry
 * it). test/unit/controller-infrastructure.test.ts checks both agree.
 */
export const RUNS_TABLE_SHAPE = {
  hashKey: 'pk',
  rangeKey: 'sk',
  indexes: { byEntity: 'entity', byEnvironment: 'environment', byStatus: 'status' },
  indexRangeKey: 'orderKey',
  ttlAttribute: 'expiresAt',
} as const;

export interface RunsTableProps {
  readonly name: string;
  readonly kmsKeyArn: string;
  /** @default true */
  readonly deletionProtection?: boolean;
}

/** The controller's runs table: on demand, point-in-time recovery, the customer key, deletion protection, TTL on old log items. */
export class RunsTable extends Construct {
  readonly table: DynamodbTable;
  readonly name: string;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: RunsTableProps) {
    super(scope, id);
    const s = RUNS_TABLE_SHAPE;
    const names = [s.hashKey, s.rangeKey, s.indexRangeKey, ...Object.values(s.indexes)].sort();
    this.table = new DynamodbTable(this, 'table', {
      name: props.name,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: s.hashKey,
      rangeKey: s.rangeKey,
      attribute: names.map((name) => ({ name, type: 'S' })),
      globalSecondaryIndex: Object.entries(s.indexes).map(([name, hashKey]) => ({
        name,
        hashKey,
        rangeKey: s.indexRangeKey,
        projectionType: 'ALL',
      })),
      ttl: { attributeName: s.ttlAttribute, enabled: true },
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: props.kmsKeyArn },
      deletionProtectionEnabled: props.deletionProtection ?? true,
    });
    this.name = props.name;
    this.arn = this.table.arn;
  }
}
