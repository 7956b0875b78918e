/**
 * The watched configuration repository, as data only: a bare mirror under
 * the data folder, fetched on demand, from which the controller reads the
 * YAML of one commit. Nothing from the repository is ever executed: no
 * checkout (so no hooks, filters or submodules), hooks disabled, and only
 * `*.yaml` files of the config folder are written out.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { ENVIRONMENT_NAME } from '../../core/index';
import { Redactor } from '../redact';

export interface ChangedFiles {
  readonly added: readonly string[];
  readonly modified: readonly string[];
  readonly removed: readonly string[];
}

export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

/** Options that keep git from running anything the repository provides, or asking for input. */
const SAFE = ['-c', 'core.hooksPath=/dev/null', '-c', 'protocol.file.allow=always', '-c', 'credential.interactive=never'];

/** The longest a git command (a fetch, mostly) may take. */
const GIT_TIMEOUT_MS = 120_000;

/** The controller's secrets: git (and what it may start: credential helpers, ssh, hooks) never sees them in its environment. */
export const SECRET_VARIABLES: readonly string[] = [
  'WEBHOOK_SECRET',
  'API_TOKEN',
  'GITHUB_TOKEN',
  'GITHUB_APP_PRIVATE_KEY',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_ACCESS_KEY_ID',
];

/** The token, and the header value git holds it in, never reach an error message. */
function redactorFor(token: string | undefined): Redactor {
  return new Redactor(token ? [token, Buffer.from(`x-access-token:${token}`).toString('base64')] : []);
}

function withoutSecrets(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !SECRET_VARIABLES.includes(name)));
}

/** Where the GitHub token is sent: only to github.com over HTTPS. */
const GITHUB_HTTPS = 'https://github.com/';

/**
 * The child environment of git for `url`: with a token and an https
 * github.com URL, an `Authorization` header for github.com given through
 * GIT_CONFIG_COUNT/KEY/VALUE (git reads them as `-c` options), so the token
 * is on no command line (ps), in no URL (errors, logs) and never written
 * into the mirror's config. Other URLs get no token.
 */
export function gitEnvironment(url: string, token: string | undefined, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...withoutSecrets(base), GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1' };
  if (!token || !url.startsWith(GITHUB_HTTPS)) return env;
  const count = Number(base.GIT_CONFIG_COUNT ?? 0) || 0;
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return {
    ...env,
    GIT_CONFIG_COUNT: String(count + 1),
    [`GIT_CONFIG_KEY_${count}`]: `http.${GITHUB_HTTPS}.extraheader`,
    [`GIT_CONFIG_VALUE_${count}`]: `AUTHORIZATION: basic ${basic}`,
  };
}

/** Answers about commits never change: keep the latest few hundred. */
const CACHE_SIZE = 500;

/** A GitHub token, or where to get a fresh one before each fetch (a GitHub App's installation token expires within the hour). */
export type GitToken = string | undefined | (() => Promise<string | undefined>);

export class ConfigRepository {
  private readonly env: NodeJS.ProcessEnv;
  private readonly redactor: Redactor;
  private fetching?: Promise<void>;
  private lastFetchOk = false;
  private readonly known = new Map<string, Promise<unknown>>();

  /**
   * @param url where to fetch from: a URL git understands or a local path
   * @param mirror the bare mirror's folder (created on first fetch)
   * @param configPath the config folder inside the repository, for example `environments`
   * @param token a GitHub token for a private https://github.com/ repository, or a function that gives a fresh one for each fetch (default: GITHUB_TOKEN of the process; none: anonymous)
   */
  constructor(
    readonly url: string,
    readonly mirror: string,
    readonly configPath: string,
    private readonly token: GitToken = process.env.GITHUB_TOKEN,
  ) {
    this.env = gitEnvironment(url, typeof token === 'function' ? undefined : token);
    this.redactor = redactorFor(typeof token === 'function' ? undefined : token);
  }

  /** What a clone or fetch runs with: the token of now (a function's is asked each time). */
  private async credentials(): Promise<{ env: NodeJS.ProcessEnv; redactor: Redactor }> {
    if (typeof this.token !== 'function' || !this.url.startsWith(GITHUB_HTTPS)) return { env: this.env, redactor: this.redactor };
    const token = await this.token();
    return { env: gitEnvironment(this.url, token), redactor: redactorFor(token) };
  }

  /** The config folder normalised (no leading ./, no trailing /; `.` for the root). */
  get configDir(): string {
    return posix.normalize(this.configPath.replace(/\\/g, '/')).replace(/^\.\/|\/$/g, '') || '.';
  }

  /** Fetches every branch and pull request ref; concurrent callers share one fetch. */
  fetch(): Promise<void> {
    this.fetching ??= this.doFetch()
      .then(
        () => {
          this.lastFetchOk = true;
        },
        (error: unknown) => {
          this.lastFetchOk = false;
          throw error;
        },
      )
      .finally(() => {
        this.fetching = undefined;
      });
    return this.fetching;
  }

  private async doFetch(): Promise<void> {
    const { env, redactor } = await this.credentials();
    if (!existsSync(join(this.mirror, 'HEAD'))) {
      mkdirSync(dirname(this.mirror), { recursive: true });
      rmSync(this.mirror, { recursive: true, force: true });
      await git(['clone', '--mirror', '--quiet', '--', this.url, this.mirror], env, redactor);
      return;
    }
    await git(['--git-dir', this.mirror, 'fetch', '--prune', '--quiet', 'origin'], env, redactor);
  }

  /** Whether the repository can be read (readiness): the last fetch worked, or a fetch now does. */
  async reachable(): Promise<boolean> {
    if (this.lastFetchOk && existsSync(join(this.mirror, 'HEAD'))) return true;
    try {
      await this.fetch();
      return true;
    } catch {
      return false;
    }
  }

  /** The commit a branch points at, or undefined when there is no such branch. */
  head(branch: string): Promise<string | undefined> {
    return this.resolve(`refs/heads/${branch}`);
  }

  /** The commit a full ref name (refs/...) points at, or undefined. */
  async resolve(ref: string): Promise<string | undefined> {
    try {
      return (await this.git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** Whether the mirror has the commit (after a fetch). */
  async hasCommit(commit: string): Promise<boolean> {
    if (!/^[0-9a-f]{40}$/.test(commit)) return false;
    if (this.known.has(`has:${commit}`)) return true;
    try {
      await this.git(['cat-file', '-e', `${commit}^{commit}`]);
      this.remember(`has:${commit}`, Promise.resolve(true));
      return true;
    } catch {
      return false;
    }
  }

  /** The environment names (file stems) of the config folder at a commit. */
  environmentsAt(commit: string): Promise<string[]> {
    // Fetched first, and never remembered for a commit not here: an empty answer for it would stick.
    return this.cached(`environments:${commit}`, async () => {
      if (!(await this.hasCommit(commit))) await this.fetch();
      if (!(await this.hasCommit(commit))) throw new Error(`commit ${commit} is not in the repository (after a fetch)`);
      return this.yamlFilesAt(commit);
    }).then((files) =>
      files
        .map((f) => posix.basename(f, '.yaml'))
        .filter((n) => n !== 'defaults' && ENVIRONMENT_NAME.test(n))
        .sort(),
    );
  }

  /**
   * The files changed from `base` to `head` (`base...head`: since their
   * merge base, as a pull request shows), fetching first when either commit
   * is new here. Memoised: a commit pair's answer never changes.
   */
  changedFiles(base: string, head: string, mergeBase = true): Promise<ChangedFiles> {
    return this.cached(`changed:${base}:${head}:${mergeBase}`, async () => {
      if (!(await this.hasCommit(base)) || !(await this.hasCommit(head))) await this.fetch();
      return this.diff(base, head, mergeBase);
    });
  }

  private async diff(base: string, head: string, mergeBase: boolean): Promise<ChangedFiles> {
    const out = await this.git([
      'diff',
      '--name-status',
      '--no-renames',
      '-z',
      mergeBase ? `${base}...${head}` : base,
      ...(mergeBase ? [] : [head]),
    ]);
    const parts = out.split('\0').filter(Boolean);
    const added: string[] = [];
    const modified: string[] = [];
    const removed: string[] = [];
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const [status, file] = [parts[i]!, parts[i + 1]!];
      (status.startsWith('A') ? added : status.startsWith('D') ? removed : modified).push(file);
    }
    return { added, modified, removed };
  }

  /** Whether `older` is an ancestor of `newer` (both fetched); memoised. */
  isAncestor(older: string, newer: string): Promise<boolean> {
    if (older === newer) return Promise.resolve(false);
    return this.cached(`ancestor:${older}:${newer}`, async () => {
      if (!(await this.hasCommit(older)) || !(await this.hasCommit(newer))) await this.fetch();
      try {
        await this.git(['merge-base', '--is-ancestor', older, newer]);
        return true;
      } catch {
        return false;
      }
    });
  }

  /** The parent of a commit, or undefined for a root commit. */
  async parentOf(commit: string): Promise<string | undefined> {
    try {
      return (await this.git(['rev-parse', '--verify', '--quiet', `${commit}^`])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Writes the config folder's `*.yaml` files (direct children only) of
   * `commit` into `dir`, replacing it. Returns the file names written.
   */
  async writeConfigAt(commit: string, dir: string): Promise<string[]> {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const files = await this.yamlFilesAt(commit);
    const contents = await this.readBlobs(files.map((f) => `${commit}:${f}`));
    files.forEach((file, i) => writeFileSync(join(dir, posix.basename(file)), contents[i]!));
    return files.map((f) => posix.basename(f));
  }

  /** The contents of several `<commit>:<path>` objects from one `git cat-file --batch` (one process, however many files). */
  private readBlobs(objects: readonly string[]): Promise<Buffer[]> {
    if (objects.length === 0) return Promise.resolve([]);
    return new Promise((resolveBlobs, reject) => {
      const child = spawn('git', [...SAFE, '--git-dir', this.mirror, 'cat-file', '--batch'], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: this.env,
      });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code !== 0) return reject(new GitError(`git cat-file --batch failed (exit ${code})`));
        const out = Buffer.concat(chunks);
        const blobs: Buffer[] = [];
        let at = 0;
        for (const object of objects) {
          const end = out.indexOf(0x0a, at);
          const header = out.subarray(at, end).toString('utf8');
          const size = Number(/^[0-9a-f]+ blob (\d+)$/.exec(header)?.[1]);
          if (!Number.isFinite(size)) return reject(new GitError(`git cat-file --batch: ${object}: ${header}`));
          blobs.push(out.subarray(end + 1, end + 1 + size));
          at = end + 1 + size + 1;
        }
        resolveBlobs(blobs);
      });
      child.stdin.end(`${objects.join('\n')}\n`);
    });
  }

  /** Memoised by key: only for answers about commits, which never change (a failure is not kept). */
  private cached<T>(key: string, work: () => Promise<T>): Promise<T> {
    const hit = this.known.get(key) as Promise<T> | undefined;
    if (hit) return hit;
    const promise = work();
    this.remember(key, promise);
    promise.catch(() => this.known.delete(key));
    return promise;
  }

  private remember(key: string, value: Promise<unknown>): void {
    this.known.set(key, value);
    if (this.known.size > CACHE_SIZE) this.known.delete(this.known.keys().next().value!);
  }

  private async yamlFilesAt(commit: string): Promise<string[]> {
    const tree = this.configDir === '.' ? `${commit}` : `${commit}:${this.configDir}`;
    let listing: string;
    try {
      listing = await this.git(['ls-tree', '-z', '--name-only', tree]);
    } catch {
      return [];
    }
    return listing
      .split('\0')
      .filter((n) => n.endsWith('.yaml') && !n.includes('/'))
      .map((n) => (this.configDir === '.' ? n : `${this.configDir}/${n}`))
      .sort();
  }

  private git(args: readonly string[]): Promise<string>;
  private git(args: readonly string[], encoding: 'buffer'): Promise<Buffer>;
  private git(args: readonly string[], encoding?: 'buffer'): Promise<string | Buffer> {
    return git(['--git-dir', this.mirror, ...args], this.env, this.redactor, encoding);
  }
}

function git(args: readonly string[], env: NodeJS.ProcessEnv, redactor: Redactor, encoding?: 'buffer'): Promise<string | Buffer> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      'git',
      [...SAFE, ...args],
      {
        // A remote that hangs must not hold every run (and readiness) forever.
        timeout: GIT_TIMEOUT_MS,
        encoding: encoding === 'buffer' ? 'buffer' : 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        env,
      },
      (error, stdout, stderr) => {
        if (error)
          reject(
            new GitError(
              redactor.redact(
                `git ${args
                  .filter((a) => a !== '--quiet')
                  .slice(0, 4)
                  .join(' ')} failed: ${String(stderr).trim() || error.message}`,
              ),
            ),
          );
        else resolvePromise(stdout);
      },
    );
  });
}
