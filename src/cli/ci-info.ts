/** `ci-info`: the JSON a pipeline needs to ship an environment's images (roles, cluster, services, repositories, platforms), from config alone. */
import type { Command } from 'commander';
import { core } from './core';
import { exitOnUserError, printJson } from './report';
import { orExit } from './operations-report';

export function ciInfoCommand(program: Command): void {
  program
    .command('ci-info')
    .description(
      "print JSON for pipelines: region, account, the GitHub OIDC deploy and apply role ARNs, cluster, and each service's ECS name, ECR repository URL and image platform (no AWS call)",
    )
    .option('--config <dir>', 'the config folder', 'environments')
    .requiredOption('--env <name>', 'the environment')
    .option('--service <name>', 'only this service')
    .action((options: { config: string; env: string; service?: string }) => {
      const { ciInfo, loadEnvironmentTarget } = core();
      const target = exitOnUserError(() => loadEnvironmentTarget(options.config, options.env));
      printJson(orExit(() => ciInfo(target, options.service)));
    });
}
