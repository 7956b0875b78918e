/**
 * Terraform evaluates `${...}` and `%{...}` in every string of a
 * configuration. Values from YAML are data, never expressions: a tag value
 * `${file("/proc/self/environ")}` must reach AWS as those characters, not as
 * the controller's environment. Every string of the validated configuration
 * is escaped (`$${`, `%%{`), which Terraform turns back into the literal text.
 */

export function escapeTemplates<T>(value: T): T {
  if (typeof value === 'string') {
    // Most strings hold no brace: returned as they are, without two regular expression passes.
    if (!value.includes('{')) return value;
    return value.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{') as T;
  }
  if (Array.isArray(value)) return value.map(escapeTemplates) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [escapeTemplates(key), escapeTemplates(inner)])) as T;
  }
  return value;
}
