/**
 * One run, step by step: fetch the commit, write its YAML out, validate,
 * guardrails and synthesize (in the compile worker), init, plan to a saved
 * plan file, summarize, decide; later, apply exactly that saved file. Every
 * step is logged (redacted) in the store and reported to GitHub.
 */
import { existsSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import {
  compareEstimates, formatComparisonMarkdown, formatSummary, planStack, sandboxSettings, TerraformWorkspace, type CoreEvent, type SynthesizedStack, type TerraformSettings,
} from '../core/index';
import { randomBytes } from 'node:crypto';
import type { CompileResult, Compiler, EnvironmentFacts } from './compile';
import { withEnvironmentRole } from './environment-role';
import { commitStatusFor, renderPlanComments } from './github/comment';
import type { Reporter } from './github/reporter';
import type { ConfigRepository } from './git/repository';
import { decide } from './policy';
import type { Redactor } from './redact';
import type { Run, RunPatch, RunStatus } from './run';
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
   * Every provider's resources stand in as terraform_data, on a local state:
   * real Terraform plans and applies that change nothing anywhere (demos and
   * tests of the apply path). `applySeconds` makes each apply take that long.
   */
  readonly sandbox?: { readonly applySeconds?: number };
  readonly settings: TerraformSettings;
  /** The commit status context is `<statusName>/<environment>`. @default fargate-platform */
  readonly statusName?: string;
  /** The controller's own address, for links from GitHub. */
  readonly publicUrl?: string;
  readonly log: (line: string) => void;
  /** True once the controller stops: no new apply starts (the approved run is applied after the restart). */
  readonly stopping?: () => boolean;
}

export class Runner {
  /** The cost difference (markdown) of a pull request run, shown in its plan comment while the run is reported. */
  private readonly costNotes = new Map<string, string>();

  constructor(private readonly options: RunnerOptions) {}

  /** Plans a queued run, and applies it when the policy allows. */
  async execute(queued: Run, signal: AbortSignal): Promise<void> {
    const { store, repository } = this.options;
    let run = await store.updateRun(queued.id, { status: 'running', startedAt: now() }, { status: ['queued'] });
    if (!run) return;
    await this.report(run);
    const root = join(this.options.dataDir, 'runs', run.id);
    try {
      await this.note(run, `run ${run.id}: ${run.environment} at ${run.commit} (${run.trigger}${run.destroy ? ', destroy' : ''})`);
      // Usually the webhook's handling already fetched the commit.
      if (!(await repository.hasCommit(run.commit))) await repository.fetch();
      if (!(await repository.hasCommit(run.commit))) {
        await this.finish(run, 'failed', { error: `commit ${run.commit} is not in the repository (after a fetch)` });
        return;
      }
      const configCommit = run.destroy ? await repository.parentOf(run.commit) : run.commit;
      if (!configCommit) {
        await this.finish(run, 'failed', { error: `commit ${run.commit} has no parent to read the deleted ${run.environment} from` });
        return;
      }
      const configDir = join(root, repository.configDir);
      await repository.writeConfigAt(configCommit, configDir);
      const compiled = await this.options.compiler.compile({ configDir, relativeTo: root, environment: run.environment });
      const facts = compiled.facts;
      if (facts) run = await this.patch(run, { production: facts.production, approvers: facts.approvers });
      if (!compiled.ok) {
        await this.note(run, compiled.problems.join('\n'));
        await this.finish(run, 'failed', { problems: compiled.problems, error: 'validation or guardrails failed' });
        return;
      }
      run = await this.patch(run, { guardrails: compiled.warnings });
      // For pull requests, what the reviewed default branch says decides: a pull request cannot allow forks,
      // name its own approvers or make production not production.
      const defaultBranch = run.pullRequest !== undefined ? await this.defaultBranchCompiled(run.environment) : undefined;
      const trusted = run.pullRequest !== undefined ? defaultBranch?.facts : compiled.facts;
      if (run.pullRequest !== undefined && compiled.cost) {
        // The monthly difference from the default branch (an environment new in the pull request: from nothing).
        const before = defaultBranch?.ok && defaultBranch.cost ? [defaultBranch.cost] : [];
        this.costNotes.set(run.id, formatComparisonMarkdown(compareEstimates(before, [compiled.cost]), `Monthly cost estimate: difference from ${this.options.branch}`));
      }
      if (run.pullRequest !== undefined) run = await this.patch(run, { approvers: trusted?.approvers ?? [], production: (trusted?.production ?? false) || compiled.facts.production });
      if (run.fromFork && !trusted?.allowForks) {
        await this.finish(run, 'cancelled', { error: `pull requests from forks are not planned for ${run.environment} (gitops.allowForks is false)` });
        return;
      }
      if (signal.aborted) return;
      const offline = this.options.offline || run.fromFork === true;
      const plan = await planStack(this.withApplyDelay(compiled.stack, run), {
        offline: offline || this.options.sandbox !== undefined,
        workDir: this.workDir(run),
        settings: offline ? this.settingsFor() : this.settingsFor(run.environment),
        destroy: run.destroy,
        planFile: planFileName(run),
        signal,
        onEvent: (event) => void this.event(run!, event).catch(() => undefined),
      });
      await this.note(run, plan.output);
      if (signal.aborted) return;
      if (!plan.ok) {
        await this.finish(run, 'failed', { error: `terraform ${plan.failedStep} failed; see the log` });
        return;
      }
      const summary = plan.summary!;
      const decision = decide({
        trigger: run.trigger,
        applyCandidate: !run.fromFork && (run.trigger === 'comment' ? run.applyRequested === true : run.branch === this.options.branch),
        production: run.production ?? compiled.facts.production,
        autoApply: trusted?.autoApply ?? false,
        changes: plan.changes ?? true,
        destroy: run.destroy === true,
        destructive: plan.destructive,
        requestedByApprover: run.applyRequested === true,
      });
      await this.note(run, `plan: ${formatSummary(summary)}; decision: ${decision}`);
      const planText = plan.planOutput ?? '';
      if (run.trigger === 'drift') {
        await store.setEnvironmentState(run.environment, { drift: plan.changes ? 'drifted' : 'none', checkedAt: now(), commit: run.commit });
      } else if (!plan.changes && run.branch === this.options.branch && !run.pullRequest) {
        await store.setEnvironmentState(run.environment, { drift: 'none', checkedAt: now(), commit: run.commit });
      }
      const base: RunPatch = { plan: summary, decision, destructive: plan.destructive, ...(run.trigger === 'drift' ? { drift: plan.changes === true } : {}) };
      if (decision === 'plan-only') {
        this.removePlan(run);
        run = await this.finish(run, 'planned', base, planText);
        return;
      }
      if (decision !== 'auto-apply') {
        run = await this.move(run, 'awaiting-approval', base, planText);
        return;
      }
      run = await this.move(run, 'approved', { ...base, ...(run.applyRequested ? { approvedBy: run.requestedBy } : {}) }, planText);
      if (!this.options.offline && !this.options.stopping?.()) await this.apply(run, signal);
    } catch (error) {
      if (run) await this.finish(run, 'failed', { error: this.options.redactor.redact(error instanceof Error ? error.message : String(error)) }).catch(() => undefined);
      throw error;
    } finally {
      this.costNotes.delete(run?.id ?? queued.id);
      rmSync(root, { recursive: true, force: true });
    }
  }

  /** Applies the saved plan of an approved run. Terraform itself refuses a plan whose state moved on. */
  async apply(approved: Run, signal: AbortSignal): Promise<void> {
    if (this.options.offline) return;
    const { store } = this.options;
    const run = await store.updateRun(approved.id, { status: 'applying' }, { status: ['approved'] });
    if (!run) return;
    await this.report(run);
    const planFile = planFileName(run);
    const workspace = TerraformWorkspace.open(run.environment, this.workDir(run), { offline: true, settings: this.settingsFor(run.environment) });
    if (!existsSync(join(workspace.dir, planFile))) {
      await this.finish(run, 'failed', { error: 'the saved plan is gone; plan again' });
      return;
    }
    let recorded: string | undefined;
    const watch = setInterval(() => {
      const lock = workspace.localLock();
      if (!lock || recorded) return;
      recorded = lock.id;
      store.recordLock({ environment: run.environment, runId: run.id, lockId: lock.id, acquiredAt: now() })
        .catch((error: Error) => this.options.log(`run ${run.id}: could not record lock ${lock.id}: ${error.message}`));
    }, 100);
    try {
      const result = await workspace.apply(planFile, { signal });
      await this.note(run, result.output);
      if (result.ok) {
        await store.setEnvironmentState(run.environment, { drift: 'none', checkedAt: now(), commit: run.commit });
        await this.finish(run, 'applied', {});
      } else {
        await this.finish(run, 'failed', { error: /stale/i.test(result.output) ? 'the saved plan is stale (the state changed since it was made); plan again' : 'terraform apply failed; see the log' });
      }
    } finally {
      clearInterval(watch);
      if (recorded) await store.clearLock(run.environment, recorded);
      this.removePlan(run);
    }
  }

  /** The commit status, and on pull requests the plan comment, of a run as it is now. */
  async report(run: Run, planText?: string): Promise<void> {
    const name = this.options.statusName;
    const url = this.options.publicUrl ? `${this.options.publicUrl}/api/runs/${run.id}` : undefined;
    const results = [await this.options.reporter.setStatus(run.commit, commitStatusFor(run, name, url))];
    if (run.pullRequest !== undefined && (planText !== undefined || run.status === 'failed')) {
      const text = planText === undefined ? undefined : this.options.redactor.redact(planText);
      results.push(await this.options.reporter.upsertPlanComments(run.pullRequest, run.environment, renderPlanComments({ run, planText: text, name, runUrl: url, cost: this.costNotes.get(run.id) })));
    }
    for (const result of results) {
      if (!result.ok) for (const e of result.errors) this.options.log(`run ${run.id}: GitHub ${e.operation} failed${e.status ? ` (${e.status})` : ''}: ${e.message}`);
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
    const workspace = TerraformWorkspace.open(environment, join(this.options.dataDir, 'work', environment), { offline: true, settings: this.settingsFor(environment) });
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
    return result.ok || /not locked/i.test(result.output);
  }

  /** The environment compiled at the default branch head: its facts (approvers, production, autoApply, allowForks) and cost. */
  private async defaultBranchCompiled(environment: string): Promise<CompileResult | undefined> {
    const head = await this.options.repository.head(this.options.branch);
    return head ? this.compiledAt(head, environment) : undefined;
  }

  /** The facts of an environment at a commit, or undefined when it has no such environment. */
  async factsAt(commit: string, environment: string): Promise<EnvironmentFacts | undefined> {
    return (await this.compiledAt(commit, environment))?.facts;
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

  /** In the sandbox, an apply that takes `applySeconds` (a stand-in that sleeps), so that tests can stop the controller during one. */
  private withApplyDelay(stack: SynthesizedStack, run: Run): SynthesizedStack {
    const seconds = this.options.sandbox?.applySeconds;
    if (!seconds) return stack;
    const json = JSON.parse(stack.json) as { resource?: Record<string, Record<string, unknown>> };
    json.resource ??= {};
    json.resource.terraform_data = { ...json.resource.terraform_data, sandbox_apply_delay: { input: run.id, provisioner: [{ 'local-exec': { command: `sleep ${Math.ceil(seconds)}` } }] } };
    return { ...stack, json: JSON.stringify(json) };
  }

  private removePlan(run: Run): void {
    rmSync(join(this.workDir(run), planFileName(run)), { force: true });
  }

  private async event(run: Run, event: CoreEvent): Promise<void> {
    if (event.type === 'note') await this.note(run, event.message);
    else if (event.type === 'step-finished') await this.note(run, `${event.step} ${event.ok ? 'ok' : 'FAILED'} in ${event.seconds.toFixed(1)}s`);
  }

  private async note(run: Run, text: string): Promise<void> {
    if (!text) return;
    await this.options.store.appendLog(run.id, `${this.options.redactor.redact(text).replace(/\n?$/, '\n')}`);
  }

  private async patch(run: Run, patch: RunPatch): Promise<Run> {
    return (await this.options.store.updateRun(run.id, patch)) ?? run;
  }

  private async move(run: Run, status: RunStatus, patch: RunPatch, planText?: string): Promise<Run> {
    const moved = await this.options.store.updateRun(run.id, { ...patch, status }, { status: ['running'] });
    if (!moved) return (await this.options.store.getRun(run.id)) ?? run;
    this.options.log(`run ${run.id} (${run.environment}): ${status}${patch.decision ? ` (${patch.decision})` : ''}`);
    await this.report(moved, planText);
    return moved;
  }

  private async finish(run: Run, status: RunStatus, patch: RunPatch, planText?: string): Promise<Run> {
    const finished = await this.options.store.updateRun(run.id, { ...patch, status, finishedAt: now() }, { status: ['running', 'applying'] });
    if (!finished) return (await this.options.store.getRun(run.id)) ?? run;
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
