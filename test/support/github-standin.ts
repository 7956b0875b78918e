/**
 * A stand-in for the GitHub REST API, for the reporter's tests: a local HTTP
 * server on 127.0.0.1 (a free port) that answers exactly the calls the
 * reporter makes, keeps issue comments in memory and records every request.
 *
 *   POST   /repos/:owner/:repo/statuses/:sha          201, the status
 *   GET    /repos/:owner/:repo/issues/:n/comments     200, a page (per_page, page; Link rel="next")
 *   POST   /repos/:owner/:repo/issues/:n/comments     201, the comment
 *   PATCH  /repos/:owner/:repo/issues/comments/:id    200, the comment; 404 when unknown
 *   DELETE /repos/:owner/:repo/issues/comments/:id    204; 404 when unknown
 *   GET    /user                                      200 {login} for a user token of `users`; 401 otherwise
 *   GET    /repos/:owner/:repo/installation           200 {id}: the App's installation (App JWT)
 *   POST   /app/installations/:id/access_tokens      201 {token, expires_at}: an installation token (App JWT)
 *   POST   /repos/:owner/:repo/check-runs             201, the check run (installation token)
 *   PATCH  /repos/:owner/:repo/check-runs/:id         200, the check run; 404 when unknown
 *
 * An App JWT must be RS256, signed by the App's key, issued by its ID and
 * not expired; check runs need a token it minted (or `token`).
 *
 * It refuses, with 422 as GitHub does, a comment body over 65,536 characters
 * and a status description over 140.
 *
 * What it cannot prove: that real GitHub accepts the token and its scopes
 * (and, for the App, the App's permissions and installation on the
 * repository, token expiry and scoping, how GitHub shows check runs and
 * their actions, and that it sends `check_run` webhooks for clicks only from
 * people with write access)
 * (it only compares the header with the expected token), its rate limits and
 * secondary limits, the rest of its validation (how it counts characters,
 * unknown shas, permissions on others' comments), its exact answer bodies
 * and headers beyond the fields the reporter reads, nor its ordering and
 * eventual consistency. Those need a test against GitHub itself.
 */
import { verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the stand-in received it. */
export interface RecordedCall {
  readonly method: string;
  /** The path without the query. */
  readonly path: string;
  readonly query: Record<string, string>;
  /** The parsed JSON body, or undefined. */
  readonly body: unknown;
  readonly authorization?: string;
  /** The status the stand-in answered. */
  readonly status: number;
}

export interface StoredComment {
  id: number;
  issue: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface StoredStatus {
  readonly sha: string;
  readonly state: string;
  readonly context: string;
  readonly description?: string;
  readonly target_url?: string;
}

/** A forced answer for matching requests, `times` times (default: until cleared). */
export interface Fault {
  readonly method?: string;
  readonly path?: RegExp;
  readonly status: number;
  times?: number;
}

export interface StandInOptions {
  /** The token the reporter must send (`token X` or `Bearer X`); anything else is 401. */
  readonly token?: string;
  /** The owner/name served; other repositories are 404. */
  readonly owner?: string;
  readonly repo?: string;
  /** The login the stand-in's token belongs to: the author of comments it creates. */
  readonly login?: string;
  /** User tokens and whose they are (`GET /user`): the identities approvals come from. */
  readonly users?: Readonly<Record<string, string>>;
  /** A GitHub App installed on the repository: its ID, public key (to check its JWTs) and installation ID. */
  readonly app?: { readonly id: string; readonly publicKey: string; readonly installationId: number };
}

/** A check run as the stand-in holds it: the fields last sent, and every update. */
export interface StoredCheckRun {
  readonly id: number;
  readonly head_sha: string;
  readonly fields: Record<string, unknown>;
  readonly history: Record<string, unknown>[];
}

export class GitHubStandIn {
  readonly calls: RecordedCall[] = [];
  readonly comments: StoredComment[] = [];
  readonly statuses: StoredStatus[] = [];
  readonly checkRuns: StoredCheckRun[] = [];
  /** Installation tokens minted. */
  private readonly minted = new Set<string>();
  private readonly faults: Fault[] = [];
  private server?: Server;
  private nextId = 1000;
  private base = '';

  constructor(private readonly options: StandInOptions = {}) {}

  /** Starts listening on 127.0.0.1 and a free port; resolves to the base URL. */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => send(res, 500, { message: String(error) }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.base;
  }

  /** Stops listening and closes open (keep-alive) connections. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    return this.base;
  }

  /** Answers matching requests with `fault.status` instead. */
  fail(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** A comment already on issue `issue`, as if someone had written it. */
  addComment(issue: number, body: string, user = 'someone'): StoredComment {
    const now = new Date().toISOString();
    const comment: StoredComment = { id: this.nextId++, issue, body, user, createdAt: now, updatedAt: now };
    this.comments.push(comment);
    return comment;
  }

  /** The comments of an issue, oldest first. */
  commentsOn(issue: number): StoredComment[] {
    return this.comments.filter((c) => c.issue === issue);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const method = req.method ?? 'GET';
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const answer = this.route(method, url, body, req.headers.authorization);
    this.calls.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      authorization: req.headers.authorization,
      status: answer.status,
    });
    send(res, answer.status, answer.body, answer.headers);
  }

  /** Whether `token` is a JWT of the App: RS256, signed by its key, issued by its ID, not expired. */
  private appJwtValid(token: string | undefined): boolean {
    const app = this.options.app;
    const parts = token?.split('.');
    if (!app || !parts || parts.length !== 3) return false;
    try {
      const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as { alg?: string };
      const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { iss?: unknown; exp?: number };
      const signed = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), app.publicKey, Buffer.from(parts[2]!, 'base64url'));
      return (
        header.alg === 'RS256' &&
        signed &&
        String(claims.iss) === app.id &&
        typeof claims.exp === 'number' &&
        claims.exp * 1000 > Date.now()
      );
    } catch {
      return false;
    }
  }

  private route(method: string, url: URL, body: unknown, authorization: string | undefined): Answer {
    const path = url.pathname;
    let m0: RegExpExecArray | null;
    const fault = this.faults.find(
      (f) =>
        (f.method === undefined || f.method === method) &&
        (f.path === undefined || f.path.test(path)) &&
        (f.times === undefined || f.times > 0),
    );
    if (fault) {
      if (fault.times !== undefined) fault.times -= 1;
      return { status: fault.status, body: { message: `stand-in fault ${fault.status}` } };
    }
    if (method === 'GET' && path === '/user') {
      const sent = /^(?:token|bearer)\s+(.+)$/i.exec(authorization ?? '')?.[1];
      const user = sent === undefined ? undefined : this.options.users?.[sent];
      return user ? { status: 200, body: { login: user, id: 1, type: 'User' } } : { status: 401, body: { message: 'Bad credentials' } };
    }
    const bearer = /^(?:token|bearer)\s+(.+)$/i.exec(authorization ?? '')?.[1];
    const app = this.options.app;
    if (app && (m0 = /^\/repos\/[^/]+\/[^/]+\/installation$/.exec(path)) && method === 'GET') {
      return this.appJwtValid(bearer)
        ? { status: 200, body: { id: app.installationId, app_id: Number(app.id) } }
        : { status: 401, body: { message: 'A JSON web token could not be decoded' } };
    }
    if (app && method === 'POST' && (m0 = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path))) {
      if (!this.appJwtValid(bearer)) return { status: 401, body: { message: 'A JSON web token could not be decoded' } };
      if (Number(m0[1]) !== app.installationId) return notFound();
      const token = `ghs_standin_${this.minted.size + 1}_${Math.random().toString(36).slice(2)}`;
      this.minted.add(token);
      return { status: 201, body: { token, expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: { checks: 'write' } } };
    }
    if (this.options.token !== undefined || app) {
      const sent = /^(?:token|bearer)\s+(.+)$/i.exec(authorization ?? '')?.[1];
      if (sent === undefined || (sent !== this.options.token && !this.minted.has(sent)))
        return { status: 401, body: { message: 'Bad credentials' } };
    }
    const repoMatch = /^\/repos\/([^/]+)\/([^/]+)(\/.*)$/.exec(path);
    if (!repoMatch) return notFound();
    const [, owner, repo, rest] = repoMatch;
    if ((this.options.owner && owner !== this.options.owner) || (this.options.repo && repo !== this.options.repo)) return notFound();
    const record = isRecord(body) ? body : {};
    const login = this.options.login ?? 'platform-bot';

    let m: RegExpExecArray | null;
    if (method === 'POST' && rest === '/check-runs') {
      if (typeof record.name !== 'string' || typeof record.head_sha !== 'string' || !/^[0-9a-f]{40}$/.test(record.head_sha))
        return invalid('name');
      const stored: StoredCheckRun = { id: this.nextId++, head_sha: record.head_sha, fields: { ...record }, history: [{ ...record }] };
      this.checkRuns.push(stored);
      return { status: 201, body: { id: stored.id, ...stored.fields } };
    }
    if (method === 'PATCH' && (m = /^\/check-runs\/(\d+)$/.exec(rest))) {
      const stored = this.checkRuns.find((c) => c.id === Number(m![1]));
      if (!stored) return notFound();
      Object.assign(stored.fields, record);
      stored.history.push({ ...record });
      return { status: 200, body: { id: stored.id, ...stored.fields } };
    }
    if (method === 'POST' && (m = /^\/statuses\/([0-9a-f]{40})$/.exec(rest))) {
      if (typeof record.state !== 'string' || !['pending', 'success', 'failure', 'error'].includes(record.state)) return invalid('state');
      if (typeof record.description === 'string' && record.description.length > STATUS_DESCRIPTION_LIMIT) return invalid('description');
      const status: StoredStatus = {
        sha: m[1],
        state: record.state,
        context: typeof record.context === 'string' ? record.context : 'default',
        ...(typeof record.description === 'string' ? { description: record.description } : {}),
        ...(typeof record.target_url === 'string' ? { target_url: record.target_url } : {}),
      };
      this.statuses.push(status);
      return { status: 201, body: { id: this.nextId++, ...status, creator: { login } } };
    }
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const issue = Number(m[1]);
      if (method === 'GET') return this.page(url, this.commentsOn(issue), owner, repo);
      if (method === 'POST') {
        if (typeof record.body !== 'string' || record.body.length > COMMENT_LIMIT) return invalid('body');
        return { status: 201, body: this.view(this.addComment(issue, record.body, login), owner, repo) };
      }
    }
    if ((m = /^\/issues\/comments\/(\d+)$/.exec(rest))) {
      const index = this.comments.findIndex((c) => c.id === Number(m![1]));
      if (index === -1) return notFound();
      if (method === 'PATCH') {
        if (typeof record.body !== 'string' || record.body.length > COMMENT_LIMIT) return invalid('body');
        const comment = this.comments[index];
        comment.body = record.body;
        comment.updatedAt = new Date().toISOString();
        return { status: 200, body: this.view(comment, owner, repo) };
      }
      if (method === 'DELETE') {
        this.comments.splice(index, 1);
        return { status: 204 };
      }
    }
    return notFound();
  }

  private page(url: URL, items: readonly StoredComment[], owner: string, repo: string): Answer {
    const perPage = Math.min(Math.max(Number(url.searchParams.get('per_page') ?? 30) || 30, 1), 100);
    const page = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < items.length) {
      const next = new URL(url.toString());
      next.searchParams.set('page', String(page + 1));
      next.searchParams.set('per_page', String(perPage));
      headers.link = `<${next.toString()}>; rel="next"`;
    }
    return { status: 200, body: slice.map((c) => this.view(c, owner, repo)), headers };
  }

  private view(comment: StoredComment, owner: string, repo: string): Record<string, unknown> {
    return {
      id: comment.id,
      body: comment.body,
      user: { login: comment.user, type: 'User' },
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      html_url: `https://github.com/${owner}/${repo}/pull/${comment.issue}#issuecomment-${comment.id}`,
      issue_url: `${this.base}/repos/${owner}/${repo}/issues/${comment.issue}`,
    };
  }
}

/** The two limits the stand-in checks as GitHub does (422): a comment body and a status description. */
const COMMENT_LIMIT = 65_536;
const STATUS_DESCRIPTION_LIMIT = 140;

interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

function notFound(): Answer {
  return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
}

function invalid(field: string): Answer {
  return { status: 422, body: { message: 'Validation Failed', errors: [{ field, code: 'invalid' }] } };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
