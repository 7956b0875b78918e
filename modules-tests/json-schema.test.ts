import { readFileSync } from 'node:fs';
import { environmentJsonSchema, SCHEMA_FILE } from '../src/config/json-schema';

describe('the editor JSON Schema', () => {
  it('is the one generated from the zod schema (run `npm run schema` after changing it)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(environmentJsonSchema());
  });

  it('rejects unknown keys and documents the contract keys', () => {
    const schema = JSON.parse(environmentJsonSchema());
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['project', 'aws', 'backend', 'network', 'services', 'databases', 'dynamodb', 'monitoring']));
    expect(schema.required).toEqual(expect.arrayContaining(['project', 'aws', 'backend', 'network']));
  });

  it('is what the example environments point editors at', () => {
    for (const file of ['defaults', 'dev', 'staging', 'prod']) {
      expect(readFileSync(`environments/${file}.yaml`, 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\.\/schema\/environment\.schema\.json$/m);
    }
  });
});
