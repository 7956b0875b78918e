import { ConfigError, formatProblem } from '../config/problems';

/**
 * Runs `work`; a ConfigError becomes exactly one line per problem on stderr
 * (the count goes to stdout, so stderr stays machine-readable) and exit code
 * 1, with no stack trace.
 */
export function exitOnConfigError<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`${formatProblem(problem)}\n`);
      process.stdout.write(`${error.problems.length} problem(s) found; nothing was written.\n`);
      process.exit(1);
    }
    throw error;
  }
}
