/** `logs`: a service's log events (FilterLogEvents), once or followed until stopped. */
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { call, OperationError, type AwsClients } from './aws-clients';
import { sleep } from './sleep';

/** One log event. */
export interface LogEvent {
  readonly eventId: string;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  /** The stream: `<container>/<container>/<task id>` for ECS. */
  readonly stream: string;
  readonly message: string;
}

export interface LogQuery {
  readonly logGroup: string;
  /** Events from this time on (ms since the epoch). */
  readonly startTime: number;
  /** A CloudWatch filter pattern. @default every event */
  readonly filterPattern?: string;
}

/** How far back `--since` reaches: `30s`, `10m`, `2h`, `1d`, or an ISO 8601 time; undefined when it is neither. */
export function parseSince(value: string, now = Date.now()): number | undefined {
  const relative = /^(\d+)(s|m|h|d)$/.exec(value.trim());
  if (relative) return now - Number(relative[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 's' | 'm' | 'h' | 'd'];
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

/** Every event of the query, page after page, oldest first. */
export async function fetchLogs(clients: AwsClients, query: LogQuery, signal?: AbortSignal): Promise<LogEvent[]> {
  const events: LogEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call(clients, `FilterLogEvents on ${query.logGroup}`, async () => {
      try {
        return await clients.logs.send(new FilterLogEventsCommand({
          logGroupName: query.logGroup,
          startTime: query.startTime,
          ...(query.filterPattern !== undefined && { filterPattern: query.filterPattern }),
          ...(nextToken !== undefined && { nextToken }),
        }), { abortSignal: signal });
      } catch (error) {
        if (error instanceof Error && error.name === 'ResourceNotFoundException') {
          throw new OperationError(`FilterLogEvents: log group ${query.logGroup} does not exist: the service has not been applied yet, or the credentials are another account's (AWS_PROFILE)`, error.name);
        }
        throw error;
      }
    });
    for (const e of page.events ?? []) {
      events.push({ eventId: e.eventId ?? `${e.logStreamName}:${e.timestamp}:${e.message}`, timestamp: e.timestamp ?? 0, stream: e.logStreamName ?? '', message: (e.message ?? '').replace(/\n$/, '') });
    }
    nextToken = page.nextToken;
  } while (nextToken !== undefined && !signal?.aborted);
  // Pages of interleaved streams are not in time order.
  return events.sort((a, b) => a.timestamp - b.timestamp);
}

export interface FollowOptions {
  /** Milliseconds between polls. @default 2000 */
  readonly pollMs?: number;
  /** Stops following. */
  readonly signal?: AbortSignal;
}

/**
 * Prints (through `onEvent`) the events of the query, then polls for newer
 * ones until `signal` aborts. Each poll starts at the newest timestamp seen
 * (CloudWatch's times are milliseconds, so later events may share it) and
 * skips the events already passed on at that timestamp.
 */
export async function followLogs(clients: AwsClients, query: LogQuery, onEvent: (event: LogEvent) => void, options: FollowOptions = {}): Promise<void> {
  const { signal } = options;
  let since = query.startTime;
  let seenAtSince = new Set<string>();
  while (!signal?.aborted) {
    let events: LogEvent[];
    try {
      events = await fetchLogs(clients, { ...query, startTime: since }, signal);
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    }
    for (const event of events) {
      if (event.timestamp < since || (event.timestamp === since && seenAtSince.has(event.eventId))) continue;
      if (event.timestamp > since) {
        since = event.timestamp;
        seenAtSince = new Set();
      }
      seenAtSince.add(event.eventId);
      onEvent(event);
    }
    await sleep(options.pollMs ?? 2000, signal);
  }
}

/** One event as a line: time, stream, message. */
export function formatLogEvent(event: LogEvent): string {
  return `${new Date(event.timestamp).toISOString()} ${event.stream} ${event.message}`;
}
