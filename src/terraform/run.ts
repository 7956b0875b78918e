import { spawnSync } from 'node:child_process';

export interface CommandResult {
  readonly ok: boolean;
  readonly output: string;
  readonly seconds: number;
}

/** Runs `terraform ARGS` in `cwd`; a missing binary is an error that says so. */
export function terraform(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): CommandResult {
  const started = Date.now();
  const result = spawnSync('terraform', args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new TerraformMissingError();
  }
  return {
    ok: result.status === 0,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}`,
    seconds: (Date.now() - started) / 1000,
  };
}

export class TerraformMissingError extends Error {
  constructor() {
    super('terraform is not on the PATH: install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install) and run again');
    this.name = 'TerraformMissingError';
  }
}
