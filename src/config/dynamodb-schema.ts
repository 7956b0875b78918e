/** `dynamodb.<name>`: a DynamoDB table, its keys, indexes and grants. */
import { z } from 'zod';
import { defaultByEnvironment, PRODUCTION_DEFAULTS } from './schema-defaults';
import { positiveInt } from './schema-values';
import { strictObject } from './strict-object';
import { uniqueList } from './value-checks';

const attributeSchema = strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,255}$/, 'attribute names are 1-255 letters, digits, _ . -')
    .describe('Attribute name'),
  type: z.enum(['S', 'N', 'B']).describe('S (string), N (number) or B (binary); one attribute has one type everywhere'),
});

const capacityUnits = {
  readCapacity: positiveInt.optional().describe('Read capacity units, with PROVISIONED (required then)'),
  writeCapacity: positiveInt.optional().describe('Write capacity units, with PROVISIONED (required then)'),
};

export const tableSchema = strictObject({
  billingMode: z
    .enum(['PAY_PER_REQUEST', 'PROVISIONED'])
    .default('PAY_PER_REQUEST')
    .describe('PAY_PER_REQUEST, or PROVISIONED with readCapacity/writeCapacity on the table and each index'),
  ...capacityUnits,
  hashKey: attributeSchema.describe('The partition key: { name, type: S|N|B } (required)'),
  sortKey: attributeSchema.optional().describe('The sort key: { name, type: S|N|B }'),
  ttl: strictObject({ attribute: z.string().min(1).describe('The attribute holding the expiry time, in epoch seconds') })
    .optional()
    .describe('Items expire at the time in this attribute: { attribute }'),
  globalSecondaryIndexes: z
    .array(
      strictObject({
        name: z
          .string()
          .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'index names are 3-255 letters, digits, _ . -')
          .describe('The index name'),
        hashKey: attributeSchema.describe("The index's partition key: { name, type }"),
        sortKey: attributeSchema.optional().describe("The index's sort key: { name, type }"),
        projection: z
          .union([
            z.enum(['ALL', 'KEYS_ONLY']),
            strictObject({ include: z.array(z.string()).min(1).max(100).describe('Attributes projected besides the keys') }),
          ])
          .default('ALL')
          .describe('ALL, KEYS_ONLY, or { include: [attributes] }'),
        ...capacityUnits,
      }),
    )
    .max(20)
    .default([])
    .describe('Indexes: [{ name, hashKey, sortKey, projection, readCapacity, writeCapacity }]'),
  pointInTimeRecovery: z.boolean().default(true).describe('Continuous backups with point-in-time restore'),
  deletionProtection: z
    .boolean()
    .optional()
    .describe('Refuse to delete the table')
    .meta(defaultByEnvironment(PRODUCTION_DEFAULTS.tableDeletionProtection)),
  allowedServices: strictObject({
    read: uniqueList(z.string())
      .default([])
      .describe('Services that may GetItem, BatchGetItem, Query, Scan, DescribeTable, ConditionCheckItem, each once'),
    write: uniqueList(z.string()).default([]).describe('Services that may PutItem, UpdateItem, DeleteItem, BatchWriteItem, each once'),
  })
    .prefault({})
    .describe('Grants: { read: [services], write: [services] }, on the table and its indexes only'),
});
