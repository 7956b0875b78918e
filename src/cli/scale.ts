/** `scale`: set a service's desired count through the ECS API (refused when autoscaling owns it, unless --force). */
import { InvalidArgumentError, type Command } from 'commander';
import { core } from './core';
import { printJson } from './report';
import { withAws, type EnvironmentOptions } from './operations-report';

interface ScaleOptions extends EnvironmentOptions {
  readonly service: string;
  readonly count: number;
  readonly force?: boolean;
  readonly json?: boolean;
}

export function scaleCommand(program: Command): void {
  program
    .command('scale')
    .description(
      "set a service's desired count (UpdateService); refused when autoscaling owns the count unless --force; a Terraform apply may set it back",
    )
    .option('--config <dir>', 'the config folder', 'environments')
    .requiredOption('--env <name>', 'the environment')
    .requiredOption('--service <name>', 'the service')
    .requiredOption('--count <n>', 'the desired number of tasks (0 or more)', parseCount)
    .option('--force', 'scale even though autoscaling owns the count (the policy will move it again)')
    .option('--json', 'the result as JSON on stdout')
    .action(async (options: ScaleOptions) => {
      const { scaleService, serviceTarget } = core();
      const result = await withAws(options, (target, clients) =>
        scaleService(target, serviceTarget(target, options.service), clients, options.count, options.force),
      );
      if (options.json) {
        printJson({ ok: true, ...result });
        return;
      }
      console.log(`${result.serviceName}: desired count ${result.desired} (${result.running} running now)`);
      for (const note of result.notes) console.log(`note: ${note}`);
    });
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('a whole number, 0 or more');
  return Number(value);
}
