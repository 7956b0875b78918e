/** How the CLI shows the core's results, problems and progress. */
import { ConfigError, formatProblem, TerraformMissingError, type CoreEvent } from '../core/index';

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

/** Runs `work`; a missing terraform binary is one line on stderr and exit code 1. */
export async function withTerraform<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TerraformMissingError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/** Notes (provider mirror, stand-ins) are printed; step timings are left to the summaries. */
export function printEvent(event: CoreEvent): void {
  if (event.type === 'note') console.log(event.stack ? `${event.stack}: ${event.message}` : event.message);
}
