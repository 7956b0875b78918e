/**
 * A config folder as it is at a git ref (branch, tag, commit) of the
 * repository holding it: `cost --compare REF` and `plan --base REF` read the
 * environments before a change from there.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/problems';

/** The folder at the ref, for the duration of `work`. */
export interface ConfigAtRef {
  /** A temporary folder holding the YAML files of the config folder at the ref. */
  readonly dir: string;
  /** Whether the folder held no environment at the ref (only defaults.yaml, or nothing: the change that adds them). */
  readonly empty: boolean;
}

/**
 * Runs `work` on the YAML files of `configDir` as they are at `ref`, written
 * to a temporary folder that is removed afterwards. Problems in those files
 * name them as `REF:DIR/file`; a ref that is not a commit is a ConfigError
 * naming `flag` (the option that gave it) and `fix`.
 */
export function withConfigAtRef<T>(configDir: string, ref: string, flag: string, work: (folder: ConfigAtRef) => T, fix?: string): T {
  const dir = writeConfigAtRef(configDir, ref, flag, fix);
  try {
    const empty = readdirSync(dir).filter((f) => f !== 'defaults.yaml').length === 0;
    return work({ dir, empty });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(error.problems.map((p) => ({ ...p, file: p.file.replace(dir, `${ref}:${configDir}`) })));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The full commit ID of `ref` in the repository holding `configDir`, or a ConfigError naming `flag`. */
export function commitOf(configDir: string, ref: string, flag: string, fix = 'give a branch, tag or commit'): string {
  try {
    return git(configDir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).trim();
  } catch {
    throw new ConfigError([
      {
        file: configDir,
        line: 1,
        column: 1,
        keyPath: '',
        message: `${flag} ${ref}: not a commit of the git repository holding ${configDir}; ${fix}`,
      },
    ]);
  }
}

function writeConfigAtRef(configDir: string, ref: string, flag: string, fix?: string): string {
  const commit = commitOf(configDir, ref, flag, fix);
  const dir = mkdtempSync(join(tmpdir(), 'platform-at-ref-'));
  for (const name of git(configDir, ['ls-tree', '--name-only', commit, '--', '.'])
    .split('\n')
    .filter((n) => n.endsWith('.yaml'))) {
    writeFileSync(join(dir, name), git(configDir, ['show', `${commit}:./${name}`]));
  }
  return dir;
}

function git(cwd: string, args: readonly string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
}
