/**
 * The command line run in the test's own process: the same commander program
 * as `platform` (src/cli/program.ts), its exit code, and what it wrote to
 * stdout and stderr (console, the streams, and the synchronous writes of
 * src/cli/sync-output.ts). No child process and no second load of cdktf, so a
 * unit suite can check the CLI's output for the price of the work itself.
 * The true process (bin/platform.js: its start, the catch-all, exit codes from
 * a real exit) is checked by the end-to-end suites (runCli in helpers.ts).
 */
import { createProgram } from '../../src/cli/program';

export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

class Exit extends Error {
  constructor(readonly code: number) {
    super(`process.exit(${code})`);
  }
}

/** Node's own fs module (an `import * as` would be a copy of it): its writeSync is what src/cli/sync-output.ts calls. */
const fs = require('node:fs') as typeof import('node:fs');

let running = false;

/** Runs `platform ...args` in-process; `env` adds to the environment for the run. */
export async function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  if (running) throw new Error('cli(): one in-process run at a time');
  running = true;
  const out: string[] = [];
  const err: string[] = [];
  const text = (value: unknown) => (typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : String(value));
  const line = (values: unknown[]) => `${values.map((v) => (typeof v === 'string' ? v : require('node:util').inspect(v))).join(' ')}\n`;
  const saved = {
    log: console.log,
    info: console.info,
    warn: console.warn,
    error: console.error,
    stdout: process.stdout.write,
    stderr: process.stderr.write,
    writeSync: fs.writeSync,
    exit: process.exit,
    exitCode: process.exitCode,
    env: { ...process.env },
  };
  console.log = (...values: unknown[]) => void out.push(line(values));
  console.info = console.log;
  console.warn = (...values: unknown[]) => void err.push(line(values));
  console.error = console.warn;
  process.stdout.write = ((chunk: unknown) => out.push(text(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown) => err.push(text(chunk)) > 0) as typeof process.stderr.write;
  (fs as { writeSync: unknown }).writeSync = (fd: number, data: unknown, offset?: number, ...rest: unknown[]) => {
    if (fd !== 1 && fd !== 2) return (saved.writeSync as (...a: unknown[]) => number)(fd, data, offset, ...rest);
    const bytes = Buffer.isBuffer(data) ? data.subarray(typeof offset === 'number' ? offset : 0) : Buffer.from(String(data));
    (fd === 1 ? out : err).push(bytes.toString('utf8'));
    return bytes.length;
  };
  process.exit = ((code?: number) => {
    throw new Exit(code ?? 0);
  }) as typeof process.exit;
  Object.assign(process.env, env);
  let status = 0;
  try {
    await createProgram().parseAsync([...args], { from: 'user' });
    status = typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (!(error instanceof Exit)) throw error;
    status = error.code;
  } finally {
    console.log = saved.log;
    console.info = saved.info;
    console.warn = saved.warn;
    console.error = saved.error;
    process.stdout.write = saved.stdout;
    process.stderr.write = saved.stderr;
    (fs as { writeSync: unknown }).writeSync = saved.writeSync;
    process.exit = saved.exit;
    process.exitCode = saved.exitCode;
    for (const name of Object.keys(process.env)) if (!(name in saved.env)) delete process.env[name];
    Object.assign(process.env, saved.env);
    running = false;
  }
  return { status, stdout: out.join(''), stderr: err.join('') };
}
