/**
 * Reports runs to GitHub: commit statuses and the plan comments of pull
 * requests, over the REST API (`@octokit/rest`, any base URL: github.com,
 * GitHub Enterprise Server, a test stand-in). A failed call never throws
 * into the run: every method resolves to a ReportResult, and `onError` hears
 * about each failure.
 */
import { Octokit } from '@octokit/rest';
import type { Run } from '../run';
import { DEFAULT_NAME, parsePlanMarker, type CommitStatus } from './comment';

/** The outcome of a report; failures carry GitHub's status code when there was an answer. */
export type ReportResult =
  | { readonly ok: true; readonly skipped?: string }
  | { readonly ok: false; readonly errors: readonly ReportError[] };

export interface ReportError {
  /** What was being done, e.g. `create commit status shop/dev`. */
  readonly operation: string;
  /** The HTTP status GitHub answered, absent when the request got no answer. */
  readonly status?: number;
  readonly message: string;
}

/** The run a status is about, for reporters that show more than a commit status can (check runs). */
export interface ReportDetails {
  readonly run: Run;
  /** The plan's text, redacted. */
  readonly planText?: string;
  /** The cost difference (markdown). */
  readonly cost?: string;
}

/** What the controller needs from a reporter; GitHubReporter, CheckRunReporter and NullReporter implement it. */
export interface Reporter {
  /** Sets the commit status `status.context` on `sha` (a check run, for an App). */
  setStatus(sha: string, status: CommitStatus, details?: ReportDetails): Promise<ReportResult>;
  /**
   * Makes the plan comments of `environment` on pull request `prNumber` read
   * `parts`: edits the existing parts in place, creates the missing ones,
   * deletes those the new plan no longer needs (and duplicates of a part;
   * every part for an empty `parts`). Calls for one pull request and
   * environment should not overlap: two at once may both create a part (the
   * next call deletes the duplicate).
   */
  upsertPlanComments(prNumber: number, environment: string, parts: readonly string[]): Promise<ReportResult>;
}

/** A reporter that reports nothing, for a controller without a GitHub token. */
export class NullReporter implements Reporter {
  constructor(
    /** Why nothing is reported, for the log line that says so once. */
    readonly reason: string = 'no GITHUB_TOKEN: nothing is reported to GitHub',
  ) {}

  async setStatus(): Promise<ReportResult> {
    return { ok: true, skipped: this.reason };
  }

  async upsertPlanComments(): Promise<ReportResult> {
    return { ok: true, skipped: this.reason };
  }
}

export interface GitHubReporterOptions {
  readonly token: string;
  readonly owner: string;
  readonly repo: string;
  /** The REST API root; default https://api.github.com (GitHub Enterprise Server: https://HOST/api/v3). */
  readonly baseUrl?: string;
  /** The name in comment markers; default `fargate-platform` (as renderPlanComments uses it). */
  readonly name?: string;
  /** Each request gives up after this long; default 30 s. */
  readonly timeoutMs?: number;
  /** Told about every failed call, whether or not the caller looks at the result. */
  readonly onError?: (error: ReportError) => void;
}

/** Reports to one GitHub repository with a token (a personal access token or an installation token). */
export class GitHubReporter implements Reporter {
  private readonly octokit: Octokit;
  private readonly owner: string;
  private readonly repo: string;
  private readonly name: string;
  private readonly onError?: (error: ReportError) => void;

  constructor(options: GitHubReporterOptions) {
    this.owner = options.owner;
    this.repo = options.repo;
    this.name = options.name ?? DEFAULT_NAME;
    this.onError = options.onError;
    const timeoutMs = options.timeoutMs ?? 30_000;
    const silent = (): void => undefined;
    this.octokit = new Octokit({
      auth: options.token,
      baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
      userAgent: `${this.name}-controller`,
      // Octokit logs failed requests with console.error by default; the reporter returns them instead.
      log: { debug: silent, info: silent, warn: silent, error: silent },
      request: { fetch: (url: string | URL, init?: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) }) },
    });
  }

  async setStatus(sha: string, status: CommitStatus): Promise<ReportResult> {
    const errors: ReportError[] = [];
    await this.attempt(errors, `create commit status ${status.context} on ${sha.slice(0, 7)}`, () =>
      this.octokit.rest.repos.createCommitStatus({
        owner: this.owner,
        repo: this.repo,
        sha,
        state: status.state,
        context: status.context,
        description: status.description,
        ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
      }),
    );
    return result(errors);
  }

  async upsertPlanComments(prNumber: number, environment: string, parts: readonly string[]): Promise<ReportResult> {
    const errors: ReportError[] = [];
    const where = `pull request #${prNumber}`;
    const comments = await this.attempt(errors, `list comments of ${where}`, () =>
      this.octokit.paginate(this.octokit.rest.issues.listComments, {
        owner: this.owner,
        repo: this.repo,
        issue_number: prNumber,
        per_page: 100,
      }),
    );
    // Without the list, creating parts could duplicate the existing ones.
    if (!Array.isArray(comments)) return result(errors);

    const existing = new Map<number, { id: number; body: string }>();
    const surplus: number[] = [];
    for (const comment of [...comments].sort((a, b) => a.id - b.id)) {
      const marker = parsePlanMarker(comment.body ?? '', this.name);
      if (!marker || marker.environment !== environment) continue;
      if (marker.part > parts.length || existing.has(marker.part)) surplus.push(comment.id);
      else existing.set(marker.part, { id: comment.id, body: comment.body ?? '' });
    }

    for (const [index, body] of parts.entries()) {
      const part = index + 1;
      const old = existing.get(part);
      const label = `${environment} plan part ${part} of ${parts.length} on ${where}`;
      if (old?.body === body) continue;
      if (old) {
        const updated = await this.attempt(
          errors,
          `update ${label}`,
          () => this.octokit.rest.issues.updateComment({ owner: this.owner, repo: this.repo, comment_id: old.id, body }),
          [404],
        );
        if (updated !== 'not found') continue;
      }
      await this.attempt(errors, `create ${label}`, () =>
        this.octokit.rest.issues.createComment({ owner: this.owner, repo: this.repo, issue_number: prNumber, body }),
      );
    }

    for (const id of surplus) {
      await this.attempt(
        errors,
        `delete surplus ${environment} plan comment ${id} on ${where}`,
        () => this.octokit.rest.issues.deleteComment({ owner: this.owner, repo: this.repo, comment_id: id }),
        [404],
      );
    }
    return result(errors);
  }

  /**
   * `call`'s value, or undefined after recording its failure. A status in
   * `tolerated` is not a failure: it resolves to `'not found'` (a comment
   * deleted since it was listed).
   */
  private async attempt<T>(
    errors: ReportError[],
    operation: string,
    call: () => Promise<T>,
    tolerated: readonly number[] = [],
  ): Promise<T | 'not found' | undefined> {
    try {
      return await call();
    } catch (cause) {
      const status = statusOf(cause);
      if (status !== undefined && tolerated.includes(status)) return 'not found';
      const error: ReportError = { operation, ...(status !== undefined ? { status } : {}), message: messageOf(cause) };
      errors.push(error);
      try {
        this.onError?.(error);
      } catch {
        // A failing listener must not stop the report either.
      }
      return undefined;
    }
  }
}

function result(errors: readonly ReportError[]): ReportResult {
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}

/** The HTTP status of an Octokit RequestError; undefined when no answer came (Octokit reports those as 500 without a response). */
function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, response } = error as { status?: unknown; response?: unknown };
  return typeof status === 'number' && response !== undefined ? status : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A GitHub repository named by a URL. */
export interface RepositoryRef {
  readonly owner: string;
  readonly repo: string;
  /** The web host, e.g. `github.com` or a GitHub Enterprise Server host. */
  readonly host: string;
}

/**
 * Owner and name from a repository URL: `https://github.com/o/r(.git)`,
 * `git@github.com:o/r.git`, `ssh://git@host/o/r.git`, also with credentials
 * or a trailing slash. Undefined for a local path or `file://` URL, and for
 * anything else that does not name exactly an owner and a repository.
 */
export function parseRepository(url: string): RepositoryRef | undefined {
  const text = url.trim();
  let host: string;
  let path: string;
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(text);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return undefined;
    }
    if (!['https:', 'http:', 'ssh:', 'git:'].includes(parsed.protocol) || parsed.hostname === '') return undefined;
    host = parsed.host;
    path = decodeURIComponent(parsed.pathname);
  } else if (scp && scp[1].length > 1) {
    // scp-like `git@host:owner/repo.git`; a one-letter "host" is a Windows drive (C:\...).
    host = scp[1];
    path = scp[2];
  } else {
    return undefined;
  }
  const segments = path
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .split('/')
    .filter((s) => s !== '');
  if (segments.length !== 2) return undefined;
  const [owner, repo] = segments;
  if (!/^[A-Za-z0-9-]+$/.test(owner) || !/^[A-Za-z0-9._-]+$/.test(repo)) return undefined;
  return { owner, repo, host };
}

/** The REST API root for a web host: https://api.github.com for github.com, else GitHub Enterprise Server's https://HOST/api/v3. */
export function apiUrlForHost(host: string): string {
  return host.toLowerCase() === 'github.com' ? 'https://api.github.com' : `https://${host}/api/v3`;
}

export interface ReporterOptions {
  /** GITHUB_TOKEN; without it the reporter is a NullReporter. */
  readonly token?: string;
  /** The `--repo` value; a URL names owner and repository, a local path does not. */
  readonly repositoryUrl?: string;
  /** Explicit owner and repository; they win over the URL. */
  readonly owner?: string;
  readonly repo?: string;
  /** `--github-api-url`; default from the URL's host (api.github.com for github.com). */
  readonly baseUrl?: string;
  readonly name?: string;
  readonly timeoutMs?: number;
  readonly onError?: (error: ReportError) => void;
}

/** Thrown by createReporter for a token without a repository to report to (a configuration error, not a GitHub one). */
export class ReporterConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReporterConfigError';
  }
}

/**
 * The reporter for the controller's options: a NullReporter without a token,
 * else a GitHubReporter on the owner and repository given or named by the
 * URL. Throws ReporterConfigError when a token is given but no repository is known.
 */
export function createReporter(options: ReporterOptions): Reporter {
  if (!options.token) return new NullReporter();
  const fromUrl = options.repositoryUrl ? parseRepository(options.repositoryUrl) : undefined;
  const owner = options.owner ?? fromUrl?.owner;
  const repo = options.repo ?? fromUrl?.repo;
  if (!owner || !repo) {
    throw new ReporterConfigError(
      `GITHUB_TOKEN is set but ${options.repositoryUrl ? `"${options.repositoryUrl}" does not name a GitHub repository` : 'no repository is given'}: pass the owner and repository`,
    );
  }
  return new GitHubReporter({
    token: options.token,
    owner,
    repo,
    baseUrl: options.baseUrl ?? (fromUrl ? apiUrlForHost(fromUrl.host) : undefined),
    ...(options.name ? { name: options.name } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });
}
