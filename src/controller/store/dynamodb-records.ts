/**
 * Record mapping of the DynamoDB store: the keys of each item kind and a Run
 * to and from a native item (marshall/unmarshall of @aws-sdk/util-dynamodb:
 * maps, lists, numbers and booleans as DynamoDB's own types). The item shapes
 * are listed in dynamodb-store.ts.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { convertToAttr, marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Run } from '../run';
import { RunStoreError } from './store';

export type Item = Record<string, AttributeValue>;

/** Attributes of a run item that are not Run fields. */
const INTERNAL_ATTRIBUTES: ReadonlySet<string> = new Set(['pk', 'sk', 'entity', 'orderKey', 'logSeq', 'batch', 'fence']);

export function runKey(id: string): Item {
  return { pk: { S: `RUN#${id}` }, sk: { S: 'RUN' } };
}

export function lockKey(environment: string, lockId: string): Item {
  return { pk: { S: 'LOCK' }, sk: { S: `${encodeURIComponent(environment)}#${encodeURIComponent(lockId)}` } };
}

export function leaseKey(environment: string): Item {
  return { pk: { S: 'LEASE' }, sk: { S: encodeURIComponent(environment) } };
}

/** A run as the attributes of its item (without keys or internal attributes). */
export function runAttributes(run: Run): Item {
  checkStorable(run);
  return marshall(run, { removeUndefinedValues: true });
}

/** One field's value as an attribute value (a patch of `updateRun`). */
export function attributeOf(value: unknown): AttributeValue {
  checkStorable(value);
  return convertToAttr(value, { removeUndefinedValues: true });
}

/** The run an item holds (internal attributes left out). */
export function runOf(item: Item): Run {
  const fields: Item = {};
  for (const [name, value] of Object.entries(item)) if (!INTERNAL_ATTRIBUTES.has(name)) fields[name] = value;
  return unmarshall(fields) as Run;
}

/** The plain object of any other item. */
export function objectOf(item: Item): Record<string, unknown> {
  return unmarshall(item);
}

export function isAwsError(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

/** Refuses what a run cannot hold: numbers that are not finite (DynamoDB has no NaN or Infinity), functions, symbols. */
function checkStorable(value: unknown): void {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RunStoreError('invalid', `cannot store the number ${value}`);
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint')
    throw new RunStoreError('invalid', `cannot store a ${typeof value}`);
  if (Array.isArray(value)) value.forEach(checkStorable);
  else if (value !== null && typeof value === 'object') Object.values(value).forEach(checkStorable);
}
