/** Configuration problems: where they are, what is wrong, how to fix it. */

export interface Problem {
  /** The file as the user named it: the config folder as given, joined with the file name. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The key path, for example services.api.memory ("" for the whole file). */
  readonly keyPath: string;
  readonly message: string;
}

/** `FILE:LINE:COL KEY.PATH: message`, the format the CLI prints. */
export function formatProblem(p: Problem): string {
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
    const sorted = sortProblems(problems);
    super(sorted.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = sorted;
  }
}
