/**
 * The last line of defence at the CLI boundary: an exception nobody expected
 * (a TypeError, a library's "There is already a Construct with name ...")
 * is a bug in the project, never in the user's input. It becomes one line on
 * stderr saying so and where to report it, and exit code 70 (EXIT.bug);
 * never a stack trace (set PLATFORM_DEBUG=1 to see it). Commands write their
 * output only once everything has succeeded (synth stages into a sibling
 * folder), so nothing has been written when this runs.
 *
 * `installCatchAll` routes uncaught exceptions and rejections here; the
 * `platform` bin installs it before the CLI's modules load, src/cli/main.ts
 * when it starts.
 */
import { EXIT } from './exit-codes';
import { writeAllSync } from './sync-output';

/** Where bugs go. */
export const REPORT_BUGS_TO =
  "the platform repository's issue tracker, with the command, the config folder and the output of the same command run with PLATFORM_DEBUG=1";

/**
 * Whether `error` is a bug rather than a failure the project reports on
 * purpose. Reported on purpose: errors our own code throws with a message
 * (a Terraform run that failed) and system errors of the machine (a folder
 * that cannot be written, with its errno code). A bug: anything that is not
 * an Error, the runtime's own errors (TypeError, RangeError, ...), and errors
 * thrown inside a dependency.
 */
export function isBug(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  if (typeof (error as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((error as NodeJS.ErrnoException).code!)) return false;
  if ([TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError].some((kind) => error instanceof kind)) return true;
  const thrownAt =
    (error.stack ?? '')
      .split('\n')
      .slice(1)
      .find((line) => /\(?\/|\(node:/.test(line)) ?? '';
  return thrownAt.includes('/node_modules/') || thrownAt.includes('(node:internal');
}

/** The one line printed for a bug. */
export function bugLine(error: unknown): string {
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const firstLine = what.split('\n')[0]!.slice(0, 300);
  return `platform: internal error, a bug in the project (not in your input): ${firstLine}. Nothing was written. Please report it to ${REPORT_BUGS_TO}.`;
}

/**
 * Ends the process for an error that reached the CLI boundary: a bug is one
 * line and exit 70; an error reported on purpose is its message and exit 1.
 */
export function exitOnUnexpected(error: unknown): never {
  const debug = process.env.PLATFORM_DEBUG === '1' && error instanceof Error ? `${error.stack}\n` : '';
  if (isBug(error)) {
    writeAllSync(2, `${debug}${bugLine(error)}\n`);
    process.exit(EXIT.bug);
  }
  writeAllSync(2, `${debug}${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(EXIT.userError);
}

let installed = false;

/** Sends uncaught exceptions and unhandled rejections to `exitOnUnexpected` (once per process). */
export function installCatchAll(): void {
  if (installed) return;
  installed = true;
  process.on('uncaughtException', (error) => exitOnUnexpected(error));
  process.on('unhandledRejection', (reason) => exitOnUnexpected(reason));
}
