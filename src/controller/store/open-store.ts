/**
 * The store `serve --store SPEC` names: `sqlite` (a file in the data
 * directory) or `dynamodb://TABLE` (created when missing).
 */
import { DynamoDbStore, TABLE_NAME_PATTERN } from './dynamodb-store';
import { SqliteStore } from './sqlite-store';
import type { RunStore } from './store';

/** What `--store` accepts, for messages. */
export const STORE_SPECS = '"sqlite" or "dynamodb://TABLE" (TABLE: 3 to 255 of A-Z a-z 0-9 _ . -)';

/**
 * Opens the store `spec` names, ready for use.
 * - `sqlite`: the file `<dataDir>/runs.sqlite` (the directory is created).
 * - `dynamodb://TABLE`: the table in `AWS_REGION` (default `us-east-1`), at
 *   `DYNAMODB_ENDPOINT` when set, with the SDK's default credentials; the table
 *   is created when missing, and writes a stopped process left pending are
 *   rolled back.
 * Throws an Error saying what is accepted when `spec` is neither.
 */
export async function openStore(spec: string, dataDir: string): Promise<RunStore> {
  if (spec === 'sqlite') return new SqliteStore({ dataDir });
  const table = /^dynamodb:\/\/(.*)$/.exec(spec)?.[1];
  if (table === undefined || !TABLE_NAME_PATTERN.test(table)) throw new Error(`--store must be ${STORE_SPECS}, got "${spec}"`);
  const store = new DynamoDbStore({
    tableName: table,
    region: process.env.AWS_REGION || 'us-east-1',
    ...(process.env.DYNAMODB_ENDPOINT && { endpoint: process.env.DYNAMODB_ENDPOINT }),
  });
  try {
    await store.createTable();
    await store.recoverPendingWrites();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
