/**
 * The controller end to end: a local bare repository as the remote, the
 * controller as its own process, webhooks signed like GitHub's, the GitHub
 * stand-in recording what is reported. --sandbox plans and applies with real
 * Terraform (every resource a terraform_data stand-in on a local state).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitHubStandIn } from './github-standin';
import { api, API_TOKEN, ConfigRemote, deliver, REPOSITORY, startController, waitForRun, WEBHOOK_SECRET, type Started } from './controller-harness';

jest.setTimeout(180_000);

describe('the controller, sandboxed', () => {
  const remote = new ConfigRemote();
  const dataDir = mkdtempSync(join(tmpdir(), 'controller-data-'));
  const github = new GitHubStandIn({ token: 'test-github-token-89', owner: 'shop', repo: 'platform-config' });
  let controller: Started;

  beforeAll(async () => {
    const githubUrl = await github.start();
    controller = await startController(
      ['--repo', remote.bare, '--data-dir', dataDir, '--sandbox', '--github-api-url', githubUrl, '--github-repository', REPOSITORY],
      { GITHUB_TOKEN: 'test-github-token-89' },
    );
  });
  afterAll(async () => {
    await controller?.stop();
    await github.stop();
    remote.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('plans and applies exactly the environment a push changed, and reports it', async () => {
    remote.write('environments/dev.yaml', `${require('node:fs').readFileSync('environments/dev.yaml', 'utf8')}tags: { Team: checkout }\n`);
    const commit = remote.commit('dev: tag the team');
    const delivery = await deliver(controller.url, 'push', remote.push());
    expect(delivery.status).toBe(202);
    expect(delivery.body.runs).toHaveLength(1);
    const run = await waitForRun(controller.url, delivery.body.runs[0]!, (r) => ['applied', 'failed'].includes(r.status));
    expect(run).toMatchObject({ environment: 'dev', commit, trigger: 'push', branch: 'main', status: 'applied', decision: 'auto-apply' });
    expect(run.plan.add).toBeGreaterThan(50);
    expect(run.log).toContain('apply');
    expect(run.log).not.toContain(WEBHOOK_SECRET);
    expect(run.log).not.toContain(API_TOKEN);
    const statuses = github.statuses.filter((s: any) => s.sha === commit);
    expect(statuses.map((s: any) => s.context)).toContain('fargate-platform/dev');
    expect(statuses[statuses.length - 1]).toMatchObject({ state: 'success' });
    const list = await api(controller.url, '/api/runs?environment=dev');
    expect(list.body.runs[0].id).toBe(run.id);
  });
});
