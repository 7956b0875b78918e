/** `rollout`: a new image for a service, watched until stable; a failed or stuck rollout is rolled back (exit 1). */
import { InvalidArgumentError, type Command } from 'commander';
import { core } from './core';
import { printJson } from './report';
import { withAws, type EnvironmentOptions } from './operations-report';

interface RolloutOptions extends EnvironmentOptions {
  readonly service: string;
  readonly image: string;
  readonly timeout: number;
  readonly json?: boolean;
}

export function rolloutCommand(program: Command): void {
  program
    .command('rollout')
    .description(
      "register the service's task definition again with a new image for its main container, update the service, wait until stable; roll back on failure or timeout",
    )
    .option('--config <dir>', 'the config folder', 'environments')
    .requiredOption('--env <name>', 'the environment')
    .requiredOption('--service <name>', 'the service')
    .requiredOption(
      '--image <uri>',
      'the new image, with an immutable tag or digest (moving tags such as latest are refused in production)',
    )
    .option('--timeout <seconds>', 'how long to wait for the deployment before rolling back', parseSeconds, 600)
    .option('--json', 'the result as JSON on stdout (progress stays on stderr)')
    .action(async (options: RolloutOptions) => {
      const { rolloutImage, serviceTarget } = core();
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      const result = await withAws(options, (target, clients) =>
        rolloutImage(target, serviceTarget(target, options.service), clients, {
          image: options.image,
          timeoutSeconds: options.timeout,
          signal: stop.signal,
          onEvent: (event) => {
            if (event.type === 'note') (options.json ? process.stderr : process.stdout).write(`${event.message}\n`);
          },
        }),
      );
      if (options.json) {
        printJson({ ok: true, ...result });
        return;
      }
      console.log(
        result.outcome === 'unchanged'
          ? `${result.serviceName} already runs ${result.image} (${result.taskDefinition}); nothing to roll out`
          : `${result.serviceName} runs ${result.image}: stable after ${result.seconds} s`,
      );
      for (const note of result.notes) console.log(`note: ${note}`);
    });
}

function parseSeconds(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('a whole number of seconds, 1 or more');
  return Number(value);
}
