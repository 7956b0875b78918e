/**
 * A `defaults.yaml` push to an organisation of many environments, handled by
 * N controller processes (`serve --sandbox`, each with its own data folder)
 * sharing one DynamoDB table (dynalite): the push is delivered to every
 * process at once under one delivery ID, then redelivered to each; one
 * process can be SIGKILLed (with its Terraform) once it is at work. What
 * each process did is read back from the API and from the claim lines of
 * their logs. The end-to-end test (controller-scaling.test.ts) and
 * `npm run bench` (the fan-out time with 1 and 3 controllers) use it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDb } from '../../src/verification/backend-servers';
import { api, ConfigRemote, send, signedDelivery, startController, type Started } from './controller-harness';

export interface FanOutOptions {
  /** How many controller processes. */
  readonly controllers: number;
  /** How many environments (env01, env02, ...). @default 60 */
  readonly environments?: number;
  /** SIGKILL the last controller once it has claimed this many runs. @default never */
  readonly killAfterClaims?: number;
  /** serve --lease-seconds. @default 4 */
  readonly leaseSeconds?: number;
  /** serve --max-parallel of each. @default 2 */
  readonly maxParallel?: number;
  /** How long everything may take. @default 600000 */
  readonly timeoutMs?: number;
}

/** One claim of an environment by a process, from its log: held from `from` to `to` (the kill, for a killed process's last ones). */
export interface ClaimInterval {
  readonly process: number;
  readonly environment: string;
  readonly runId: string;
  readonly token: number;
  readonly from: number;
  readonly to: number;
}

export interface FanOutResult {
  /** The pushed commit. */
  readonly commit: string;
  readonly environments: readonly string[];
  /** From the push's delivery to the last run settled, in milliseconds. */
  readonly ms: number;
  /** The answers to the first deliveries (one per process, at once) and to the redeliveries. */
  readonly firstAnswers: readonly { status: number; runs: readonly string[]; reason?: string }[];
  readonly redeliveryAnswers: readonly { status: number; reason?: string }[];
  /** Every run in the table at the end. */
  readonly runs: readonly any[];
  readonly claims: readonly ClaimInterval[];
  /** The killed process (its index), when one was. */
  readonly killed?: number;
  readonly outputs: readonly string[];
}

/** Statuses a run of the push ends in under --sandbox: applied, or waiting for someone. */
const SETTLED = new Set(['applied', 'planned', 'awaiting-approval', 'failed', 'cancelled', 'superseded', 'interrupted']);

export function environmentFiles(count: number): Record<string, string> {
  const files: Record<string, string> = {
    'environments/defaults.yaml':
      'project: shop\naws:\n  region: eu-west-1\n  accountId: "123456789012"\nbackend:\n  bucket: shop-tf-state\n  lockTable: shop-tf-locks\n',
  };
  for (const name of environmentNames(count)) {
    const i = Number(name.slice(3));
    files[`environments/${name}.yaml`] = `network:\n  cidr: 10.${i}.0.0/16\n`;
  }
  return files;
}

export function environmentNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `env${String(i + 1).padStart(2, '0')}`);
}

export async function fanOut(options: FanOutOptions): Promise<FanOutResult> {
  const count = options.environments ?? 60;
  const timeoutMs = options.timeoutMs ?? 600_000;
  const dynamo = await startDynamoDb('eu-west-1');
  const remote = new ConfigRemote(environmentFiles(count));
  const dataDirs = Array.from({ length: options.controllers }, () => mkdtempSync(join(tmpdir(), 'controller-fanout-')));
  const env = {
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'dynalite',
    AWS_SECRET_ACCESS_KEY: 'dynalite-secret',
  };
  const started: Started[] = [];
  let killedAt: number | undefined;
  let killed: number | undefined;
  try {
    // One after the other: the first creates the table.
    for (const dataDir of dataDirs) {
      started.push(
        await startController(
          [
            '--repo',
            remote.bare,
            '--data-dir',
            dataDir,
            '--sandbox',
            '--store',
            'dynamodb://fanout-runs',
            '--lease-seconds',
            String(options.leaseSeconds ?? 4),
            '--max-parallel',
            String(options.maxParallel ?? 2),
          ],
          env,
        ),
      );
    }
    remote.write('environments/defaults.yaml', `${environmentFiles(count)['environments/defaults.yaml']}tags:\n  Team: platform\n`);
    const commit = remote.commit('defaults: tag every environment');
    const payload = remote.push();
    const delivery = await signedDelivery('push', payload, { delivery: 'fanout-push-1' });
    const begun = Date.now();
    const firstAnswers = (await Promise.all(started.map((c) => send(c.url, delivery)))).map((a) => ({
      status: a.status,
      runs: a.body.runs ?? [],
      reason: a.body.reason,
    }));
    // GitHub redelivers (the same delivery ID) to whichever process the load balancer picks.
    const redeliveryAnswers = (await Promise.all(started.map((c) => send(c.url, delivery)))).map((a) => ({
      status: a.status,
      reason: a.body.reason,
    }));

    const victim = options.killAfterClaims !== undefined ? started.length - 1 : undefined;
    const deadline = begun + timeoutMs;
    let runs: any[] = [];
    for (;;) {
      if (victim !== undefined && killed === undefined && claimLines(started[victim]!.output()).length >= options.killAfterClaims!) {
        killedAt = Date.now();
        await started[victim]!.kill();
        killed = victim;
      }
      const alive = started.find((_, i) => i !== killed)!;
      runs = (await api(alive.url, '/api/runs?limit=500')).body.runs as any[];
      const latest = new Map<string, any>();
      for (const run of [...runs].reverse()) latest.set(run.environment, run);
      const done = latest.size === count && [...latest.values()].every((run) => SETTLED.has(run.status) && run.status !== 'interrupted');
      if (done) break;
      if (Date.now() > deadline)
        throw new Error(
          `the fan-out did not settle in ${timeoutMs} ms: ${JSON.stringify(runs.filter((r) => !SETTLED.has(r.status)).map((r) => [r.environment, r.status]))}`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
    const ms = Date.now() - begun;
    const outputs = started.map((c) => c.output());
    const claims = outputs.flatMap((output, process) => intervalsOf(output, process, process === killed ? killedAt! : Date.now()));
    return { commit, environments: environmentNames(count), ms, firstAnswers, redeliveryAnswers, runs, claims, killed, outputs };
  } finally {
    await Promise.all(started.map((c, i) => (i === killed ? undefined : c.stop())));
    await dynamo.stop();
    remote.cleanup();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** The `claimed ENV for run ID (token N)` lines of a log. */
function claimLines(output: string): RegExpExecArray[] {
  return [...output.matchAll(/^(\S+) claimed (\S+) for run (\S+) \(token (\d+)\)$/gm)];
}

/** Each claim of a process's log, to its `released` line, or to `end` (a process killed with the claim held). */
function intervalsOf(output: string, process: number, end: number): ClaimInterval[] {
  const released = new Map<string, number>();
  for (const match of output.matchAll(/^(\S+) released (\S+) after run (\S+)/gm)) released.set(match[3]!, Date.parse(match[1]!));
  return claimLines(output).map((match) => ({
    process,
    environment: match[2]!,
    runId: match[3]!,
    token: Number(match[4]),
    from: Date.parse(match[1]!),
    to: released.get(match[3]!) ?? end,
  }));
}

/** Pairs of claims of one environment that overlap in time. */
export function overlaps(claims: readonly ClaimInterval[]): [ClaimInterval, ClaimInterval][] {
  const found: [ClaimInterval, ClaimInterval][] = [];
  const sorted = [...claims].sort((a, b) => a.from - b.from);
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      const [a, b] = [sorted[i]!, sorted[j]!];
      if (a.environment === b.environment && b.from < a.to) found.push([a, b]);
    }
  }
  return found;
}

/** The most claims held at once, across processes. */
export function peakConcurrency(claims: readonly ClaimInterval[]): number {
  const events = claims
    .flatMap(
      (c) =>
        [
          [c.from, 1],
          [c.to, -1],
        ] as [number, number][],
    )
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, delta] of events) peak = Math.max(peak, (now += delta));
  return peak;
}
