/**
 * The controller's HTTP server alone (no controller process: nothing these
 * requests reach needs one), on 127.0.0.1 and a free port: the headers on
 * every answer, unsigned webhooks refused before their body is read, and
 * the limits of the node server under it.
 */
import { buildServer } from '../../src/controller/server';

function server() {
  // Only what these requests reach: none of them gets to the controller, the store or the repository.
  return buildServer({
    controller: {} as never,
    store: {} as never,
    repository: {} as never,
    branch: 'main',
    webhookSecret: 'w'.repeat(32),
    apiToken: 'a'.repeat(32),
    offline: true,
    githubApiUrl: 'http://127.0.0.1:1',
    requestTimeoutMs: 5_000,
    log: () => undefined,
  });
}

describe("the controller's server", () => {
  const app = server();
  let base: string;
  beforeAll(async () => {
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => app.close());
  const inject = async (options: { method: string; url: string; headers?: Record<string, string>; payload?: string }) => {
    const answer = await fetch(`${base}${options.url}`, {
      method: options.method,
      headers: options.headers,
      body: options.payload,
      redirect: 'manual',
    });
    await answer.arrayBuffer();
    return { statusCode: answer.status, headers: Object.fromEntries(answer.headers) };
  };

  it.each(['/healthz', '/login', '/api/runs', '/nope'])('answers %s with headers that stop framing, sniffing and caching', async (url) => {
    const answer = await inject({ method: 'GET', url });
    expect(answer.headers).toMatchObject({
      'x-frame-options': 'DENY',
      'content-security-policy': "frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
  });

  it('refuses an unsigned webhook with 401 whatever it declares, and a signed one over 25 MB with 413', async () => {
    const unsigned = await inject({
      method: 'POST',
      url: '/webhooks/github',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'd' },
      payload: '{}',
    });
    expect(unsigned.statusCode).toBe(401);
    const big = await inject({
      method: 'POST',
      url: '/webhooks/github',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': 'd',
        'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
      },
      payload: `"${'x'.repeat(26 * 1024 * 1024)}"`,
    });
    expect(big.statusCode).toBe(413);
  });

  it('refuses API calls without the bearer token, and a form-encoded body with it', async () => {
    expect((await inject({ method: 'GET', url: '/api/runs' })).statusCode).toBe(401);
    const form = await inject({
      method: 'POST',
      url: '/api/environments/dev/plan',
      headers: { authorization: `Bearer ${'a'.repeat(32)}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'x=1',
    });
    expect(form.statusCode).toBe(415);
  });

  it('caps connections and times slow requests out', async () => {
    await app.ready();
    expect(app.server.maxConnections).toBe(256);
    expect(app.server.requestTimeout).toBe(5_000);
    expect(app.server.headersTimeout).toBeLessThanOrEqual(5_000);
  });

  it('signs in from its own page as a browser posts it (Origin null under no-referrer, Sec-Fetch-Site same-origin), never from another site', async () => {
    const post = (headers: Record<string, string>) =>
      inject({
        method: 'POST',
        url: '/login',
        payload: `token=${'a'.repeat(32)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      });
    expect((await post({ origin: 'null', 'sec-fetch-site': 'same-origin' })).statusCode).toBe(303);
    expect((await post({ origin: 'null', 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await post({ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await post({ origin: 'null' })).statusCode).toBe(403);
    expect((await post({ origin: 'https://evil.example' })).statusCode).toBe(403);
  });

  it('keeps idle connections open longer than the load balancer in front (60 s), so it never closes one the balancer is reusing', async () => {
    await app.ready();
    expect(app.server.keepAliveTimeout).toBeGreaterThan(60_000);
  });
});
