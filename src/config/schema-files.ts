/** Where the editor JSON Schemas are written (src/config/json-schema.ts makes them); apart so the CLI's help names them without loading zod. */
export const SCHEMA_FILES = {
  defaults: 'schema/defaults.schema.json',
  environment: 'schema/environment.schema.json',
} as const;
