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
  const started = Date.now();
  const file = options.outputFile;
  const fd = file === undefined ? undefined : openSync(file, 'w');
  return new Promise((resolvePromise, reject) => {
    const child = spawn('terraform', args, {
      cwd,
      env: options.input ? { ...env, TF_INPUT: '1' } : env,
      stdio: fd === undefined ? 'pipe' : [options.input ? 'pipe' : 'ignore', fd, fd],
    });
    // The child holds its own copy of the descriptor.
    if (fd !== undefined) closeSync(fd);
    if (child.stdin) {
      // A closed standard input unless answers come (an early exit of terraform makes writing fail: ignored).
      child.stdin.on('error', () => undefined);
      if (options.input) options.input.pipe(child.stdin);
      else child.stdin.end();
    }
    let output = '';
    let stdout = '';
    const collect = (text: string, fromStdout: boolean) => {
      output += text;
      if (fromStdout) stdout += text;
      if (text) options.onOutput?.(text);
    };
    // From a file, stdout and stderr come interleaved: both count as stdout.
    const tail = file === undefined ? undefined : tailFile(file, (text) => collect(text, true));
    child.stdout?.setEncoding('utf8').on('data', (text: string) => collect(text, true));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => collect(text, false));
    const onAbort = () => child.kill('SIGINT');
    const onKill = () => child.kill('SIGKILL');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    options.kill?.addEventListener('abort', onKill, { once: true });
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      options.signal?.removeEventListener('abort', onAbort);
      options.kill?.removeEventListener('abort', onKill);
      tail?.close();
    };
    child.on('spawn', () => {
      if (child.pid !== undefined) options.onStart?.(child.pid);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish();
      reject(error.code === 'ENOENT' ? new TerraformMissingError() : error);
    });
    child.on('close', (code) => {
      finish();
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

/** Reads `file` as it grows (every 100 ms), passing each new piece of text to `onText`; `close` reads the rest and stops. */
function tailFile(file: string, onText: (text: string) => void): { close(): void } {
  const reader = openSync(file, 'r');
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.alloc(64 * 1024);
  const readNew = () => {
    for (let n = readSync(reader, buffer); n > 0; n = readSync(reader, buffer)) onText(decoder.write(buffer.subarray(0, n)));
  };
  const timer = setInterval(readNew, 100);
  return {
    close: () => {
      clearInterval(timer);
      readNew();
      closeSync(reader);
    },
  };
}

export class TerraformMissingError extends Error {
  constructor() {
    super('terraform is not on the PATH: install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install) and run again');
    this.name = 'TerraformMissingError';
  }
}
