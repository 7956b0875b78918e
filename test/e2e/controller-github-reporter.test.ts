/**
 * The GitHub reporter against the GitHub stand-in, a local HTTP server
 * (test/support/github-standin.ts says what it cannot prove): commit
 * statuses, plan comments created and edited in place, and errors reported
 * rather than thrown. test/unit/controller-github.test.ts checks the rest.
 */
import { commitStatusFor, parsePlanMarker, planMarker, renderPlanComments } from '../../src/controller/github/comment';
import { createReporter, GitHubReporter, NullReporter, ReporterConfigError, type ReportError } from '../../src/controller/github/reporter';
import { run, SHA_A } from '../support/controller-run';
import { GitHubStandIn } from '../support/github-standin';

describe('reporter against a GitHub stand-in', () => {
  const TOKEN = 'ghp_standInToken123';
  let github: GitHubStandIn;
  let errors: ReportError[];
  let reporter: GitHubReporter;

  beforeEach(async () => {
    github = new GitHubStandIn({ token: TOKEN, owner: 'acme', repo: 'platform-config', login: 'platform-bot' });
    const url = await github.start();
    errors = [];
    reporter = new GitHubReporter({
      token: TOKEN,
      owner: 'acme',
      repo: 'platform-config',
      baseUrl: `${url}/`,
      onError: (e) => errors.push(e),
    });
  });

  afterEach(async () => {
    await github.stop();
  });

  it('sets a commit status with its context, state and description, sending the token', async () => {
    const status = commitStatusFor(
      run({ status: 'awaiting-approval', decision: 'needs-approval' }),
      'fargate-platform',
      'https://controller.example.com/',
    );
    await expect(reporter.setStatus(SHA_A, status)).resolves.toEqual({ ok: true });
    expect(github.statuses).toEqual([
      {
        sha: SHA_A,
        state: 'pending',
        context: 'fargate-platform/dev',
        description: status.description,
        target_url: 'https://controller.example.com/',
      },
    ]);
    expect(github.calls).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: `/repos/acme/platform-config/statuses/${SHA_A}`,
        authorization: `token ${TOKEN}`,
        status: 201,
      }),
    ]);
  });

  it('creates the plan comment, then edits it in place on the next plan', async () => {
    const other = github.addComment(42, 'Looks good to me', 'carol');
    const first = renderPlanComments({ run: run() });
    await expect(reporter.upsertPlanComments(42, 'dev', first)).resolves.toEqual({ ok: true });
    const [created] = github.commentsOn(42).filter((c) => c.id !== other.id);
    expect(created).toMatchObject({ body: first[0], user: 'platform-bot' });

    const second = renderPlanComments({
      run: run({ commit: 'a'.repeat(40), status: 'failed', plan: undefined, problems: ['environments/dev.yaml:1:1 project: required'] }),
    });
    await expect(reporter.upsertPlanComments(42, 'dev', second)).resolves.toEqual({ ok: true });
    expect(github.commentsOn(42).map((c) => [c.id, c.body])).toEqual([
      [other.id, 'Looks good to me'],
      [created.id, second[0]],
    ]);
    expect(github.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /repos/acme/platform-config/issues/42/comments',
      'POST /repos/acme/platform-config/issues/42/comments',
      'GET /repos/acme/platform-config/issues/42/comments',
      `PATCH /repos/acme/platform-config/issues/comments/${created.id}`,
    ]);
    expect(github.calls.every((c) => c.authorization === `token ${TOKEN}`)).toBe(true);

    // The same plan again: nothing to change.
    await reporter.upsertPlanComments(42, 'dev', second);
    expect(github.calls.slice(-1).map((c) => c.method)).toEqual(['GET']);
  });

  it('grows to more parts, then deletes the surplus parts; other environments and pull requests are left alone', async () => {
    const staging = github.addComment(42, `${planMarker('staging', 1)}\nstaging plan`, 'platform-bot');
    const elsewhere = github.addComment(7, `${planMarker('dev', 1)}\nanother pull request`, 'platform-bot');
    const big = renderPlanComments({ run: run(), planText: 'line\n'.repeat(30_000), maxChars: 20_000 });
    expect(big.length).toBeGreaterThanOrEqual(3);
    await expect(reporter.upsertPlanComments(42, 'dev', big)).resolves.toEqual({ ok: true });
    const devParts = () => github.commentsOn(42).filter((c) => parsePlanMarker(c.body)?.environment === 'dev');
    expect(devParts().map((c) => c.body)).toEqual(big);
    const firstId = devParts()[0].id;

    const small = renderPlanComments({ run: run(), planText: 'No changes.' });
    await expect(reporter.upsertPlanComments(42, 'dev', small)).resolves.toEqual({ ok: true });
    expect(devParts().map((c) => [c.id, c.body])).toEqual([[firstId, small[0]]]);
    expect(github.calls.filter((c) => c.method === 'DELETE')).toHaveLength(big.length - 1);
    expect(github.commentsOn(42).find((c) => c.id === staging.id)?.body).toBe(`${planMarker('staging', 1)}\nstaging plan`);
    expect(github.commentsOn(7)).toEqual([elsewhere]);
  });

  it('pages through long conversations to find its parts, and removes duplicates of a part', async () => {
    for (let i = 0; i < 150; i++) github.addComment(42, `comment ${i}`, 'carol');
    const old = github.addComment(42, `${planMarker('dev', 1)}\nold plan`, 'platform-bot');
    const duplicate = github.addComment(42, `${planMarker('dev', 1)}\nold plan, posted twice`, 'platform-bot');
    const parts = renderPlanComments({ run: run() });
    await expect(reporter.upsertPlanComments(42, 'dev', parts)).resolves.toEqual({ ok: true });
    expect(github.calls.filter((c) => c.method === 'GET').map((c) => c.query.page ?? '1')).toEqual(['1', '2']);
    expect(github.commentsOn(42).filter((c) => parsePlanMarker(c.body))).toEqual([expect.objectContaining({ id: old.id, body: parts[0] })]);
    expect(github.calls.some((c) => c.method === 'DELETE' && c.path.endsWith(`/${duplicate.id}`))).toBe(true);
  });

  it('a part deleted since the listing is created again', async () => {
    await reporter.upsertPlanComments(42, 'dev', renderPlanComments({ run: run() }));
    github.fail({ method: 'PATCH', status: 404, times: 1 });
    const next = renderPlanComments({ run: run({ status: 'applied' }) });
    await expect(reporter.upsertPlanComments(42, 'dev', next)).resolves.toEqual({ ok: true });
    expect(github.calls.slice(-2).map((c) => `${c.method} ${c.status}`)).toEqual(['PATCH 404', 'POST 201']);
  });

  it("parts of a 300,000-character plan are all accepted (each under GitHub's 65,536)", async () => {
    const parts = renderPlanComments({ run: run(), planText: 'x'.repeat(70).concat('\n').repeat(4_300) });
    await expect(reporter.upsertPlanComments(42, 'dev', parts)).resolves.toEqual({ ok: true });
    expect(github.commentsOn(42).map((c) => c.body)).toEqual(parts);
  });

  it('a GitHub 500 does not throw: the result and onError carry it, and the run goes on', async () => {
    github.fail({ status: 500 });
    const status = await reporter.setStatus(SHA_A, commitStatusFor(run()));
    expect(status).toEqual({
      ok: false,
      errors: [{ operation: 'create commit status fargate-platform/dev on 8f14e45', status: 500, message: expect.any(String) }],
    });
    const comments = await reporter.upsertPlanComments(42, 'dev', renderPlanComments({ run: run() }));
    expect(comments).toMatchObject({ ok: false, errors: [{ operation: 'list comments of pull request #42', status: 500 }] });
    // Without the list, nothing is created (no duplicates).
    expect(github.calls.filter((c) => c.method === 'POST' && c.path.includes('/comments'))).toEqual([]);
    expect(errors).toHaveLength(2);
  });

  it('a failed edit is reported and the other parts are still written', async () => {
    await reporter.upsertPlanComments(42, 'dev', renderPlanComments({ run: run() }));
    github.fail({ method: 'PATCH', status: 502 });
    const parts = renderPlanComments({ run: run(), planText: 'line\n'.repeat(6_000), maxChars: 10_000 });
    const result = await reporter.upsertPlanComments(42, 'dev', parts);
    expect(result).toMatchObject({
      ok: false,
      errors: [{ operation: expect.stringMatching(/^update dev plan part 1 of \d+ on pull request #42$/), status: 502 }],
    });
    expect(
      github
        .commentsOn(42)
        .map((c) => c.body)
        .slice(1),
    ).toEqual(parts.slice(1));
  });

  it('a wrong token, an unreachable API and a throwing listener do not throw either', async () => {
    const wrong = new GitHubReporter({ token: 'nope', owner: 'acme', repo: 'platform-config', baseUrl: github.url });
    await expect(wrong.setStatus(SHA_A, commitStatusFor(run()))).resolves.toMatchObject({ ok: false, errors: [{ status: 401 }] });
    const url = github.url;
    await github.stop();
    const gone = new GitHubReporter({
      token: TOKEN,
      owner: 'acme',
      repo: 'platform-config',
      baseUrl: url,
      onError: () => {
        throw new Error('listener failed');
      },
    });
    const result = await gone.upsertPlanComments(42, 'dev', ['x']);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0].status).toBeUndefined();
  });

  it('NullReporter and createReporter', async () => {
    const none = createReporter({ repositoryUrl: 'https://github.com/acme/platform-config' });
    expect(none).toBeInstanceOf(NullReporter);
    await expect(none.setStatus(SHA_A, commitStatusFor(run()))).resolves.toEqual({
      ok: true,
      skipped: expect.stringContaining('GITHUB_TOKEN'),
    });
    await expect(none.upsertPlanComments(42, 'dev', ['x'])).resolves.toMatchObject({ ok: true });
    expect(createReporter({ token: TOKEN, repositoryUrl: 'git@github.com:acme/platform-config.git' })).toBeInstanceOf(GitHubReporter);
    expect(() => createReporter({ token: TOKEN, repositoryUrl: '/srv/repos/platform-config' })).toThrow(ReporterConfigError);

    const local = createReporter({
      token: TOKEN,
      repositoryUrl: '/srv/repos/platform-config',
      owner: 'acme',
      repo: 'platform-config',
      baseUrl: github.url,
    });
    await expect(local.setStatus(SHA_A, commitStatusFor(run()))).resolves.toEqual({ ok: true });
    expect(github.statuses).toHaveLength(1);
  });
});
