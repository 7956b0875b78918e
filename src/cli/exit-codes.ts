/** The CLI's exit codes (docs/command-line.md). */
export const EXIT = {
  /** Done; for `plan`, also when there are changes. */
  ok: 0,
  /** A problem in the input or in Terraform's run: the message says what and how to fix it. */
  userError: 1,
  /** The command line itself is wrong (unknown command or option, missing value). */
  usage: 2,
  /** An unwaived guardrail failure: nothing was written. */
  guardrails: 3,
  /** A bug in the project (an unexpected exception). */
  bug: 70,
} as const;
