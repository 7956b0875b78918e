/**
 * The merge rule of environments/defaults.yaml under each environment file:
 * maps merge key by key; scalars and lists from the environment replace the
 * default's whole value; `null` removes a default (and any null is dropped).
 */
import { isMap } from '../values';

export function mergeDefaults(defaults: unknown, environment: unknown): unknown {
  if (isMap(defaults) && isMap(environment)) {
    const merged: Record<string, unknown> = {};
    for (const key of new Set([...Object.keys(defaults), ...Object.keys(environment)])) {
      const value = key in environment ? mergeDefaults(defaults[key], environment[key]) : dropNulls(defaults[key]);
      if (value !== null && value !== undefined) merged[key] = value;
    }
    return merged;
  }
  return environment === undefined ? dropNulls(defaults) : dropNulls(environment);
}

function dropNulls(value: unknown): unknown {
  if (!isMap(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const cleaned = dropNulls(inner);
    if (cleaned !== null && cleaned !== undefined) result[key] = cleaned;
  }
  return result;
}
