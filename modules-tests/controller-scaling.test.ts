/**
 * Three controller processes on one DynamoDB table (dynalite), 60
 * environments, a `defaults.yaml` push delivered to all three at once and
 * redelivered to each; one process is SIGKILLed (with its Terraform) once it
 * is at work. Every environment is planned exactly once for the commit,
 * never by two processes at the same time, the killed process's runs are
 * interrupted and planned again by the others, and the plans ran in
 * parallel across processes (controller-fanout.ts does the work).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fanOut, overlaps, peakConcurrency, type FanOutResult } from './controller-fanout';

jest.setTimeout(15 * 60_000);

describe('three controllers sharing one queue', () => {
  let result: FanOutResult;

  beforeAll(async () => {
    result = await fanOut({ controllers: 3, environments: 60, killAfterClaims: 2, leaseSeconds: 4, maxParallel: 2 });
    // For a failure's post-mortem: the runs, the claims and the three logs.
    mkdirSync('modules-tests/artifacts', { recursive: true });
    writeFileSync('modules-tests/artifacts/controller-scaling.json', JSON.stringify(result, null, 2));
  });

  it('accepts the push once, whichever process it reaches, and refuses every redelivery as seen', () => {
    const accepted = result.firstAnswers.filter((a) => a.status === 202);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]!.runs).toHaveLength(60);
    for (const answer of result.firstAnswers.filter((a) => a.status !== 202)) expect(answer).toMatchObject({ status: 200, reason: 'delivery already seen' });
    expect(result.redeliveryAnswers).toEqual(result.redeliveryAnswers.map(() => ({ status: 200, reason: 'delivery already seen' })));
  });

  it('plans every environment exactly once for the commit, and fails none', () => {
    expect(result.runs.every((run) => run.commit === result.commit)).toBe(true);
    expect(result.runs.filter((run) => run.status === 'failed')).toEqual([]);
    for (const environment of result.environments) {
      const planned = result.runs.filter((run) => run.environment === environment && run.plan !== undefined && run.status !== 'interrupted');
      expect([environment, planned.map((run) => run.status)]).toEqual([environment, ['applied']]);
    }
  });

  it('never works on one environment in two processes at the same time, and each claim has a higher token than the last', () => {
    expect(result.claims.length).toBeGreaterThanOrEqual(60);
    expect(overlaps(result.claims)).toEqual([]);
    const byEnvironment = new Map<string, number[]>();
    for (const claim of [...result.claims].sort((a, b) => a.from - b.from)) byEnvironment.set(claim.environment, [...(byEnvironment.get(claim.environment) ?? []), claim.token]);
    for (const tokens of byEnvironment.values()) expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
  });

  it('recovers the killed process\'s runs: interrupted once its lease expired, and planned again by another process', () => {
    expect(result.killed).toBe(2);
    const interrupted = result.runs.filter((run) => run.status === 'interrupted');
    expect(interrupted.length).toBeGreaterThanOrEqual(1);
    const killedClaims = result.claims.filter((c) => c.process === result.killed);
    for (const run of interrupted) {
      expect(killedClaims.map((c) => c.runId)).toContain(run.id);
      expect(run.error).toMatch(/the controller stopped while this run was (running|applying)/);
      const again = result.runs.find((r) => r.environment === run.environment && r.requestedBy === 'recovery');
      expect(again).toMatchObject({ trigger: 'manual', status: 'applied', commit: result.commit });
      // Planned again by a process that is alive.
      expect(result.claims.find((c) => c.runId === again.id)!.process).not.toBe(result.killed);
    }
    const takeOvers = result.outputs.filter((_, i) => i !== result.killed).join('\n');
    for (const run of interrupted) expect(takeOvers).toMatch(new RegExp(`lease of ${run.environment} \\(run ${run.id}, controller \\S+\\) expired: taken over`));
  });

  it('plans different environments in parallel across the processes', () => {
    const processes = new Set(result.claims.map((c) => c.process));
    expect(processes.size).toBe(3);
    // Each process runs 2 at most: more than 2 at once means several processes at work together.
    expect(peakConcurrency(result.claims)).toBeGreaterThan(2);
  });
});
