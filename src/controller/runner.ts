/**
 * One run, step by step: fetch the commit, write its YAML out, validate,
 * guardrails and synthesize (in the compile worker), init, plan to a saved
 * plan file, summarize, decide; later, apply exactly that saved file. Every
 * step is logged (redacted) in the store and reported to GitHub.
 */
import { chmodSync, existsSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import {
  compareEstimates,
  formatComparisonMarkdown,
  formatSummary,
  planAgainstBase,
  planStack,
  sandboxSettings,
  TerraformWorkspace,
  lockAbsent,
  type BasePlan,
  type BaseStack,
  type CoreEvent,
  type SynthesizedStack,
  type TerraformProcess,
  type TerraformSettings,
} from '../core/index';

type PlanResult = Awaited<ReturnType<typeof planStack>>;

/** Where a run's policy was read: the commit, and the environment's facts there (none: no such environment; problems: unreadable). */
interface PolicySource {
  readonly commit: string;
  readonly facts?: EnvironmentFacts;
  readonly problems?: readonly string[];
  /** Pull requests: the default branch compiled (its cost is the comparison's base). */
  readonly compiled?: CompileResult;
  /** Pull requests: the default branch's head, where `compiled` comes from. */
  readonly head?: string;
  /** The commit last applied to the environment, when one was. */
  readonly applied?: string;
}

/** The policy a run goes by, and whether its change lowers it. */
interface RunPolicy extends PolicyValues {
  readonly lowered: boolean;
  /** The commit does not descend from the one last applied (a forced push, a revert of history): it waits as a rollback. */
  readonly rollback: boolean;
}

/**
 * The policy a run goes by: the one read at its policy source, never lower
 * than the run's own configuration makes it (production stays production,
 * autoApply only when both say so). An environment new in the change goes
 * by its own configuration; a pull request's, by none (no approvers).
 */
function effectivePolicy(
  source: EnvironmentFacts | undefined,
  own: EnvironmentFacts | undefined,
  pullRequest: boolean,
): PolicyValues | undefined {
  if (!source) {
    if (pullRequest) return { production: own?.production ?? false, autoApply: false, approvers: [], allowForks: false, waivers: [] };
    return own;
  }
  return {
    production: source.production || (own?.production ?? false),
    autoApply: source.autoApply && (own?.autoApply ?? true),
    approvers: source.approvers,
    allowForks: source.allowForks,
    waivers: source.waivers,
  };
}
import { createHash, randomBytes } from 'node:crypto';
import type { CompileResult, Compiler, EnvironmentFacts } from './compile';
import { withEnvironmentRole } from './environment-role';
import { commitStatusFor, renderPlanComments } from './github/comment';
import type { Reporter } from './github/reporter';
import type { ConfigRepository } from './git/repository';
import { amend, canTransition, transition } from './lifecycle';
import { decide, lowered, type PolicyValues } from './policy';
import type { Redactor } from './redact';
import type { Run, RunDecision, RunPatch, RunStatus } from './run';
import type { RunStore } from './store/store';

export interface RunnerOptions {
  readonly store: RunStore;
  readonly repository: ConfigRepository;
  readonly reporter: Reporter;
  readonly redactor: Redactor;
  readonly compiler: Compiler;
  /** Where workspaces and saved plans live (`<dataDir>/work/<environment>`). */
  readonly dataDir: string;
  /** The default branch. */
  readonly branch: string;
  /** Plans with a local backend and dummy credentials; nothing is ever applied. */
  readonly offline: boolean;
  /**
   * An AWS API emulator's endpoint: plans and applies go there (every AWS
   * call and the S3 backend, dummy credentials) instead of AWS; not with
   * `offline` or `sandbox`. @default AWS
   */
  readonly endpoint?: string;
  /**
   * Every provider's resources stand in as terraform_data, on a local state:
   * real Terraform plans and applies that change nothing anywhere (demos and
   * tests of the apply path). @default false
   */
  readonly sandbox?: boolean;
  /**
   * A test aid, with the sandbox or an emulator only: every apply first
   * waits this long in a terraform_data that every other resource depends
   * on, so that tests can stop the controller in an apply before anything
   * is created. @default none
   */
  readonly applyDelaySeconds?: number;
  /**
   * Pull requests planned without AWS (offline, or from a fork) are planned
   * against the default branch's environment applied to an AWS API emulator
   * (core/base-plan.ts, `plan --base`): their plans show what the change
   * creates, updates and replaces. Needs moto (PLATFORM_EMULATOR_PYTHON or a
   * .venv). @default false: an offline plan, which adds everything
   */
  readonly basePlans?: boolean;
  readonly settings: TerraformSettings;
  /** The commit status context is `<statusName>/<environment>`. @default fargate-platform */
  readonly statusName?: string;
  /** The controller's own address, for links from GitHub. */
  readonly publicUrl?: string;
  readonly log: (line: string) => void;
  /** True once the controller stops: no new apply starts (the approved run is applied after the restart). */
  readonly stopping?: () => boolean;
  /** This controller's ID, recorded on a run as `plannedBy` with its saved plan. @default none recorded */
  readonly controllerId?: string;
}

export class Runner {
  /** The cost difference (markdown) of a pull request run, shown in its plan comment while the run is reported. */
  private readonly costNotes = new Map<string, string>();

  constructor(private readonly options: RunnerOptions) {}

  /**
   * Plans a queued run, and applies it when the policy allows: compile,
   * plan, decide, settle. A step that ends the run (a failed validation, a
   * failed plan) settles it itself and answers undefined.
   */
  async execute(queued: Run, signal: AbortSignal): Promise<void> {
    let run = await transition(this.options.store, queued.id, 'running', {}, ['queued']);
    if (!run) return;
    await this.report(run);
    const root = join(this.options.dataDir, 'runs', run.id);
    try {
      await this.note(run, `run ${run.id}: ${run.environment} at ${run.commit} (${run.trigger}${run.destroy ? ', destroy' : ''})`);
      const compiled = await this.compile(run, root);
      if (!compiled || signal.aborted) return;
      run = compiled.run;
      const planned = await this.plan(run, compiled.stack, signal, compiled.base && { ...compiled.base, workDir: join(root, 'base-plan') });
      if (!planned || signal.aborted) return;
      run = planned.run;
      const decision = this.decide(run, compiled.policy, planned.plan);
      await this.settle(run, decision, planned.plan, signal);
    } catch (error) {
      if (run)
        await this.finish(run, 'failed', {
          error: this.options.redactor.redact(error instanceof Error ? error.message : String(error)),
        }).catch(() => undefined);
      throw error;
    } finally {
      this.costNotes.delete(run?.id ?? queued.id);
      rmSync(root, { recursive: true, force: true });
    }
  }

  /**
   * Fetches the commit, writes its YAML out, reads the policy the run is
   * decided by (policyOf), then validates, checks the guardrails and
   * synthesizes. Records on the run the policy it goes by and why it waits
   * when the change lowers that policy.
   */
  private async compile(
    queued: Run,
    root: string,
  ): Promise<{ run: Run; stack: SynthesizedStack; base?: BaseStack; policy: RunPolicy } | undefined> {
    const { repository } = this.options;
    let run = queued;
    // Usually the webhook's handling already fetched the commit.
    if (!(await repository.hasCommit(run.commit))) await repository.fetch();
    if (!(await repository.hasCommit(run.commit))) {
      await this.finish(run, 'failed', { error: `commit ${run.commit} is not in the repository (after a fetch)` });
      return undefined;
    }
    const configCommit = run.destroy ? await repository.parentOf(run.commit) : run.commit;
    if (!configCommit) {
      await this.finish(run, 'failed', { error: `commit ${run.commit} has no parent to read the deleted ${run.environment} from` });
      return undefined;
    }
    const source = await this.policyOf(run);
    const configDir = join(root, repository.configDir);
    await repository.writeConfigAt(configCommit, configDir);
    const compiled = await this.options.compiler.compile({
      configDir,
      relativeTo: root,
      environment: run.environment,
      checkAsProduction: source.facts?.production,
    });
    const policy = effectivePolicy(source.facts, compiled.facts, run.pullRequest !== undefined);
    run = await this.amend(run, {
      policyFrom: source.commit,
      ...(policy ? { production: policy.production, approvers: policy.approvers } : {}),
    });
    if (!compiled.ok) {
      await this.note(run, compiled.problems.join('\n'));
      await this.finish(run, 'failed', { problems: compiled.problems, error: 'validation or guardrails failed' });
      return undefined;
    }
    run = await this.amend(run, { guardrails: compiled.warnings });
    if (run.pullRequest !== undefined && compiled.cost) {
      // The monthly difference from the default branch (an environment new in the pull request: from nothing).
      const before = source.compiled?.ok && source.compiled.cost ? [source.compiled.cost] : [];
      this.costNotes.set(
        run.id,
        formatComparisonMarkdown(
          compareEstimates(before, [compiled.cost]),
          `Monthly cost estimate: difference from ${this.options.branch}`,
        ),
      );
    }
    if (run.fromFork && !policy!.allowForks) {
      await this.finish(
        run,
        'cancelled',
        { error: `pull requests from forks are not planned for ${run.environment} (gitops.allowForks is false)` },
        undefined,
        ['running'],
      );
      return undefined;
    }
    const reasons = source.problems
      ? [`the policy at ${source.commit.slice(0, 12)} could not be read (${source.problems[0]})`]
      : source.facts
        ? lowered(source.facts, compiled.facts)
        : [];
    if (compiled.productionFailures) reasons.push(`production-only guardrails it would fail: ${compiled.productionFailures.join(', ')}`);
    // Only for runs that may apply: a pull request's or a drift check's plan is only reported.
    const mayApply = run.trigger !== 'pull_request' && run.trigger !== 'drift';
    const rollback =
      mayApply &&
      source.applied !== undefined &&
      source.applied !== run.commit &&
      !run.destroy &&
      !(await this.options.repository.isAncestor(source.applied, run.commit));
    const reason =
      [
        ...(reasons.length > 0
          ? [
              `the change lowers the policy applied at ${source.commit.slice(0, 12)} (${reasons.join('; ')}): applying it waits for an approver of that policy`,
            ]
          : []),
        ...(rollback
          ? [
              `${run.commit.slice(0, 12)} does not descend from ${source.applied!.slice(0, 12)}, last applied (a forced push or rewritten history): applying it waits for an approval as a rollback`,
            ]
          : []),
      ].join('; ') || undefined;
    if (reason) {
      run = await this.amend(run, { reason });
      await this.note(run, reason);
    }
    const base: BaseStack | undefined =
      run.pullRequest !== undefined && source.head !== undefined
        ? { ref: this.options.branch, commit: source.head, stack: source.compiled?.ok ? source.compiled.stack : undefined }
        : undefined;
    return { run, stack: compiled.stack, base, policy: { ...policy!, lowered: reasons.length > 0, rollback } };
  }

  /**
   * Where a run's policy comes from. Pull requests: the default branch head.
   * Otherwise: the commit last applied to the environment (offline, where
   * nothing is applied: last approved). Before anything was, the policy
   * source of the environment's earlier runs on the default branch (every
   * one carries the first one's: a push after an unapproved one does not go
   * by the policy that one brought), and for the very first run the push's
   * `before` (the default branch before the change), else the commit's parent.
   */
  private async policyOf(run: Run): Promise<PolicySource> {
    const { repository } = this.options;
    if (run.pullRequest !== undefined) {
      const head = (await repository.head(this.options.branch)) ?? run.commit;
      const compiled = await this.compiledAt(head, run.environment);
      const { commit, applied } = await this.policySource(run.environment, head, run.id);
      const source = commit === head ? { facts: compiled?.facts } : await this.factsRead(commit, run.environment);
      return { commit, compiled, head, ...source, ...(applied ? { applied } : {}) };
    }
    const fallback =
      (run.before && !/^0+$/.test(run.before) && (await repository.hasCommit(run.before)) ? run.before : undefined) ??
      (await repository.parentOf(run.commit)) ??
      run.commit;
    const { commit, applied } = await this.policySource(run.environment, fallback, run.id);
    return { commit, ...(await this.factsRead(commit, run.environment)), ...(applied ? { applied } : {}) };
  }

  /**
   * The commit an environment's policy is read from: the one last applied
   * (offline, where nothing is applied: last approved); before anything was,
   * the source every earlier run of the default branch went by (the first
   * one's: a push after an unapproved one does not go by what that one
   * brought); else `fallback`.
   */
  async policySource(environment: string, fallback: string, exceptRun?: string): Promise<{ commit: string; applied?: string }> {
    const { store } = this.options;
    const [applied] = await store.listRuns({ environment, status: this.options.offline ? ['applied', 'approved'] : 'applied', limit: 1 });
    if (applied) return { commit: applied.commit, applied: applied.commit };
    const [earlier] = (await store.listRuns({ environment, limit: 100 })).filter(
      (r) => r.id !== exceptRun && r.policyFrom && r.pullRequest === undefined && r.branch === this.options.branch,
    );
    return { commit: earlier?.policyFrom ?? fallback };
  }

  /** The policy facts of an environment at a commit, without synthesis: none when the commit has no such environment, problems when it does not load. */
  async factsRead(commit: string, environment: string): Promise<{ facts?: EnvironmentFacts; problems?: readonly string[] }> {
    const { repository } = this.options;
    const root = join(this.options.dataDir, 'runs', `policy-${randomBytes(6).toString('hex')}`);
    try {
      const configDir = join(root, repository.configDir);
      await repository.writeConfigAt(commit, configDir);
      const read = await this.options.compiler.facts({ configDir, relativeTo: root, environment });
      if (!read.found) return {};
      return 'facts' in read ? { facts: read.facts } : { problems: read.problems };
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }

  /** Init and plan to the run's saved plan file; records the file's hash. Undefined when the plan failed (the run is settled). */
  private async plan(
    run: Run,
    stack: SynthesizedStack,
    signal: AbortSignal,
    base?: BaseStack & { readonly workDir: string },
  ): Promise<{ run: Run; plan: PlanResult } | undefined> {
    const offline = this.options.offline || run.fromFork === true;
    const onEvent = (event: CoreEvent) => void this.event(run, event).catch(() => undefined);
    // A pull request's plan without AWS, against the default branch applied to an emulator: only ever reported.
    const plan =
      offline && this.options.basePlans && base && run.pullRequest !== undefined && !run.destroy && !this.options.sandbox
        ? // Its own folder under the run's (removed with it): the emulator's state is thrown away, and the environment's folder keeps other runs' saved plans.
          await planAgainstBase({
            base,
            stack: { ...stack, environment: run.environment },
            workDir: base.workDir,
            settings: this.settingsFor(),
            signal,
            onEvent,
          })
        : await planStack(this.withApplyDelay(stack), {
            offline: offline || this.options.sandbox === true,
            endpoint: offline || this.options.sandbox === true ? undefined : this.options.endpoint,
            workDir: this.workDir(run),
            settings: offline ? this.settingsFor() : this.settingsFor(run.environment),
            destroy: run.destroy,
            planFile: planFileName(run),
            signal,
            onEvent,
          });
    const { baseFailure } = plan as Partial<BasePlan>;
    await this.note(run, baseFailure ?? plan.output);
    if (signal.aborted) return undefined;
    if (!plan.ok) {
      const error =
        baseFailure !== undefined
          ? `${this.options.branch}'s ${run.environment} could not be applied to the AWS API emulator to plan against; see the log`
          : `terraform ${plan.failedStep} failed; see the log`;
      await this.finish(run, 'failed', { error });
      return undefined;
    }
    const file = join(plan.workspace.dir, plan.planFile);
    if (existsSync(file)) chmodSync(file, 0o600);
    const planHash = existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : undefined;
    return {
      run: planHash ? await this.amend(run, { planHash, ...(this.options.controllerId && { plannedBy: this.options.controllerId }) }) : run,
      plan,
    };
  }

  /** The policy's decision on a plan (policy.ts), from the policy the run goes by. */
  private decide(run: Run, policy: RunPolicy, plan: PlanResult): RunDecision {
    return decide({
      trigger: run.trigger,
      applyCandidate: !run.fromFork && (run.trigger === 'comment' ? run.applyRequested === true : run.branch === this.options.branch),
      production: policy.production,
      autoApply: policy.autoApply,
      changes: plan.changes ?? true,
      destroy: run.destroy === true,
      destructive: plan.destructive,
      requestedByApprover: run.applyRequested === true,
      policyLowered: policy.lowered,
      rollback: policy.rollback,
    });
  }

  /** Records the plan and the decision, and moves the run on: planned, awaiting approval, or approved and applied. */
  private async settle(run: Run, decision: RunDecision, plan: PlanResult, signal: AbortSignal): Promise<void> {
    const { store } = this.options;
    const summary = plan.summary!;
    await this.note(run, `plan: ${formatSummary(summary)}; decision: ${decision}`);
    const planText = plan.planOutput ?? '';
    if (run.trigger === 'drift') {
      await store.setEnvironmentState(run.environment, { drift: plan.changes ? 'drifted' : 'none', checkedAt: now(), commit: run.commit });
    } else if (!plan.changes && run.branch === this.options.branch && !run.pullRequest) {
      await store.setEnvironmentState(run.environment, { drift: 'none', checkedAt: now(), commit: run.commit });
    }
    const base: RunPatch = {
      plan: summary,
      decision,
      destructive: plan.destructive,
      ...(run.trigger === 'drift' ? { drift: plan.changes === true } : {}),
    };
    if (decision === 'plan-only') {
      this.removePlan(run);
      await this.finish(run, 'planned', base, planText, ['running']);
      return;
    }
    if (decision !== 'auto-apply') {
      await this.move(run, 'awaiting-approval', base, planText);
      return;
    }
    const approved = await this.move(
      run,
      'approved',
      { ...base, ...(run.applyRequested ? { approvedBy: run.requestedBy } : {}) },
      planText,
    );
    // Offline, approved is where the run ends: its plan is never applied.
    if (this.options.offline) this.removePlan(run);
    else if (approved.status === 'approved' && !this.options.stopping?.()) await this.apply(approved, signal);
  }

  /**
   * Applies the saved plan of an approved run. Terraform itself refuses a
   * plan whose state moved on. Resolves 'plan-gone' when the saved plan is
   * not in this controller's data folder (the run failed; plan again).
   */
  async apply(approved: Run, signal: AbortSignal): Promise<'plan-gone' | undefined> {
    if (this.options.offline) return undefined;
    const { store } = this.options;
    const run = await transition(store, approved.id, 'applying', {}, ['approved']);
    if (!run) return undefined;
    await this.report(run);
    const planFile = planFileName(run);
    const workspace = TerraformWorkspace.open(run.environment, this.workDir(run), {
      offline: true,
      settings: this.settingsFor(run.environment),
    });
    if (!existsSync(join(workspace.dir, planFile))) {
      const elsewhere =
        run.plannedBy && run.plannedBy !== this.options.controllerId
          ? ` (it was in the data folder of controller ${run.plannedBy}, which stopped)`
          : '';
      await this.finish(run, 'failed', { error: `the saved plan is gone${elsewhere}; plan again` });
      return 'plan-gone';
    }
    let recorded: string | undefined;
    let recording: Promise<void> | undefined;
    const watch = setInterval(() => {
      const lock = workspace.heldLock();
      if (!lock || recorded) return;
      recorded = lock.id;
      recording = store
        .recordLock({ environment: run.environment, runId: run.id, lockId: lock.id, acquiredAt: now() })
        .then(() => this.options.log(`run ${run.id}: state lock ${lock.id} of ${run.environment} recorded`))
        .catch((error: Error) => this.options.log(`run ${run.id}: could not record lock ${lock.id}: ${error.message}`));
    }, 100);
    try {
      const result = await workspace.apply(planFile, { signal });
      await this.note(run, result.output);
      if (result.ok) {
        await store.setEnvironmentState(run.environment, { drift: 'none', checkedAt: now(), commit: run.commit });
        await this.finish(run, 'applied', {});
      } else {
        await this.finish(run, 'failed', {
          error: /stale/i.test(result.output)
            ? 'the saved plan is stale (the state changed since it was made); plan again'
            : 'terraform apply failed; see the log',
        });
      }
    } finally {
      clearInterval(watch);
      // The record may still be on its way: clear it once written, not before.
      await recording;
      if (recorded) await store.clearLock(run.environment, recorded);
      this.removePlan(run);
    }
    return undefined;
  }

  /** The plan or apply Terraform that a controller before a crash left running in the environment's folder, while it still runs on this host. */
  leftRunning(environment: string): TerraformProcess | undefined {
    return TerraformWorkspace.open(environment, join(this.options.dataDir, 'work', environment), {
      offline: true,
      settings: this.settingsFor(),
    }).running();
  }

  /** Whether this controller's data folder holds the run's saved plan. */
  hasPlan(run: Run): boolean {
    return existsSync(join(this.workDir(run), planFileName(run)));
  }

  /** The commit status, and on pull requests the plan comment, of a run as it is now. */
  async report(run: Run, planText?: string): Promise<void> {
    const name = this.options.statusName;
    const url = this.options.publicUrl ? `${this.options.publicUrl}/api/runs/${run.id}` : undefined;
    const plan = planText === undefined ? undefined : this.options.redactor.redact(planText);
    const cost = this.costNotes.get(run.id);
    const results = [
      await this.options.reporter.setStatus(run.commit, commitStatusFor(run, name, url), {
        run,
        ...(plan !== undefined ? { planText: plan } : {}),
        ...(cost ? { cost } : {}),
      }),
    ];
    if (run.pullRequest !== undefined && (planText !== undefined || run.status === 'failed')) {
      const text = planText === undefined ? undefined : this.options.redactor.redact(planText);
      results.push(
        await this.options.reporter.upsertPlanComments(
          run.pullRequest,
          run.environment,
          renderPlanComments({ run, planText: text, name, runUrl: url, cost: this.costNotes.get(run.id) }),
        ),
      );
    }
    for (const result of results) {
      if (!result.ok)
        for (const e of result.errors)
          this.options.log(`run ${run.id}: GitHub ${e.operation} failed${e.status ? ` (${e.status})` : ''}: ${e.message}`);
    }
  }

  /** Deletes a run's saved plan (superseded, cancelled, interrupted). */
  async discardPlan(run: Run): Promise<void> {
    this.removePlan(run);
  }

  /**
   * Releases a state lock this controller recorded, by exactly that ID. A
   * local state's lock dies with the process that held it; then only
   * Terraform's stale lock file (with that ID) is removed.
   */
  async releaseLock(environment: string, lockId: string): Promise<boolean> {
    const workspace = TerraformWorkspace.open(environment, join(this.options.dataDir, 'work', environment), {
      offline: true,
      settings: this.settingsFor(environment),
    });
    if (!existsSync(workspace.dir)) return true;
    const result = await workspace.forceUnlock(lockId);
    const lockFile = join(workspace.dir, '.terraform.tfstate.lock.info');
    if (existsSync(lockFile)) {
      try {
        if ((JSON.parse(readFileSync(lockFile, 'utf8')) as { ID?: string }).ID === lockId) unlinkSync(lockFile);
      } catch {
        // Unreadable: left for a person to look at.
      }
    }
    return result.ok || lockAbsent(result.output);
  }

  private async compiledAt(commit: string, environment: string): Promise<CompileResult | undefined> {
    const root = join(this.options.dataDir, 'runs', `facts-${randomBytes(6).toString('hex')}`);
    try {
      await this.options.repository.fetch();
      if (!(await this.options.repository.hasCommit(commit))) return undefined;
      const configDir = join(root, this.options.repository.configDir);
      const files = await this.options.repository.writeConfigAt(commit, configDir);
      if (!files.includes(`${environment}.yaml`)) return undefined;
      return await this.options.compiler.compile({ configDir, relativeTo: root, environment });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    await this.options.compiler.close();
  }

  private workDir(run: Run): string {
    // Plans of forks never share a folder (or a local state) with the environment's own.
    return join(this.options.dataDir, 'work', run.fromFork ? `${run.environment}.fork` : run.environment);
  }

  /** The terraform settings; for an environment reached through a role (not offline, not in the sandbox), assuming it. */
  private settingsFor(environment?: string): TerraformSettings {
    const { settings, sandbox } = this.options;
    if (sandbox) return sandboxSettings(settings);
    if (environment === undefined || this.options.offline) return settings;
    return withEnvironmentRole(settings, environment, join(this.options.dataDir, 'aws'));
  }

  /** With applyDelaySeconds: the stack with a terraform_data that sleeps that long, on which every other resource depends (created first). */
  private withApplyDelay(stack: SynthesizedStack): SynthesizedStack {
    const seconds = this.options.applyDelaySeconds;
    if (!seconds) return stack;
    const json = JSON.parse(stack.json) as {
      resource?: Record<string, Record<string, Record<string, unknown> & { depends_on?: string[] }>>;
    };
    json.resource ??= {};
    for (const resources of Object.values(json.resource)) {
      for (const resource of Object.values(resources)) resource.depends_on = [...(resource.depends_on ?? []), 'terraform_data.apply_delay'];
    }
    // The same input each run: a plan after a finished apply has no changes of its own.
    json.resource.terraform_data = {
      ...json.resource.terraform_data,
      apply_delay: { input: `${seconds}`, provisioner: [{ 'local-exec': { command: `sleep ${Math.ceil(seconds)}` } }] },
    };
    return { ...stack, json: JSON.stringify(json) };
  }

  private removePlan(run: Run): void {
    rmSync(join(this.workDir(run), planFileName(run)), { force: true });
  }

  private async event(run: Run, event: CoreEvent): Promise<void> {
    if (event.type === 'note') await this.note(run, event.message);
    else if (event.type === 'step-finished')
      await this.note(run, `${event.step} ${event.ok ? 'ok' : 'FAILED'} in ${event.seconds.toFixed(1)}s`);
  }

  private async note(run: Run, text: string): Promise<void> {
    if (!text) return;
    await this.options.store.appendLog(run.id, `${this.options.redactor.redact(text).replace(/\n?$/, '\n')}`);
  }

  private async amend(run: Run, patch: Omit<RunPatch, 'status'>): Promise<Run> {
    return amend(this.options.store, run, patch);
  }

  /** From running to a status the run waits in (awaiting approval, approved). */
  private async move(run: Run, status: RunStatus, patch: Omit<RunPatch, 'status'>, planText?: string): Promise<Run> {
    const moved = await transition(this.options.store, run.id, status, patch, ['running']);
    if (!moved) return (await this.options.store.getRun(run.id)) ?? run;
    this.options.log(`run ${run.id} (${run.environment}): ${status}${patch.decision ? ` (${patch.decision})` : ''}`);
    await this.report(moved, planText);
    return moved;
  }

  /** From running or applying (`from`) to a final status. */
  private async finish(
    run: Run,
    status: RunStatus,
    patch: Omit<RunPatch, 'status'>,
    planText?: string,
    from: readonly RunStatus[] = ['running', 'applying'],
  ): Promise<Run> {
    const finished = await transition(
      this.options.store,
      run.id,
      status,
      patch,
      from.filter((s) => canTransition(s, status)),
    );
    if (!finished) return (await this.options.store.getRun(run.id)) ?? run;
    this.removePlan(run);
    this.options.log(`run ${run.id} (${run.environment}): ${status}${patch.error ? `: ${patch.error}` : ''}`);
    await this.report(finished, planText);
    return finished;
  }
}

function planFileName(run: Pick<Run, 'id'>): string {
  return `run-${run.id}.tfplan`;
}

function now(): string {
  return new Date().toISOString();
}
