/**
 * The controller's HTTP surface (docs/controller-api.md): health,
 * readiness, the GitHub webhook, the run API and the status page. Bad
 * requests get their status code and the server keeps going; a webhook is
 * answered as soon as its runs are recorded (the work is queued).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { isProductionName } from '../core/index';
import type { Controller } from './controller';
import { parseWebhook, WebhookPayloadError } from './github/events';
import { loginOfToken } from './github/identity';
import { verifySignature } from './github/signature';
import { renderLoginPage, renderStatusPage } from './page';
import { RUN_STATUSES, type RunStatus } from './run';
import type { RunStore } from './store/store';
import type { ConfigRepository } from './git/repository';

/** GitHub sends at most 25 MB; larger bodies are refused before they are read whole. */
export const WEBHOOK_BODY_LIMIT = 25 * 1024 * 1024;
/** API bodies are small JSON documents. */
const API_BODY_LIMIT = 64 * 1024;
const SESSION_COOKIE = 'controller_session';
const SESSION_HOURS = 12;
/** Connections open at once; more wait in the kernel's backlog, then are refused. */
const MAX_CONNECTIONS = 256;
/** Headers on every answer: no framing, no sniffing, no caching (answers carry plans and tokens' effects). */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
};

export interface ServerOptions {
  readonly controller: Controller;
  readonly store: RunStore;
  readonly repository: ConfigRepository;
  readonly branch: string;
  readonly webhookSecret: string;
  readonly apiToken: string;
  readonly offline: boolean;
  /** How long a request (headers and body) may take to arrive. @default 30000 */
  readonly requestTimeoutMs?: number;
  /** The GitHub API (`GET /user` tells who an approver's token belongs to). */
  readonly githubApiUrl: string;
  readonly log: (line: string) => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

/** How long an idle keep-alive connection stays open: longer than the ALB's idle timeout (60 s). */
export const IDLE_CONNECTION_MS = 65_000;

export function buildServer(options: ServerOptions): FastifyInstance {
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const app = Fastify({
    bodyLimit: WEBHOOK_BODY_LIMIT,
    logger: false,
    return503OnClosing: true,
    // A slow body is cut off (408) once the request has taken requestTimeout; the check runs every second.
    // Idle connections stay open longer than a load balancer's (the ALB's 60 s): a server that closes
    // first races the next request on that connection (the balancer answers 502, a client "socket hang up").
    serverFactory: (handler) => {
      const server = createServer(
        {
          requestTimeout,
          headersTimeout: Math.min(requestTimeout, 20_000),
          keepAliveTimeout: IDLE_CONNECTION_MS,
          connectionsCheckingInterval: 1_000,
        },
        handler,
      );
      server.maxConnections = MAX_CONNECTIONS;
      return server;
    },
  });
  /** Session ID -> when it expires and its CSRF token (required with the cookie on anything but GET). */
  const sessions = new Map<string, { readonly expires: number; readonly csrf: string }>();

  app.addHook('onRequest', async (request, reply) => {
    void reply.headers(SECURITY_HEADERS);
    // An unsigned webhook is refused before its body is read, whatever length it declares.
    if (
      request.method === 'POST' &&
      request.url.split('?')[0] === '/webhooks/github' &&
      typeof request.headers['x-hub-signature-256'] !== 'string'
    ) {
      return reply.code(401).header('connection', 'close').send({ error: 'missing or wrong X-Hub-Signature-256' });
    }
  });

  // The webhook signature is over the exact bytes sent: keep them, parse afterwards.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    if ((body as Buffer).length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse((body as Buffer).toString('utf8')));
    } catch {
      done(null, PARSE_FAILED);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    done(null, Object.fromEntries(new URLSearchParams((body as Buffer).toString('utf8'))));
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) options.log(`server error: ${error.stack ?? error.message}`);
    void reply
      .code(status)
      .send({ error: status === 413 ? `body over ${WEBHOOK_BODY_LIMIT} bytes` : status >= 500 ? 'internal error' : error.message });
  });
  app.setNotFoundHandler((_request, reply) => void reply.code(404).send({ error: 'not found' }));

  const bearer = (request: FastifyRequest): boolean => {
    const header = request.headers.authorization;
    return typeof header === 'string' && header.startsWith('Bearer ') && sameSecret(header.slice(7), options.apiToken);
  };
  const sessionOf = (request: FastifyRequest) => {
    const id = cookieOf(request, SESSION_COOKIE);
    const session = id ? sessions.get(id) : undefined;
    return session && session.expires > Date.now() ? session : undefined;
  };
  const authorized = (request: FastifyRequest): boolean => bearer(request) || sessionOf(request) !== undefined;
  const requireAuth = async (request: FastifyRequest, reply: FastifyReply) => {
    if (bearer(request)) return;
    const session = sessionOf(request);
    if (!session) return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'missing or wrong bearer token' });
    // The cookie is sent by the browser on its own: a change needs the page's own origin and its CSRF token.
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      if (!sameOrigin(request)) return reply.code(403).send({ error: 'cross-origin request refused (Origin is not this controller)' });
      const token = request.headers['x-csrf-token'];
      if (typeof token !== 'string' || !sameSecret(token, session.csrf))
        return reply.code(403).send({ error: 'missing or wrong X-CSRF-Token for this session' });
    }
  };

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const [store, repository] = await Promise.all([options.store.ping(), options.repository.reachable()]);
    return reply.code(store && repository ? 200 : 503).send({ status: store && repository ? 'ready' : 'not ready', store, repository });
  });

  app.post('/webhooks/github', async (request, reply) => {
    const raw = request.rawBody ?? Buffer.alloc(0);
    const signature = request.headers['x-hub-signature-256'];
    if (!(await verifySignature(options.webhookSecret, raw, typeof signature === 'string' ? signature : undefined))) {
      return reply.code(401).send({ error: 'missing or wrong X-Hub-Signature-256' });
    }
    const event = request.headers['x-github-event'];
    if (typeof event !== 'string' || event === '') return reply.code(400).send({ error: 'missing X-GitHub-Event header' });
    const delivery = request.headers['x-github-delivery'];
    if (typeof delivery !== 'string' || delivery === '') return reply.code(400).send({ error: 'missing X-GitHub-Delivery header' });
    let payload: unknown = request.body;
    if (payload && typeof payload === 'object' && 'payload' in payload && !(payload as Record<string, unknown>).repository) {
      // GitHub's form encoding: the JSON is in the payload field.
      try {
        payload = JSON.parse(String((payload as Record<string, unknown>).payload));
      } catch {
        payload = PARSE_FAILED;
      }
    }
    if (payload === PARSE_FAILED || payload === undefined) return reply.code(400).send({ error: 'the body is not JSON' });
    let intent;
    try {
      intent = parseWebhook(event, payload);
    } catch (error) {
      if (error instanceof WebhookPayloadError) return reply.code(400).send({ error: error.message });
      throw error;
    }
    const accepted = await options.controller.acceptWebhook(delivery, intent, createHash('sha256').update(raw).digest('hex'));
    if (accepted.runs.length === 0) return reply.code(200).send({ runs: [], reason: accepted.reason ?? 'nothing to do' });
    return reply.code(202).send({ runs: accepted.runs, ...(accepted.reason ? { reason: accepted.reason } : {}) });
  });

  app.register(async (api) => {
    api.addHook('onRequest', requireAuth);
    api.addHook('onRoute', (route) => {
      route.bodyLimit ??= API_BODY_LIMIT;
    });
    // JSON only: a form post (what another site can make a browser send) is not an API call.
    api.addHook('preValidation', async (request, reply) => {
      if (
        request.method === 'POST' &&
        request.headers['content-type'] !== undefined &&
        !/^application\/json\b/i.test(request.headers['content-type'])
      ) {
        return reply.code(415).send({ error: 'the API takes application/json bodies only' });
      }
    });

    api.get('/api/runs', async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      const limit = query.limit === undefined ? 50 : Number(query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500)
        return reply.code(400).send({ error: 'limit must be a whole number from 1 to 500' });
      if (query.status && !RUN_STATUSES.includes(query.status as RunStatus))
        return reply.code(400).send({ error: `status must be one of ${RUN_STATUSES.join(', ')}` });
      const runs = await options.store.listRuns({
        environment: query.environment || undefined,
        status: (query.status || undefined) as RunStatus | undefined,
        limit,
      });
      return { runs };
    });

    api.get('/api/runs/:id', async (request, reply) => {
      const { id } = request.params as { id: string };
      const run = await options.store.getRun(id);
      if (!run) return reply.code(404).send({ error: `no run ${id}` });
      return { ...run, log: await options.store.getLog(id) };
    });

    // The approver is the GitHub user of X-GitHub-User-Token, as GitHub says; the API token alone approves nothing.
    api.post('/api/runs/:id/approve', async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = request.body as Record<string, unknown> | undefined;
      if (body && typeof body === 'object' && 'by' in body)
        return reply
          .code(400)
          .send({ error: 'a body field "by" is not accepted: the approver is the GitHub user of the X-GitHub-User-Token header' });
      if (!body || typeof body.planHash !== 'string' || !/^[0-9a-f]{64}$/.test(body.planHash))
        return reply.code(400).send({ error: 'the body must be {"planHash": "<the run\'s planHash, 64 hex>"}' });
      const userToken = request.headers['x-github-user-token'];
      if (typeof userToken !== 'string' || userToken === '')
        return reply.code(401).send({ error: "approvals come from a GitHub identity: send the approver's token in X-GitHub-User-Token" });
      const identity = await loginOfToken(options.githubApiUrl, userToken);
      if (!identity.ok) return reply.code(identity.status).send({ error: identity.error });
      const result = await options.controller.approve(id, identity.login, body.planHash);
      return result.ok ? result.run : reply.code(result.status).send({ error: result.error });
    });

    api.post('/api/runs/:id/cancel', async (request, reply) => {
      const { id } = request.params as { id: string };
      const result = await options.controller.cancel(id);
      return result.ok ? result.run : reply.code(result.status).send({ error: result.error });
    });

    api.post('/api/environments/:env/plan', async (request, reply) => {
      const { env } = request.params as { env: string };
      const id = await options.controller.planManually(env);
      if (!id) return reply.code(404).send({ error: `no environment ${env} on ${options.branch}` });
      return reply.code(202).send({ runs: [id] });
    });

    api.get('/api/environments', async () => ({ environments: await environmentsView(options) }));
  });

  app.get('/login', async (_request, reply) => reply.type('text/html; charset=utf-8').send(renderLoginPage({})));
  app.post('/login', { bodyLimit: API_BODY_LIMIT }, async (request, reply) => {
    if (!sameOrigin(request))
      return reply
        .code(403)
        .type('text/html; charset=utf-8')
        .send(renderLoginPage({ error: 'Sign in from this page.' }));
    const token = (request.body as Record<string, unknown> | undefined)?.token;
    if (typeof token !== 'string' || !sameSecret(token, options.apiToken)) {
      return reply
        .code(401)
        .type('text/html; charset=utf-8')
        .send(renderLoginPage({ error: 'That is not the API token.' }));
    }
    const session = randomBytes(32).toString('hex');
    sessions.set(session, { expires: Date.now() + SESSION_HOURS * 3_600_000, csrf: randomBytes(32).toString('hex') });
    const secure = request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https' ? '; Secure' : '';
    return reply
      .code(303)
      .header('set-cookie', `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_HOURS * 3600}${secure}`)
      .header('location', '/')
      .send();
  });
  app.get('/', async (request, reply) => {
    if (!authorized(request)) return reply.code(303).header('location', '/login').send();
    const runs = await options.store.listRuns({ limit: 30 });
    return reply.type('text/html; charset=utf-8').send(
      renderStatusPage({
        title: 'GitOps controller',
        repository: options.repository.url.replace(/\/\/[^/@]+@/, '//***@'),
        branch: options.branch,
        generatedAt: new Date().toISOString(),
        offline: options.offline,
        environments: await environmentsView(options),
        runs,
        csrfToken: sessionOf(request)?.csrf,
      }),
    );
  });

  return app;
}

/** Every environment of the default branch with its newest run and drift. */
async function environmentsView(options: ServerOptions) {
  const states = new Map((await options.store.listEnvironmentStates()).map((s) => [s.environment, s]));
  return Promise.all(
    options.controller.environments.map(async (name) => {
      const [lastRun] = await options.store.listRuns({ environment: name, limit: 1 });
      return {
        name,
        production: lastRun?.production ?? isProductionName(name),
        lastRun: lastRun ?? null,
        drift: states.get(name)?.drift ?? 'unknown',
      };
    }),
  );
}

const PARSE_FAILED = Symbol('the body is not JSON');

/**
 * Whether a browser request comes from this controller's own pages: the
 * browser's Sec-Fetch-Site says so where it is sent (every current browser);
 * otherwise the Origin (else the Referer) names the host it was sent to. The
 * pages send no referrer, so a browser's form post carries `Origin: null`,
 * which passes only with Sec-Fetch-Site. A request with neither header is
 * not a browser's cross-site request (browsers send Origin on every
 * cross-origin POST) and passes.
 */
function sameOrigin(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin' || site === 'none';
  const origin = request.headers.origin ?? request.headers.referer;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieOf(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
