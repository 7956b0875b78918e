import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export interface CommandResult {
  readonly ok: boolean;
  /** The exit code (2 from `plan -detailed-exitcode` means changes). */
  readonly exitCode: number | null;
  /** stdout and stderr, interleaved as they came. */
  readonly output: string;
  /** stdout alone (JSON commands). */
  readonly stdout: string;
  readonly seconds: number;
}

export interface RunOptions {
  /** Called with each chunk of output as it comes. */
  readonly onOutput?: (text: string) => void;
  /** Aborting sends terraform SIGINT, which it answers by stopping cleanly (releasing its lock). */
  readonly signal?: AbortSignal;
  /** Exit codes that count as success. @default [0] */
  readonly okCodes?: readonly number[];
  /** Called with the child's process ID once it started. */
  readonly onStart?: (pid: number) => void;
  /** Aborting SIGKILLs terraform, as a crash would: it cannot release its lock (a run that already ended is left alone). */
  readonly kill?: AbortSignal;
  /**
   * Piped into terraform's standard input, which then answers its prompts
   * (input is switched on for this run). @default no input
   */
  readonly input?: NodeJS.ReadableStream;
  /**
   * A file that takes terraform's stdout and stderr instead of pipes to this
   * process (read back as it grows). Terraform then outlives this process:
   * with pipes, its next line after this process died would kill it
   * (SIGPIPE) half-way through writing the state, its lock left held.
   * `stdout` of the result is then the interleaved output. @default pipes
   */
  readonly outputFile?: string;
}

/** Runs `terraform ARGS` in `cwd` without blocking; a missing binary is an error that says so. */
export function terraform(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, options: RunOptions = {}): Promise<CommandResult> {
  if (options.outputFile !== undefined) return terraformToFile(args, cwd, env, options, options.outputFile);
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn('terraform', args, { cwd, env: options.input ? { ...env, TF_INPUT: '1' } : env, stdio: 'pipe' });
    // A closed standard input unless answers come (an early exit of terraform makes writing fail: ignored).
    child.stdin.on('error', () => undefined);
    if (options.input) options.input.pipe(child.stdin);
    else child.stdin.end();
    let output = '';
    let stdout = '';
    const onAbort = () => child.kill('SIGINT');
    const onKill = () => child.kill('SIGKILL');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    options.kill?.addEventListener('abort', onKill, { once: true });
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      stdout += text;
      options.onOutput?.(text);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      options.onOutput?.(text);
    });
    child.on('spawn', () => {
      if (child.pid !== undefined) options.onStart?.(child.pid);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', onAbort);
      options.kill?.removeEventListener('abort', onKill);
      reject(error.code === 'ENOENT' ? new TerraformMissingError() : error);
    });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', onAbort);
      options.kill?.removeEventListener('abort', onKill);
      const okCodes = options.okCodes ?? [0];
      resolvePromise({
        ok: code !== null && okCodes.includes(code),
        exitCode: code,
        output,
        stdout,
        seconds: (Date.now() - started) / 1000,
      });
    });
  });
}

/** `terraform` with its output going to `file` (see RunOptions.outputFile), read back every 100 ms. */
function terraformToFile(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  options: RunOptions,
  file: string,
): Promise<CommandResult> {
  const started = Date.now();
  const fd = openSync(file, 'w');
  const reader = openSync(file, 'r');
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.alloc(64 * 1024);
  let output = '';
  const readNew = () => {
    for (let n = readSync(reader, buffer); n > 0; n = readSync(reader, buffer)) {
      const text = decoder.write(buffer.subarray(0, n));
      output += text;
      if (text) options.onOutput?.(text);
    }
  };
  return new Promise((resolvePromise, reject) => {
    const child = spawn('terraform', args, {
      cwd,
      env: options.input ? { ...env, TF_INPUT: '1' } : env,
      stdio: [options.input ? 'pipe' : 'ignore', fd, fd],
    });
    // The child holds its own copy of the descriptor.
    closeSync(fd);
    if (options.input && child.stdin) {
      child.stdin.on('error', () => undefined);
      options.input.pipe(child.stdin);
    }
    const tail = setInterval(readNew, 100);
    const onAbort = () => child.kill('SIGINT');
    const onKill = () => child.kill('SIGKILL');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    options.kill?.addEventListener('abort', onKill, { once: true });
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      clearInterval(tail);
      options.signal?.removeEventListener('abort', onAbort);
      options.kill?.removeEventListener('abort', onKill);
      readNew();
      closeSync(reader);
    };
    child.on('spawn', () => {
      if (child.pid !== undefined) options.onStart?.(child.pid);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      done();
      reject(error.code === 'ENOENT' ? new TerraformMissingError() : error);
    });
    child.on('close', (code) => {
      done();
      const okCodes = options.okCodes ?? [0];
      resolvePromise({
        ok: code !== null && okCodes.includes(code),
        exitCode: code,
        output,
        stdout: output,
        seconds: (Date.now() - started) / 1000,
      });
    });
  });
}

export class TerraformMissingError extends Error {
  constructor() {
    super('terraform is not on the PATH: install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install) and run again');
    this.name = 'TerraformMissingError';
  }
}
