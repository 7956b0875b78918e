/**
 * The AWS API emulator of the project's own checks: moto, started through
 * scripts/emulator.py from the checkout's .venv (scripts/setup-tools.sh
 * installs it) on a free port of 127.0.0.1. Test only: nothing in src/
 * outside verification loads it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { EMULATOR_CREDENTIALS } from '../core/index';

const ROOT = resolve(__dirname, '..', '..');
const PYTHON = join(ROOT, '.venv', 'bin', 'python');
const LAUNCHER = join(ROOT, 'scripts', 'emulator.py');
const START_TIMEOUT_MS = 60_000;

/** A hosted zone that exists before the stacks, with the ID the configuration names. */
export interface HostedZone {
  readonly name: string;
  readonly id: string;
}

/** An ACM certificate that exists before the stacks, by the ARN the configuration names. */
export interface ExistingCertificate {
  readonly arn: string;
  readonly domain: string;
}

export interface EmulatorOptions {
  /** The account every call is answered as (the stacks' allowed account). */
  readonly account: string;
  /** Zones to create first. @default none */
  readonly hostedZones?: readonly HostedZone[];
  /** Issued certificates to create first. @default none */
  readonly certificates?: readonly ExistingCertificate[];
  /** Empty S3 buckets to create first, as REGION/NAME (a state bucket made elsewhere). @default none */
  readonly buckets?: readonly string[];
}

export interface Emulator {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly account: string;
  /** Settings for AWS SDK clients: endpoint and dummy keys. */
  clientSettings(region: string): EmulatorClientSettings;
  stop(): Promise<void>;
}

export interface EmulatorClientSettings {
  readonly region: string;
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Path-style bucket URLs: the emulator has no wildcard DNS name. */
  readonly forcePathStyle: true;
}

/** Starts the emulator; a missing .venv or a launcher that does not answer in time is an error saying what to do. */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  if (!existsSync(PYTHON)) throw new Error(`the AWS API emulator is not installed (${PYTHON} is missing): run \`bash scripts/setup-tools.sh\` (Python 3.9+ with venv)`);
  const port = await freePort();
  const args = [LAUNCHER, '--port', String(port), '--account', options.account,
    ...(options.hostedZones ?? []).flatMap((zone) => ['--hosted-zone', `${zone.name}=${zone.id}`]),
    ...(options.certificates ?? []).flatMap((certificate) => ['--certificate', `${certificate.arn}=${certificate.domain}`]),
    ...(options.buckets ?? []).flatMap((bucket) => ['--bucket', bucket])];
  const child = spawn(PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  const endpoint = await readyLine(child).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    endpoint,
    account: options.account,
    clientSettings: (region) => ({ region, endpoint, credentials: { ...EMULATOR_CREDENTIALS }, forcePathStyle: true }),
    stop: () => stopChild(child),
  };
}

function readyLine(child: ChildProcess): Promise<string> {
  return new Promise((resolveReady, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`the AWS API emulator did not start within ${START_TIMEOUT_MS / 1000} s:\n${stderr}`)), START_TIMEOUT_MS);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const ready = /^ready (\S+)$/m.exec(stdout);
      if (ready) {
        clearTimeout(timer);
        resolveReady(ready[1]!);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the AWS API emulator exited (${code}) before it was ready:\n${stderr}`));
    });
  });
}

/** Closing its input stops the launcher; SIGKILL if it has not gone in 10 s. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.stdin!.end();
  });
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no free port'))));
    });
  });
}
