/** The editor JSON Schema, generated from the zod schema so the two cannot drift (a test compares them). */
import { z } from 'zod';
import { environmentSchema } from './schema';

export const SCHEMA_FILE = 'schema/environment.schema.json';

export function environmentJsonSchema(): string {
  const schema = z.toJSONSchema(environmentSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'Environment', description: 'One environment of the Fargate platform (environments/<name>.yaml or defaults.yaml)' }, null, 2)}\n`;
}
