/**
 * Environment variables the project injects into containers: the connection
 * details of the databases a service may use and the names of its tables.
 * Config rules reject services that define the same names themselves.
 */

/**
 * The secret fields of a database connection, by variable suffix: the
 * password from the secret RDS manages for the master user, the rest from
 * the project's connection secret.
 */
export const DATABASE_VARIABLE_FIELDS = {
  ENGINE: 'engine',
  HOST: 'host',
  PORT: 'port',
  NAME: 'dbname',
  USERNAME: 'username',
  PASSWORD: 'password',
} as const;

function upperKey(key: string): string {
  return key.toUpperCase().replace(/-/g, '_');
}

/** Which secret holds a field: `master` (RDS's own, {username, password}) or `connection` (the project's). */
export type DatabaseSecretKind = 'connection' | 'master';

/** DB_<KEY>_HOST, DB_<KEY>_PORT, ... for database `key`, with the secret and the field each comes from. */
export function databaseVariables(key: string): { variable: string; field: string; secret: DatabaseSecretKind }[] {
  return Object.entries(DATABASE_VARIABLE_FIELDS).map(([suffix, field]) => ({
    variable: `DB_${upperKey(key)}_${suffix}`,
    field,
    secret: field === 'password' ? 'master' : 'connection',
  }));
}

/** DYNAMODB_<KEY>_TABLE: the table name of DynamoDB table `key`. */
export function tableVariable(key: string): string {
  return `DYNAMODB_${upperKey(key)}_TABLE`;
}

/** QUEUE_<KEY>_URL: the URL of queue `key`, in the services and jobs it lists. */
export function queueVariable(key: string): string {
  return `QUEUE_${upperKey(key)}_URL`;
}

/** CACHE_<KEY>_HOST and CACHE_<KEY>_PORT (environment) and CACHE_<KEY>_AUTH_TOKEN (a secret) of cache `key`. */
export function cacheVariables(key: string): { host: string; port: string; authToken: string } {
  const base = `CACHE_${upperKey(key)}`;
  return { host: `${base}_HOST`, port: `${base}_PORT`, authToken: `${base}_AUTH_TOKEN` };
}

/** BUCKET_<KEY>_NAME: the bucket name of application bucket `key`. */
export function bucketVariable(key: string): string {
  return `BUCKET_${upperKey(key)}_NAME`;
}
