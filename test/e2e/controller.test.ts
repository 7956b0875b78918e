/**
 * The controller end to end: a local bare repository as the remote, the
 * controller as its own process, webhooks signed like GitHub's, the GitHub
 * stand-in recording what is reported. --sandbox plans and applies with real
 * Terraform (every resource a terraform_data stand-in on a local state).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { request } from 'node:http';
import { join } from 'node:path';
import { signPayload } from '../../src/controller/github/signature';
import {
  api,
  API_TOKEN,
  approve,
  commentPayload,
  ConfigRemote,
  controllerSuite,
  deliver,
  edit,
  example,
  pullRequestPayload,
  pushPayload,
  REPOSITORY,
  startController,
  USER_TOKENS,
  waitForRun,
  WEBHOOK_SECRET,
  type Started,
} from '../support/controller-harness';
import { GitHubStandIn } from '../support/github-standin';
import { EXAMPLES_DIR } from '../support/fixture-dirs';

jest.setTimeout(180_000);

/** Done planning: anything but queued and running. */
const settled = (run: { status: string }) => !['queued', 'running'].includes(run.status);

describe('the controller, sandboxed', () => {
  const suite = controllerSuite(['--sandbox']);
  const { remote, github } = suite;

  it('plans and applies exactly the environment a push changed, and reports it (started as the image starts it: node bin/platform.js serve)', async () => {
    remote.write('environments/dev.yaml', `${readFileSync(join(EXAMPLES_DIR, 'dev.yaml'), 'utf8')}tags: { Team: checkout }\n`);
    const commit = remote.commit('dev: tag the team');
    const delivery = await deliver(suite.controller.url, 'push', remote.push());
    expect(delivery.status).toBe(202);
    expect(delivery.body.runs).toHaveLength(1);
    const run = await waitForRun(suite.controller.url, delivery.body.runs[0]!, (r) => ['applied', 'failed'].includes(r.status));
    expect(run).toMatchObject({ environment: 'dev', commit, trigger: 'push', branch: 'main', status: 'applied', decision: 'auto-apply' });
    // Nothing applied yet: the policy comes from the branch before the push.
    expect(run.policyFrom).toBe(remote.head('main~1'));
    expect(run.reason).toBeUndefined();
    expect(run.planHash).toMatch(/^[0-9a-f]{64}$/);
    expect(run.plan.add).toBeGreaterThan(50);
    expect(run.log).toContain('apply');
    expect(run.log).not.toContain(WEBHOOK_SECRET);
    expect(run.log).not.toContain(API_TOKEN);
    const statuses = github.statuses.filter((s: any) => s.sha === commit);
    expect(statuses.map((s: any) => s.context)).toContain('fargate-platform/dev');
    expect(statuses[statuses.length - 1]).toMatchObject({ state: 'success' });
    const list = await api(suite.controller.url, '/api/runs?environment=dev');
    expect(list.body.runs[0].id).toBe(run.id);
  });
});

describe('the controller, sandboxed: refusals, approvals, pull requests', () => {
  const suite = controllerSuite(['--sandbox', '--request-timeout-seconds', '3']);
  const { remote, github } = suite;
  /** Undone after each test, failed or not (a test left on another branch would fail the next ones). */
  const afterChecks: (() => void)[] = [];
  afterEach(() => afterChecks.splice(0).forEach((undo) => undo()));
  afterAll(() => expect(suite.exitCode).toBe(0));

  it('answers health and readiness without a token, and nothing else', async () => {
    expect((await fetch(`${suite.controller.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${suite.controller.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${suite.controller.url}/readyz`)).status).toBe(200);
    expect((await api(suite.controller.url, '/api/runs', { token: 'wrong' })).status).toBe(401);
    expect((await fetch(`${suite.controller.url}/api/environments`)).status).toBe(401);
    const environments = await api(suite.controller.url, '/api/environments');
    expect(environments.body.environments.map((e: any) => e.name)).toEqual(['dev', 'prod', 'staging']);
  });

  it('refuses bad signatures, bad bodies and replays, and says why nothing ran', async () => {
    remote.write('environments/staging.yaml', `${example('staging.yaml')}tags: { Team: ops }\n`);
    remote.commit('staging: tag');
    const payload = remote.push();
    expect((await deliver(suite.controller.url, 'push', payload, { secret: 'another-secret' })).status).toBe(401);
    expect((await deliver(suite.controller.url, 'push', payload, { signature: 'sha256=00' })).status).toBe(401);
    const unsigned = await fetch(`${suite.controller.url}/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'x1' },
      body: '{}',
    });
    expect(unsigned.status).toBe(401);
    const notJson = await fetch(`${suite.controller.url}/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': 'x2',
        'x-hub-signature-256': await signPayload(WEBHOOK_SECRET, '{nope'),
      },
      body: '{nope',
    });
    expect(notJson.status).toBe(400);
    const noEvent = await fetch(`${suite.controller.url}/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-delivery': 'x3',
        'x-hub-signature-256': await signPayload(WEBHOOK_SECRET, '{}'),
      },
      body: '{}',
    });
    expect(noEvent.status).toBe(400);
    expect(await oversizedStatus(suite.controller.url)).toBe(413);
    const first = await deliver(suite.controller.url, 'push', payload, { delivery: 'delivery-staging-1' });
    expect(first.status).toBe(202);
    const replay = await deliver(suite.controller.url, 'push', payload, { delivery: 'delivery-staging-1' });
    expect(replay).toEqual({ status: 200, body: { runs: [], reason: 'delivery already seen' } });
    expect((await deliver(suite.controller.url, 'ping', { zen: 'Keep it logically awesome.', hook_id: 1 })).body).toEqual({
      runs: [],
      reason: 'pong',
    });
    remote.write('README.md', 'only docs\n');
    remote.commit('docs');
    const docs = await deliver(suite.controller.url, 'push', remote.push());
    expect(docs.status).toBe(200);
    expect(docs.body.reason).toBe('nothing under environments/ changed');
    await waitForRun(suite.controller.url, first.body.runs[0]!, (r) => r.status === 'applied');
    expect((await api(suite.controller.url, '/api/runs?environment=staging')).body.runs).toHaveLength(1);
  });

  it('answers with security headers, and refuses a signed body replayed under a new delivery ID', async () => {
    for (const path of ['/healthz', '/login', '/api/runs']) {
      const answer = await fetch(`${suite.controller.url}${path}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
      expect([
        path,
        answer.headers.get('x-frame-options'),
        answer.headers.get('content-security-policy'),
        answer.headers.get('x-content-type-options'),
        answer.headers.get('cache-control'),
      ]).toEqual([path, 'DENY', "frame-ancestors 'none'", 'nosniff', 'no-store']);
    }
    remote.write('environments/dev.yaml', `${example('dev.yaml')}tags: { Team: replay }\n`);
    remote.commit('dev: replayed');
    const payload = remote.push();
    const first = await deliver(suite.controller.url, 'push', payload);
    expect(first.status).toBe(202);
    const replay = await deliver(suite.controller.url, 'push', payload);
    expect(replay).toEqual({ status: 200, body: { runs: [], reason: 'delivery already seen' } });
    expect(
      (await api(suite.controller.url, '/api/runs?environment=dev')).body.runs.filter((r: any) => r.commit === payload.after),
    ).toHaveLength(1);
    await waitForRun(suite.controller.url, first.body.runs[0]!, (r) => !['queued', 'running', 'approved', 'applying'].includes(r.status));
  });

  it('refuses an unsigned body before reading it, and cuts a slow body off', async () => {
    expect(await declaredOnlyStatus(suite.controller.url, { 'content-length': String(20 * 1024 * 1024) })).toBe(401);
    const started = Date.now();
    const slow = await slowBody(suite.controller.url);
    expect(slow.cutOff).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await fetch(`${suite.controller.url}/healthz`)).status).toBe(200);
  });

  it('takes changes from a status page session only from its own origin, with its CSRF token', async () => {
    const login = await fetch(`${suite.controller.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-proto': 'https' },
      body: `token=${API_TOKEN}`,
    });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict; .*; Secure$/);
    const plain = await fetch(`${suite.controller.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${API_TOKEN}`,
    });
    expect(plain.headers.get('set-cookie')).not.toContain('Secure');
    const crossSite = await fetch(`${suite.controller.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: `token=${API_TOKEN}`,
    });
    expect(crossSite.status).toBe(403);
    const session = cookie.split(';')[0]!;
    const page = await (await fetch(`${suite.controller.url}/`, { headers: { cookie: session } })).text();
    const csrf = /<meta name="csrf-token" content="([0-9a-f]{64})">/.exec(page)?.[1];
    expect(csrf).toBeDefined();
    const host = new URL(suite.controller.url).host;
    const post = (headers: Record<string, string>, body = '{}') =>
      fetch(`${suite.controller.url}/api/environments/dev/plan`, { method: 'POST', headers: { cookie: session, ...headers }, body });
    // What another site's form can make a browser send: form-encoded, the cookie attached, a foreign Origin.
    expect((await post({ 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, 'x=1')).status).toBe(403);
    expect(
      (await post({ 'content-type': 'application/x-www-form-urlencoded', origin: `http://${host}`, 'x-csrf-token': csrf! }, 'x=1')).status,
    ).toBe(415);
    expect((await post({ 'content-type': 'application/json', origin: 'https://evil.example', 'x-csrf-token': csrf! })).status).toBe(403);
    expect((await post({ 'content-type': 'application/json', origin: `http://${host}` })).status).toBe(403);
    expect((await post({ 'content-type': 'application/json', origin: `http://${host}`, 'x-csrf-token': 'f'.repeat(64) })).status).toBe(403);
    const allowed = await post({ 'content-type': 'application/json', origin: `http://${host}`, 'x-csrf-token': csrf! });
    expect(allowed.status).toBe(202);
    await waitForRun(
      suite.controller.url,
      ((await allowed.json()) as any).runs[0],
      (r) => !['queued', 'running', 'approved', 'applying'].includes(r.status),
    );
  });

  it('waits for an approver of that very plan in production, and refuses anyone else', async () => {
    remote.write('environments/prod.yaml', `${example('prod.yaml')}tags: { Team: sre }\n`);
    remote.commit('prod: tag');
    const [id] = (await deliver(suite.controller.url, 'push', remote.push())).body.runs;
    const waiting = await waitForRun(suite.controller.url, id!, (r) => r.status !== 'queued' && r.status !== 'running');
    expect(waiting).toMatchObject({ status: 'awaiting-approval', decision: 'needs-approval', production: true });
    expect(waiting.planHash).toMatch(/^[0-9a-f]{64}$/);
    // The saved plan is the controller's user's only, and is what the hash names.
    const planFile = join(suite.dataDir, 'work', 'prod', `run-${id}.tfplan`);
    expect(statSync(planFile).mode & 0o777).toBe(0o600);
    expect(createHash('sha256').update(readFileSync(planFile)).digest('hex')).toBe(waiting.planHash);
    const stranger = await approve(suite.controller.url, waiting, 'mallory');
    expect(stranger.status).toBe(403);
    expect(stranger.body.error).toContain('mallory is not an approver of prod');
    // A login in the body, with the API token alone, approves nothing (the old way of claiming to be someone).
    const claimed = await api(suite.controller.url, `/api/runs/${id}/approve`, { method: 'POST', body: { by: 'platform-lead' } });
    expect(claimed.status).toBe(400);
    expect(claimed.body.error).toContain('"by" is not accepted');
    const noIdentity = await api(suite.controller.url, `/api/runs/${id}/approve`, { method: 'POST', body: { planHash: waiting.planHash } });
    expect(noIdentity.status).toBe(401);
    expect(noIdentity.body.error).toContain('X-GitHub-User-Token');
    const unknownUser = await api(suite.controller.url, `/api/runs/${id}/approve`, {
      method: 'POST',
      body: { planHash: waiting.planHash },
      userToken: 'not-a-token',
    });
    expect(unknownUser.status).toBe(401);
    expect((await api(suite.controller.url, `/api/runs/${id}/approve`, { method: 'POST', body: {} })).status).toBe(400);
    const otherPlan = await approve(suite.controller.url, { id: id!, planHash: 'f'.repeat(64) }, 'platform-lead');
    expect(otherPlan.status).toBe(409);
    expect(otherPlan.body.error).toContain('approve the plan you read');
    expect((await api(suite.controller.url, `/api/runs/${id}`)).body.status).toBe('awaiting-approval');
    const approved = await approve(suite.controller.url, waiting, 'platform-lead');
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', approvedBy: 'platform-lead' });
    const applied = await waitForRun(suite.controller.url, id!, (r) => r.status === 'applied' || r.status === 'failed');
    expect(applied.status).toBe('applied');
    expect(existsSync(planFile)).toBe(false);
    expect(statSync(suite.dataDir).mode & 0o777).toBe(0o700);
    expect((await approve(suite.controller.url, waiting, 'platform-lead')).status).toBe(409);
    expect((await api(suite.controller.url, `/api/runs/${id}/cancel`, { method: 'POST' })).status).toBe(409);
    expect((await api(suite.controller.url, '/api/runs/nope')).status).toBe(404);
  });

  it('supersedes a plan waiting for approval when a newer commit arrives', async () => {
    // Log retention changes resources (tags would change only the provider, which the sandbox leaves out).
    remote.write('environments/prod.yaml', edit(example('prod.yaml'), 'logRetentionDays: 90', 'logRetentionDays: 60'));
    remote.commit('prod: keep logs 60 days');
    const [older] = (await deliver(suite.controller.url, 'push', remote.push())).body.runs;
    expect((await waitForRun(suite.controller.url, older!, settled)).status).toBe('awaiting-approval');
    remote.write('environments/prod.yaml', edit(example('prod.yaml'), 'logRetentionDays: 90', 'logRetentionDays: 120'));
    remote.commit('prod: keep logs 120 days');
    const [newer] = (await deliver(suite.controller.url, 'push', remote.push())).body.runs;
    expect((await waitForRun(suite.controller.url, newer!, settled)).status).toBe('awaiting-approval');
    const old = (await api(suite.controller.url, `/api/runs/${older}`)).body;
    expect(old.status).toBe('superseded');
    const superseded = await approve(suite.controller.url, old, 'platform-lead');
    expect(superseded.status).toBe(409);
    expect(superseded.body.error).toContain('superseded');
    expect((await api(suite.controller.url, `/api/runs/${newer}/cancel`, { method: 'POST' })).body.status).toBe('cancelled');
  });

  it('plans pull requests speculatively with a comment, never applies forks, and cancels on close', async () => {
    const base = remote.head('main');
    remote.checkout('feature', true);
    remote.write('environments/staging.yaml', `${example('staging.yaml')}tags: { Team: web }\n`);
    const head = remote.commit('staging: web team');
    remote.push('feature');
    const opened = await deliver(
      suite.controller.url,
      'pull_request',
      pullRequestPayload({ action: 'opened', number: 7, headSha: head, headRef: 'feature', baseSha: base }),
    );
    expect(opened.status).toBe(202);
    expect(opened.body.runs).toHaveLength(1);
    const planned = await waitForRun(suite.controller.url, opened.body.runs[0]!, (r) => !['queued', 'running'].includes(r.status));
    expect(planned).toMatchObject({
      environment: 'staging',
      status: 'planned',
      decision: 'plan-only',
      pullRequest: 7,
      trigger: 'pull_request',
    });
    // The comment is posted as the run finishes; on a loaded machine it may land just after the status.
    const deadline = Date.now() + 15_000;
    while (!github.comments.some((c: any) => c.issue === 7) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const comments = github.comments.filter((c: any) => c.issue === 7);
    expect(comments.length).toBeGreaterThan(0);
    expect(comments[0].body).toContain('fargate-platform:plan:staging');
    // The monthly cost difference from main, through the core: a tag changes nothing billable.
    expect(comments[0].body).toContain('#### Monthly cost estimate: difference from main');
    expect(comments[0].body).toMatch(/^\| staging \| \$[\d,]+\.\d\d \| \$[\d,]+\.\d\d \| \$0\.00 \|$/m);
    const refused = await deliver(suite.controller.url, 'issue_comment', commentPayload(7, '/apply staging', 'mallory'));
    expect(refused.body.runs).toEqual([]);
    expect(refused.body.reason).toContain('mallory is not an approver');
    const fork = await deliver(
      suite.controller.url,
      'pull_request',
      pullRequestPayload({ action: 'opened', number: 8, headSha: head, headRef: 'feature', baseSha: base, fork: true }),
    );
    const forkRun = await waitForRun(suite.controller.url, fork.body.runs[0]!, (r) => !['queued', 'running'].includes(r.status));
    expect(forkRun.status).toBe('cancelled');
    expect(forkRun.error).toContain('forks');
    const closed = await deliver(
      suite.controller.url,
      'pull_request',
      pullRequestPayload({ action: 'closed', number: 7, headSha: head, headRef: 'feature', baseSha: base }),
    );
    expect(closed.status).toBe(200);
    expect(closed.body.reason).toContain('pull request #7 closed');
    remote.checkout('main');
  });

  it('lets no pull request allow its own fork plans, name its own approvers, or speak for another repository', async () => {
    const base = remote.head('main');
    remote.checkout('takeover', true);
    remote.write('environments/dev.yaml', `${example('dev.yaml')}gitops:\n  allowForks: true\n  approvers: [mallory]\n`);
    const head = remote.commit('dev: let me in');
    remote.push('takeover');
    const fork = await deliver(
      suite.controller.url,
      'pull_request',
      pullRequestPayload({ action: 'opened', number: 9, headSha: head, headRef: 'takeover', baseSha: base, fork: true, author: 'mallory' }),
    );
    const forkRun = await waitForRun(suite.controller.url, fork.body.runs[0]!, settled);
    expect(forkRun.status).toBe('cancelled');
    const own = await deliver(
      suite.controller.url,
      'pull_request',
      pullRequestPayload({ action: 'opened', number: 10, headSha: head, headRef: 'takeover', baseSha: base, author: 'mallory' }),
    );
    const planned = await waitForRun(suite.controller.url, own.body.runs[0]!, settled);
    expect(planned).toMatchObject({ status: 'planned', approvers: [] });
    const apply = await deliver(suite.controller.url, 'issue_comment', commentPayload(10, '/apply dev', 'mallory'));
    expect(apply.body.runs).toEqual([]);
    expect(apply.body.reason).toContain('mallory is not an approver');
    const elsewhere = await deliver(suite.controller.url, 'issue_comment', {
      ...commentPayload(10, '/plan dev', 'platform-lead'),
      repository: { id: 3, name: 'other', full_name: 'someone/other', default_branch: 'main', owner: { login: 'someone' } },
    });
    expect(elsewhere.body).toEqual({ runs: [], reason: `event of someone/other, not ${REPOSITORY}` });
    remote.checkout('main');
  });

  it('approves from a check run\'s "Apply" button as the GitHub user who clicked, only an approver', async () => {
    remote.write('environments/prod.yaml', edit(example('prod.yaml'), 'logRetentionDays: 90', 'logRetentionDays: 30'));
    remote.commit('prod: keep logs 30 days');
    const [id] = (await deliver(suite.controller.url, 'push', remote.push())).body.runs;
    expect((await waitForRun(suite.controller.url, id!, settled)).status).toBe('awaiting-approval');
    const click = (login: string) =>
      deliver(suite.controller.url, 'check_run', {
        action: 'requested_action',
        requested_action: { identifier: 'apply' },
        check_run: { id: 5, external_id: id, head_sha: remote.head('main') },
        repository: { id: 1, name: 'platform-config', full_name: REPOSITORY, owner: { login: 'shop' } },
        sender: { login },
      });
    const stranger = await click('mallory');
    expect(stranger.body.reason).toContain('mallory is not an approver of prod');
    expect((await api(suite.controller.url, `/api/runs/${id}`)).body.status).toBe('awaiting-approval');
    expect((await click('sre-oncall')).body.reason).toBe(`run ${id} approved by sre-oncall`);
    const applied = await waitForRun(suite.controller.url, id!, (r) => ['applied', 'failed'].includes(r.status));
    expect(applied).toMatchObject({ status: 'applied', approvedBy: 'sre-oncall' });
  });

  it('applies on /apply the commit whose plan was reported, never a head pushed since', async () => {
    const base = remote.head('main');
    remote.checkout('apply-race', true);
    afterChecks.push(() => remote.checkout('main'));
    remote.write('environments/prod.yaml', `${example('prod.yaml')}tags: { Team: reviewed }\n`);
    const reviewed = remote.commit('prod: the reviewed change');
    remote.push('apply-race');
    const opened = await deliver(
      suite.controller.url,
      'pull_request',
      pullRequestPayload({ action: 'opened', number: 21, headSha: reviewed, headRef: 'apply-race', baseSha: base }),
    );
    expect((await waitForRun(suite.controller.url, opened.body.runs[0]!, settled)).status).toBe('planned');
    remote.write('environments/prod.yaml', `${example('prod.yaml')}tags: { Team: unreviewed }\n`);
    const unreviewed = remote.commit('prod: pushed seconds before the comment');
    remote.push('apply-race');
    await deliver(
      suite.controller.url,
      'pull_request',
      pullRequestPayload({ action: 'synchronize', number: 21, headSha: unreviewed, headRef: 'apply-race', baseSha: base }),
    );
    const apply = await deliver(suite.controller.url, 'issue_comment', commentPayload(21, '/apply prod', 'platform-lead'));
    expect(apply.body.runs).toHaveLength(1);
    const run = await waitForRun(suite.controller.url, apply.body.runs[0]!, settled);
    expect(run).toMatchObject({ environment: 'prod', trigger: 'comment', commit: reviewed, applyRequested: true });
    expect(run.commit).not.toBe(unreviewed);
    remote.checkout('main');
  });

  it('plans a deleted environment as a destroy that waits for an approval', async () => {
    remote.remove('environments/staging.yaml');
    remote.commit('retire staging');
    const [id] = (await deliver(suite.controller.url, 'push', remote.push())).body.runs;
    const run = await waitForRun(suite.controller.url, id!, (r) => !['queued', 'running'].includes(r.status));
    expect(run).toMatchObject({ environment: 'staging', destroy: true, status: 'awaiting-approval', decision: 'blocked-destroy' });
    expect(run.plan.destroy).toBeGreaterThan(10);
  });
});

describe('the controller, sandboxed: policy that a push cannot lower', () => {
  const suite = controllerSuite(['--sandbox']);
  const { remote } = suite;
  const prod = example('prod.yaml');
  const APPROVERS = '  approvers: [platform-lead, sre-oncall]';
  afterAll(() => expect(suite.exitCode).toBe(0));

  /**
   * Pushes `file` as `text`; the run of its environment once it settled
   * (other environments whose files differ from what they last applied are
   * planned by the same push).
   */
  async function push(file: string, text: string, message: string): Promise<any> {
    remote.write(file, text);
    remote.commit(message);
    const delivery = await deliver(suite.controller.url, 'push', remote.push());
    expect(delivery.status).toBe(202);
    const environment = /([^/]+)\.yaml$/.exec(file)![1];
    const runs = await Promise.all(delivery.body.runs.map(async (id: string) => (await api(suite.controller.url, `/api/runs/${id}`)).body));
    const run = runs.find((r: any) => r.environment === environment);
    expect(run).toBeDefined();
    return waitForRun(suite.controller.url, run.id, settled);
  }

  it('plans production turned off with autoApply turned on under the old policy, and waits', async () => {
    const before = remote.head('main');
    const run = await push(
      'environments/prod.yaml',
      `${edit(prod, APPROVERS, `${APPROVERS}\n  autoApply: true`)}production: false\n`,
      'prod: not production, apply by itself',
    );
    expect(run).toMatchObject({
      environment: 'prod',
      status: 'awaiting-approval',
      decision: 'needs-approval',
      production: true,
      policyFrom: before,
      approvers: ['platform-lead', 'sre-oncall'],
    });
    expect(run.reason).toContain('production: true -> false');
    expect(run.reason).toContain('gitops.autoApply: false -> true');
    // Checked as production too: what it would stop checking is named, for the approver to read.
    expect(run.reason).toContain('production-only guardrails it would fail: log-encryption');
    // (autoApply alone cannot be turned on in production: validation refuses it.)
  });

  it('lets only an approver of the old policy approve an added approver, then goes by the applied policy', async () => {
    const run = await push(
      'environments/prod.yaml',
      edit(prod, APPROVERS, '  approvers: [platform-lead, sre-oncall, mallory]'),
      'prod: mallory approves',
    );
    expect(run).toMatchObject({ status: 'awaiting-approval', decision: 'needs-approval', approvers: ['platform-lead', 'sre-oncall'] });
    expect(run.reason).toContain('gitops.approvers adds mallory');
    const self = await approve(suite.controller.url, run, 'mallory');
    expect(self.status).toBe(403);
    // Nor can mallory /apply a pull request while that change waits: comments go by the applied approvers too.
    const base = remote.head('main');
    remote.checkout('mallory-pr', true);
    remote.write(
      'environments/prod.yaml',
      `${edit(example('prod.yaml'), APPROVERS, '  approvers: [platform-lead, sre-oncall, mallory]')}tags: { Team: mallory }\n`,
    );
    const head = remote.commit('prod: by mallory');
    remote.push('mallory-pr');
    remote.checkout('main');
    const opened = await deliver(
      suite.controller.url,
      'pull_request',
      pullRequestPayload({ action: 'opened', number: 31, headSha: head, headRef: 'mallory-pr', baseSha: base, author: 'mallory' }),
    );
    expect((await waitForRun(suite.controller.url, opened.body.runs[0]!, settled)).approvers).toEqual(['platform-lead', 'sre-oncall']);
    const comment = await deliver(suite.controller.url, 'issue_comment', commentPayload(31, '/apply prod', 'mallory'));
    expect(comment.body).toMatchObject({ runs: [], reason: 'refused: prod: mallory is not an approver' });
    expect((await approve(suite.controller.url, run, 'platform-lead')).status).toBe(200);
    expect((await waitForRun(suite.controller.url, run.id, (r) => ['applied', 'failed'].includes(r.status))).status).toBe('applied');
    // Applied: the next change goes by the policy of that commit (mallory now approves) and lowers nothing.
    const next = await push(
      'environments/prod.yaml',
      edit(edit(prod, APPROVERS, '  approvers: [platform-lead, sre-oncall, mallory]'), 'logRetentionDays: 90', 'logRetentionDays: 60'),
      'prod: keep logs 60 days',
    );
    expect(next).toMatchObject({
      status: 'awaiting-approval',
      decision: 'needs-approval',
      policyFrom: run.commit,
      approvers: ['platform-lead', 'sre-oncall', 'mallory'],
    });
    expect(next.reason).toBeUndefined();
  });

  it('waits on an approver removed', async () => {
    const run = await push(
      'environments/prod.yaml',
      edit(prod, APPROVERS, '  approvers: [platform-lead, mallory]'),
      'prod: without sre-oncall',
    );
    expect(run).toMatchObject({ status: 'awaiting-approval', decision: 'needs-approval' });
    expect(run.reason).toContain('gitops.approvers removes sre-oncall');
  });

  it('waits on forks allowed outside production, where the same push would apply by itself', async () => {
    const run = await push('environments/staging.yaml', `${example('staging.yaml')}gitops:\n  allowForks: true\n`, 'staging: plan forks');
    expect(run).toMatchObject({ environment: 'staging', status: 'awaiting-approval', decision: 'needs-approval', production: false });
    expect(run.reason).toContain('gitops.allowForks: false -> true');
    // A later push does not go by the policy the unapproved one brought: the source stays what was applied before.
    const later = await push(
      'environments/staging.yaml',
      `${example('staging.yaml')}gitops:\n  allowForks: true\ntags: { Team: web }\n`,
      'staging: tag',
    );
    expect(later).toMatchObject({ status: 'awaiting-approval', policyFrom: run.policyFrom });
    expect(later.reason).toContain('gitops.allowForks: false -> true');
  });

  it('waits on a guardrail waiver added', async () => {
    const dev = example('dev.yaml');
    const run = await push(
      'environments/dev.yaml',
      edit(dev, '  waivers:\n', '  waivers:\n    alb-deletion-protection: "dev load balancers are recreated at will"\n'),
      'dev: waive deletion protection',
    );
    expect(run).toMatchObject({ environment: 'dev', status: 'awaiting-approval', decision: 'needs-approval' });
    expect(run.reason).toContain('guardrails.waivers adds alb-deletion-protection');
  });
});

describe('the controller, sandboxed: what a push changed is computed, not taken from the payload', () => {
  const suite = controllerSuite(['--sandbox']);
  const { remote } = suite;
  const gitIn = (...args: string[]) => execFileSync('git', args, { cwd: remote.work, encoding: 'utf8' }).trim();
  afterAll(() => expect(suite.exitCode).toBe(0));

  /** Resets main to `to` (with `commit` on top when given), pushes it with --force and delivers the payload GitHub sends: forced, the commits after the merge base only. */
  async function forcePush(to: string, change?: { file: string; text: string }) {
    const before = remote.head('main');
    gitIn('reset', '--quiet', '--hard', to);
    if (change) {
      remote.write(change.file, change.text);
      remote.commit(`force: ${change.file}`);
    }
    gitIn('push', '--quiet', '--force', 'origin', 'main');
    const after = remote.head('main');
    const payload = { ...pushPayload(remote.work, 'main', before, after), forced: true };
    // GitHub lists the commits new to the branch: none for a reset to an older commit.
    if (!change) Object.assign(payload, { commits: [], head_commit: null });
    return deliver(suite.controller.url, 'push', payload);
  }

  async function applied(file: string, text: string): Promise<string> {
    remote.write(file, text);
    const commit = remote.commit(`change ${file}`);
    const delivery = await deliver(suite.controller.url, 'push', remote.push());
    for (const id of delivery.body.runs)
      await waitForRun(suite.controller.url, id, (r) => !['queued', 'running', 'approved', 'applying'].includes(r.status));
    return commit;
  }

  it('plans every environment a force-push takes back from what it applied, as a rollback that waits', async () => {
    const start = remote.head('main');
    await applied('environments/staging.yaml', edit(example('staging.yaml'), 'logRetentionDays: 30', 'logRetentionDays: 14'));
    // The force-push drops the staging change and brings a dev one: its payload names dev only.
    const delivery = await forcePush(start, {
      file: 'environments/dev.yaml',
      text: edit(example('dev.yaml'), 'logRetentionDays: 7', 'logRetentionDays: 5'),
    });
    expect(delivery.status).toBe(202);
    const runs = await Promise.all(delivery.body.runs.map((id: string) => waitForRun(suite.controller.url, id, settled)));
    expect(runs.map((r: any) => r.environment).sort()).toEqual(['dev', 'staging']);
    const staging = runs.find((r: any) => r.environment === 'staging');
    expect(staging).toMatchObject({ status: 'awaiting-approval', decision: 'needs-approval' });
    expect(staging.reason).toContain('does not descend from');
  });

  it('plans a force-push back to an older commit (no commits in the payload) as a rollback that waits', async () => {
    const before = remote.head('main');
    const dev = await applied('environments/dev.yaml', edit(example('dev.yaml'), 'logRetentionDays: 7', 'logRetentionDays: 3'));
    expect((await api(suite.controller.url, '/api/runs?environment=dev&status=applied')).body.runs[0].commit).toBe(dev);
    const delivery = await forcePush(before);
    expect(delivery.status).toBe(202);
    const runs = await Promise.all(delivery.body.runs.map((id: string) => waitForRun(suite.controller.url, id, settled)));
    const rollback = runs.find((r: any) => r.environment === 'dev');
    expect(rollback).toMatchObject({ commit: before, status: 'awaiting-approval', decision: 'needs-approval' });
    expect(rollback.reason).toContain(`does not descend from ${dev.slice(0, 12)}`);
  });

  it('fetches before a manual plan: after a lost webhook it plans the branch head', async () => {
    remote.write('environments/staging.yaml', `${example('staging.yaml')}tags: { Team: lost }\n`);
    const head = remote.commit('staging: its webhook was lost');
    remote.push();
    const planned = await api(suite.controller.url, '/api/environments/staging/plan', { method: 'POST' });
    expect(planned.status).toBe(202);
    expect((await waitForRun(suite.controller.url, planned.body.runs[0], settled)).commit).toBe(head);
  });
});

describe('the controller as a GitHub App, sandboxed: check runs with an "Apply" action', () => {
  const remote = new ConfigRemote();
  const dataDir = mkdtempSync(join(tmpdir(), 'controller-app-'));
  const keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const github = new GitHubStandIn({
    owner: 'shop',
    repo: 'platform-config',
    users: USER_TOKENS,
    app: { id: '4242', publicKey: keys.publicKey, installationId: 77 },
  });
  let controller: Started;

  beforeAll(async () => {
    const url = await github.start();
    controller = await startController(
      [
        '--repo',
        remote.bare,
        '--data-dir',
        dataDir,
        '--sandbox',
        '--github-api-url',
        url,
        '--github-repository',
        REPOSITORY,
        '--github-app-id',
        '4242',
      ],
      { GITHUB_APP_PRIVATE_KEY: keys.privateKey, GITHUB_TOKEN: '' },
    );
  });
  afterAll(async () => {
    expect(await controller?.stop()).toBe(0);
    await github.stop();
    remote.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports a run waiting for an approval as a check run whose "Apply" approves it as the approver who clicked', async () => {
    remote.write('environments/prod.yaml', edit(example('prod.yaml'), 'logRetentionDays: 90', 'logRetentionDays: 60'));
    const commit = remote.commit('prod: keep logs 60 days');
    const [id] = (await deliver(controller.url, 'push', remote.push())).body.runs;
    const waiting = await waitForRun(controller.url, id!, settled);
    expect(waiting.status).toBe('awaiting-approval');
    const deadline = Date.now() + 15_000;
    const checkRun = () => github.checkRuns.find((c) => c.fields.external_id === id);
    while (!(checkRun()?.fields.actions as unknown[] | undefined)?.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const reported = checkRun()!;
    expect(reported).toMatchObject({
      head_sha: commit,
      fields: { name: 'fargate-platform/prod', status: 'in_progress', actions: [{ identifier: 'apply', label: 'Apply' }] },
    });
    expect((reported.fields.output as any).summary).toContain(waiting.planHash);
    expect((reported.fields.output as any).text).toContain('Terraform');
    // Installation tokens were minted from the App's JWT; no personal token was used.
    expect(github.calls.some((c) => c.method === 'POST' && c.path === '/app/installations/77/access_tokens' && c.status === 201)).toBe(
      true,
    );
    expect(github.statuses).toEqual([]);
    const click = (login: string) =>
      deliver(controller.url, 'check_run', {
        action: 'requested_action',
        requested_action: { identifier: 'apply' },
        check_run: { id: reported.id, external_id: id, head_sha: commit },
        repository: { id: 1, name: 'platform-config', full_name: REPOSITORY, owner: { login: 'shop' } },
        sender: { login },
      });
    expect((await click('mallory')).body.reason).toContain('mallory is not an approver of prod');
    expect((await click('sre-oncall')).body.reason).toBe(`run ${id} approved by sre-oncall`);
    expect((await waitForRun(controller.url, id!, (r) => ['applied', 'failed'].includes(r.status))).status).toBe('applied');
    while (reported.fields.conclusion === undefined && Date.now() < deadline + 15_000) await new Promise((r) => setTimeout(r, 100));
    expect(reported.fields).toMatchObject({ status: 'completed', conclusion: 'success', actions: [] });
  });

  it('refuses to start as an App without its private key, in one line', () => {
    const result = spawnSync(
      process.execPath,
      ['bin/platform.js', 'serve', '--repo', remote.bare, '--port', '0', '--data-dir', dataDir, '--github-app-id', '4242'],
      {
        env: { ...process.env, WEBHOOK_SECRET, API_TOKEN, GITHUB_APP_PRIVATE_KEY: '' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe("GITHUB_APP_PRIVATE_KEY is required with --github-app-id: the App's private key (PEM)");
  });
});

/** Sends only the headers of an unsigned webhook (`headers` on top) and answers the status the server gives without its body. */
function declaredOnlyStatus(url: string, headers: Record<string, string>): Promise<number | undefined> {
  return new Promise((resolveStatus, reject) => {
    const req = request(
      `${url}/webhooks/github`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'unsigned-1', ...headers },
      },
      (res) => {
        res.resume();
        resolveStatus(res.statusCode);
        req.destroy();
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    req.flushHeaders();
  });
}

/** A signed-looking webhook whose body trickles in a byte a second: whether the server cut it off (408 or a closed socket) before it finished. */
function slowBody(url: string): Promise<{ cutOff: boolean }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolveCut) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    const done = (cutOff: boolean) => {
      clearInterval(timer);
      socket.destroy();
      resolveCut({ cutOff });
    };
    socket.on('connect', () => {
      socket.write(
        `POST /webhooks/github HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/json\r\nx-github-event: push\r\nx-github-delivery: slow-1\r\nx-hub-signature-256: sha256=${'0'.repeat(64)}\r\ncontent-length: 60\r\n\r\n`,
      );
      let sent = 0;
      timer = setInterval(() => (sent++ < 60 ? socket.write('x') : done(false)), 1000);
    });
    socket.setEncoding('utf8').on('data', (text: string) => {
      answer += text;
    });
    socket.on('close', () => done(answer === '' || /^HTTP\/1\.1 408/.test(answer)));
    socket.on('error', () => undefined);
  });
}

/** Sends a webhook announcing 26 MB and answers the status the server gives before reading it. */
function oversizedStatus(url: string): Promise<number | undefined> {
  return new Promise((resolveStatus, reject) => {
    const req = request(
      `${url}/webhooks/github`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': 26 * 1024 * 1024,
          'x-github-event': 'push',
          'x-github-delivery': 'x4',
          'x-hub-signature-256': 'sha256=00',
        },
      },
      (res) => {
        res.resume();
        resolveStatus(res.statusCode);
        req.destroy();
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    req.write('"' + 'x'.repeat(1024 * 1024));
  });
}
