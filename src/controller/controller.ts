/**
 * The GitOps controller: turns webhook deliveries, API calls and drift
 * checks into runs, keeps them in the store, runs them one at a time per
 * environment across every controller sharing the store (each run claimed
 * first, claims.ts; runner.ts does the work), and recovers what a stopped
 * controller left behind (docs/controller-scaling.md).
 */
import { randomBytes } from 'node:crypto';
import { CommitChain } from './commit-chain';
import { planningCommitOf, type PullRequestRef } from './pull-requests';
import { environmentsTouched, type TouchedEnvironments, type WebhookIntent } from './github/events';
import type { Reporter } from './github/reporter';
import type { ConfigRepository } from './git/repository';
import { isApprover } from './policy';
import type { Redactor } from './redact';
import { laneOf, transition, WAITING } from './lifecycle';
import { FINAL_STATUSES, type Run, type RunStatus, type RunTrigger } from './run';
import { Runner, type RunnerOptions } from './runner';
import { Claim, DEFAULT_LEASE_MS } from './claims';
import { FencedStore } from './store/fenced-store';
import { supersedeRules } from './supersede';
import type { Lease, LockRecord, RunStore } from './store/store';
import type { TerraformProcess } from '../core/index';

export interface ControllerOptions extends Omit<RunnerOptions, 'store' | 'log'> {
  readonly store: RunStore;
  readonly repository: ConfigRepository;
  /** The default branch: pushes to it are applied where the policy allows. */
  readonly branch: string;
  readonly reporter: Reporter;
  readonly redactor: Redactor;
  /** Runs of different environments at once. @default 2 */
  readonly maxParallel?: number;
  /** Minutes between drift checks of every environment; 0 turns them off. @default 0 */
  readonly driftMinutes?: number;
  /** `owner/repo` on GitHub: events of other repositories (an organisation-wide webhook) are ignored. @default any */
  readonly repositoryName?: string;
  /** One line of the controller's log (already redacted). */
  readonly log: (line: string) => void;
  /**
   * This process's ID, the owner of the leases it takes. A restarted process
   * with the same ID recovers what it held at once; others wait for the
   * leases to expire. @default a random one
   */
  readonly controllerId?: string;
  /** How long a lease lasts unless renewed (renewed every third of it). @default 30000 */
  readonly leaseMs?: number;
}

export interface Accepted {
  readonly runs: readonly string[];
  readonly reason?: string;
}

export type ActionResult =
  | { readonly ok: true; readonly run: Run }
  | { readonly ok: false; readonly status: 403 | 404 | 409; readonly error: string };

export class Controller {
  private readonly runner: Runner;
  /** The store the runner writes through: fenced by the claims this process holds. */
  private readonly fenced: FencedStore;
  readonly id: string;
  private readonly leaseMs: number;
  private recovering = false;
  private readonly busy = new Set<string>();
  private readonly active = new Map<string, { readonly runId: string; readonly abort: AbortController; readonly done: Promise<void> }>();
  private recoverTimer?: NodeJS.Timeout;
  /** Lock IDs this process could not release: not tried again until a restart. */
  private readonly stuckLocks = new Set<string>();
  /** This process's presence (a lease on `controller/<id>`): while it is alive, the runs it planned wait for it to apply them. */
  private presence?: Lease;
  private known: string[] = [];
  private readonly chain = new CommitChain();
  /** Commits pushed with --force: never taken for late deliveries. */
  private readonly forced = new Set<string>();
  private pumping = false;
  private pumpAgain = false;
  private stopping = false;
  private driftTimer?: NodeJS.Timeout;
  private pumpTimer?: NodeJS.Timeout;

  constructor(private readonly options: ControllerOptions) {
    this.id = options.controllerId ?? `controller-${randomBytes(6).toString('hex')}`;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.fenced = new FencedStore(options.store);
    this.runner = new Runner({
      ...options,
      store: this.fenced,
      controllerId: this.id,
      log: (line) => this.log(line),
      stopping: () => this.stopping,
    });
  }

  /** Environments of the default branch head, as last fetched. */
  get environments(): readonly string[] {
    return this.known;
  }

  /**
   * Recovers from a crash (runs left running or applying by this process in
   * an earlier life, or by any process whose lease expired, are interrupted,
   * their plans discarded, their recorded locks released, and their
   * environments planned again), then starts the queue and drift checks;
   * from then on, looks for expired leases every third of a lease.
   */
  async start(): Promise<void> {
    await this.refreshEnvironments().catch((error: Error) => this.log(`repository not reachable yet: ${error.message}`));
    this.log(`controller ${this.id}: leases of ${this.leaseMs} ms`);
    // In the background: the first run would otherwise wait seconds for the compile worker to load the core.
    void this.options.compiler.warm().catch((error: Error) => this.log(`compile worker: ${error.message}`));
    await this.keepPresence();
    await this.recover(true);
    this.recoverTimer = setInterval(
      () => {
        if (this.recovering || this.stopping) return;
        this.recovering = true;
        void this.keepPresence()
          .then(() => this.recover(false))
          .catch((error: Error) => this.log(`recovery: ${error.message}`))
          .finally(() => {
            this.recovering = false;
          });
      },
      Math.max(100, Math.floor(this.leaseMs / 3)),
    );
    this.recoverTimer.unref();
    const minutes = this.options.driftMinutes ?? 0;
    if (minutes > 0) {
      // Every controller keeps the timer; the one that claims the round plans it.
      this.driftTimer = setInterval(
        () =>
          void this.claimDriftRound(minutes * 60_000)
            .then((mine) => (mine ? this.checkDrift() : undefined))
            .catch((error: Error) => this.log(`drift check failed: ${error.message}`)),
        minutes * 60_000,
      );
      this.driftTimer.unref();
    }
    // Runs accepted by another controller, and a store's index lagging its writes (DynamoDB): look every second, so nothing waits for the next event here.
    this.pumpTimer = setInterval(() => this.pump(), 1_000);
    this.pumpTimer.unref();
    this.pump();
  }

  /** Stops taking work, lets the current steps finish for up to `timeoutMs`, then stops them (their runs are interrupted). */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    if (this.recoverTimer) clearInterval(this.recoverTimer);
    if (this.driftTimer) clearInterval(this.driftTimer);
    if (this.pumpTimer) clearInterval(this.pumpTimer);
    const running = [...this.active.values()];
    const finished = Promise.all(running.map((a) => a.done)).then(() => true);
    const timedOut = new Promise<boolean>((resolveTimeout) => setTimeout(() => resolveTimeout(false), timeoutMs).unref());
    if (!(await Promise.race([finished, timedOut]))) {
      this.log(`stopping: ${running.length} run(s) did not finish within ${timeoutMs} ms; interrupting them`);
      for (const a of running) a.abort.abort();
      await Promise.race([finished, new Promise((r) => setTimeout(r, 10_000).unref())]);
    }
    await this.runner.close();
    if (this.presence) await this.options.store.releaseLease(this.presence).catch(() => undefined);
  }

  /** Whether this controller plans this drift round: of the controllers sharing the store, the first to claim it (a lease lasting most of a period). */
  private async claimDriftRound(periodMs: number): Promise<boolean> {
    const { store } = this.options;
    const leaseMs = Math.floor(periodMs * 0.9);
    if (await store.acquireLease(DRIFT_ROUND, this.id, this.id, leaseMs)) return true;
    const held = (await store.listLeases()).find((lease) => lease.environment === DRIFT_ROUND);
    return held !== undefined && (await store.takeOverLease(held, this.id, leaseMs)) !== undefined;
  }

  /** Renews this process's presence, or takes it (again: after a restart, or when it lapsed). */
  private async keepPresence(): Promise<void> {
    const { store } = this.options;
    const name = presenceOf(this.id);
    if (this.presence) this.presence = await store.renewLease(this.presence, this.leaseMs);
    this.presence ??= await store.acquireLease(name, this.id, this.id, this.leaseMs);
    if (!this.presence) {
      const earlier = (await store.listLeases()).find((lease) => lease.environment === name);
      if (earlier) this.presence = await store.takeOverLease(earlier, this.id, this.leaseMs);
    }
  }

  /**
   * Turns a verified webhook delivery into runs, recorded with the delivery
   * ID in one step. A delivery ID seen before, or a body seen before under
   * another delivery ID (`payloadHash`, the sha256 of the raw body: a replay
   * of a signed body), starts nothing.
   */
  async acceptWebhook(deliveryId: string, intent: WebhookIntent, payloadHash: string): Promise<Accepted> {
    if (this.stopping) throw new Error('the controller is stopping');
    const seen: Accepted = { runs: [], reason: 'delivery already seen' };
    if (intent.kind === 'approve') {
      // An approval acts at once: only a fresh delivery of a fresh body does.
      if (
        !(await this.options.store.acceptDelivery(`payload:${payloadHash}`, [])) ||
        !(await this.options.store.acceptDelivery(deliveryId, []))
      )
        return seen;
      const accepted = await this.runsFor(intent);
      return { runs: [], reason: accepted.reason };
    }
    const planned = await this.runsFor(intent);
    if (!(await this.options.store.acceptDelivery(`payload:${payloadHash}`, []))) return seen;
    if ('reason' in planned && planned.runs.length === 0) {
      const fresh = await this.options.store.acceptDelivery(deliveryId, []);
      return { runs: [], reason: fresh ? planned.reason : 'delivery already seen' };
    }
    const runs = planned.runs;
    const fresh = await this.options.store.acceptDelivery(deliveryId, runs);
    if (!fresh) return { runs: [], reason: 'delivery already seen' };
    await this.afterAccept(runs);
    return { runs: runs.map((r) => r.id), reason: planned.reason };
  }

  /** A manual plan of an environment at the default branch head; undefined when there is no such environment. */
  async planManually(environment: string): Promise<string | undefined> {
    // Fetch first: after a lost webhook, the mirror's head is not the branch's.
    await this.refreshEnvironments().catch((error: Error) =>
      this.log(`manual plan of ${environment}: fetch failed (${error.message}); planning the mirror's head`),
    );
    if (!this.known.includes(environment)) return undefined;
    const commit = await this.options.repository.head(this.options.branch);
    if (!commit) return undefined;
    const run = this.newRun({ environment, commit, branch: this.options.branch, trigger: 'manual' });
    await this.options.store.insertRuns([run]);
    await this.afterAccept([run]);
    return run.id;
  }

  /**
   * Approves the plan `planHash` of a run waiting for an approval, as `by`
   * (a login GitHub vouched for, who must be an approver of the policy the
   * run goes by). 409 when the run no longer waits (superseded, re-planned,
   * approved) or its saved plan is not the one named.
   */
  async approve(id: string, by: string, planHash: string): Promise<ActionResult> {
    const run = await this.options.store.getRun(id);
    if (!run) return { ok: false, status: 404, error: `no run ${id}` };
    if (run.status !== 'awaiting-approval') return { ok: false, status: 409, error: `run ${id} is ${run.status}, not awaiting-approval` };
    if (!run.planHash || run.planHash !== planHash)
      return {
        ok: false,
        status: 409,
        error: `run ${id} saved plan ${run.planHash ?? '(none)'}, not ${planHash}: approve the plan you read`,
      };
    if (!isApprover(run.approvers ?? [], by)) {
      return {
        ok: false,
        status: 403,
        error: `${by || 'nobody'} is not an approver of ${run.environment} (gitops.approvers: ${(run.approvers ?? []).join(', ') || 'none'})`,
      };
    }
    const approved = await transition(this.options.store, id, 'approved', { approvedBy: by }, ['awaiting-approval']);
    if (!approved) return { ok: false, status: 409, error: `run ${id} changed while being approved` };
    this.log(`run ${id} (${run.environment}) approved by ${by}`);
    // Offline, approved is where the run ends: its plan is never applied.
    if (this.options.offline) await this.runner.discardPlan(approved);
    await this.runner.report(approved);
    this.pump();
    return { ok: true, run: approved };
  }

  /** Cancels a run that has not finished; an apply in progress cannot be cancelled safely. */
  async cancel(id: string): Promise<ActionResult> {
    const run = await this.options.store.getRun(id);
    if (!run) return { ok: false, status: 404, error: `no run ${id}` };
    if (FINAL_STATUSES.has(run.status)) return { ok: false, status: 409, error: `run ${id} is already ${run.status}` };
    if (run.status === 'applying')
      return { ok: false, status: 409, error: `run ${id} is applying; an apply cannot be stopped safely half-way` };
    const cancelled = await transition(this.options.store, id, 'cancelled');
    if (!cancelled) return { ok: false, status: 409, error: `run ${id} changed while being cancelled` };
    const active = this.active.get(run.environment);
    if (active?.runId === id) active.abort.abort();
    await this.runner.discardPlan(cancelled);
    await this.runner.report(cancelled);
    return { ok: true, run: cancelled };
  }

  /** Plans every environment at the default branch head to find drift (never applied). */
  async checkDrift(): Promise<string[]> {
    await this.refreshEnvironments();
    const commit = await this.options.repository.head(this.options.branch);
    if (!commit) return [];
    const runs = this.known.map((environment) => this.newRun({ environment, commit, branch: this.options.branch, trigger: 'drift' }));
    await this.options.store.insertRuns(runs);
    await this.afterAccept(runs);
    return runs.map((r) => r.id);
  }

  private async runsFor(intent: WebhookIntent): Promise<{ runs: Run[]; reason?: string }> {
    const { branch } = this.options;
    const expected = this.options.repositoryName?.toLowerCase();
    if (expected && 'repository' in intent && typeof intent.repository === 'string' && intent.repository.toLowerCase() !== expected) {
      return { runs: [], reason: `event of ${intent.repository}, not ${this.options.repositoryName}` };
    }
    const configPath = this.options.repository.configDir;
    switch (intent.kind) {
      case 'ping':
        return { runs: [], reason: 'pong' };
      case 'ignored':
        return { runs: [], reason: intent.reason };
      case 'error':
        return { runs: [], reason: intent.message };
      case 'push': {
        // A forced push may go back to an older commit on purpose: arrival order decides for it.
        if (intent.forced) this.forced.add(intent.after);
        else this.chain.record(intent.before, intent.after);
        const touched = await this.touchedByPush(intent);
        const runs = [
          ...touched.plan.map((environment) =>
            this.newRun({
              environment,
              commit: intent.after,
              branch: intent.branch,
              trigger: 'push',
              requestedBy: intent.pusher,
              before: intent.before,
            }),
          ),
          ...(intent.branch === branch ? touched.destroy : []).map((environment) =>
            this.newRun({
              environment,
              commit: intent.after,
              branch: intent.branch,
              trigger: 'push',
              requestedBy: intent.pusher,
              before: intent.before,
              destroy: true,
            }),
          ),
        ];
        return runs.length > 0 ? { runs } : { runs, reason: `nothing under ${configPath}/ changed` };
      }
      case 'pull_request': {
        if (intent.baseRef !== branch) return { runs: [], reason: `pull request into ${intent.baseRef}, not ${branch}` };
        // One diff per head (memoised): redeliveries and repeated events of a pull request cost no git at all.
        const changed = await this.options.repository.changedFiles(intent.baseSha, intent.headSha);
        const environments = environmentsTouched(changed, configPath, this.known).plan;
        const runs = environments.map((environment) =>
          this.newRun({
            environment,
            commit: intent.headSha,
            branch: intent.headRef,
            trigger: 'pull_request',
            pullRequest: intent.number,
            requestedBy: intent.author,
            fromFork: intent.fromFork,
          }),
        );
        if (runs.length === 0) return { runs, reason: `the pull request changes nothing under ${configPath}/` };
        return { runs };
      }
      case 'pull_request_closed': {
        const cancelled = await this.cancelPullRequest(intent.number);
        return { runs: [], reason: `pull request #${intent.number} closed: ${cancelled} waiting run(s) cancelled` };
      }
      case 'comment':
        return this.commentRuns(intent);
      case 'approve': {
        // A check run's "Apply" button: the run's own saved plan, approved as the GitHub user who clicked.
        const run = await this.options.store.getRun(intent.runId);
        const result = await this.approve(intent.runId, intent.login, run?.planHash ?? '');
        return { runs: [], reason: result.ok ? `run ${intent.runId} approved by ${intent.login}` : `refused: ${result.error}` };
      }
    }
  }

  /**
   * The environments a push touches, computed, not taken from the payload:
   * on the default branch, `git diff` between what each environment last
   * applied (else the push's `before`) and the new head, forced or not, so a
   * force-push that drops a change, or goes back to an older commit, plans
   * every environment whose files differ from what is applied. Other
   * branches: `before..after`. Only when git cannot tell (a new branch, an
   * unknown `before`) the payload's file lists decide, and a truncated list
   * plans everything.
   */
  private async touchedByPush(intent: Extract<WebhookIntent, { kind: 'push' }>): Promise<TouchedEnvironments> {
    const { repository, store } = this.options;
    const configPath = repository.configDir;
    const fromPayload = () =>
      intent.commitsTruncated
        ? // GitHub lists 20 commits at most: plan everything rather than miss a change (plans of unchanged environments change nothing).
          { plan: [...this.known], destroy: [] as string[] }
        : environmentsTouched(intent.changedFiles, configPath, this.known);
    const before = /^0+$/.test(intent.before) ? undefined : intent.before;
    try {
      if (intent.branch !== this.options.branch) {
        return before
          ? environmentsTouched(await repository.changedFiles(before, intent.after, false), configPath, this.known)
          : fromPayload();
      }
      const known = [...new Set([...this.known, ...(await repository.environmentsAt(intent.after).catch(() => [] as string[]))])].sort();
      const baseOf = new Map<string, string | undefined>();
      for (const environment of known) {
        const [applied] = await store.listRuns({ environment, status: 'applied', limit: 1 });
        baseOf.set(environment, applied && !applied.destroy ? applied.commit : before);
      }
      const plan = new Set<string>();
      const destroy = new Set<string>();
      for (const base of new Set(baseOf.values())) {
        const environments = known.filter((e) => baseOf.get(e) === base);
        const touched = base
          ? environmentsTouched(await repository.changedFiles(base, intent.after, false), configPath, known)
          : fromPayload();
        for (const environment of environments) {
          if (touched.plan.includes(environment)) plan.add(environment);
          if (touched.destroy.includes(environment)) destroy.add(environment);
        }
      }
      return { plan: [...plan].sort(), destroy: [...destroy].sort() };
    } catch (error) {
      this.log(
        `push ${intent.after.slice(0, 12)}: git could not tell what changed (${error instanceof Error ? error.message : String(error)}); the payload's file lists decide`,
      );
      return fromPayload();
    }
  }

  /** `/plan [env]` and `/apply env` on a pull request, from approvers of the environments named. */
  private async commentRuns(intent: Extract<WebhookIntent, { kind: 'comment' }>): Promise<{ runs: Run[]; reason?: string }> {
    const pr: PullRequestRef | undefined = await planningCommitOf(this.options.store, intent.number);
    if (!pr)
      return {
        runs: [],
        reason: `pull request #${intent.number} has not been planned here yet (no pull_request event seen); push to it or reopen it`,
      };
    const environments = intent.environment
      ? [intent.environment]
      : [...new Set((await this.options.store.listRuns({ pullRequest: intent.number, limit: 200 })).map((r) => r.environment))];
    if (environments.length === 0) return { runs: [], reason: 'no environment to plan; name one: /plan ENV' };
    const runs: Run[] = [];
    const refused: string[] = [];
    // Who may approve comes from the policy last applied: a pull request cannot name its own approvers.
    const head = await this.options.repository.head(this.options.branch);
    const ofPullRequest = await this.options.store.listRuns({ pullRequest: intent.number, limit: 200 });
    for (const environment of environments) {
      // The approvers of the policy the environment goes by (last applied), never of an unapproved change on the branch.
      const approvers = head
        ? (await this.runner.factsRead((await this.runner.policySource(environment, head)).commit, environment)).facts?.approvers
        : undefined;
      if (approvers === undefined) {
        refused.push(`${environment}: no such environment`);
        continue;
      }
      if (!isApprover(approvers, intent.commenter)) {
        refused.push(`${environment}: ${intent.commenter} is not an approver`);
        continue;
      }
      if (intent.command === 'apply' && pr.fromFork) {
        refused.push(`${environment}: pull requests from forks are never applied`);
        continue;
      }
      // /apply applies the commit whose plan was last reported on the pull request, never a head pushed since.
      const reported = ofPullRequest.find((r) => r.environment === environment && r.plan !== undefined);
      if (intent.command === 'apply' && !reported) {
        refused.push(`${environment}: no plan of it was reported on #${intent.number} yet; comment /plan ${environment} first`);
        continue;
      }
      const commit = intent.command === 'apply' ? reported!.commit : pr.commit;
      runs.push(
        this.newRun({
          environment,
          commit,
          branch: pr.branch,
          trigger: 'comment',
          pullRequest: intent.number,
          requestedBy: intent.commenter,
          fromFork: pr.fromFork,
          ...(intent.command === 'apply' ? { applyRequested: true } : {}),
        }),
      );
    }
    return { runs, reason: refused.length > 0 ? `refused: ${refused.join('; ')}` : undefined };
  }

  private async cancelPullRequest(number: number): Promise<number> {
    let cancelled = 0;
    for (const run of await this.options.store.listRuns({ pullRequest: number, status: [...WAITING, 'approved', 'running'], limit: 500 })) {
      const result = await this.cancel(run.id);
      if (result.ok) cancelled++;
    }
    return cancelled;
  }

  /**
   * Supersedes the waiting runs the new ones replace, then starts what can
   * start. On a branch, a run replaces the waiting runs of its commit's
   * known ancestors, and a run whose commit is a known ancestor of one
   * already seen (a late delivery) is superseded itself; where the webhooks
   * cannot tell, git decides before the run starts (newerRunOf), so an older
   * commit never runs after a newer one. Other lanes (a pull request, drift,
   * manual plans) replace whatever waited before them.
   */
  private async afterAccept(runs: readonly Run[]): Promise<void> {
    for (const run of runs) {
      this.log(
        `run ${run.id} queued: ${run.environment} at ${run.commit.slice(0, 12)} (${run.trigger}${run.pullRequest ? ` #${run.pullRequest}` : ''})`,
      );
      const { supersededBy, replaces } = supersedeRules({
        run,
        others: await this.options.store.listRuns({ environment: run.environment, limit: 500 }),
        isAncestor: (older, newer) => this.chain.isAncestor(older, newer),
        forced: (commit) => this.forced.has(commit),
      });
      if (supersededBy) {
        await this.supersede(run, supersededBy);
        continue;
      }
      for (const old of replaces) await this.supersede(old, run);
      void this.runner.report(run);
    }
    this.pump();
  }

  /**
   * A run of the same branch lane at a commit that descends from this run's
   * (asked of git, before the run starts): a delivery that came late, or
   * whose ancestry the webhook could not tell, never runs after its successor.
   */
  private async newerRunOf(run: Run): Promise<Run | undefined> {
    if (!laneOf(run).startsWith('branch:') || this.forced.has(run.commit)) return undefined;
    const others = (await this.options.store.listRuns({ environment: run.environment, limit: 500 }))
      .filter((o) => laneOf(o) === laneOf(run) && o.commit !== run.commit && o.status !== 'superseded' && o.status !== 'cancelled')
      .slice(0, 10);
    for (const other of others) {
      if (await this.options.repository.isAncestor(run.commit, other.commit)) return other;
    }
    return undefined;
  }

  private async supersede(old: Run, by: Run): Promise<void> {
    const superseded = await transition(this.options.store, old.id, 'superseded', {
      error: `superseded by run ${by.id} (${by.commit.slice(0, 12)})`,
    });
    if (!superseded) return;
    await this.runner.discardPlan(superseded);
    await this.runner.report(superseded);
  }

  /** Starts the oldest waiting work of every idle environment, up to maxParallel at once. */
  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    void this.fill()
      .catch((error: Error) => this.log(`queue: ${error.message}`))
      .finally(() => {
        this.pumping = false;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.pump();
        }
      });
  }

  private async fill(): Promise<void> {
    if (this.stopping) return;
    const limit = this.options.maxParallel ?? 2;
    const statuses: RunStatus[] = this.options.offline ? ['queued'] : ['queued', 'approved'];
    const waiting = (await this.options.store.listRuns({ status: statuses, limit: 500 })).reverse();
    if (waiting.length === 0) return;
    // Environments another process works on (or that wait for recovery): one read instead of a refused claim each.
    const leases = await this.options.store.listLeases();
    const held = new Set(leases.map((lease) => lease.environment));
    const now = Date.now();
    const alive = new Set(
      leases.filter((lease) => lease.environment === presenceOf(lease.owner) && lease.expiresAt > now).map((lease) => lease.owner),
    );
    for (const run of waiting) {
      if (this.active.size >= limit || this.stopping) return;
      if (this.busy.has(run.environment) || held.has(run.environment)) continue;
      // An approved run is applied by the controller holding its saved plan, while that one is alive.
      if (run.status === 'approved' && run.plannedBy && run.plannedBy !== this.id && !this.runner.hasPlan(run) && alive.has(run.plannedBy))
        continue;
      this.busy.add(run.environment);
      const newer = run.status === 'queued' ? await this.newerRunOf(run).catch(() => undefined) : undefined;
      if (newer) {
        await this.supersede(run, newer);
        this.busy.delete(run.environment);
        continue;
      }
      // Another process may hold the environment, or have taken this run already.
      const claim = await Claim.take(this.options.store, run, this.id, this.leaseMs, [run.status], (line) => this.log(line)).catch(
        (error: Error) => {
          this.log(`run ${run.id}: claim failed: ${error.message}`);
          return undefined;
        },
      );
      if (!claim) {
        this.busy.delete(run.environment);
        continue;
      }
      this.log(`claimed ${run.environment} for run ${run.id} (token ${claim.lease.token})`);
      this.fenced.hold(run.id, claim);
      const abort = new AbortController();
      const signal = AbortSignal.any([abort.signal, claim.signal]);
      const done = (
        run.status === 'approved'
          ? this.runner.apply(run, signal).then((outcome) => this.afterApply(run, outcome))
          : this.runner.execute(run, signal)
      )
        .catch((error: Error) =>
          this.log(
            claim.lost ? `run ${run.id}: stopped, its lease lost (${error.message})` : `run ${run.id}: ${error.stack ?? error.message}`,
          ),
        )
        .then(async () => {
          if (run.environment && run.branch === this.options.branch) await this.refreshEnvironments().catch(() => undefined);
        })
        .finally(async () => {
          this.fenced.unhold(run.id);
          // A run stopped half-way (the controller stopping) keeps its lease until it expires: then it is recovered.
          const after = await this.options.store.getRun(run.id).catch(() => undefined);
          const unfinished = after !== undefined && (after.status === 'running' || after.status === 'applying');
          this.log(`released ${run.environment} after run ${run.id}${unfinished ? ' (unfinished: its lease is left to expire)' : ''}`);
          await claim
            .release(unfinished)
            .catch((error: Error) => this.log(`lease of ${run.environment}: release failed: ${error.message}`));
          this.busy.delete(run.environment);
          this.active.delete(run.environment);
          this.pump();
        });
      this.active.set(run.environment, { runId: run.id, abort, done });
    }
  }

  /** An approved run whose saved plan was lost with the controller holding it: its environment is planned again (the new plan waits for its own approval). */
  private async afterApply(run: Run, outcome: 'plan-gone' | undefined): Promise<void> {
    if (outcome !== 'plan-gone' || run.branch !== this.options.branch) return;
    await this.planAgain([run.environment]);
  }

  /**
   * Runs whose process is gone: those whose lease expired (or, at start,
   * that this process held in an earlier life), and at start the runs left
   * running or applying with no fencing token (by a controller before
   * leases). Each is interrupted (after taking its lease over and fencing
   * the run), its plan discarded, the state locks its run recorded released,
   * and its environment planned again; so are the environments of lock
   * records whose run no longer works and that no process has claimed.
   */
  private async recover(atStart: boolean): Promise<void> {
    const { store } = this.options;
    const replan = new Set<string>();
    const now = Date.now();
    for (const lease of await store.listLeases()) {
      const mine = lease.owner === this.id;
      if (lease.environment.startsWith(PRESENCE_PREFIX)) {
        // A stopped controller's presence: forgotten, once expired.
        const taken = !mine && lease.expiresAt < now ? await store.takeOverLease(lease, this.id, this.leaseMs) : undefined;
        if (taken) await store.releaseLease(taken);
        continue;
      }
      if (mine ? !atStart : lease.expiresAt >= now) continue;
      const taken = await store.takeOverLease(lease, this.id, this.leaseMs);
      if (!taken) continue;
      this.log(
        `lease of ${lease.environment} (run ${lease.runId}, ${mine ? 'this controller before a restart' : `controller ${lease.owner}`}) ${mine ? 'left by a restart' : 'expired'}: taken over (token ${taken.token})`,
      );
      let waiting = false;
      try {
        const run = await store.getRun(lease.runId);
        // Approved under the lease: stopped between its plan and its apply; the saved plan went with that controller.
        const working =
          run &&
          (run.status === 'running' || run.status === 'applying' || (run.status === 'approved' && !mine && run.plannedBy === lease.owner));
        let again = false;
        if (run && working && (await store.fenceRun(run.id, taken.token, [run.status]))) again = await this.interrupt(run, taken.token);
        const left = this.runner.leftRunning(lease.environment);
        if (left) {
          // Its Terraform outlived it and still holds the state lock: the lock, the lease and the next plan wait for it to end.
          waiting = true;
          this.awaitTerraform(taken, left, again);
        } else {
          if (again) replan.add(lease.environment);
          // Its state locks, while the lease is still held here: no other process's sweep takes them meanwhile.
          if (run) await this.releaseLocks(run.id);
        }
      } finally {
        if (!waiting) await store.releaseLease(taken);
      }
    }
    if (atStart) {
      for (const run of await store.listRuns({ status: ['running', 'applying'], limit: 500 })) {
        if (await this.interrupt(run, 0)) replan.add(run.environment);
      }
    }
    const locks = await store.listLocks();
    // An environment claimed by a process (or being recovered by one) keeps its locks: its run may be finishing with them.
    const held = locks.length > 0 ? new Set((await store.listLeases()).map((lease) => lease.environment)) : new Set<string>();
    for (const lock of locks) {
      if (held.has(lock.environment) || this.busy.has(lock.environment)) continue;
      const run = await store.getRun(lock.runId);
      if (run && (run.status === 'running' || run.status === 'applying')) continue;
      // Of several processes sweeping at once, the one whose clear removed the record plans the environment again.
      if (await this.releaseLock(lock)) replan.add(lock.environment);
    }
    await this.planAgain([...replan]);
  }

  /** Plans environments again at the default branch's head (after recovery). */
  private async planAgain(environments: readonly string[]): Promise<void> {
    if (environments.length === 0) return;
    // Another process may have taken the latest push: fetch before reading the head.
    await this.refreshEnvironments().catch((error: Error) => this.log(`fetch failed (${error.message}); planning the mirror's head`));
    const commit = await this.options.repository.head(this.options.branch);
    if (!commit) return;
    const runs = environments
      .filter((e) => this.known.includes(e))
      .map((environment) => this.newRun({ environment, commit, branch: this.options.branch, trigger: 'manual', requestedBy: 'recovery' }));
    await this.options.store.insertRuns(runs);
    await this.afterAccept(runs);
  }

  /**
   * Holds a taken-over lease while the Terraform that a stopped controller
   * started in the environment's folder still runs (it finishes its apply,
   * writes the state and releases its lock itself); once it ended, releases
   * whatever lock its run recorded (by that ID only), then the lease, and
   * plans the environment again when `replan`.
   */
  private awaitTerraform(lease: Lease, left: TerraformProcess, replan: boolean): void {
    const { environment } = lease;
    this.log(
      `${environment}: the terraform ${left.step} (pid ${left.pid}) of run ${lease.runId} outlived its controller; its state lock is left to it until it ends`,
    );
    const claim = Claim.hold(this.options.store, lease, this.leaseMs, (line) => this.log(line));
    this.busy.add(environment);
    const ended = new Promise<void>((resolveEnded) => {
      const timer = setInterval(() => {
        if (this.runner.leftRunning(environment) && !this.stopping && !claim.lost) return;
        clearInterval(timer);
        resolveEnded();
      }, 1_000);
    });
    void ended
      .then(async () => {
        // Stopping: the lease is left to expire, and the next controller waits for that Terraform in turn.
        if (this.stopping || claim.lost) return claim.release(true);
        this.log(`${environment}: the terraform ${left.step} (pid ${left.pid}) ended`);
        await this.releaseLocks(lease.runId);
        await claim.release();
        if (replan) await this.planAgain([environment]);
      })
      .catch((error: Error) => this.log(`${environment}: recovery after terraform ${left.pid}: ${error.message}`))
      .finally(() => {
        this.busy.delete(environment);
        this.pump();
      });
  }

  /** Releases the state locks a run recorded (recovery holds its environment's lease meanwhile). */
  private async releaseLocks(runId: string): Promise<void> {
    for (const lock of (await this.options.store.listLocks()).filter((l) => l.runId === runId)) await this.releaseLock(lock);
  }

  /**
   * Releases a recorded state lock by its ID and clears the record; resolves
   * whether its environment is to be planned again: when this call cleared
   * the record, or the lock could not be released (the new run's log shows
   * Terraform's lock error; it is tried again at the next start only).
   */
  private async releaseLock(lock: LockRecord): Promise<boolean> {
    if (this.stuckLocks.has(lock.lockId)) return false;
    const released = await this.runner.releaseLock(lock.environment, lock.lockId);
    this.log(
      `state lock ${lock.lockId} of ${lock.environment} (run ${lock.runId}): ${released ? 'released' : 'could not be released; see the run log'}`,
    );
    if (!released) {
      this.stuckLocks.add(lock.lockId);
      return true;
    }
    return this.options.store.clearLock(lock.environment, lock.lockId);
  }

  /** Marks a run interrupted, fenced by `fence` (0: a run never fenced); resolves whether its environment is planned again. */
  private async interrupt(run: Run, fence: number): Promise<boolean> {
    const interrupted = await transition(
      this.options.store,
      run.id,
      'interrupted',
      {
        error: `the controller stopped while this run was ${run.status}; its plan was discarded and ${run.environment} is planned again`,
      },
      [run.status],
      fence,
    );
    if (!interrupted) return false;
    this.log(`run ${run.id} (${run.environment}) interrupted: its controller stopped`);
    await this.runner.discardPlan(interrupted);
    await this.runner.report(interrupted);
    return run.status === 'applying' || run.branch === this.options.branch;
  }

  private async refreshEnvironments(): Promise<void> {
    await this.options.repository.fetch();
    const head = await this.options.repository.head(this.options.branch);
    this.known = head ? await this.options.repository.environmentsAt(head) : [];
  }

  private newRun(fields: {
    environment: string;
    commit: string;
    branch: string;
    trigger: RunTrigger;
    pullRequest?: number;
    requestedBy?: string;
    destroy?: boolean;
    fromFork?: boolean;
    applyRequested?: boolean;
    before?: string;
  }): Run {
    return { id: newRunId(), status: 'queued', createdAt: now(), ...fields, lane: laneOf(fields) };
  }

  private log(line: string): void {
    this.options.log(this.options.redactor.redact(line));
  }
}

/** Leases named `controller/<id>` are controllers' presences (and `controller/drift-round` the drift round's), never environments (whose names have no slash). */
const PRESENCE_PREFIX = 'controller/';

/** The lease of a drift round: one controller of those sharing the store plans it. */
const DRIFT_ROUND = `${PRESENCE_PREFIX}drift-round`;

function presenceOf(controllerId: string): string {
  return `${PRESENCE_PREFIX}${controllerId}`;
}

/** Sortable by creation: milliseconds in base 36, then random. */
export function newRunId(): string {
  return `${Date.now().toString(36).padStart(9, '0')}-${randomBytes(4).toString('hex')}`;
}

function now(): string {
  return new Date().toISOString();
}
