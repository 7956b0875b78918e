/**
 * The controller without AWS (`serve --offline --base-plans`, started as its
 * container starts it): a pull request's plan is made against the default
 * branch's environment applied to the AWS API emulator (moto, from .venv),
 * so it shows what the change adds, not the whole environment, as an offline
 * plan with no state would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigRemote,
  deliver,
  pullRequestPayload,
  REPOSITORY,
  startController,
  waitForRun,
  type Started,
} from '../support/controller-harness';
import { MINIMAL_ENVIRONMENT, minimalService as service } from '../support/helpers';

const DEV = `${MINIMAL_ENVIRONMENT}services:\n${service('worker')}`;

jest.setTimeout(15 * 60_000);

describe('pull request plans against the default branch on the AWS API emulator', () => {
  let controller: Started;
  const remote = new ConfigRemote({ 'environments/dev.yaml': DEV });
  const dataDir = mkdtempSync(join(tmpdir(), 'controller-base-plans-'));

  beforeAll(async () => {
    controller = await startController([
      '--repo',
      remote.bare,
      '--data-dir',
      dataDir,
      '--github-repository',
      REPOSITORY,
      '--offline',
      '--base-plans',
    ]);
  });

  afterAll(async () => {
    await controller?.stop();
    remote.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('plans an added service as only its own resources', async () => {
    const base = remote.head('main');
    remote.checkout('reports', true);
    remote.write('environments/dev.yaml', `${DEV}${service('reports')}`);
    const head = remote.commit('dev: a reports service');
    remote.push('reports');
    const opened = await deliver(
      controller.url,
      'pull_request',
      pullRequestPayload({ action: 'opened', number: 21, headSha: head, headRef: 'reports', baseSha: base }),
    );
    expect(opened.status).toBe(202);
    const run = await waitForRun(controller.url, opened.body.runs[0]!, (r) => !['queued', 'running'].includes(r.status), 10 * 60_000);
    expect({ status: run.status, error: run.error }).toEqual({ status: 'planned', error: undefined });
    expect(run.log).toMatch(/--base main: the environment at [0-9a-f]{12} applied against the AWS API emulator/);
    const created: string[] = run.plan.addresses.create;
    expect(created.length).toBeGreaterThan(3);
    expect(created.filter((address) => !address.includes('reports'))).toEqual([]);
    expect(run.plan.destroy).toBe(0);
  });
});
