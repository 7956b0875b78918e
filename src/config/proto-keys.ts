/**
 * zod drops a `__proto__` key of a record without a word (it cannot set one
 * on the objects it builds), so such keys travel through the schema under a
 * stand-in name and get their own name back after it. Everything around the
 * schema builds maps without a prototype or with Object.fromEntries, where
 * `__proto__` is an ordinary key.
 */
import { isMap } from '../values';

export const PROTO_KEY = '__proto__';
/** The name a `__proto__` key has inside the schema (checks of key names treat both alike). */
export const PROTO_STAND_IN = '__proto__0platform0key__';

/** `value` with every `__proto__` key renamed to the stand-in (as plain objects, for zod). */
export function encodeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(encodeKeys);
  if (!isMap(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key === PROTO_KEY ? PROTO_STAND_IN : key, encodeKeys(inner)]));
}

/** The schema's output with `__proto__` keys under their own name again. */
export function decodeKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(decodeKeys) as T;
  if (!isMap(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key === PROTO_STAND_IN ? PROTO_KEY : key, decodeKeys(inner)]),
  ) as T;
}

/** An issue of the schema with `__proto__` in its path and message again. */
export function decodeIssue<T extends { path: (string | number)[]; message: string }>(issue: T): T {
  return {
    ...issue,
    path: issue.path.map((segment) => (segment === PROTO_STAND_IN ? PROTO_KEY : segment)),
    message: issue.message.replaceAll(PROTO_STAND_IN, PROTO_KEY),
  };
}
