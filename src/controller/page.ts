/**
 * The controller's server-rendered pages: the status page (`GET /`) and the
 * sign-in form (`POST /login`). Pure functions from data to a complete HTML5
 * document: inline CSS, no JavaScript, no external assets. Every value that
 * comes from data is escaped (commit messages, problems, logins and names come
 * from users). Status, drift and decisions are written out as text; colour only
 * repeats them.
 */
import type { Run, RunDecision, RunStatus } from './run';

/** The title of the pages when none is given. */
export const DEFAULT_TITLE = 'GitOps controller';

export interface StatusEnvironment {
  readonly name: string;
  readonly production: boolean;
  /** What the last drift check found (`unknown`: never checked, or the check failed). */
  readonly drift: 'none' | 'drifted' | 'unknown';
  /** The environment's newest run; absent or null when it has none (`GET /api/environments` says null). */
  readonly lastRun?: Run | null;
}

/** What the status page shows. */
export interface StatusView {
  /** Page heading and `<title>`; default `GitOps controller`. */
  readonly title?: string;
  /** The repository watched (a URL or a path). */
  readonly repository: string;
  readonly branch: string;
  /** When the page was rendered (ISO-8601); ages on the page are relative to it. */
  readonly generatedAt: string;
  /** `--offline`: plans with a local backend, never applies. */
  readonly offline: boolean;
  readonly environments: readonly StatusEnvironment[];
  /** Recent runs, newest first. */
  readonly runs: readonly Run[];
  /** The session's CSRF token (a `csrf-token` meta tag): a script of this page sends it as X-CSRF-Token. */
  readonly csrfToken?: string;
}

/** Options of the sign-in page. */
export interface LoginPageOptions {
  /** Shown above the form (e.g. "Wrong token"). */
  readonly error?: string;
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` safe in HTML text and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

/** The status page: environments, then recent runs. */
export function renderStatusPage(view: StatusView): string {
  const title = view.title || DEFAULT_TITLE;
  const now = Date.parse(view.generatedAt);
  const body = [
    '<header>',
    `<h1>${escapeHtml(title)}</h1>`,
    '<dl class="meta">',
    `<div><dt>Repository</dt><dd><code>${escapeHtml(view.repository)}</code></dd></div>`,
    `<div><dt>Branch</dt><dd><code>${escapeHtml(view.branch)}</code></dd></div>`,
    `<div><dt>Generated</dt><dd>${time(view.generatedAt, undefined, ' UTC')}</dd></div>`,
    `<div><dt>Mode</dt><dd>${view.offline ? '<span class="badge warn">offline</span>' : 'online'}</dd></div>`,
    '</dl>',
    '</header>',
    view.offline
      ? '<p class="notice" role="note"><strong>Offline mode:</strong> plans use a local backend and dummy credentials; nothing is ever applied (a run that would apply ends in <code>approved</code>).</p>'
      : '',
    '<main>',
    environmentsSection(view.environments, now),
    runsSection(view.runs, now),
    '</main>',
  ];
  return htmlDocument(title, body.filter(Boolean).join('\n'), view.csrfToken);
}

/** The sign-in form: an API token, posted to `/login`. */
export function renderLoginPage(options: LoginPageOptions = {}): string {
  const body = [
    '<main class="login">',
    `<h1>${escapeHtml(DEFAULT_TITLE)}</h1>`,
    '<form method="post" action="/login">',
    options.error ? `<p class="error" role="alert" id="login-error">${escapeHtml(options.error)}</p>` : '',
    '<label for="token">API token</label>',
    `<input type="password" id="token" name="token" required autocomplete="current-password" autofocus${options.error ? ' aria-describedby="login-error" aria-invalid="true"' : ''}>`,
    '<button type="submit">Sign in</button>',
    '</form>',
    '</main>',
  ];
  return htmlDocument(`Sign in · ${DEFAULT_TITLE}`, body.filter(Boolean).join('\n'));
}

// ---------------------------------------------------------------- sections

function environmentsSection(environments: readonly StatusEnvironment[], now: number): string {
  const rows =
    environments.length === 0
      ? `<tr><td colspan="11" class="empty">No environments configured.</td></tr>`
      : environments.map((env) => environmentRow(env, now)).join('\n');
  return tableSection(
    'environments',
    'Environments',
    'Environments: drift and last run',
    '<tr><th scope="col" rowspan="2">Environment</th><th scope="col" rowspan="2">Drift</th><th scope="col" rowspan="2">Last run</th>' +
      '<th scope="col" rowspan="2">Status</th><th scope="col" rowspan="2">Decision</th><th scope="colgroup" colspan="4">Plan</th>' +
      '<th scope="col" rowspan="2">Commit</th><th scope="col" rowspan="2">When (UTC)</th></tr>',
    rows,
  ).join('\n');
}

/** A section with a heading and one table whose header groups the plan's four columns under "Plan". */
function tableSection(name: string, heading: string, caption: string, headerRow: string, rows: string): string[] {
  return [
    `<section aria-labelledby="${name}-heading">`,
    `<h2 id="${name}-heading">${heading}</h2>`,
    '<div class="scroll">',
    `<table class="${name}">`,
    `<caption>${caption}</caption>`,
    '<thead>',
    headerRow,
    `<tr>${planHeaders()}</tr>`,
    '</thead>',
    '<tbody>',
    rows,
    '</tbody>',
    '</table>',
    '</div>',
    '</section>',
  ];
}

function environmentRow(env: StatusEnvironment, now: number): string {
  const name = `<th scope="row" class="name">${escapeHtml(env.name)}${env.production ? ' <span class="badge prod">production</span>' : ''}</th>`;
  const drift = `<td class="drift">${driftBadge(env.drift)}</td>`;
  const run = env.lastRun;
  if (!run) return `<tr>${name}${drift}<td colspan="9" class="empty">no runs yet</td></tr>`;
  return [
    '<tr>',
    name,
    drift,
    `<td class="run">${runLink(run)}</td>`,
    `<td class="status">${statusBadge(run.status)}</td>`,
    `<td class="decision">${decisionText(run.decision)}</td>`,
    planCells(run),
    `<td class="commit">${commit(run.commit)}</td>`,
    `<td class="when">${time(run.finishedAt ?? run.startedAt ?? run.createdAt, now)}</td>`,
    '</tr>',
  ].join('');
}

function runsSection(runs: readonly Run[], now: number): string {
  const rows =
    runs.length === 0 ? '<tr><td colspan="12" class="empty">No runs yet.</td></tr>' : runs.map((run) => runRow(run, now)).join('\n');
  return tableSection(
    'runs',
    'Recent runs',
    `Recent runs, newest first${runs.length ? ` (${runs.length})` : ''}`,
    '<tr><th scope="col" rowspan="2">Run</th><th scope="col" rowspan="2">Environment</th><th scope="col" rowspan="2">Trigger</th>' +
      '<th scope="col" rowspan="2">Status</th><th scope="col" rowspan="2">Decision</th><th scope="colgroup" colspan="4">Plan</th>' +
      '<th scope="col" rowspan="2">Approved by</th><th scope="col" rowspan="2">Problems</th><th scope="col" rowspan="2">Created (UTC)</th></tr>',
    rows,
  ).join('\n');
}

function runRow(run: Run, now: number): string {
  const detail = problemsDetail(run);
  return [
    detail ? '<tr class="has-detail">' : '<tr>',
    `<th scope="row" class="run">${runLink(run)}</th>`,
    `<td class="environment">${escapeHtml(run.environment)}</td>`,
    `<td class="trigger">${triggerText(run)}</td>`,
    `<td class="status">${statusBadge(run.status)}</td>`,
    `<td class="decision">${decisionText(run.decision)}</td>`,
    planCells(run),
    `<td class="approved-by">${run.approvedBy ? escapeHtml(run.approvedBy) : none()}</td>`,
    `<td class="problems">${problemCount(run)}</td>`,
    `<td class="created">${time(run.createdAt, now)}</td>`,
    '</tr>',
    detail,
  ].join('');
}

// ---------------------------------------------------------------- cells

const PLAN_COLUMNS = [
  ['add', 'Add', '+'],
  ['change', 'Change', '~'],
  ['replace', 'Replace', '±'],
  ['destroy', 'Destroy', '−'],
] as const;

function planHeaders(): string {
  return PLAN_COLUMNS.map(([key, label]) => `<th scope="col" class="count ${key}">${label}</th>`).join('');
}

function planCells(run: Run): string {
  const plan = run.plan;
  if (!plan) return `<td colspan="4" class="plan-none">${none('no plan')}</td>`;
  return PLAN_COLUMNS.map(([key]) => {
    const count = plan[key];
    return `<td class="count ${key}${count ? '' : ' zero'}">${escapeHtml(String(count))}</td>`;
  }).join('');
}

type Tone = 'ok' | 'warn' | 'bad' | 'busy' | 'muted';

const STATUS_TONES: Readonly<Record<RunStatus, Tone>> = {
  queued: 'busy',
  running: 'busy',
  applying: 'busy',
  planned: 'ok',
  approved: 'ok',
  applied: 'ok',
  'awaiting-approval': 'warn',
  failed: 'bad',
  interrupted: 'bad',
  cancelled: 'muted',
  superseded: 'muted',
};

const TONE_MARKS: Readonly<Record<Tone, string>> = { ok: '✓', warn: '!', bad: '✗', busy: '…', muted: '–' };

function badge(text: string, tone: Tone): string {
  return `<span class="badge ${tone}"><span class="mark" aria-hidden="true">${TONE_MARKS[tone]}</span> ${escapeHtml(text)}</span>`;
}

function statusBadge(status: RunStatus): string {
  return badge(status, STATUS_TONES[status] ?? 'muted');
}

function driftBadge(drift: StatusEnvironment['drift']): string {
  const tone: Tone = drift === 'none' ? 'ok' : drift === 'drifted' ? 'warn' : 'muted';
  return badge(drift, tone);
}

const DECISION_TONES: Readonly<Record<RunDecision, string>> = {
  'auto-apply': '',
  'needs-approval': ' warn',
  'plan-only': '',
  'blocked-destroy': ' bad',
};

function decisionText(decision: RunDecision | undefined): string {
  if (!decision) return none();
  return `<span class="decision-text${DECISION_TONES[decision] ?? ''}">${escapeHtml(decision)}</span>`;
}

function triggerText(run: Run): string {
  const trigger = escapeHtml(run.trigger.replace(/_/g, ' '));
  const pr = run.pullRequest !== undefined ? ` <span class="pr">#${escapeHtml(String(run.pullRequest))}</span>` : '';
  const by = run.requestedBy ? `<br><small>by ${escapeHtml(run.requestedBy)}</small>` : '';
  return `${trigger}${pr}${by}`;
}

function runLink(run: Run): string {
  return `<a href="/api/runs/${escapeHtml(encodeURIComponent(run.id))}"><code>${escapeHtml(run.id)}</code></a>`;
}

function commit(sha: string): string {
  return `<code title="${escapeHtml(sha)}">${escapeHtml(sha.slice(0, 7))}</code>`;
}

function problemCount(run: Run): string {
  const count = run.problems?.length ?? 0;
  return `<span class="${count ? 'problem-count' : 'zero'}">${count}</span>`;
}

/** The row under a run with problems or an error: what they say, folded (no JavaScript: `<details>`). */
function problemsDetail(run: Run): string {
  const list = run.problems ?? [];
  if (list.length === 0 && !run.error && !run.reason) return '';
  const items = [
    ...(run.reason ? [`<li class="run-reason">Why: ${escapeHtml(run.reason)}</li>`] : []),
    ...(run.error ? [`<li class="run-error">Error: ${escapeHtml(run.error)}</li>`] : []),
    ...list.map((problem) => `<li><code>${escapeHtml(problem)}</code></li>`),
  ];
  const what = [
    ...(list.length > 0 ? [`${list.length} ${list.length === 1 ? 'problem' : 'problems'}`] : []),
    ...(run.error ? ['error'] : []),
    ...(run.reason ? ['why'] : []),
  ].join(' and ');
  return (
    `<tr class="detail"><td colspan="12"><details><summary>${escapeHtml(what)} in <code>${escapeHtml(run.id)}</code></summary>` +
    `<ul>${items.join('')}</ul></details></td></tr>`
  );
}

function none(label = 'none'): string {
  return `<span class="none">—<span class="visually-hidden"> ${escapeHtml(label)}</span></span>`;
}

/** A `<time>`: UTC date and minute (the column headers say UTC), and the age relative to `now` when known. */
function time(iso: string, now?: number, zone = ''): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return escapeHtml(iso);
  const stamp = new Date(at).toISOString().replace('T', ' ').slice(0, 16) + zone;
  const age = now === undefined || Number.isNaN(now) ? '' : `<br><small>${escapeHtml(ago(now - at))}</small>`;
  return `<time datetime="${escapeHtml(new Date(at).toISOString())}">${escapeHtml(stamp)}</time>${age}`;
}

function ago(ms: number): string {
  if (ms < 0) return 'in the future';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

// ---------------------------------------------------------------- document

function htmlDocument(title: string, body: string, csrfToken?: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">${csrfToken ? `\n<meta name="csrf-token" content="${escapeHtml(csrfToken)}">` : ''}
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --panel: #f6f8fa; --line: #d1d9e0; --link: #0550ae;
  --ok-bg: #dafbe1; --ok-fg: #116329; --warn-bg: #fff1c2; --warn-fg: #7a4a00; --bad-bg: #ffebe9; --bad-fg: #a40e26;
  --busy-bg: #ddf4ff; --busy-fg: #0a3069; --muted-bg: #eff2f5; --muted-fg: #59636e; --prod-bg: #fbefff; --prod-fg: #6e2b9a; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #151b23; --line: #3d444d; --link: #6cb6ff;
    --ok-bg: #12361d; --ok-fg: #6fdd8b; --warn-bg: #3b2e05; --warn-fg: #f2cc60; --bad-bg: #42151a; --bad-fg: #ff9492;
    --busy-bg: #0c2d55; --busy-fg: #9ecbff; --muted-bg: #262c36; --muted-fg: #9198a1; --prod-bg: #331c45; --prod-fg: #d2a8ff; }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 1.5rem 1.5rem 3rem; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--fg); background: var(--bg); }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, summary:focus-visible { outline: 2px solid var(--link); outline-offset: 2px; }
code { font: .9em ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
small { color: var(--muted); }
header { border-bottom: 1px solid var(--line); padding-bottom: 1rem; }
.meta { display: flex; flex-wrap: wrap; gap: .25rem 2rem; margin: 0; }
.meta div { display: flex; gap: .5rem; align-items: baseline; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; }
.notice { margin: 1rem 0 0; padding: .6rem .9rem; border: 1px solid var(--warn-fg); border-radius: 6px; background: var(--warn-bg); color: var(--warn-fg); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; background: var(--bg); }
caption { text-align: left; color: var(--muted); padding: 0 0 .4rem; }
th, td { padding: .45rem .5rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: var(--panel); font-weight: 600; font-size: .85rem; color: var(--muted); white-space: nowrap; vertical-align: bottom; }
thead th[scope="colgroup"] { text-align: center; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
tbody th { font-weight: 600; }
tr.has-detail > th, tr.has-detail > td { border-bottom: 0; padding-bottom: .1rem; }
.count { text-align: right; font-variant-numeric: tabular-nums; width: 3rem; }
thead .count { text-align: right; }
td.count.add:not(.zero) { color: var(--ok-fg); font-weight: 600; }
td.count.change:not(.zero) { color: var(--busy-fg); font-weight: 600; }
td.count.replace:not(.zero), td.count.destroy:not(.zero) { color: var(--bad-fg); font-weight: 600; }
.zero, .none { color: var(--muted); }
.plan-none { text-align: center; }
.run, .trigger, .when, .created, .commit, .status, .drift, .decision, .approved-by { white-space: nowrap; }
.badge { display: inline-block; padding: .05rem .45rem; border-radius: 999px; font-size: .8rem; font-weight: 600; white-space: nowrap;
  border: 1px solid transparent; }
.badge .mark { font-weight: 700; }
.badge.ok { background: var(--ok-bg); color: var(--ok-fg); }
.badge.warn { background: var(--warn-bg); color: var(--warn-fg); }
.badge.bad { background: var(--bad-bg); color: var(--bad-fg); }
.badge.busy { background: var(--busy-bg); color: var(--busy-fg); }
.badge.muted { background: var(--muted-bg); color: var(--muted-fg); }
.badge.prod { background: var(--prod-bg); color: var(--prod-fg); border-color: currentColor; margin-left: .35rem; text-transform: uppercase;
  font-size: .7rem; letter-spacing: .04em; vertical-align: middle; }
.decision-text.warn { color: var(--warn-fg); font-weight: 600; }
.decision-text.bad { color: var(--bad-fg); font-weight: 600; }
.empty { color: var(--muted); font-style: italic; text-align: center; padding: 1.25rem; }
tr.detail > td { padding-top: 0; }
.problem-count { color: var(--bad-fg); font-weight: 600; }
details summary { cursor: pointer; color: var(--bad-fg); font-weight: 600; width: max-content; }
details ul { margin: .35rem 0 .2rem; padding-left: 1.4rem; }
details li { margin: .15rem 0; overflow-wrap: anywhere; }
.run-error { color: var(--bad-fg); }
.visually-hidden { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.login { max-width: 22rem; margin: 10vh auto 0; padding: 1.5rem; border: 1px solid var(--line); border-radius: 8px; background: var(--panel); }
.login h1 { font-size: 1.3rem; margin-bottom: 1rem; }
.login form { display: flex; flex-direction: column; gap: .5rem; }
.login label { font-weight: 600; }
.login input { font: inherit; padding: .45rem .6rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
.login button { font: inherit; font-weight: 600; margin-top: .5rem; padding: .5rem; border: 0; border-radius: 6px; background: #1f6feb; color: #fff; cursor: pointer; }
.login button:hover { background: #1a5fd0; }
.error { margin: 0 0 .25rem; padding: .5rem .7rem; border-radius: 6px; background: var(--bad-bg); color: var(--bad-fg); }
`;
