/**
 * The commands and options of the real command line (the commander program
 * of src/cli/program.ts, which `platform` parses), read from a program built
 * in-process: what workflows and the image may call.
 */
import { createProgram } from '../../src/cli/program';

export interface CliCommand {
  readonly name: string;
  /** Long and short flags: --env, -v. */
  readonly options: readonly string[];
}

export function cliCommands(): Map<string, CliCommand> {
  const commands = createProgram().commands.map((c) => ({
    name: c.name(),
    options: c.options.flatMap((o) => [o.long, o.short].filter((flag): flag is string => flag !== undefined)),
  }));
  return new Map(commands.map((c) => [c.name, c]));
}
