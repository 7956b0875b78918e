/**
 * The controller's status and sign-in pages (src/controller/page.ts): escaping,
 * what the page says in text, then a headless Chromium session against a
 * small fastify server in this test that signs in with a token and reads the
 * status page back through locators (a screenshot lands in test/artifacts/).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { escapeHtml, renderLoginPage, renderStatusPage, type StatusView } from '../../src/controller/page';
import type { Run } from '../../src/controller/run';

const NOW = '2025-03-14T12:00:00.000Z';
const SHA_1 = '8f14e45fceea167a5a36dedd4bea2543b1a5b0e2';
const SHA_2 = 'c9f0f895fb98ab9159f51fd0297e236d1a5b0e2a';
const SHA_3 = '45c48cce2e2d7fbdea1afc51c7c6ad26ab8c4e19';

function plan(add: number, change: number, replace: number, destroy: number): Run['plan'] {
  return { add, change, replace, destroy, addresses: { create: [], update: [], replace: [], delete: [] } };
}

function minutesBefore(minutes: number): string {
  return new Date(Date.parse(NOW) - minutes * 60_000).toISOString();
}

function run(overrides: Partial<Run> & Pick<Run, 'id' | 'environment' | 'status'>): Run {
  return { commit: SHA_1, branch: 'main', trigger: 'push', createdAt: minutesBefore(5), ...overrides };
}

/** Three environments (dev drifted, staging in sync, prod waiting for an approval) and their recent runs. */
function realisticView(): StatusView {
  const runs: Run[] = [
    run({
      id: 'run-0107',
      environment: 'prod',
      status: 'awaiting-approval',
      decision: 'needs-approval',
      plan: plan(1, 2, 0, 0),
      commit: SHA_1,
      createdAt: minutesBefore(3),
      startedAt: minutesBefore(3),
      finishedAt: minutesBefore(2),
      requestedBy: 'carol',
    }),
    run({
      id: 'run-0106',
      environment: 'staging',
      status: 'applied',
      decision: 'auto-apply',
      plan: plan(0, 1, 0, 0),
      commit: SHA_1,
      createdAt: minutesBefore(3),
      startedAt: minutesBefore(3),
      finishedAt: minutesBefore(1),
      requestedBy: 'carol',
    }),
    run({
      id: 'run-0105',
      environment: 'dev',
      trigger: 'drift',
      status: 'planned',
      decision: 'plan-only',
      plan: plan(0, 1, 0, 0),
      drift: true,
      commit: SHA_2,
      createdAt: minutesBefore(40),
      finishedAt: minutesBefore(38),
    }),
    run({
      id: 'run-0104',
      environment: 'dev',
      status: 'failed',
      commit: SHA_2,
      createdAt: minutesBefore(95),
      finishedAt: minutesBefore(94),
      problems: [
        'environments/dev.yaml:12:7 services.api.cpu: must be one of 256, 512, 1024, 2048, 4096',
        'environments/dev.yaml:14:7 services.api.memory: <script>alert("x")</script> is not a number',
      ],
    }),
    run({
      id: 'run-0103',
      environment: 'prod',
      trigger: 'pull_request',
      pullRequest: 42,
      status: 'planned',
      decision: 'plan-only',
      plan: plan(3, 0, 1, 0),
      commit: SHA_3,
      branch: 'feature/bigger-api',
      createdAt: minutesBefore(180),
      requestedBy: 'dave',
    }),
    run({ id: 'run-0102', environment: 'staging', status: 'superseded', commit: SHA_3, createdAt: minutesBefore(26 * 60) }),
    run({
      id: 'run-0101',
      environment: 'prod',
      trigger: 'comment',
      status: 'applied',
      decision: 'needs-approval',
      plan: plan(0, 0, 0, 2),
      approvedBy: 'alice',
      commit: SHA_3,
      createdAt: minutesBefore(3 * 24 * 60),
      finishedAt: minutesBefore(3 * 24 * 60 - 4),
    }),
  ];
  const last = (env: string) => runs.find((r) => r.environment === env);
  return {
    repository: 'https://github.com/acme/platform-environments',
    branch: 'main',
    generatedAt: NOW,
    offline: false,
    environments: [
      { name: 'dev', production: false, drift: 'drifted', lastRun: last('dev') },
      { name: 'staging', production: false, drift: 'none', lastRun: last('staging') },
      { name: 'prod', production: true, drift: 'none', lastRun: last('prod') },
    ],
    runs,
  };
}

function emptyView(): StatusView {
  return { repository: '/srv/repo', branch: 'main', generatedAt: NOW, offline: true, environments: [], runs: [] };
}

/** The text of an HTML fragment, tags dropped and the entities the page writes decoded. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** The `<tr>` of a table body whose row header starts with `name`. */
function rowOf(html: string, tableClass: string, name: string): string {
  const table = html.match(new RegExp(`<table class="${tableClass}">[\\s\\S]*?</table>`))?.[0] ?? '';
  const row = table.match(/<tr[ >][\s\S]*?<\/tr>/g)?.find((tr) => new RegExp(`<th scope="row"[^>]*>(<a [^>]*><code>)?${name}\\b`).test(tr));
  if (!row) throw new Error(`no row ${name} in table ${tableClass}`);
  return row;
}

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('leaves other text alone', () => {
    expect(escapeHtml('dev · prod ✓ über')).toBe('dev · prod ✓ über');
    expect(escapeHtml('')).toBe('');
  });
});

describe('renderStatusPage', () => {
  it('is a complete HTML5 document with inline CSS, no script and no external asset', () => {
    const html = renderStatusPage(realisticView());
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<title>GitOps controller</title>');
    expect(html).toContain('<style>');
    expect(html).toMatch(/<\/html>\n$/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link rel="stylesheet"|\bsrc=|href="https?:/);
  });

  it('uses the given title', () => {
    expect(renderStatusPage({ ...emptyView(), title: 'Platform <ops>' })).toContain('<title>Platform &lt;ops&gt;</title>');
  });

  it('escapes a <script> in a problem, an environment name, a login, a run id and the repository', () => {
    const evil = '<script>alert(1)</script>';
    const view: StatusView = {
      ...emptyView(),
      repository: `https://example.com/"${evil}`,
      environments: [{ name: evil, production: false, drift: 'unknown' }],
      runs: [
        run({
          id: `r"${evil}`,
          environment: evil,
          status: 'failed',
          problems: [`environments/x.yaml:1:1 a: ${evil}`],
          approvedBy: evil,
          error: evil,
          requestedBy: evil,
        }),
      ],
    };
    const html = renderStatusPage(view);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('"<');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('environments/x.yaml:1:1 a: &lt;script&gt;alert(1)&lt;/script&gt;');
    // The id is URL-encoded in the link, then escaped as text.
    expect(html).toContain(`href="/api/runs/${encodeURIComponent(`r"${evil}`)}"`);
    expect(html).toContain('<code>r&quot;&lt;script&gt;alert(1)&lt;/script&gt;</code>');
  });

  it('says so when there are no runs and no environments', () => {
    const html = renderStatusPage(emptyView());
    expect(html).toContain('No runs yet.');
    expect(html).toContain('No environments configured.');
    expect(html).not.toContain('<table class="runs">\n<caption>Recent runs, newest first (');
  });

  it('says "no runs yet" for an environment without runs', () => {
    const html = renderStatusPage({ ...emptyView(), environments: [{ name: 'qa', production: false, drift: 'unknown' }] });
    expect(textOf(rowOf(html, 'environments', 'qa'))).toMatch(/qa .*unknown .*no runs yet/);
    const nullRun = renderStatusPage({ ...emptyView(), environments: [{ name: 'qa', production: true, drift: 'none', lastRun: null }] });
    expect(textOf(rowOf(nullRun, 'environments', 'qa'))).toMatch(/qa production .*none .*no runs yet/);
  });

  it('shows each environment with its drift, last run status, decision, plan counts, short commit and time as text', () => {
    const html = renderStatusPage(realisticView());
    const dev = textOf(rowOf(html, 'environments', 'dev'));
    expect(dev).toContain('drifted');
    expect(dev).toContain('run-0105');
    expect(dev).toContain('planned');
    expect(dev).toContain('plan-only');
    expect(dev).toContain(SHA_2.slice(0, 7));
    expect(dev).not.toContain(SHA_2);
    expect(dev).toContain('2025-03-14 11:22');
    expect(dev).toContain('38 min ago');

    const staging = textOf(rowOf(html, 'environments', 'staging'));
    expect(staging).toMatch(/staging ✓ none .*run-0106 ✓ applied auto-apply 0 1 0 0 /);

    const prod = rowOf(html, 'environments', 'prod');
    expect(textOf(prod)).toMatch(/prod production ✓ none .*run-0107 ! awaiting-approval needs-approval 1 2 0 0 8f14e45/);
    expect(prod).toContain(
      '<td class="count add">1</td><td class="count change">2</td><td class="count replace zero">0</td><td class="count destroy zero">0</td>',
    );
  });

  it('shows the production badge on production environments only', () => {
    const html = renderStatusPage(realisticView());
    expect(rowOf(html, 'environments', 'prod')).toContain('<span class="badge prod">production</span>');
    expect(rowOf(html, 'environments', 'dev')).not.toContain('production');
    expect(rowOf(html, 'environments', 'staging')).not.toContain('production');
  });

  it('lists the recent runs with trigger, status, decision, plan, approver, problems and creation, each id linking to the API', () => {
    const html = renderStatusPage(realisticView());
    expect(html).toContain('Recent runs, newest first (7)');
    const runs = html.match(/<table class="runs">[\s\S]*?<\/table>/)?.[0] ?? '';
    const ids = [...runs.matchAll(/<a href="\/api\/runs\/([^"]+)"><code>([^<]+)<\/code><\/a>/g)].map((m) => [m[1], m[2]]);
    expect(ids).toEqual(['0107', '0106', '0105', '0104', '0103', '0102', '0101'].map((n) => [`run-${n}`, `run-${n}`]));

    expect(textOf(rowOf(html, 'runs', 'run-0101'))).toMatch(
      /run-0101 prod comment ✓ applied needs-approval 0 0 0 2 alice 0 2025-03-11 12:00 3 days ago/,
    );
    expect(textOf(rowOf(html, 'runs', 'run-0103'))).toMatch(/run-0103 prod pull request #42 by dave ✓ planned plan-only 3 0 1 0 — none 0 /);
    const failed = rowOf(html, 'runs', 'run-0104');
    expect(failed.startsWith('<tr class="has-detail">')).toBe(true);
    expect(textOf(failed)).toMatch(/run-0104 dev push ✗ failed — none — no plan — none 2 2025-03-14 10:25 1 h ago/);
    // The problems, folded in the row under the run.
    const detail = html.slice(html.indexOf(failed) + failed.length).match(/^<tr class="detail">[\s\S]*?<\/tr>/)?.[0] ?? '';
    expect(textOf(detail)).toContain('2 problems in run-0104 environments/dev.yaml:12:7 services.api.cpu: must be one of 256');
    expect(detail).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html.match(/<tr class="detail">/g)).toHaveLength(1);
    expect(textOf(rowOf(html, 'runs', 'run-0102'))).toContain('superseded');
  });

  it('shows every status and drift state as words', () => {
    const statuses = [
      'queued',
      'running',
      'planned',
      'awaiting-approval',
      'approved',
      'applying',
      'applied',
      'failed',
      'cancelled',
      'superseded',
      'interrupted',
    ] as const;
    const html = renderStatusPage({
      ...emptyView(),
      environments: (['none', 'drifted', 'unknown'] as const).map((drift) => ({ name: `env-${drift}`, production: false, drift })),
      runs: statuses.map((status, i) => run({ id: `r${i}`, environment: 'dev', status })),
    });
    for (const status of statuses) expect(textOf(rowOf(html, 'runs', `r${statuses.indexOf(status)}`))).toContain(` ${status} `);
    for (const drift of ['none', 'drifted', 'unknown']) expect(textOf(rowOf(html, 'environments', `env-${drift}`))).toContain(` ${drift} `);
  });

  it('marks offline mode', () => {
    expect(textOf(renderStatusPage(emptyView()))).toContain('Offline mode: plans use a local backend');
    expect(textOf(renderStatusPage(realisticView()))).not.toContain('Offline mode');
  });

  it('uses table captions and header scopes', () => {
    const html = renderStatusPage(realisticView());
    expect(html).toContain('<caption>Environments: drift and last run</caption>');
    expect(html).toMatch(/<caption>Recent runs, newest first/);
    expect(html).toContain('<th scope="colgroup" colspan="4">Plan</th>');
    expect(html.match(/<th scope="row"/g)).toHaveLength(3 + 7);
  });
});

describe('renderLoginPage', () => {
  it('is a form posting a password field named token to /login', () => {
    const html = renderLoginPage({});
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<form method="post" action="/login">');
    expect(html).toContain('<label for="token">API token</label>');
    expect(html).toMatch(/<input type="password" id="token" name="token" required/);
    expect(html).toContain('<button type="submit">Sign in</button>');
    expect(html).not.toContain('role="alert"');
    expect(html).not.toMatch(/<script/i);
  });

  it('shows the error, escaped', () => {
    const html = renderLoginPage({ error: 'Wrong <token>' });
    expect(html).toContain('<p class="error" role="alert" id="login-error">Wrong &lt;token&gt;</p>');
    expect(html).toContain('aria-describedby="login-error"');
  });
});

describe('in headless Chromium', () => {
  const TOKEN = 'test-token-7f3a';
  const SESSION = 'session-9c2e41';
  const CHROMIUM = '/usr/bin/chromium';
  const SCREENSHOT = join(__dirname, '..', 'artifacts', 'controller-page.png');
  let server: FastifyInstance;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    server = Fastify();
    server.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    const signedIn = (cookie: string | undefined) => (cookie ?? '').split(';').some((part) => part.trim() === `session=${SESSION}`);
    server.get('/login', async (_request, reply) => reply.type('text/html; charset=utf-8').send(renderLoginPage({})));
    server.post('/login', async (request, reply) => {
      const token = (request.body as Record<string, string> | undefined)?.token;
      if (token !== TOKEN)
        return reply
          .code(401)
          .type('text/html; charset=utf-8')
          .send(renderLoginPage({ error: 'Wrong token: try again.' }));
      return reply.header('set-cookie', `session=${SESSION}; Path=/; HttpOnly; SameSite=Strict`).redirect('/', 303);
    });
    server.get('/', async (request, reply) => {
      if (!signedIn(request.headers.cookie)) return reply.redirect('/login', 303);
      return reply.type('text/html; charset=utf-8').send(renderStatusPage(realisticView()));
    });
    const address = await server.listen({ host: '127.0.0.1', port: 0 });
    base = address.replace('localhost', '127.0.0.1');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs in with the token and shows the environments, their drift and statuses', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, colorScheme: 'light' });
    const page = await context.newPage();
    try {
      // Not signed in: the status page sends the browser to the form.
      await page.goto(`${base}/`);
      expect(new URL(page.url()).pathname).toBe('/login');

      // A wrong token: the form again, with the error.
      await page.getByLabel('API token').fill('not-the-token');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      expect(await page.getByRole('alert').textContent()).toBe('Wrong token: try again.');

      await page.getByLabel('API token').fill(TOKEN);
      await Promise.all([page.waitForURL(`${base}/`), page.getByRole('button', { name: 'Sign in' }).click()]);
      expect(await page.title()).toBe('GitOps controller');

      const environments = page.getByRole('table', { name: 'Environments: drift and last run' });
      const rows = environments.locator('tbody tr');
      expect(await rows.count()).toBe(3);
      const cell = async (index: number, selector: string) =>
        ((await rows.nth(index).locator(selector).textContent()) ?? '').replace(/\s+/g, ' ').trim();
      const seen = [];
      for (let i = 0; i < 3; i++) {
        seen.push({
          name: await cell(i, 'th'),
          drift: await cell(i, 'td.drift'),
          status: await cell(i, 'td.status'),
          decision: await cell(i, 'td.decision'),
        });
      }
      expect(seen).toEqual([
        { name: 'dev', drift: '! drifted', status: '✓ planned', decision: 'plan-only' },
        { name: 'staging', drift: '✓ none', status: '✓ applied', decision: 'auto-apply' },
        { name: 'prod production', drift: '✓ none', status: '! awaiting-approval', decision: 'needs-approval' },
      ]);
      expect(await rows.nth(2).locator('td.count').allTextContents()).toEqual(['1', '2', '0', '0']);
      expect(await rows.nth(2).locator('td.run a').getAttribute('href')).toBe('/api/runs/run-0107');

      const runs = page.getByRole('table', { name: /Recent runs/ });
      const runRows = runs.locator('tbody tr:not(.detail)');
      expect(await runRows.count()).toBe(7);
      expect(await runs.locator('tbody th').allTextContents()).toEqual(
        ['0107', '0106', '0105', '0104', '0103', '0102', '0101'].map((n) => `run-${n}`),
      );

      // The problem with a <script> is text on the page, not an element.
      expect(await runRows.nth(3).locator('td.status').textContent()).toBe('✗ failed');
      expect(await runRows.nth(3).locator('td.problems').textContent()).toBe('2');
      const problems = runs.locator('tr.detail');
      const problem = problems.getByText('<script>alert("x")</script> is not a number', { exact: false });
      expect(await problem.isVisible()).toBe(false);
      await problems.getByText('2 problems in run-0104').click();
      await problem.waitFor({ state: 'visible' });
      expect(await page.locator('script').count()).toBe(0);

      mkdirSync(join(__dirname, '..', 'artifacts'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    } finally {
      await context.close();
    }
  }, 60_000);
});
