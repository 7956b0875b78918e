/** Small checks on untyped values (parsed YAML and JSON), shared by every layer. */

/** A map of keys (not null, not a list). */
export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
