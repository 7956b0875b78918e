/** zod issues turned into key paths and messages that say how to fix the input. */
import type { z } from 'zod';
import { excerpt } from './problems';
import { didYouMean } from './suggest';

export interface KeyIssue {
  readonly path: (string | number)[];
  /** The issue is about the key itself (an unknown key), not its value. */
  readonly atKey: boolean;
  readonly message: string;
}

type Issue = z.core.$ZodIssue;

export function explainIssues(issues: readonly Issue[], input: unknown): KeyIssue[] {
  return issues.flatMap((issue) => explain(issue, input));
}

function explain(issue: Issue, root: unknown, base: (string | number)[] = []): KeyIssue[] {
  const path = [...base, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))];
  const input = valueAt(root, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const messages = issue.message.split('\n');
      return issue.keys.map((key, i) => ({ path: [...path, key], atKey: true, message: messages[i] ?? `unknown key "${key}"` }));
    }
    case 'invalid_union': {
      // Report the branch that matched the input's type, so a typo inside an
      // object still gets its own message instead of "no branch matched".
      const branches = issue.errors.filter((branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0));
      if (branches.length === 1) return branches[0]!.flatMap((inner) => explain(inner, root, path));
      return [
        {
          path,
          atKey: false,
          message: issue.message.startsWith('Invalid input') ? `${describe(input)} is not allowed here` : issue.message,
        },
      ];
    }
    case 'invalid_type':
      if (input === undefined) return [{ path, atKey: false, message: `required key is missing; add ${path[path.length - 1] ?? 'it'}` }];
      return [
        {
          path,
          atKey: false,
          message: issue.message.startsWith('Invalid input')
            ? `expected ${article(issue.expected)}, got ${describe(input)}`
            : issue.message,
        },
      ];
    case 'invalid_value': {
      if (!issue.message.startsWith('Invalid')) return [{ path, atKey: false, message: issue.message }];
      const choices = issue.values.map(String);
      const hint = typeof input === 'string' ? didYouMean(input, choices, 'use one of') : `use one of ${choices.join(', ')}`;
      return [{ path, atKey: false, message: `${describe(input)} is not allowed; ${hint}` }];
    }
    case 'invalid_key':
      return [
        {
          path,
          atKey: true,
          message: `invalid name "${excerpt(String(path[path.length - 1]))}": ${issue.issues[0]?.message ?? issue.message}`,
        },
      ];
    case 'invalid_element':
      return issue.issues.flatMap((inner) => explain(inner, root, path));
    case 'too_small':
      return [{ path, atKey: false, message: issue.message.startsWith('Too small') ? tooSmall(issue) : issue.message }];
    case 'too_big':
      return [{ path, atKey: false, message: issue.message.startsWith('Too big') ? tooBig(issue) : issue.message }];
    default:
      return [{ path, atKey: false, message: issue.message }];
  }
}

function tooSmall(issue: z.core.$ZodIssueTooSmall): string {
  if (issue.origin === 'array') return `needs at least ${issue.minimum} item(s)`;
  if (issue.origin === 'string') return `needs at least ${issue.minimum} character(s)`;
  return `must be ${issue.inclusive === false ? 'above' : 'at least'} ${issue.minimum}`;
}

function tooBig(issue: z.core.$ZodIssueTooBig): string {
  if (issue.origin === 'array') return `takes at most ${issue.maximum} item(s)`;
  if (issue.origin === 'string') return `takes at most ${issue.maximum} character(s)`;
  return `must be ${issue.inclusive === false ? 'below' : 'at most'} ${issue.maximum}`;
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return typeof value === 'string' ? JSON.stringify(excerpt(value)) : String(value);
}

function article(expected: string): string {
  const names: Record<string, string> = {
    object: 'a map',
    record: 'a map',
    array: 'a list',
    string: 'a string',
    number: 'a number',
    boolean: 'true or false',
    int: 'a whole number',
  };
  return names[expected] ?? expected;
}
