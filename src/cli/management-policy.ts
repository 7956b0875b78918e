/**
 * `management-policy --env NAME`: the derived IAM policy that plans and
 * applies one environment (src/stacks/management-policy/), as the policy
 * document(s) IAM takes, for a role made by hand in another account
 * (controller.environmentRoles); `--deploy` prints the GitHub deploy role's.
 * Every statement with a "*" resource is listed with its reason on stderr.
 */
import type { Command } from 'commander';
import { core } from './core';
import { exitOnUserError } from './report';

export function managementPolicyCommand(program: Command): void {
  program
    .command('management-policy')
    .description(
      'print the least-privilege IAM policy that plans and applies an environment (or, with --deploy, that rolls out its images), for a role made by hand',
    )
    .option('--config <dir>', 'the config folder', 'environments')
    .requiredOption('--env <name>', 'the environment')
    .option('--deploy', "the GitHub deploy role's policy: push images, register task definitions, update services")
    .action((options: { config: string; env: string; deploy?: boolean }) => {
      const { deployStatements, managementStatements, policyStatements, selectEnvironments, serviceRoleNames } = core();
      const [config] = exitOnUserError(() => selectEnvironments(options.config, options.env));
      // The other environments: a sibling (prod-eu beside prod) gets explicit denies.
      const others = exitOnUserError(() => selectEnvironments(options.config))
        .map((c) => c.environment)
        .filter((name) => name !== options.env);
      const statements = options.deploy ? deployStatements(config!, serviceRoleNames(config!)) : managementStatements(config!, others);
      for (const s of statements) if (s.reason) console.error(`${s.Sid}: "*" because ${s.reason}`);
      console.log(JSON.stringify({ Version: '2012-10-17', Statement: policyStatements(statements) }, null, 2));
    });
}
