/**
 * Reporting as a GitHub App: installation tokens from the App's ID and
 * private key (`@octokit/auth-app`: a JWT, then `POST
 * /app/installations/:id/access_tokens`, refreshed before they expire), and
 * check runs instead of commit statuses: one per run, updated in place,
 * carrying the plan's summary, the plan, the cost difference and, while the
 * run waits for an approval, an "Apply" requested action (the controller
 * honours only approvers' clicks: the `check_run` webhook).
 */
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import type { Run } from '../run';
import { DEFAULT_NAME, type CommitStatus } from './comment';
import type { ReportDetails, ReportError, Reporter, ReportResult } from './reporter';

/** GitHub's limit on a check run's output text and summary. */
const OUTPUT_LIMIT = 65_535;

export interface GitHubAppOptions {
  readonly appId: string;
  /** The App's private key (PEM). */
  readonly privateKey: string;
  readonly owner: string;
  readonly repo: string;
  readonly baseUrl: string;
  readonly name?: string;
  readonly timeoutMs?: number;
  readonly onError?: (error: ReportError) => void;
}

/** Reports runs as check runs of a GitHub App installed on the repository. */
export class CheckRunReporter implements Reporter {
  private installation?: Promise<Octokit>;
  /** Run ID -> its check run, updated in place while the run goes on. */
  private readonly checkRuns = new Map<string, number>();
  private readonly queues = new Map<string, Promise<ReportResult>>();
  private readonly name: string;

  constructor(private readonly options: GitHubAppOptions) {
    this.name = options.name ?? DEFAULT_NAME;
  }

  /** Reports of one run, in turn: its first report creates the check run the later ones update. */
  setStatus(sha: string, status: CommitStatus, details?: ReportDetails): Promise<ReportResult> {
    const key = details?.run.id;
    if (key === undefined) return this.report(sha, status, details);
    const next = (this.queues.get(key) ?? Promise.resolve()).then(() => this.report(sha, status, details));
    this.queues.set(key, next);
    void next.finally(() => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    });
    return next;
  }

  private async report(sha: string, status: CommitStatus, details?: ReportDetails): Promise<ReportResult> {
    const operation = `${details ? 'report' : 'create'} check run ${status.context} on ${sha.slice(0, 7)}`;
    try {
      const octokit = await this.octokit();
      const { owner, repo } = this.options;
      const run = details?.run;
      const fields = {
        name: status.context,
        ...(status.targetUrl ? { details_url: status.targetUrl } : {}),
        ...(run ? { external_id: run.id } : {}),
        ...checkState(status, run),
        output: {
          title: status.description,
          summary: limit(summaryOf(status, details)),
          ...(details?.planText ? { text: limit(`\`\`\`\n${details.planText}\n\`\`\``) } : {}),
        },
        // Only while the run waits for an approval; only approvers' clicks are honoured.
        actions:
          run?.status === 'awaiting-approval' ? [{ label: 'Apply', description: 'Approve and apply this plan', identifier: 'apply' }] : [],
      };
      const id = run ? this.checkRuns.get(run.id) : undefined;
      if (id !== undefined) {
        await octokit.rest.checks.update({ owner, repo, check_run_id: id, ...fields });
      } else {
        const created = await octokit.rest.checks.create({ owner, repo, head_sha: sha, ...fields });
        if (run) this.checkRuns.set(run.id, created.data.id);
      }
      if (run && isFinal(run)) this.checkRuns.delete(run.id);
      return { ok: true };
    } catch (cause) {
      const error: ReportError = {
        operation,
        ...(statusOf(cause) !== undefined ? { status: statusOf(cause)! } : {}),
        message: cause instanceof Error ? cause.message : String(cause),
      };
      this.options.onError?.(error);
      return { ok: false, errors: [error] };
    }
  }

  /** A token of the App's installation, fresh enough to fetch the repository with (auth-app caches and renews it). */
  async installationToken(): Promise<string> {
    const auth = (await (await this.octokit()).auth({ type: 'installation' })) as { token: string };
    return auth.token;
  }

  /** Check runs carry the plan: pull requests get no plan comments from the App. */
  async upsertPlanComments(): Promise<ReportResult> {
    return { ok: true, skipped: 'reported as check runs' };
  }

  /** The installation's client: the App finds its installation on the repository once, then auth-app mints and refreshes its tokens. */
  private octokit(): Promise<Octokit> {
    this.installation ??= (async () => {
      const app = this.client({ appId: this.options.appId, privateKey: this.options.privateKey });
      const { data } = await app.rest.apps.getRepoInstallation({ owner: this.options.owner, repo: this.options.repo });
      return this.client({ appId: this.options.appId, privateKey: this.options.privateKey, installationId: data.id });
    })();
    this.installation.catch(() => {
      this.installation = undefined;
    });
    return this.installation;
  }

  private client(auth: { appId: string; privateKey: string; installationId?: number }): Octokit {
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const silent = (): void => undefined;
    return new Octokit({
      authStrategy: createAppAuth,
      auth,
      baseUrl: this.options.baseUrl.replace(/\/+$/, ''),
      userAgent: `${this.name}-controller`,
      log: { debug: silent, info: silent, warn: silent, error: silent },
      request: { fetch: (url: string | URL, init?: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) }) },
    });
  }
}

/** queued while waiting to start, in progress while running or waiting, completed with the commit status's outcome. */
function checkState(
  status: CommitStatus,
  run: Run | undefined,
): { status: 'queued' | 'in_progress' } | { status: 'completed'; conclusion: 'success' | 'failure' | 'cancelled' } {
  if (status.state === 'pending') return { status: run?.status === 'queued' ? 'queued' : 'in_progress' };
  return { status: 'completed', conclusion: status.state === 'success' ? 'success' : status.state === 'failure' ? 'failure' : 'cancelled' };
}

function summaryOf(status: CommitStatus, details: ReportDetails | undefined): string {
  const run = details?.run;
  const plan = run?.plan;
  return [
    status.description,
    ...(plan ? [`Plan: ${plan.add} to add, ${plan.change} to change, ${plan.replace} to replace, ${plan.destroy} to destroy.`] : []),
    ...(run?.planHash ? [`Saved plan: \`${run.planHash}\``] : []),
    ...(run?.reason ? [`Why: ${run.reason}`] : []),
    ...(details?.cost ? [details.cost] : []),
  ].join('\n\n');
}

function limit(text: string): string {
  return text.length <= OUTPUT_LIMIT ? text : `${text.slice(0, OUTPUT_LIMIT - 40)}\n\n(cut at GitHub's limit)`;
}

function isFinal(run: Run): boolean {
  return ['planned', 'applied', 'failed', 'cancelled', 'superseded', 'interrupted'].includes(run.status);
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, response } = error as { status?: unknown; response?: unknown };
  return typeof status === 'number' && response !== undefined ? status : undefined;
}
