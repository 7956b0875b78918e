/** How the CLI shows the core's results, problems and progress, and the exit code each kind of failure gets. */
import type { CoreEvent, GuardrailReport } from '../core/index';
import { core } from './core';
import { EXIT } from './exit-codes';
import { stderrColour } from './style';
import { writeAllSync } from './sync-output';

/** `--json`: results as one JSON document on stdout, for machines. */
export interface OutputOptions {
  readonly json?: boolean;
}

/** Writes `value` as the command's JSON document. */
export function printJson(value: unknown): void {
  writeAllSync(1, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Runs `work`; a ConfigError becomes exactly one line per problem on stderr
 * (the count goes to stdout, so stderr stays machine-readable), a construct's
 * ValidationError its message and construct path, a guardrail failure its
 * findings; with `--json` each is a JSON document on stdout. Exit codes: 1
 * for problems and refused input, 3 for guardrails; no stack trace.
 */
export function exitOnUserError<T>(work: () => T, options: OutputOptions = {}): T {
  try {
    return work();
  } catch (error) {
    const { ConfigError, formatProblem, formatReport, GuardrailError, ValidationError } = core();
    if (error instanceof ConfigError) {
      if (options.json) printJson({ ok: false, problems: error.problems.map((p) => ({ ...p, text: formatProblem(p) })) });
      else {
        // Synchronous: every line is out before the exit, even on a slow pipe.
        writeAllSync(2, error.problems.map((problem) => `${stderrColour('red', formatProblem(problem))}\n`).join(''));
        writeAllSync(1, `${error.problems.length} problem(s) found; nothing was written.\n`);
      }
      process.exit(EXIT.userError);
    }
    if (error instanceof ValidationError) {
      if (options.json) printJson({ ok: false, invalid: { message: error.detail, constructPath: error.constructPath } });
      else {
        writeAllSync(2, `${stderrColour('red', `invalid input: ${error.detail}`)}\n  at ${error.constructPath}\n`);
        writeAllSync(1, 'nothing was written.\n');
      }
      process.exit(EXIT.userError);
    }
    if (error instanceof GuardrailError) {
      if (options.json) printJson({ ok: false, guardrails: error.reports.map(reportJson) });
      else {
        for (const report of error.reports.filter((r) => r.failed))
          for (const line of formatReport(report)) process.stderr.write(`${line}\n`);
        process.stderr.write(`${stderrColour('red', error.message)}\n`);
      }
      process.exit(EXIT.guardrails);
    }
    throw error;
  }
}

/** Runs `work`; a missing terraform binary is one line on stderr and exit code 1. */
export async function withTerraform<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof core().TerraformMissingError) {
      console.error(error.message);
      process.exit(EXIT.userError);
    }
    throw error;
  }
}

/** A guardrail report for `--json`. */
export function reportJson(report: GuardrailReport) {
  return {
    environment: report.environment,
    production: report.production,
    failed: report.failed,
    results: report.results.map((r) => ({ rule: r.rule.id, status: r.status, reason: r.reason, threw: r.threw, findings: r.findings })),
    unneededWaivers: report.unneededWaivers,
  };
}

/** Guardrail failures let through by `--guardrails report`, as warnings on stderr. */
export function warnGuardrails(reports: readonly GuardrailReport[]): void {
  const { formatReport } = core();
  for (const report of reports.filter((r) => r.failed)) {
    for (const line of formatReport(report)) process.stderr.write(`${stderrColour('yellow', line)}\n`);
    process.stderr.write(
      `${stderrColour('yellow', `warning: ${report.environment} fails its guardrails; written anyway (--guardrails report)`)}\n`,
    );
  }
}

/** Notes (provider mirror, stand-ins) are printed; step timings are left to the summaries. */
export function printEvent(event: CoreEvent): void {
  if (event.type === 'note') console.log(event.stack ? `${event.stack}: ${event.message}` : event.message);
}
