/** `exec`: prints (or, with --run, runs) the `aws ecs execute-command` line for a running task of a service. */
import type { Command } from 'commander';
import { core } from './core';
import { withAws, type EnvironmentOptions } from './operations-report';

interface ExecOptions extends EnvironmentOptions {
  readonly service: string;
  readonly container: string;
  readonly command: string;
  readonly run?: boolean;
}

export function execCommand(program: Command): void {
  program
    .command('exec')
    .description(
      'find a running task of a service and print the aws ecs execute-command line for it; --run runs it (needs the AWS CLI and the Session Manager plugin)',
    )
    .option('--config <dir>', 'the config folder', 'environments')
    .requiredOption('--env <name>', 'the environment')
    .requiredOption('--service <name>', 'the service (with exec: true in config)')
    .option('--container <name>', 'app (the main container) or a sidecar', 'app')
    .option('--command <command>', 'what to run in the container', '/bin/sh')
    .option('--run', 'run the line here instead of printing it')
    .action(async (options: ExecOptions) => {
      const { execTarget, runExecSession, serviceTarget } = core();
      const code = await withAws(options, async (target, clients) => {
        const exec = await execTarget(target, serviceTarget(target, options.service), clients, {
          container: options.container,
          command: options.command,
        });
        if (!options.run) {
          console.log(exec.line);
          return 0;
        }
        return runExecSession(exec);
      });
      if (code !== 0) process.exit(code);
    });
}
