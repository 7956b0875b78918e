/** `logs`: a service's log events (FilterLogEvents), once or followed until stopped. */
import { logsSdk } from './sdk';
import { call, OperationError, type AwsClients } from './aws-clients';
import { sleep } from './sleep';
import { FOLLOW_LOOKBACK_MS } from '../names';

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
  if (relative)
    return now - Number(relative[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 's' | 'm' | 'h' | 'd'];
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
        return await clients.logs.send(
          new (logsSdk().FilterLogEventsCommand)({
            logGroupName: query.logGroup,
            startTime: query.startTime,
            ...(query.filterPattern !== undefined && { filterPattern: query.filterPattern }),
            ...(nextToken !== undefined && { nextToken }),
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        if (error instanceof Error && error.name === 'ResourceNotFoundException') {
          throw new OperationError(
            `FilterLogEvents: log group ${query.logGroup} does not exist: the service has not been applied yet, or the credentials are another account's (AWS_PROFILE)`,
            error.name,
          );
        }
        throw error;
      }
    });
    for (const e of page.events ?? []) {
      events.push({
        eventId: e.eventId ?? `${e.logStreamName}:${e.timestamp}:${e.message}`,
        timestamp: e.timestamp ?? 0,
        stream: e.logStreamName ?? '',
        message: (e.message ?? '').replace(/\n$/, ''),
      });
    }
    nextToken = page.nextToken;
  } while (nextToken !== undefined && !signal?.aborted);
  // Pages of interleaved streams are not in time order.
  return events.sort((a, b) => a.timestamp - b.timestamp);
}

export interface FollowOptions {
  /** Milliseconds between polls. @default 2000 */
  readonly pollMs?: number;
  /**
   * How far before the newest event seen each poll reaches back (ms): an event
   * of another stream (another task) can arrive in CloudWatch after a newer one
   * was shown. @default 30000 (FOLLOW_LOOKBACK_MS)
   */
  readonly lookbackMs?: number;
  /** Stops following. */
  readonly signal?: AbortSignal;
}

export { FOLLOW_LOOKBACK_MS };

/**
 * Prints (through `onEvent`) the events of the query, then polls for newer
 * ones until `signal` aborts. Each poll starts `lookbackMs` before the newest
 * timestamp seen, since events reach CloudWatch out of order across streams
 * (an event with an earlier timestamp can arrive after a later one was
 * shown), and passes on only events not passed on yet (by eventId). The ids
 * remembered are those inside the window: older ones can no longer come back.
 */
export async function followLogs(
  clients: AwsClients,
  query: LogQuery,
  onEvent: (event: LogEvent) => void,
  options: FollowOptions = {},
): Promise<void> {
  const { signal } = options;
  const lookback = options.lookbackMs ?? FOLLOW_LOOKBACK_MS;
  let newest = query.startTime;
  /** eventId -> timestamp of the events passed on, at or after `newest - lookback`. */
  const seen = new Map<string, number>();
  let since = query.startTime;
  while (!signal?.aborted) {
    let events: LogEvent[];
    try {
      events = await fetchLogs(clients, { ...query, startTime: since }, signal);
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    }
    for (const event of events) {
      if (seen.has(event.eventId)) continue;
      seen.set(event.eventId, event.timestamp);
      if (event.timestamp > newest) newest = event.timestamp;
      onEvent(event);
    }
    // The next poll reaches the window back from the newest event (never before the start asked for); ids older than that cannot come back.
    since = Math.max(query.startTime, newest - lookback);
    for (const [id, timestamp] of seen) if (timestamp < since) seen.delete(id);
    await sleep(options.pollMs ?? 2000, signal);
  }
}

/** One event as a line: time, stream, message. */
export function formatLogEvent(event: LogEvent): string {
  return `${new Date(event.timestamp).toISOString()} ${event.stream} ${event.message}`;
}
