/** Configuration problems: where they are, what is wrong, how to fix it. */

export interface Problem {
  /** The file as the user named it: the config folder as given, joined with the file name. */
  readonly file: string;
  /** 0 (and column 0): a problem of no place in a file, such as a name given on the command line. */
  readonly line: number;
  readonly column: number;
  /** The key path, for example services.api.memory ("" for the whole file). */
  readonly keyPath: string;
  readonly message: string;
}

/**
 * A key path as messages show it, services.api.memory: a key that would
 * make the path ambiguous (empty, or with a space, dot or quote in it) is
 * quoted, tags."Cost Center".
 */
export function formatKeyPath(path: readonly (string | number)[]): string {
  return path
    .map((segment) =>
      typeof segment === 'string' && (segment === '' || /[\s."]/.test(segment)) ? JSON.stringify(segment) : String(segment),
    )
    .join('.');
}

/** The longest stretch of a value a message quotes (a 1 MB value is shown as its start and its length). */
const EXCERPT_CHARACTERS = 60;

/** `text`, or its start and length when it is too long to quote in a message. */
export function excerpt(text: string, limit = EXCERPT_CHARACTERS): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}... (${text.length} characters)`;
}

/** A value as a message shows it: a plain word as it is, anything else (empty, spaces, long) quoted as an excerpt. */
export function shown(value: string): string {
  return /^[A-Za-z0-9][\w.:\/@+*=-]{0,60}$/.test(value) ? value : JSON.stringify(excerpt(value));
}

/**
 * A problem whose message and key path quote no long value: any stretch of
 * over 100 characters without a space, wherever it came from, is cut to an
 * excerpt. Lists of choices (short words joined by ", ") are kept whole.
 */
export function clipProblem(p: Problem): Problem {
  // One line per problem: control characters (a newline inside a quoted key) are shown escaped.
  const oneLine = (text: string) => text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
  const clip = (text: string) => oneLine(text.length <= 100 ? text : text.replace(/\S{101,}/g, (long) => excerpt(long)));
  const keyPath =
    p.keyPath.length <= 100
      ? p.keyPath
      : p.keyPath
          .split('.')
          .map((segment) => (segment.length > 60 ? `${segment.slice(0, 60)}...` : segment))
          .join('.');
  return { ...p, keyPath: oneLine(keyPath), message: clip(p.message) };
}

/** `FILE:LINE:COL KEY.PATH: message`, the format the CLI prints; `FILE: message` for a problem of no place in it. */
export function formatProblem(p: Problem): string {
  if (p.line === 0) return `${p.file}: ${p.message}`;
  return `${p.file}:${p.line}:${p.column} ${p.keyPath || '(file)'}: ${p.message}`;
}

/** Problems in file, line and column order, without repeats. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return [...problems]
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.keyPath.localeCompare(b.keyPath))
    .filter((p) => {
      const key = formatProblem(p);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** Thrown when any environment is invalid; carries every problem found. */
export class ConfigError extends Error {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    const sorted = sortProblems(problems.map(clipProblem));
    super(sorted.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = sorted;
  }
}
