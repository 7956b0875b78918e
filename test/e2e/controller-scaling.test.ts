/**
 * Three controller processes on one DynamoDB table (dynalite), 60
 * environments, a `defaults.yaml` push delivered to all three at once and
 * redelivered to each; one process is SIGKILLed (with its Terraform) once it
 * is at work. Every environment is planned exactly once for the commit,
 * never by two processes at the same time, the killed process's runs are
 * interrupted and planned again by the others, and the plans ran in
 * parallel across processes (controller-fanout.ts does the work). And an
 * approval that lands on another process than the one holding the saved
 * plan: the planner applies it; once the planner is gone, the run fails and
 * its environment is planned again.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDb, type DynamoDbServer } from '../../src/verification/backend-servers';
import {
  api,
  approve,
  ConfigRemote,
  deliver,
  GITHUB_TOKEN,
  REPOSITORY,
  startController,
  USER_TOKENS,
  waitForRun,
  type Started,
} from '../support/controller-harness';
import { environmentFiles, fanOut, overlaps, peakConcurrency, type FanOutResult } from '../support/controller-fanout';
import { GitHubStandIn } from '../support/github-standin';

jest.setTimeout(15 * 60_000);

describe('three controllers sharing one queue', () => {
  let result: FanOutResult;

  beforeAll(async () => {
    result = await fanOut({ controllers: 3, environments: 60, killAfterClaims: 2, leaseSeconds: 8, maxParallel: 2 });
    // For a failure's post-mortem: the runs, the claims and the three logs.
    mkdirSync('test/artifacts', { recursive: true });
    writeFileSync('test/artifacts/controller-scaling.json', JSON.stringify(result, null, 2));
  });

  it('accepts the push once, whichever process it reaches, and refuses every redelivery as seen', () => {
    const accepted = result.firstAnswers.filter((a) => a.status === 202);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]!.runs).toHaveLength(60);
    for (const answer of result.firstAnswers.filter((a) => a.status !== 202))
      expect(answer).toMatchObject({ status: 200, reason: 'delivery already seen' });
    expect(result.redeliveryAnswers).toEqual(result.redeliveryAnswers.map(() => ({ status: 200, reason: 'delivery already seen' })));
  });

  it('plans every environment exactly once for the commit, and fails none', () => {
    expect(result.runs.every((run) => run.commit === result.commit)).toBe(true);
    expect(result.runs.filter((run) => run.status === 'failed')).toEqual([]);
    for (const environment of result.environments) {
      const planned = result.runs.filter(
        (run) => run.environment === environment && run.plan !== undefined && run.status !== 'interrupted',
      );
      expect([environment, planned.map((run) => run.status)]).toEqual([environment, ['applied']]);
    }
  });

  it('never works on one environment in two processes at the same time, and each claim has a higher token than the last', () => {
    expect(result.claims.length).toBeGreaterThanOrEqual(60);
    expect(overlaps(result.claims)).toEqual([]);
    const byEnvironment = new Map<string, number[]>();
    for (const claim of [...result.claims].sort((a, b) => a.from - b.from))
      byEnvironment.set(claim.environment, [...(byEnvironment.get(claim.environment) ?? []), claim.token]);
    for (const tokens of byEnvironment.values()) expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
  });

  it("recovers the killed process's runs: interrupted once its lease expired, and planned again by another process", () => {
    expect(result.killed).toBe(2);
    const interrupted = result.runs.filter((run) => run.status === 'interrupted');
    expect(interrupted.length).toBeGreaterThanOrEqual(1);
    const killedClaims = result.claims.filter((c) => c.process === result.killed);
    for (const run of interrupted) {
      expect(killedClaims.map((c) => c.runId)).toContain(run.id);
      expect(run.error).toMatch(/the controller stopped while this run was (running|applying|approved)/);
      const again = result.runs.find((r) => r.environment === run.environment && r.requestedBy === 'recovery');
      expect(again).toMatchObject({ trigger: 'manual', status: 'applied', commit: result.commit });
      // Planned again by a process that is alive.
      expect(result.claims.find((c) => c.runId === again.id)!.process).not.toBe(result.killed);
    }
    const takeOvers = result.outputs.filter((_, i) => i !== result.killed).join('\n');
    for (const run of interrupted)
      expect(takeOvers).toMatch(new RegExp(`lease of ${run.environment} \\(run ${run.id}, controller \\S+\\) expired: taken over`));
  });

  it('plans different environments in parallel across the processes', () => {
    const processes = new Set(result.claims.map((c) => c.process));
    expect(processes.size).toBe(3);
    // Each process runs 2 at most: more than 2 at once means several processes at work together.
    expect(peakConcurrency(result.claims)).toBeGreaterThan(2);
  });
});

describe('an approval through another controller than the one that planned', () => {
  const remote = new ConfigRemote({
    ...environmentFiles(0),
    'environments/env01.yaml': 'network:\n  cidr: 10.1.0.0/16\ngitops:\n  autoApply: false\n  approvers: [platform-lead]\n',
    'environments/env02.yaml': 'network:\n  cidr: 10.2.0.0/16\ngitops:\n  autoApply: false\n  approvers: [platform-lead]\n',
  });
  const github = new GitHubStandIn({ token: GITHUB_TOKEN, owner: 'shop', repo: 'platform-config', users: USER_TOKENS });
  const dataDirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'controller-approve-')));
  let dynamo: DynamoDbServer;
  const controllers: Started[] = [];
  const ids: string[] = [];

  beforeAll(async () => {
    dynamo = await startDynamoDb('eu-west-1');
    const githubUrl = await github.start();
    for (const dataDir of dataDirs) {
      const started = await startController(
        [
          '--repo',
          remote.bare,
          '--data-dir',
          dataDir,
          '--sandbox',
          '--store',
          'dynamodb://approve-runs',
          '--lease-seconds',
          '4',
          '--github-api-url',
          githubUrl,
          '--github-repository',
          REPOSITORY,
        ],
        {
          GITHUB_TOKEN,
          DYNAMODB_ENDPOINT: dynamo.endpoint,
          AWS_REGION: 'eu-west-1',
          AWS_ACCESS_KEY_ID: 'dynalite',
          AWS_SECRET_ACCESS_KEY: 'dynalite-secret',
        },
      );
      controllers.push(started);
      ids.push(/controller (\S+): leases of/.exec(started.output())![1]!);
    }
  });
  afterAll(async () => {
    await Promise.all(controllers.map((c) => c.stop()));
    await github.stop();
    await dynamo?.stop();
    remote.cleanup();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('is applied by the planner, wherever the approval landed; with the planner gone, the run fails and is planned again', async () => {
    remote.write('environments/defaults.yaml', `${environmentFiles(0)['environments/defaults.yaml']}tags:\n  Team: platform\n`);
    remote.commit('defaults: tag');
    const accepted = await deliver(controllers[0]!.url, 'push', remote.push());
    expect(accepted.status).toBe(202);
    const waiting = await Promise.all(
      accepted.body.runs.map((id) => waitForRun(controllers[1]!.url, id, (r) => r.status === 'awaiting-approval' || r.status === 'failed')),
    );
    const byEnvironment = Object.fromEntries(waiting.map((run) => [run.environment, run]));
    for (const run of waiting) expect([run.status, ids]).toEqual(['awaiting-approval', expect.arrayContaining([run.plannedBy])]);

    // env01: approved through the process that did not plan it, applied by the one that did.
    const first = byEnvironment.env01;
    const planner = ids.indexOf(first.plannedBy);
    const other = 1 - planner;
    expect((await approve(controllers[other]!.url, first, 'platform-lead')).status).toBe(200);
    const applied = await waitForRun(controllers[other]!.url, first.id, (r) => ['applied', 'failed'].includes(r.status));
    expect(applied).toMatchObject({ status: 'applied', approvedBy: 'platform-lead', planHash: first.planHash });
    expect(controllers[planner]!.output().match(new RegExp(`claimed env01 for run ${first.id}`, 'g'))).toHaveLength(2);
    expect(controllers[other]!.output()).not.toContain(`claimed env01 for run ${first.id}`);

    // env02: its planner is killed; the approval through the survivor finds the plan gone, and the environment is planned again.
    const second = byEnvironment.env02;
    const gone = ids.indexOf(second.plannedBy);
    const survivor = controllers[1 - gone]!;
    await controllers[gone]!.kill();
    expect((await approve(survivor.url, second, 'platform-lead')).status).toBe(200);
    const failed = await waitForRun(survivor.url, second.id, (r) => ['applied', 'failed'].includes(r.status), 60_000);
    expect(failed.error).toBe(
      `the saved plan is gone (it was in the data folder of controller ${second.plannedBy}, which stopped); plan again`,
    );
    // Queued right after the failure (once the survivor fetched the branch).
    let again: any;
    for (const started = Date.now(); !again && Date.now() - started < 60_000; await new Promise((r) => setTimeout(r, 200))) {
      again = ((await api(survivor.url, '/api/runs?environment=env02')).body.runs as any[]).find((r) => r.requestedBy === 'recovery');
    }
    expect(again).toMatchObject({ trigger: 'manual', environment: 'env02' });
    const replanned = await waitForRun(survivor.url, again.id, (r) => ['awaiting-approval', 'failed'].includes(r.status));
    expect(replanned).toMatchObject({ status: 'awaiting-approval', plannedBy: ids[1 - gone] });
    expect(replanned.planHash).not.toBe(second.planHash);
    expect((await approve(survivor.url, replanned, 'platform-lead')).status).toBe(200);
    expect((await waitForRun(survivor.url, replanned.id, (r) => ['applied', 'failed'].includes(r.status))).status).toBe('applied');
  });
});
