/** Small checks on untyped values (parsed YAML and JSON), shared by every layer. */

/** A map of keys (not null, not a list). */
export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The value under `key` only when the record itself has it. A plain object
 * used as a map answers `constructor`, `toString` and the rest from its
 * prototype: a service named constructor looked up in such a map found
 * Object's constructor function (issue 28).
 */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
