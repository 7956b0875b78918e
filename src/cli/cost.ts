/** `cost`: the monthly estimate per environment from its synthesized stack, or the difference from a git ref or another folder. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { core } from './core';
import { exitOnUserError, printJson } from './report';

interface CostCommandOptions {
  readonly config: string;
  readonly env?: string;
  readonly format: 'table' | 'json' | 'markdown';
  readonly freeTier?: boolean;
  readonly compare?: string;
  readonly json?: boolean;
  readonly asOf?: string;
}

export function costCommand(program: Command): void {
  program
    .command('cost')
    .description("estimate each environment's monthly AWS cost from its synthesized stack (pinned list prices, the cost: assumptions)")
    .option('--config <dir>', 'the config folder', 'environments')
    .option('--env <name>', 'only this environment')
    .addOption(
      new Option('--format <format>', 'table, json, or markdown (with --compare: markdown unless json)')
        .choices(['table', 'json', 'markdown'])
        .default('table'),
    )
    .option('--json', 'the result as JSON on stdout (the same as --format json)')
    .option('--free-tier', 'subtract the free-tier allowances that apply and say which ones the environment exceeds')
    .option(
      '--as-of <date>',
      'with --free-tier: the day (YYYY-MM-DD) its rules are judged on, by cost.accountCreated (default: today, UTC)',
      (value: string) => {
        if (!/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(value)) throw new InvalidArgumentError('a date, YYYY-MM-DD');
        return value;
      },
    )
    .option(
      '--compare <ref>',
      'the monthly difference from a git ref (branch, tag, commit) or a second config folder, per environment and line',
    )
    .action((options: CostCommandOptions) => {
      const { compareCost, estimateCost, formatComparisonMarkdown, formatEstimateMarkdown, formatEstimateTable, PRICES_AS_OF } = core();
      const json = options.json === true || options.format === 'json';
      const costOptions = { freeTier: options.freeTier === true, asOf: options.asOf ?? new Date().toISOString().slice(0, 10) };
      if (options.compare !== undefined) {
        const ref = options.compare;
        const comparison = exitOnUserError(() => compareCost(options.config, ref, options.env, costOptions), { json });
        if (json) printJson({ ok: true, pricesAsOf: PRICES_AS_OF, compare: ref, ...comparison });
        else console.log(formatComparisonMarkdown(comparison, `Monthly cost estimate: difference from ${ref}`));
        return;
      }
      const estimates = exitOnUserError(() => estimateCost(options.config, options.env, costOptions), { json });
      if (json) printJson({ ok: true, pricesAsOf: PRICES_AS_OF, environments: estimates });
      else if (options.format === 'markdown') console.log(estimates.map(formatEstimateMarkdown).join('\n\n'));
      else console.log(estimates.map(formatEstimateTable).join('\n\n'));
    });
}
