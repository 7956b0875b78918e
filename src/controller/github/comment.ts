/**
 * What the controller writes on GitHub about a run: the plan comment of one
 * environment on a pull request (split into parts under GitHub's comment
 * limit) and the commit status. Pure functions; the reporter sends them.
 */
import type { Run, RunDecision, RunStatus } from '../run';

/** The default name in markers, titles and status contexts. */
export const DEFAULT_NAME = 'fargate-platform';
/** GitHub refuses a comment body longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** The default size of one part: well under GitHub's limit. */
export const SAFE_COMMENT_LIMIT = 60_000;
/** GitHub refuses a commit status description longer than this. */
export const STATUS_DESCRIPTION_LIMIT = 140;
/** Below this a part cannot hold its headers and a useful share of the plan. */
const MIN_COMMENT_LIMIT = 1_000;

export interface PlanCommentInput {
  /** The run whose plan this is (environment, commit, status, decision, plan, problems, error). */
  readonly run: Run;
  /** The full `terraform plan` output; absent when no plan was made (e.g. validation failed). */
  readonly planText?: string;
  /** Name in the marker and the title; default `fargate-platform`. */
  readonly name?: string;
  /** Largest part, in characters (UTF-16 code units, never fewer than GitHub counts); default 60,000. */
  readonly maxChars?: number;
  /**
   * `diff` (default) moves Terraform's `+ - ~` markers to the first column
   * (`~` becomes `!`) so that GitHub colours them; `text` keeps the lines as they are.
   */
  readonly fence?: 'diff' | 'text';
  /** A link to the run on the controller's status page. */
  readonly runUrl?: string;
  /** The monthly cost difference as markdown (the core's formatComparisonMarkdown), shown under the summary; default none. */
  readonly cost?: string;
}

/** The hidden marker that starts part `part` of an environment's plan comment. */
export function planMarker(environment: string, part: number, name: string = DEFAULT_NAME): string {
  return `<!-- ${name}:plan:${environment} --><!-- part:${part} -->`;
}

/** The environment and part of a plan comment written by renderPlanComments (under `name`); undefined for any other comment. */
export function parsePlanMarker(body: string, name: string = DEFAULT_NAME): { environment: string; part: number } | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^<!-- ${escaped}:plan:([A-Za-z0-9_.-]+) --><!-- part:([1-9][0-9]{0,5}) -->`).exec(body);
  return match ? { environment: match[1], part: Number(match[2]) } : undefined;
}

/**
 * The comment bodies of one environment's plan on a pull request, part 1
 * first. Part 1 holds the whole summary; the plan text follows in a folded
 * fence, continued in further parts when it does not fit. Every part is at
 * most `maxChars` long, starts with its own marker and says `(part i of n)`,
 * and opens and closes its own fence. Lines are never cut, except a single
 * line longer than a whole part. Address and problem lists too long for half
 * a part are shortened, saying how many were left out.
 */
export function renderPlanComments(input: PlanCommentInput): string[] {
  const name = input.name ?? DEFAULT_NAME;
  const maxChars = input.maxChars ?? SAFE_COMMENT_LIMIT;
  if (!Number.isInteger(maxChars) || maxChars < MIN_COMMENT_LIMIT)
    throw new RangeError(`maxChars must be an integer of at least ${MIN_COMMENT_LIMIT}`);
  const { run } = input;
  const summary = fittedSummary(run, input.runUrl, Math.floor(maxChars / 2)) + fittedCost(input.cost, Math.floor(maxChars / 4));
  const lines = planLines(input.planText, input.fence ?? 'diff');
  const parts: Part = { name, run, summary, fence: fenceFor(lines), language: input.fence ?? 'diff' };
  if (lines.length === 0) return [renderPart(parts, 1, 1, undefined)];

  // The headers grow with the digits of the part count: split again until the count is stable.
  let total = 1;
  for (;;) {
    const budget = (part: number): number => maxChars - renderPart(parts, part, total, '').length;
    const chunks = packLines(lines, budget);
    const fits = chunks.length === 1 ? total === 1 : total > 1 && String(chunks.length).length <= String(total).length;
    if (fits) return chunks.map((chunk, i) => renderPart(parts, i + 1, chunks.length, chunk));
    total = chunks.length;
  }
}

interface Part {
  readonly name: string;
  readonly run: Run;
  readonly summary: string;
  readonly fence: string;
  readonly language: 'diff' | 'text';
}

/** One comment: marker, title, summary (part 1) or a continuation line, then the plan chunk in a fold. */
function renderPart(p: Part, part: number, total: number, chunk: string | undefined): string {
  const of = total > 1 ? ` (part ${part} of ${total})` : '';
  const head = `${planMarker(p.run.environment, part, p.name)}\n### ${p.name} plan for ${code(p.run.environment)}${of}\n\n`;
  const body = part === 1 ? p.summary : `Continued from part ${part - 1}: commit ${code(shortSha(p.run.commit))}.\n`;
  if (chunk === undefined) return head + body;
  const fold = `\n<details><summary>Full plan${of}</summary>\n\n${p.fence}${p.language}\n${chunk}\n${p.fence}\n\n</details>\n`;
  return head + body + fold;
}

/**
 * Lines into chunks: chunk `i` (1-based) at most `budget(i)` characters,
 * joined by newlines. A line longer than a whole chunk is cut at the limit
 * (never inside a surrogate pair) and each piece but the last fills a part alone.
 */
function packLines(lines: readonly string[], budget: (part: number) => number): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let length = 0;
  const flush = (): void => {
    if (current.length > 0) chunks.push(current.join('\n'));
    current = [];
    length = 0;
  };
  for (const line of lines) {
    const limit = (): number => budget(chunks.length + 1);
    const needed = current.length === 0 ? line.length : length + 1 + line.length;
    if (needed <= limit()) {
      current.push(line);
      length = needed;
      continue;
    }
    flush();
    let rest = line;
    while (rest.length > limit()) {
      const cut = cutAt(rest, limit());
      chunks.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    current = [rest];
    length = rest.length;
  }
  flush();
  return chunks;
}

/** `limit`, or one less when that would split a surrogate pair. */
function cutAt(text: string, limit: number): number {
  const code = text.charCodeAt(limit - 1);
  return limit > 1 && code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** The plan's lines without colour codes or trailing newlines; in diff form with the change markers first. */
function planLines(text: string | undefined, fence: 'diff' | 'text'): string[] {
  if (text === undefined) return [];
  const clean = text.replace(ANSI, '').replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  if (clean.trim() === '') return [];
  const lines = clean.split('\n');
  return fence === 'diff' ? lines.map(diffLine) : lines;
}

/** `    + arn = ...` -> `+     arn = ...` (same width); `~` becomes `!`, which GitHub's diff colouring shows as changed. */
export function diffLine(line: string): string {
  const match = /^(\s+)([-+~])(?=\s|$)/.exec(line);
  if (!match) return line;
  const sign = match[2] === '~' ? '!' : match[2];
  return `${sign}${match[1]}${line.slice(match[0].length)}`;
}

/** A backtick fence longer than any run of backticks in the lines. */
function fenceFor(lines: readonly string[]): string {
  let longest = 0;
  for (const line of lines) for (const run of line.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

/** The cost section, or only its summary table (before the per-line folds) when the whole does not fit in `budget`. */
function fittedCost(cost: string | undefined, budget: number): string {
  if (!cost) return '';
  const whole = `\n${cost.replace(/\n+$/, '')}\n`;
  if (whole.length <= budget) return whole;
  const table = `\n${cost.split('\n<details>')[0]!.replace(/\n+$/, '')}\n\n(per-line differences: \`npx platform cost --compare\`)\n`;
  return table.length <= budget ? table : '';
}

/** The summary, with its lists shortened until it fits in `budget` characters. */
function fittedSummary(run: Run, runUrl: string | undefined, budget: number): string {
  for (const limits of [
    { items: Infinity, chars: 4000 },
    { items: 200, chars: 2000 },
    { items: 50, chars: 1000 },
    { items: 10, chars: 300 },
    { items: 3, chars: 200 },
    { items: 0, chars: 100 },
  ]) {
    const summary = renderSummary(run, runUrl, limits);
    if (summary.length <= budget) return summary;
  }
  return renderSummary(run, undefined, { items: 0, chars: 0 }).slice(0, budget);
}

interface Limits {
  /** Entries shown per list. */
  readonly items: number;
  /** Characters shown per entry and of the error. */
  readonly chars: number;
}

const DECISIONS: Record<RunDecision, string> = {
  'auto-apply': 'applies automatically',
  'needs-approval': 'waits for an approval',
  'plan-only': 'plan only',
  'blocked-destroy': 'destroys or replaces stateful resources: waits for an approval',
};

function renderSummary(run: Run, runUrl: string | undefined, limits: Limits): string {
  const out: string[] = [];
  const decision = run.decision ? DECISIONS[run.decision] : 'none yet';
  out.push(
    `**Status:** ${run.status}${run.destroy ? ' (destroy)' : ''} · **Commit:** ${code(shortSha(run.commit))} · **Decision:** ${decision}`,
  );
  if (run.approvedBy) out.push(`**Approved by:** @${run.approvedBy}`);
  if (runUrl) out.push(`[Run ${run.id}](${runUrl})`);
  out.push('');
  const plan = run.plan;
  if (plan) {
    out.push(
      '| add | change | replace | destroy |',
      '| ---: | ---: | ---: | ---: |',
      `| ${plan.add} | ${plan.change} | ${plan.replace} | ${plan.destroy} |`,
      '',
    );
    for (const [label, addresses] of [
      ['Create', plan.addresses.create],
      ['Update', plan.addresses.update],
      ['Replace', plan.addresses.replace],
      ['Destroy', plan.addresses.delete],
    ] as const) {
      if (addresses.length === 0) continue;
      out.push(`**${label}** (${addresses.length})`, '');
      for (const address of addresses.slice(0, limits.items)) out.push(`- ${code(clip(address, limits.chars))}`);
      if (addresses.length > limits.items) out.push(`- … and ${addresses.length - limits.items} more (see the full plan)`);
      out.push('');
    }
  } else if (run.status !== 'failed') {
    out.push('No plan yet.', '');
  }
  const problems = run.problems ?? [];
  if (problems.length > 0) {
    const shown = problems.slice(0, limits.items).map((p) => clip(p, limits.chars));
    if (problems.length > limits.items) shown.push(`… and ${problems.length - limits.items} more`);
    out.push(`**Problems** (${problems.length})`, '', fenced(shown, 'text'), '');
  }
  if (run.error && limits.chars > 0) {
    out.push('**Error**', '', fenced(clip(run.error, limits.chars).split(/\r?\n/), 'text'), '');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** `text` cut to `chars` characters with an ellipsis. */
function clip(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, cutAt(text, Math.max(chars - 1, 1)))}…`;
}

function fenced(lines: readonly string[], language: string): string {
  const fence = fenceFor(lines);
  return `${fence}${language}\n${lines.join('\n')}\n${fence}`;
}

/** An inline code span that survives backticks in its text. */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const ticks = '`'.repeat(longest + 1);
  return longest === 0 ? `${ticks}${text}${ticks}` : `${ticks} ${text} ${ticks}`;
}

function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** A commit status, as `POST /repos/{owner}/{repo}/statuses/{sha}` takes it. */
export interface CommitStatus {
  readonly state: 'pending' | 'success' | 'failure' | 'error';
  /** `<name>/<environment>`. */
  readonly context: string;
  /** At most 140 characters. */
  readonly description: string;
  readonly targetUrl?: string;
}

const STATES: Record<RunStatus, CommitStatus['state']> = {
  queued: 'pending',
  running: 'pending',
  planned: 'success',
  'awaiting-approval': 'pending',
  approved: 'pending',
  applying: 'pending',
  applied: 'success',
  failed: 'failure',
  cancelled: 'error',
  superseded: 'error',
  interrupted: 'error',
};

/**
 * The commit status of a run: pending while it runs or waits for an
 * approval, success once planned (a pull request, or plan-only) or applied,
 * failure when it failed, error when it was cancelled, superseded or
 * interrupted. Context `<name>/<environment>`; description within 140 characters.
 */
export function commitStatusFor(run: Run, name: string = DEFAULT_NAME, targetUrl?: string): CommitStatus {
  // Drift found by a drift check fails the head commit's status until it is applied away.
  const drifted = run.trigger === 'drift' && run.drift === true && run.status === 'planned';
  return {
    state: drifted ? 'failure' : STATES[run.status],
    context: `${name}/${run.environment}`,
    description: limitDescription(describe(run)),
    ...(targetUrl ? { targetUrl } : {}),
  };
}

function describe(run: Run): string {
  const counts = run.plan
    ? `${run.plan.add} to add, ${run.plan.change} to change, ${run.plan.replace} to replace, ${run.plan.destroy} to destroy`
    : '';
  const noChanges = run.plan && run.plan.add + run.plan.change + run.plan.replace + run.plan.destroy === 0;
  const planText = noChanges ? 'no changes' : counts;
  switch (run.status) {
    case 'queued':
      return `queued${run.destroy ? ' (destroy)' : ''}`;
    case 'running':
      return `planning${run.destroy ? ' a destroy' : ''}`;
    case 'planned':
      if (run.trigger === 'drift') return run.drift ? `drift: the deployment differs from this commit (${planText})` : 'no drift';
      return `planned: ${planText || 'no plan'}`;
    case 'awaiting-approval':
      return `${run.decision === 'blocked-destroy' ? 'destroys stateful resources; ' : ''}waiting for an approval: ${planText}`;
    case 'approved':
      return `approved${run.approvedBy ? ` by ${run.approvedBy}` : ''}: ${planText}`;
    case 'applying':
      return `applying: ${planText}`;
    case 'applied':
      return `applied: ${planText || 'no changes'}`;
    case 'failed': {
      const problems = run.problems?.length ?? 0;
      if (problems > 0) return `failed: ${problems} problem${problems === 1 ? '' : 's'}${run.problems?.[0] ? `; ${run.problems[0]}` : ''}`;
      return `failed${run.error ? `: ${firstLine(run.error)}` : ''}`;
    }
    case 'cancelled':
      return 'cancelled';
    case 'superseded':
      return 'superseded by a newer run';
    case 'interrupted':
      return 'interrupted (the controller stopped); plan again';
  }
}

function firstLine(text: string): string {
  return text.trim().split(/\r?\n/, 1)[0];
}

/** At most 140 characters (counted as code points or code units, whichever is more), with an ellipsis when cut. */
function limitDescription(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= STATUS_DESCRIPTION_LIMIT ? oneLine : clip(oneLine, STATUS_DESCRIPTION_LIMIT);
}
