import { spawn } from 'node:child_process';

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
  /**
   * Piped into terraform's standard input, which then answers its prompts
   * (input is switched on for this run). @default no input
   */
  readonly input?: NodeJS.ReadableStream;
}

/** Runs `terraform ARGS` in `cwd` without blocking; a missing binary is an error that says so. */
export function terraform(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, options: RunOptions = {}): Promise<CommandResult> {
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
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      stdout += text;
      options.onOutput?.(text);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      options.onOutput?.(text);
    });
    child.on('spawn', () => { if (child.pid !== undefined) options.onStart?.(child.pid); });
    child.on('error', (error: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(error.code === 'ENOENT' ? new TerraformMissingError() : error);
    });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', onAbort);
      const okCodes = options.okCodes ?? [0];
      resolvePromise({ ok: code !== null && okCodes.includes(code), exitCode: code, output, stdout, seconds: (Date.now() - started) / 1000 });
    });
  });
}

export class TerraformMissingError extends Error {
  constructor() {
    super('terraform is not on the PATH: install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install) and run again');
    this.name = 'TerraformMissingError';
  }
}
