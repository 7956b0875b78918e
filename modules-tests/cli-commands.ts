/**
 * The commands and options of the real command line (the commander program
 * of src/cli/main.ts), read in one child process that stops the program
 * before it parses anything: what workflows and the image may call.
 */
import { spawnSync } from 'node:child_process';

export interface CliCommand {
  readonly name: string;
  /** Long and short flags: --env, -v. */
  readonly options: readonly string[];
}

const DUMP = `
const { Command } = require('commander');
Command.prototype.parseAsync = function () {
  const commands = this.commands.map((c) => ({ name: c.name(), options: c.options.flatMap((o) => [o.long, o.short].filter(Boolean)) }));
  process.stdout.write(JSON.stringify(commands));
  process.exit(0);
};
require('./src/cli/main.ts');
`;

export function cliCommands(): Map<string, CliCommand> {
  const result = spawnSync(process.execPath, ['--require', './src/runtime.js', '-e', DUMP], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  if (result.status !== 0) throw new Error(`could not read the commands of src/cli/main.ts: ${result.stderr}`);
  return new Map((JSON.parse(result.stdout) as CliCommand[]).map((c) => [c.name, c]));
}
