/**
 * The merge rule of environments/defaults.yaml under each environment file:
 * maps merge key by key; scalars and lists from the environment replace the
 * default's whole value; `null` removes a default (and any null is dropped).
 * Maps are built without a prototype and looked up by own keys only, so
 * `__proto__`, `constructor` or `toString` are keys like any other.
 */
import { isMap } from '../values';

export function mergeDefaults(defaults: unknown, environment: unknown): unknown {
  if (isMap(defaults) && isMap(environment)) {
    const merged: Record<string, unknown> = Object.create(null);
    for (const key of new Set([...Object.keys(defaults), ...Object.keys(environment)])) {
      const fromDefaults = Object.hasOwn(defaults, key) ? defaults[key] : undefined;
      const value = Object.hasOwn(environment, key) ? mergeDefaults(fromDefaults, environment[key]) : dropNulls(fromDefaults);
      if (value !== null && value !== undefined) merged[key] = value;
    }
    return merged;
  }
  return environment === undefined ? dropNulls(defaults) : dropNulls(environment);
}

function dropNulls(value: unknown): unknown {
  if (!isMap(value)) return value;
  const result: Record<string, unknown> = Object.create(null);
  for (const [key, inner] of Object.entries(value)) {
    const cleaned = dropNulls(inner);
    if (cleaned !== null && cleaned !== undefined) result[key] = cleaned;
  }
  return result;
}
