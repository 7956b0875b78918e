/** `run`: start a scheduled job now (ECS RunTask with what its schedule holds: task definition, capacity, network). */
import type { Command } from 'commander';
import { core } from './core';
import { printJson } from './report';
import { withAws, type EnvironmentOptions } from './operations-report';

interface RunOptions extends EnvironmentOptions {
  readonly json?: boolean;
}

export function runCommand(program: Command): void {
  program
    .command('run')
    .description(
      'start a scheduled job now, as its schedule would: the same task definition revision, capacity (FARGATE or FARGATE_SPOT), subnets and security groups (GetSchedule, then RunTask); PLATFORM_AWS_ENDPOINT points it at an emulator',
    )
    .argument('<job>', 'the job, a key of jobs in the environment')
    .option('--config <dir>', 'the config folder', 'environments')
    .requiredOption('--env <name>', 'the environment')
    .option('--json', 'the result as JSON on stdout')
    .action(async (job: string, options: RunOptions) => {
      const { jobTarget, runJob } = core();
      const result = await withAws(options, (target, clients) => runJob(target, jobTarget(target, job), clients));
      if (options.json) {
        printJson({ ok: true, ...result });
        return;
      }
      const capacity =
        result.capacity
          .map((c) =>
            result.capacity.length > 1 ? `${c.capacityProvider} weight ${c.weight}${c.base ? ` base ${c.base}` : ''}` : c.capacityProvider,
          )
          .join(', ') || 'FARGATE';
      console.log(`${result.job}: started ${result.taskArn}`);
      console.log(`  task definition ${result.taskDefinitionArn}, cluster ${result.cluster}, ${capacity}`);
      console.log(`  logs in /ecs/${result.cluster}/${result.job}; a non-zero exit raises the job's failed-run alarm`);
    });
}
