/** `logs`: a service's log events from CloudWatch Logs, once or followed until Ctrl-C. */
import { InvalidArgumentError, type Command } from 'commander';
import type { LogEvent } from '../core/index';
import { FOLLOW_LOOKBACK_MS } from '../core/names';
import { core } from './core';
import { withAws, type EnvironmentOptions } from './operations-report';

interface LogsOptions extends EnvironmentOptions {
  readonly service: string;
  readonly container: string;
  /** Parsed by parseSinceOption; the default stays the text `10m` (shown in the help) until the action reads it. */
  readonly since: number | string;
  readonly filter?: string;
  readonly follow?: boolean;
  readonly followLookback: number;
}

export function logsCommand(program: Command): void {
  program
    .command('logs')
    .description("a service's log events (FilterLogEvents on its log group); --follow polls for new ones until Ctrl-C")
    .option('--config <dir>', 'the config folder', 'environments')
    .requiredOption('--env <name>', 'the environment')
    .requiredOption('--service <name>', 'the service')
    .option('--container <name>', 'app (the main container) or a sidecar: each has its own log group', 'app')
    .option(
      '--since <time>',
      'how far back: 30s, 10m, 2h, 1d or an ISO 8601 time',
      (value): number | string => parseSinceOption(value),
      '10m',
    )
    .option('--filter <pattern>', 'a CloudWatch Logs filter pattern, for example ERROR or "{ $.level = \\"error\\" }"')
    .option('--follow', 'keep polling for new events until Ctrl-C')
    .option(
      '--follow-lookback <seconds>',
      'with --follow: each poll reaches this far back before the newest event shown, for events of other streams that arrive late (each is shown once)',
      parseSeconds,
      FOLLOW_LOOKBACK_MS / 1000,
    )
    .action(async (options: LogsOptions) => {
      const { containerOf, fetchLogs, followLogs, formatLogEvent, serviceTarget } = core();
      await withAws(options, async (target, clients) => {
        const service = serviceTarget(target, options.service);
        const since = typeof options.since === 'string' ? parseSinceOption(options.since) : options.since;
        const query = {
          logGroup: containerOf(target, service, options.container).logGroup,
          startTime: since,
          filterPattern: options.filter,
        };
        const print = (event: LogEvent) => process.stdout.write(`${formatLogEvent(event)}\n`);
        if (!options.follow) {
          const events = await fetchLogs(clients, query);
          for (const event of events) print(event);
          if (events.length === 0) process.stderr.write(`no events in ${query.logGroup} since ${new Date(since).toISOString()}\n`);
          return;
        }
        const stop = new AbortController();
        process.once('SIGINT', () => stop.abort());
        process.once('SIGTERM', () => stop.abort());
        await followLogs(clients, query, print, { signal: stop.signal, lookbackMs: options.followLookback * 1000 });
      });
    });
}

function parseSeconds(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 3600)
    throw new InvalidArgumentError('a whole number of seconds from 0 to 3600, for example 30');
  return Number(value);
}

function parseSinceOption(value: string): number {
  const time = core().parseSince(value);
  if (time === undefined) throw new InvalidArgumentError('use 30s, 10m, 2h, 1d or an ISO 8601 time such as 2026-12-01T09:00:00Z');
  return time;
}
