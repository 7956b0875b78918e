/**
 * What the controller tests need: a configuration repository (a bare git
 * repository as the remote, and a clone the tests commit and push from),
 * the controller started as its own process on a free port, and webhook
 * deliveries shaped and signed like GitHub's.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signPayload } from '../../src/controller/github/signature';
import { GitHubStandIn } from './github-standin';
import { EXAMPLES_DIR } from './fixture-dirs';

export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789abcdef';
export const API_TOKEN = 'test-api-token-0123456789abcdefghijk';
export const REPOSITORY = 'shop/platform-config';
export const GITHUB_TOKEN = 'test-github-token-89';
/** The GitHub users of the tests, by user token (the stand-in answers GET /user with them). */
export const USER_TOKENS: Readonly<Record<string, string>> = {
  'user-token-platform-lead': 'platform-lead',
  'user-token-sre-oncall': 'sre-oncall',
  'user-token-mallory': 'mallory',
};
/** The user token of a login of USER_TOKENS. */
export const userToken = (login: string) => `user-token-${login}`;

/** A file of the tests' copy of the example environments (never the team's environments/). */
export const example = (name: string): string => readFileSync(join(EXAMPLES_DIR, name), 'utf8');

/** `text` with `from` replaced by `to`; throws when `from` is not there, so an edit of the examples never silently does nothing. */
export function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`edit: ${JSON.stringify(from)} is not in the text (did the example environments change?)`);
  return text.replace(from, to);
}

export class ConfigRemote {
  readonly root = mkdtempSync(join(tmpdir(), 'controller-repo-'));
  readonly bare = join(this.root, 'remote.git');
  readonly work = join(this.root, 'work');

  /** A remote holding the example environments (or `files`) on main. */
  constructor(files?: Record<string, string>) {
    git(this.root, 'init', '--quiet', '--bare', '--initial-branch=main', this.bare);
    git(this.root, 'init', '--quiet', '--initial-branch=main', this.work);
    git(this.work, 'remote', 'add', 'origin', this.bare);
    git(this.work, 'config', 'user.email', 'dev@example.com');
    git(this.work, 'config', 'user.name', 'Dev');
    mkdirSync(join(this.work, 'environments'), { recursive: true });
    if (files) {
      for (const [name, text] of Object.entries(files)) this.write(name, text);
    } else {
      for (const name of readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.yaml')))
        cpSync(join(EXAMPLES_DIR, name), join(this.work, 'environments', name));
    }
    writeFileSync(join(this.work, 'README.md'), 'config\n');
    this.commit('initial environments');
    git(this.work, 'push', '--quiet', 'origin', 'main');
  }

  write(path: string, text: string): void {
    mkdirSync(join(this.work, path, '..'), { recursive: true });
    writeFileSync(join(this.work, path), text);
  }

  remove(path: string): void {
    git(this.work, 'rm', '--quiet', path);
  }

  /** Commits everything; returns the new commit. */
  commit(message: string): string {
    git(this.work, 'add', '-A');
    git(this.work, 'commit', '--quiet', '-m', message);
    return this.head();
  }

  head(ref = 'HEAD'): string {
    return git(this.work, 'rev-parse', ref).trim();
  }

  checkout(branch: string, create = false): void {
    git(this.work, 'checkout', '--quiet', ...(create ? ['-b'] : []), branch);
  }

  /** Pushes a branch; returns the push payload GitHub would send. */
  push(branch = 'main'): Record<string, unknown> {
    const before = (() => {
      try {
        return git(this.work, 'rev-parse', '--verify', '--quiet', `origin/${branch}`).trim() || '0'.repeat(40);
      } catch {
        return '0'.repeat(40);
      }
    })();
    git(this.work, 'push', '--quiet', 'origin', branch);
    const after = this.head(branch);
    return pushPayload(this.work, branch, before, after);
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A push payload as GitHub sends it: the commits with their added, modified and removed files. */
export function pushPayload(repo: string, branch: string, before: string, after: string): Record<string, unknown> {
  const range = /^0+$/.test(before) ? after : `${before}..${after}`;
  const shas = git(repo, 'rev-list', '--reverse', range).trim().split('\n').filter(Boolean);
  const commits = shas.map((sha) => {
    const files = { added: [] as string[], modified: [] as string[], removed: [] as string[] };
    for (const line of git(repo, 'diff-tree', '--no-commit-id', '--name-status', '-r', '--root', sha).trim().split('\n').filter(Boolean)) {
      const [status, file] = line.split('\t');
      (status === 'A' ? files.added : status === 'D' ? files.removed : files.modified).push(file!);
    }
    return {
      id: sha,
      message: git(repo, 'log', '-1', '--format=%s', sha).trim(),
      timestamp: new Date().toISOString(),
      author: { name: 'Dev', email: 'dev@example.com', username: 'dev' },
      ...files,
    };
  });
  return {
    ref: `refs/heads/${branch}`,
    before,
    after,
    created: /^0+$/.test(before),
    deleted: false,
    forced: false,
    repository: { id: 1, name: 'platform-config', full_name: REPOSITORY, default_branch: 'main', owner: { login: 'shop' } },
    pusher: { name: 'dev', email: 'dev@example.com' },
    sender: { login: 'dev' },
    commits,
    head_commit: commits[commits.length - 1] ?? null,
  };
}

/** A pull_request payload for a head commit on `headRef` into main. */
export function pullRequestPayload(options: {
  action: string;
  number: number;
  headSha: string;
  headRef: string;
  baseSha: string;
  fork?: boolean;
  merged?: boolean;
  author?: string;
}): Record<string, unknown> {
  const base = { id: 1, name: 'platform-config', full_name: REPOSITORY, default_branch: 'main', owner: { login: 'shop' } };
  const head = options.fork
    ? { id: 2, name: 'platform-config', full_name: 'stranger/platform-config', owner: { login: 'stranger' } }
    : base;
  return {
    action: options.action,
    number: options.number,
    pull_request: {
      number: options.number,
      state: options.action === 'closed' ? 'closed' : 'open',
      merged: options.merged ?? false,
      draft: false,
      user: { login: options.author ?? 'dev' },
      head: { ref: options.headRef, sha: options.headSha, repo: head },
      base: { ref: 'main', sha: options.baseSha, repo: base },
    },
    repository: base,
    sender: { login: options.author ?? 'dev' },
  };
}

/** An issue_comment payload: `body` commented on pull request `number` by `login`. */
export function commentPayload(number: number, body: string, login: string): Record<string, unknown> {
  return {
    action: 'created',
    issue: { number, pull_request: { url: `https://api.github.com/repos/${REPOSITORY}/pulls/${number}` }, user: { login: 'dev' } },
    comment: { id: Math.floor(Math.random() * 1e9), body, user: { login } },
    repository: { id: 1, name: 'platform-config', full_name: REPOSITORY, default_branch: 'main', owner: { login: 'shop' } },
    sender: { login },
  };
}

export interface Started {
  readonly url: string;
  readonly process: ChildProcess;
  readonly output: () => string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL the controller and everything it started (its process group), as a crashed task would lose them. */
  kill(): Promise<void>;
  /** SIGKILL the controller's node process alone: what it started (Terraform) outlives it. */
  killNodeOnly(): Promise<void>;
}

/**
 * Starts `serve` as its own process group on a free port, as the image's
 * ENTRYPOINT does (`node bin/platform.js`, no `--require`), and waits for
 * its `listening on` line.
 */
export function startController(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const child = spawn(process.execPath, ['bin/platform.js', 'serve', '--port', '0', ...args], {
    env: { ...process.env, CHECKPOINT_DISABLE: '1', WEBHOOK_SECRET, API_TOKEN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (t: string) => {
    output += t;
  });
  child.stderr!.setEncoding('utf8').on('data', (t: string) => {
    output += t;
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`the controller did not start within 60 s:\n${output}`)), 60_000);
    const check = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolveStart({
          url: match[1]!,
          process: child,
          output: () => output,
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
          kill: async () => {
            try {
              process.kill(-child.pid!, 'SIGKILL');
            } catch {
              // Already gone.
            }
            await exited;
          },
          killNodeOnly: async () => {
            child.kill('SIGKILL');
            await exited;
          },
        });
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the controller exited (${code}) before it listened:\n${output}`));
    });
  });
}

export interface SignedDelivery {
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** A webhook request as GitHub sends it, signed with the test secret (or `secret`). */
export async function signedDelivery(
  event: string,
  payload: unknown,
  options: { secret?: string; delivery?: string; signature?: string } = {},
): Promise<SignedDelivery> {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': options.delivery ?? randomUUID(),
      'x-hub-signature-256': options.signature ?? (await signPayload(options.secret ?? WEBHOOK_SECRET, body)),
    },
  };
}

const agent = new Agent({ keepAlive: true });

/** Sends a signed delivery (plain node:http, lighter than fetch under a burst); the answer's status and JSON body. */
export function send(
  url: string,
  delivery: SignedDelivery,
): Promise<{ status: number; body: { runs: string[]; reason?: string; error?: string } }> {
  return new Promise((resolveAnswer, reject) => {
    const req = httpRequest(
      `${url}/webhooks/github`,
      { method: 'POST', agent, headers: { ...delivery.headers, 'content-length': Buffer.byteLength(delivery.body) } },
      (res) => {
        let text = '';
        res
          .setEncoding('utf8')
          .on('data', (chunk: string) => {
            text += chunk;
          })
          .on('end', () => {
            try {
              resolveAnswer({ status: res.statusCode!, body: JSON.parse(text) });
            } catch (error) {
              reject(error);
            }
          });
      },
    );
    req.on('error', reject);
    req.end(delivery.body);
  });
}

/** Delivers a webhook signed with the test secret (or `secret`). */
export async function deliver(
  url: string,
  event: string,
  payload: unknown,
  options: { secret?: string; delivery?: string; signature?: string } = {},
) {
  return send(url, await signedDelivery(event, payload, options));
}

/** An API call with the test token (and a GitHub user's token, `userToken`). */
export async function api(url: string, path: string, init: { method?: string; body?: unknown; token?: string; userToken?: string } = {}) {
  const response = await fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${init.token ?? API_TOKEN}`,
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.userToken ? { 'x-github-user-token': init.userToken } : {}),
    },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Approves a run's saved plan as `login` (a GitHub user of USER_TOKENS), the way the contract says. */
export async function approve(url: string, run: { id: string; planHash?: string }, login: string) {
  return api(url, `/api/runs/${run.id}/approve`, { method: 'POST', body: { planHash: run.planHash }, userToken: userToken(login) });
}

/** Polls a run until `done` says so (or the timeout passes, which fails with the run as it was). */
export async function waitForRun(url: string, id: string, done: (run: any) => boolean, timeoutMs = 90_000): Promise<any> {
  const started = Date.now();
  let run: any;
  while (Date.now() - started < timeoutMs) {
    run = (await api(url, `/api/runs/${id}`)).body;
    if (run && done(run)) return run;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`run ${id} did not get there in ${timeoutMs} ms: ${JSON.stringify(run, null, 2)?.slice(0, 4000)}`);
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
}

export interface ControllerSuite {
  readonly remote: ConfigRemote;
  readonly dataDir: string;
  readonly github: GitHubStandIn;
  /** Started in beforeAll. */
  readonly controller: Started;
  /** The exit code of the SIGTERM in afterAll. */
  readonly exitCode?: number | null;
}

/**
 * A describe block's controller: a fresh remote with the example
 * environments, the GitHub stand-in, the controller started with `flags`
 * reporting to it (beforeAll), and everything stopped and removed (afterAll).
 */
export function controllerSuite(flags: readonly string[]): ControllerSuite {
  const remote = new ConfigRemote();
  const dataDir = mkdtempSync(join(tmpdir(), 'controller-data-'));
  const github = new GitHubStandIn({ token: GITHUB_TOKEN, owner: 'shop', repo: 'platform-config', users: USER_TOKENS });
  const suite: { controller?: Started; exitCode?: number | null } = {};
  beforeAll(async () => {
    const githubUrl = await github.start();
    suite.controller = await startController(
      ['--repo', remote.bare, '--data-dir', dataDir, ...flags, '--github-api-url', githubUrl, '--github-repository', REPOSITORY],
      { GITHUB_TOKEN },
    );
  });
  afterAll(async () => {
    suite.exitCode = await suite.controller?.stop();
    await github.stop();
    remote.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    remote,
    dataDir,
    github,
    get controller() {
      return suite.controller!;
    },
    get exitCode() {
      return suite.exitCode;
    },
  };
}
