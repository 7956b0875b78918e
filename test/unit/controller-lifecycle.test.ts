/**
 * The run lifecycle and the rules beside it, without processes: every
 * transition of the table (allowed and refused) against a SQLite store in a
 * temporary folder, the lanes, the supersede rules, the policy's decision
 * and what a change may not lower by itself.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { amend, canTransition, laneOf, LifecycleError, transition, TRANSITIONS } from '../../src/controller/lifecycle';
import { decide, lowered, type PolicyInput, type PolicyValues } from '../../src/controller/policy';
import { FINAL_STATUSES, RUN_STATUSES, type Run, type RunStatus } from '../../src/controller/run';
import { SqliteStore } from '../../src/controller/store/sqlite-store';
import { supersedeRules } from '../../src/controller/supersede';

const SHA = (c: string) => c.repeat(40);
let counter = 0;
function run(fields: Partial<Run> = {}): Run {
  counter++;
  return {
    id: `run-${String(counter).padStart(4, '0')}`,
    environment: 'dev',
    commit: SHA('a'),
    branch: 'main',
    trigger: 'push',
    status: 'queued',
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, counter)).toISOString(),
    ...fields,
  };
}

describe('the transition table', () => {
  /** Written out here on purpose: a change to the lifecycle changes this test too. */
  const allowed: Record<RunStatus, RunStatus[]> = {
    queued: ['running', 'cancelled', 'superseded'],
    running: ['planned', 'awaiting-approval', 'approved', 'failed', 'cancelled', 'interrupted'],
    'awaiting-approval': ['approved', 'cancelled', 'superseded'],
    approved: ['applying', 'cancelled', 'interrupted'],
    applying: ['applied', 'failed', 'interrupted'],
    planned: [],
    applied: [],
    failed: [],
    cancelled: [],
    superseded: [],
    interrupted: [],
  };

  it('is the lifecycle written down, and final statuses lead nowhere', () => {
    expect(TRANSITIONS).toEqual(allowed);
    for (const status of FINAL_STATUSES) expect(TRANSITIONS[status]).toEqual([]);
    expect(canTransition('running', 'applied')).toBe(false);
  });

  let dir: string;
  let store: SqliteStore;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lifecycle-'));
    store = new SqliteStore({ dataDir: dir });
  });
  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const pairs = RUN_STATUSES.flatMap((from) => RUN_STATUSES.map((to) => [from, to] as const));
  it.each(pairs)('%s -> %s moves the run exactly when the table allows it', async (from, to) => {
    const stored = run({ status: from });
    await store.insertRuns([stored]);
    const moved = await transition(store, stored.id, to);
    const now = await store.getRun(stored.id);
    if (allowed[from].includes(to)) {
      expect(moved?.status).toBe(to);
      expect(now?.status).toBe(to);
      expect(Boolean(now?.finishedAt)).toBe(FINAL_STATUSES.has(to));
    } else {
      expect(moved).toBeUndefined();
      expect(now?.status).toBe(from);
    }
  });

  it('refuses, as a bug, a transition the table never allows, and a status in a patch', async () => {
    const stored = run({ status: 'running' });
    await store.insertRuns([stored]);
    await expect(transition(store, stored.id, 'applied', {}, ['running'])).rejects.toThrow(LifecycleError);
    await expect(transition(store, stored.id, 'failed', { status: 'applied' } as never)).rejects.toThrow(LifecycleError);
    await expect(amend(store, stored, { status: 'applied' } as never)).rejects.toThrow(LifecycleError);
    expect((await store.getRun(stored.id))?.status).toBe('running');
    // Narrowed to `from`: an awaiting run is not approved through a transition that expects it running.
    const waiting = run({ status: 'awaiting-approval' });
    await store.insertRuns([waiting]);
    expect(await transition(store, waiting.id, 'approved', {}, ['running'])).toBeUndefined();
    expect((await transition(store, waiting.id, 'approved', { approvedBy: 'alice' }, ['awaiting-approval']))?.approvedBy).toBe('alice');
  });

  it('is the only place that changes a status: no other module of the controller calls updateRun', () => {
    const root = join(__dirname, '..', '..', 'src', 'controller');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !f.startsWith('store/') && f !== 'lifecycle.ts',
    );
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) expect([file, /\.updateRun\(/.test(readFileSync(join(root, file), 'utf8'))]).toEqual([file, false]);
  });

  it('leaves the process to the CLI: no module of the controller exits it or handles its signals', () => {
    const root = join(__dirname, '..', '..', 'src', 'controller');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ts|js)$/.test(f));
    for (const file of files)
      expect([file, /process\.(exit|once|on)\(/.test(readFileSync(join(root, file), 'utf8'))]).toEqual([file, false]);
  });
});

describe('laneOf', () => {
  it.each([
    [{ trigger: 'push', branch: 'main' }, 'branch:main'],
    [{ trigger: 'push', branch: 'feature' }, 'branch:feature'],
    [{ trigger: 'manual', branch: 'main' }, 'branch:main'],
    [{ trigger: 'drift', branch: 'main' }, 'drift'],
    [{ trigger: 'pull_request', branch: 'feature', pullRequest: 7 }, 'pr:7'],
    [{ trigger: 'comment', branch: 'feature', pullRequest: 7 }, 'pr:7'],
  ] as const)('%j is in lane %s', (fields, lane) => {
    expect(laneOf(fields)).toBe(lane);
  });
});

describe('supersedeRules', () => {
  const chain = new Map([
    [SHA('b'), SHA('a')],
    [SHA('c'), SHA('b')],
  ]);
  const isAncestor = (older: string, newer: string) => {
    for (let at = chain.get(newer); at; at = chain.get(at)) if (at === older) return true;
    return false;
  };
  const none = () => false;

  it.each([
    ['a newer commit replaces a queued run of an ancestor', { status: 'queued', commit: SHA('a') }, { commit: SHA('c') }, none, 'replaces'],
    [
      'a newer commit replaces a run awaiting approval',
      { status: 'awaiting-approval', commit: SHA('b') },
      { commit: SHA('c') },
      none,
      'replaces',
    ],
    ['the same commit again replaces the waiting run', { status: 'queued', commit: SHA('c') }, { commit: SHA('c') }, none, 'replaces'],
    [
      'the same commit queued later by another controller is left alone: the newer run stays',
      { status: 'queued', commit: SHA('c'), createdAt: '2027-01-01T00:00:00.000Z' },
      { commit: SHA('c') },
      none,
      'nothing',
    ],
    ['a running run is never replaced', { status: 'running', commit: SHA('a') }, { commit: SHA('c') }, none, 'nothing'],
    ['an approved run is never replaced', { status: 'approved', commit: SHA('a') }, { commit: SHA('c') }, none, 'nothing'],
    ['a late delivery of an older commit is superseded itself', { status: 'queued', commit: SHA('c') }, { commit: SHA('a') }, none, 'late'],
    [
      'a forced push back to an older commit is not late',
      { status: 'awaiting-approval', commit: SHA('c') },
      { commit: SHA('a') },
      (c: string) => c === SHA('a'),
      'nothing',
    ],
    [
      'an unrelated commit on a branch waits for git to decide',
      { status: 'queued', commit: SHA('d') },
      { commit: SHA('c') },
      none,
      'nothing',
    ],
    ['another lane is left alone', { status: 'queued', commit: SHA('a'), branch: 'feature' }, { commit: SHA('c') }, none, 'nothing'],
    [
      'another environment is left alone',
      { status: 'queued', commit: SHA('a'), environment: 'prod' },
      { commit: SHA('c') },
      none,
      'nothing',
    ],
    [
      'a pull request run replaces the older waiting one of its pull request',
      { status: 'queued', commit: SHA('d'), trigger: 'pull_request', pullRequest: 4 },
      { commit: SHA('e'), trigger: 'pull_request', pullRequest: 4 },
      none,
      'replaces',
    ],
    [
      'a drift check replaces the waiting drift check',
      { status: 'queued', commit: SHA('d'), trigger: 'drift' },
      { commit: SHA('d'), trigger: 'drift' },
      none,
      'replaces',
    ],
    ['a superseded run is not counted', { status: 'superseded', commit: SHA('c') }, { commit: SHA('a') }, none, 'nothing'],
  ] as const)('%s', (_name, oldFields, newFields, forced, expected) => {
    const old = run(oldFields as Partial<Run>);
    const fresh = run(newFields as Partial<Run>);
    const outcome = supersedeRules({
      run: fresh,
      others: [fresh, old].filter((r) => r.environment === fresh.environment),
      isAncestor,
      forced,
    });
    const got = outcome.supersededBy
      ? outcome.supersededBy.id === old.id
        ? 'late'
        : 'other'
      : outcome.replaces.some((r) => r.id === old.id)
        ? 'replaces'
        : 'nothing';
    expect(got).toBe(expected);
  });
});

describe('decide', () => {
  const base: PolicyInput = {
    trigger: 'push',
    applyCandidate: true,
    production: false,
    autoApply: true,
    changes: true,
    destroy: false,
    destructive: [],
    requestedByApprover: false,
    policyLowered: false,
    rollback: false,
  };
  it.each([
    ['a push to the default branch outside production, autoApply', {}, 'auto-apply'],
    ['autoApply off', { autoApply: false }, 'needs-approval'],
    ['autoApply off, an approver commented /apply', { autoApply: false, requestedByApprover: true }, 'auto-apply'],
    ['production', { production: true }, 'needs-approval'],
    ['production, an approver commented /apply', { production: true, requestedByApprover: true }, 'needs-approval'],
    ['no changes', { changes: false }, 'plan-only'],
    ['no changes in production', { production: true, changes: false }, 'plan-only'],
    ['not the default branch', { applyCandidate: false }, 'plan-only'],
    ['a pull request', { trigger: 'pull_request' }, 'plan-only'],
    ['a drift check', { trigger: 'drift' }, 'plan-only'],
    ['a deleted environment', { destroy: true }, 'blocked-destroy'],
    ['a deleted environment with nothing to destroy', { destroy: true, changes: false }, 'blocked-destroy'],
    ['a database replaced', { destructive: ['aws_db_instance.main'] }, 'blocked-destroy'],
    ['a database replaced, /apply by an approver', { destructive: ['aws_db_instance.main'], requestedByApprover: true }, 'blocked-destroy'],
    ['the change lowers the policy', { policyLowered: true }, 'needs-approval'],
    ['the change lowers the policy and changes nothing else', { policyLowered: true, changes: false }, 'needs-approval'],
    ['the change lowers the policy, /apply by an approver', { policyLowered: true, requestedByApprover: true }, 'needs-approval'],
    ['the change lowers the policy on a pull request', { policyLowered: true, trigger: 'pull_request' }, 'plan-only'],
    ['a rollback (not a descendant of what was applied)', { rollback: true }, 'needs-approval'],
    ['a rollback, /apply by an approver', { rollback: true, requestedByApprover: true }, 'needs-approval'],
    ['a rollback that changes nothing', { rollback: true, changes: false }, 'plan-only'],
  ] as const)('%s: %s', (_name, fields, decision) => {
    expect(decide({ ...base, ...fields })).toBe(decision);
  });
});

describe('lowered: what a change may not do by itself', () => {
  const applied: PolicyValues = {
    production: true,
    autoApply: false,
    approvers: ['alice', 'Bob'],
    allowForks: false,
    waivers: ['alarms-enabled'],
  };
  it.each([
    ['nothing changed', {}, []],
    ['production turned off', { production: false }, ['production: true -> false']],
    ['autoApply turned on', { autoApply: true }, ['gitops.autoApply: false -> true']],
    ['an approver added', { approvers: ['alice', 'bob', 'mallory'] }, ['gitops.approvers adds mallory']],
    ['an approver removed', { approvers: ['alice'] }, ['gitops.approvers removes bob']],
    ['approvers in another order and case', { approvers: ['bob', 'ALICE'] }, []],
    ['forks allowed', { allowForks: true }, ['gitops.allowForks: false -> true']],
    ['a waiver added', { waivers: ['alarms-enabled', 'iam-no-wildcards'] }, ['guardrails.waivers adds iam-no-wildcards']],
    ['a waiver removed (stricter)', { waivers: [] }, []],
    ['autoApply turned off (stricter)', { autoApply: false }, []],
  ] as const)('%s', (_name, change, reasons) => {
    expect(lowered(applied, { ...applied, ...change } as PolicyValues)).toEqual(reasons);
  });

  it('turning production on, or forks off, lowers nothing', () => {
    expect(lowered({ ...applied, production: false, allowForks: true }, applied)).toEqual([]);
  });
});
