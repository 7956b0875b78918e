/**
 * The controller with real planning: --offline plans the example
 * environments with the real AWS provider (local backend, dummy
 * credentials) and never applies; drift checks find a deployment that no
 * longer matches the branch and report it as a failing commit status.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  api,
  approve,
  ConfigRemote,
  controllerSuite,
  deliver,
  startController,
  USER_TOKENS,
  waitForRun,
  type Started,
} from '../support/controller-harness';
import { GitHubStandIn } from '../support/github-standin';
import { EXAMPLES_DIR } from '../support/fixture-dirs';

jest.setTimeout(300_000);
const settled = (run: { status: string }) => !['queued', 'running'].includes(run.status);

describe('the controller, offline', () => {
  const remote = new ConfigRemote();
  const dataDir = mkdtempSync(join(tmpdir(), 'controller-data-'));
  let controller: Started;
  // Only GET /user, for the approval: without GITHUB_TOKEN nothing is reported.
  const github = new GitHubStandIn({ users: USER_TOKENS });

  beforeAll(async () => {
    controller = await startController([
      '--repo',
      remote.bare,
      '--data-dir',
      dataDir,
      '--offline',
      '--github-api-url',
      await github.start(),
    ]);
  });
  afterAll(async () => {
    await controller?.stop();
    await github.stop();
    remote.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('plans the example environments for real and ends in approved instead of applying', async () => {
    remote.write('environments/dev.yaml', `${readFileSync(join(EXAMPLES_DIR, 'dev.yaml'), 'utf8')}tags: { Team: checkout }\n`);
    remote.commit('dev: tag');
    const [id] = (await deliver(controller.url, 'push', remote.push())).body.runs;
    const run = await waitForRun(controller.url, id!, (r) => !['queued', 'running'].includes(r.status), 240_000);
    expect(run).toMatchObject({ environment: 'dev', status: 'approved', decision: 'auto-apply' });
    expect(run.plan.add).toBeGreaterThan(100);
    expect(run.plan.addresses.create).toContain('aws_ecs_cluster.cluster_A4C38409');
    expect(run.log).toContain('init ok');
    expect(run.log).not.toMatch(/Apply complete/);
    expect(controller.output()).toContain('GITHUB_TOKEN is not set: nothing will be reported to GitHub');
  });

  it('plans production on request and waits for an approval; approving never applies offline', async () => {
    const planned = await api(controller.url, '/api/environments/prod/plan', { method: 'POST' });
    expect(planned.status).toBe(202);
    expect((await api(controller.url, '/api/environments/nope/plan', { method: 'POST' })).status).toBe(404);
    const run = await waitForRun(controller.url, planned.body.runs[0], settled, 240_000);
    expect(run).toMatchObject({ environment: 'prod', trigger: 'manual', status: 'awaiting-approval', decision: 'needs-approval' });
    const approved = await approve(controller.url, run, 'sre-oncall');
    expect(approved.body.status).toBe('approved');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await api(controller.url, `/api/runs/${run.id}`)).body.status).toBe('approved');
  });

  it('fails a run on invalid YAML with the CLI problem lines, paths from the repository root', async () => {
    remote.write('environments/staging.yaml', `${readFileSync(join(EXAMPLES_DIR, 'staging.yaml'), 'utf8')}desiredCuont: 2\n`);
    remote.commit('staging: typo');
    const [id] = (await deliver(controller.url, 'push', remote.push())).body.runs;
    const run = await waitForRun(controller.url, id!, settled);
    expect(run.status).toBe('failed');
    expect(run.problems).toEqual([expect.stringMatching(/^environments\/staging\.yaml:\d+:1 desiredCuont: unknown key "desiredCuont"/)]);
  });
});

describe('drift checks', () => {
  const suite = controllerSuite(['--sandbox', '--drift-minutes', '0.05']);
  const { remote, github } = suite;

  it('records drift, shows it, fails the head commit status, and never applies it', async () => {
    const head = remote.head();
    // Nothing is deployed yet: every environment differs from the branch.
    const started = Date.now();
    let dev: any;
    while (Date.now() - started < 60_000) {
      dev = (await api(suite.controller.url, '/api/environments')).body.environments.find((e: any) => e.name === 'dev');
      if (dev.drift === 'drifted') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(dev.drift).toBe('drifted');
    const drifts = (await api(suite.controller.url, '/api/runs?environment=dev')).body.runs.filter(
      (r: any) => r.trigger === 'drift' && r.status === 'planned',
    );
    expect(drifts[0]).toMatchObject({ drift: true, decision: 'plan-only', commit: head });
    expect(
      github.statuses.some(
        (s: any) => s.sha === head && s.context === 'fargate-platform/dev' && s.state === 'failure' && /drift/.test(s.description),
      ),
    ).toBe(true);
    expect((await api(suite.controller.url, '/api/runs?status=applied')).body.runs).toEqual([]);
  });
});
