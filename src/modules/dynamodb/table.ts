import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct, type IConstruct } from 'constructs';
import { fitName, NAME_LIMITS } from '../../naming';
import { policyDocument } from '../iam/policy-document';
import { ValidationError } from '../../validation-error';

export interface KeyAttribute {
  readonly name: string;
  /** S (string), N (number) or B (binary). */
  readonly type: 'S' | 'N' | 'B';
}

export interface GlobalSecondaryIndex {
  readonly name: string;
  readonly hashKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** ALL, KEYS_ONLY, or the attributes to include. */
  readonly projection: 'ALL' | 'KEYS_ONLY' | { readonly include: readonly string[] };
  /** With PROVISIONED billing. */
  readonly readCapacity?: number;
  readonly writeCapacity?: number;
}

export interface TableProps {
  /** The table name. */
  readonly tableName: string;
  readonly billingMode: 'PAY_PER_REQUEST' | 'PROVISIONED';
  /** With PROVISIONED billing. */
  readonly readCapacity?: number;
  readonly writeCapacity?: number;
  readonly hashKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** The attribute holding each item's expiry time. @default no TTL */
  readonly ttlAttribute?: string;
  readonly globalSecondaryIndexes: readonly GlobalSecondaryIndex[];
  readonly pointInTimeRecovery: boolean;
  readonly deletionProtection: boolean;
}

/** The actions a reader and a writer get; nothing else is ever granted. */
export const READ_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
];
export const WRITE_ACTIONS = ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

/** Every attribute a key of the table or an index uses, once, in name order; `scope` is the table that refuses one attribute of two types. */
export function keyAttributes(
  scope: IConstruct,
  props: Pick<TableProps, 'hashKey' | 'sortKey' | 'globalSecondaryIndexes'>,
): KeyAttribute[] {
  const all = [props.hashKey, props.sortKey, ...props.globalSecondaryIndexes.flatMap((i) => [i.hashKey, i.sortKey])];
  const byName = new Map<string, KeyAttribute>();
  for (const attribute of all) {
    if (!attribute) continue;
    const known = byName.get(attribute.name);
    if (known && known.type !== attribute.type)
      throw new ValidationError(`Table: attribute ${attribute.name} is both ${known.type} and ${attribute.type}`, scope);
    byName.set(attribute.name, attribute);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** A DynamoDB table, encrypted, recoverable, with grants of exactly read or write on it and its indexes. */
export class Table extends Construct {
  readonly table: DynamodbTable;
  readonly name: string;

  constructor(scope: Construct, id: string, props: TableProps) {
    super(scope, id);
    const attributes = keyAttributes(this, props);
    const provisioned = props.billingMode === 'PROVISIONED';
    this.name = props.tableName;
    this.table = new DynamodbTable(this, 'table', {
      name: props.tableName,
      billingMode: props.billingMode,
      readCapacity: provisioned ? props.readCapacity : undefined,
      writeCapacity: provisioned ? props.writeCapacity : undefined,
      hashKey: props.hashKey.name,
      rangeKey: props.sortKey?.name,
      attribute: attributes.map((a) => ({ name: a.name, type: a.type })),
      globalSecondaryIndex: props.globalSecondaryIndexes.map((index) => ({
        name: index.name,
        hashKey: index.hashKey.name,
        rangeKey: index.sortKey?.name,
        projectionType: typeof index.projection === 'string' ? index.projection : 'INCLUDE',
        nonKeyAttributes: typeof index.projection === 'string' ? undefined : [...index.projection.include],
        readCapacity: provisioned ? index.readCapacity : undefined,
        writeCapacity: provisioned ? index.writeCapacity : undefined,
      })),
      ttl: props.ttlAttribute ? { attributeName: props.ttlAttribute, enabled: true } : undefined,
      pointInTimeRecovery: { enabled: props.pointInTimeRecovery },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: props.deletionProtection,
    });
  }

  /** Grants a role read or write on this table and its indexes, nothing wider. */
  grant(id: string, roleId: string, access: 'read' | 'write'): void {
    new IamRolePolicy(this, `grant-${id}-${access}`, {
      role: roleId,
      name: fitName(`dynamodb-${this.name}-${access}`, NAME_LIMITS.iamPolicy),
      policy: policyDocument({
        Sid: access === 'read' ? 'ReadTable' : 'WriteTable',
        Effect: 'Allow',
        Action: access === 'read' ? READ_ACTIONS : WRITE_ACTIONS,
        Resource: [this.table.arn, `${this.table.arn}/index/*`],
      }),
    });
  }
}
