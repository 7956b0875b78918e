/**
 * GitHub webhook deliveries as typed intents: what the controller should do
 * about an event, read from the event name (`X-GitHub-Event`) and the parsed
 * JSON body. Pure: no I/O, no clock; the server verifies the signature first
 * and turns a WebhookPayloadError into 400.
 */
import { ENVIRONMENT_NAME } from '../../core/index';

/** A delivery whose body lacks a field its event always has (the server answers 400). */
export class WebhookPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookPayloadError';
  }
}

/** Files changed by a push, net over its commits (paths relative to the repository root, sorted). */
export interface ChangedFiles {
  readonly added: readonly string[];
  readonly modified: readonly string[];
  readonly removed: readonly string[];
}

export interface PingIntent {
  readonly kind: 'ping';
}

export interface PushIntent {
  readonly kind: 'push';
  /** `owner/name` of the repository pushed to. */
  readonly repository: string;
  readonly branch: string;
  /** The head commit after the push. */
  readonly after: string;
  /** The head before the push; 40 zeros when the push created the branch. */
  readonly before: string;
  /** Who pushed (`sender.login`). */
  readonly pusher: string;
  readonly changedFiles: ChangedFiles;
  /**
   * The payload's commit list may be incomplete (20 or more commits, `size`
   * larger than the list, or a commit at GitHub's per-commit file limit):
   * the caller must diff `before..after` itself.
   */
  readonly commitsTruncated: boolean;
  /**
   * The push created the branch: `before` is all zeros, and the commit list
   * holds only commits new to the repository, so there is nothing to diff
   * against on this branch; the caller should compare with the default branch.
   */
  readonly created: boolean;
  /** A force push: `before` may not be an ancestor of `after`. */
  readonly forced: boolean;
  readonly defaultBranch: string;
}

export const PULL_REQUEST_PLAN_ACTIONS = ['opened', 'synchronize', 'reopened'] as const;
export type PullRequestPlanAction = (typeof PULL_REQUEST_PLAN_ACTIONS)[number];

export interface PullRequestIntent {
  readonly kind: 'pull_request';
  readonly repository: string;
  readonly action: PullRequestPlanAction;
  readonly number: number;
  readonly headSha: string;
  readonly headRef: string;
  readonly baseRef: string;
  readonly baseSha: string;
  /** The pull request's author (`pull_request.user.login`). */
  readonly author: string;
  /** The head branch lives in another repository (or in a deleted one). */
  readonly fromFork: boolean;
  /** `owner/name` of the head repository; null when it was deleted. */
  readonly headRepository: string | null;
  readonly draft: boolean;
}

export interface PullRequestClosedIntent {
  readonly kind: 'pull_request_closed';
  readonly repository: string;
  readonly number: number;
  readonly merged: boolean;
}

export interface CommentIntent {
  readonly kind: 'comment';
  readonly repository: string;
  readonly command: 'plan' | 'apply';
  /** Absent for `/plan` alone: every environment the pull request touches. */
  readonly environment?: string;
  /** The pull request commented on. */
  readonly number: number;
  readonly commenter: string;
  readonly commentId: number;
}

/** A command comment that cannot be carried out as written; `message` is for a reply to the commenter. */
export interface CommentErrorIntent {
  readonly kind: 'error';
  readonly repository: string;
  readonly message: string;
  readonly number: number;
  readonly commenter: string;
  readonly commentId: number;
}

/** A check run's requested action "apply": approve the run (`check_run.external_id`) as the GitHub user who clicked. */
export interface ApproveIntent {
  readonly kind: 'approve';
  readonly repository: string;
  readonly runId: string;
  readonly login: string;
}

export interface IgnoredIntent {
  readonly kind: 'ignored';
  readonly reason: string;
}

export type WebhookIntent =
  | PingIntent
  | PushIntent
  | PullRequestIntent
  | PullRequestClosedIntent
  | CommentIntent
  | CommentErrorIntent
  | ApproveIntent
  | IgnoredIntent;

const ZERO_SHA = /^0{40}$/;
const SHA = /^[0-9a-f]{40}$/;
/** Environment names, as the config schema allows them. */
/** GitHub's webhook commit list used to stop at 20 entries (it still does in timeline events). */
const COMMIT_LIST_CAP = 20;
/** GitHub reports at most this many paths per list and commit. */
const FILES_PER_COMMIT_CAP = 3000;

/**
 * The intent of one webhook delivery. `event` is the `X-GitHub-Event`
 * header, `payload` the parsed JSON body. Throws WebhookPayloadError when the
 * event name is missing or the body lacks a field the event always has.
 */
export function parseWebhook(event: string | undefined, payload: unknown): WebhookIntent {
  if (typeof event !== 'string' || event.trim() === '') throw new WebhookPayloadError('missing X-GitHub-Event header');
  const name = event.trim();
  const body = new Fields(name, payload);
  switch (name) {
    case 'ping':
      return { kind: 'ping' };
    case 'push':
      return parsePush(body);
    case 'pull_request':
      return parsePullRequest(body);
    case 'check_run':
      return parseCheckRun(body);
    case 'issue_comment':
      return parseIssueComment(body);
    default:
      return { kind: 'ignored', reason: `${name} events are not handled` };
  }
}

function parsePush(body: Fields): WebhookIntent {
  const ref = body.string('ref');
  const after = body.sha('after');
  const before = body.sha('before');
  if (!ref.startsWith('refs/heads/')) {
    return {
      kind: 'ignored',
      reason: ref.startsWith('refs/tags/') ? `tag push (${ref}) is not planned` : `push to ${ref} is not a branch`,
    };
  }
  const branch = ref.slice('refs/heads/'.length);
  if (body.optionalBoolean('deleted') === true || ZERO_SHA.test(after)) {
    return { kind: 'ignored', reason: `branch ${branch} was deleted` };
  }
  const commits = body.array('commits');
  const lists = commits.map((_, i) => ({
    added: body.stringArray(`commits.${i}.added`),
    modified: body.stringArray(`commits.${i}.modified`),
    removed: body.stringArray(`commits.${i}.removed`),
  }));
  const size = body.optionalNumber('size');
  const atFileCap = lists.some((c) => [c.added, c.modified, c.removed].some((l) => l.length >= FILES_PER_COMMIT_CAP));
  return {
    kind: 'push',
    repository: body.string('repository.full_name'),
    branch,
    after,
    before,
    pusher: body.string('sender.login'),
    changedFiles: aggregateChanges(lists),
    commitsTruncated: commits.length >= COMMIT_LIST_CAP || (size !== undefined && size > commits.length) || atFileCap,
    created: body.optionalBoolean('created') === true || ZERO_SHA.test(before),
    forced: body.optionalBoolean('forced') === true,
    defaultBranch: body.string('repository.default_branch'),
  };
}

function parsePullRequest(body: Fields): WebhookIntent {
  const action = body.string('action');
  const repository = body.string('repository.full_name');
  const number = body.integer('pull_request.number');
  if (action === 'closed') {
    return { kind: 'pull_request_closed', repository, number, merged: body.optionalBoolean('pull_request.merged') === true };
  }
  if (!(PULL_REQUEST_PLAN_ACTIONS as readonly string[]).includes(action)) {
    return { kind: 'ignored', reason: `pull_request action ${action} is not planned` };
  }
  const headRepository = body.isNull('pull_request.head.repo') ? null : body.string('pull_request.head.repo.full_name');
  const baseRepository = body.string('pull_request.base.repo.full_name');
  return {
    kind: 'pull_request',
    repository,
    action: action as PullRequestPlanAction,
    number,
    headSha: body.sha('pull_request.head.sha'),
    headRef: body.string('pull_request.head.ref'),
    baseRef: body.string('pull_request.base.ref'),
    baseSha: body.sha('pull_request.base.sha'),
    author: body.string('pull_request.user.login'),
    fromFork: headRepository === null || headRepository.toLowerCase() !== baseRepository.toLowerCase(),
    headRepository,
    draft: body.optionalBoolean('pull_request.draft') === true,
  };
}

function parseCheckRun(body: Fields): WebhookIntent {
  const action = body.string('action');
  if (action !== 'requested_action') return { kind: 'ignored', reason: `check_run action ${action} is not handled` };
  const identifier = body.string('requested_action.identifier');
  if (identifier !== 'apply') return { kind: 'ignored', reason: `check_run requested action ${identifier} is not handled` };
  return {
    kind: 'approve',
    repository: body.string('repository.full_name'),
    runId: body.string('check_run.external_id'),
    login: body.string('sender.login'),
  };
}

function parseIssueComment(body: Fields): WebhookIntent {
  const action = body.string('action');
  if (action !== 'created') return { kind: 'ignored', reason: `issue_comment action ${action} is not a command` };
  if (!body.isObject('issue.pull_request')) return { kind: 'ignored', reason: 'comment on an issue, not a pull request' };
  const text = body.string('comment.body', true);
  const command = parseCommand(text);
  if (command === undefined) return { kind: 'ignored', reason: 'comment is not a /plan or /apply command' };
  const context = {
    repository: body.string('repository.full_name'),
    number: body.integer('issue.number'),
    commenter: body.string('comment.user.login'),
    commentId: body.integer('comment.id'),
  };
  if ('message' in command) return { kind: 'error', message: command.message, ...context };
  return { kind: 'comment', command: command.command, ...(command.environment ? { environment: command.environment } : {}), ...context };
}

type ParsedCommand = { command: 'plan' | 'apply'; environment?: string } | { message: string };

/** `/plan [ENV]` or `/apply ENV` on the first line of a comment; undefined for any other comment. */
function parseCommand(text: string): ParsedCommand | undefined {
  const firstLine = text.replace(/^\s+/, '').split(/\r?\n/, 1)[0].trim();
  const words = firstLine.split(/\s+/);
  const command = words[0] === '/plan' ? 'plan' : words[0] === '/apply' ? 'apply' : undefined;
  if (command === undefined) return undefined;
  const usage = command === 'plan' ? '`/plan` or `/plan ENVIRONMENT`' : '`/apply ENVIRONMENT`';
  if (words.length > 2) return { message: `unexpected words after /${command} ${words[1]}: write ${usage}` };
  const environment = words[1];
  if (environment === undefined) {
    return command === 'apply' ? { message: `/apply needs an environment: write ${usage}, for example \`/apply dev\`` } : { command };
  }
  if (!ENVIRONMENT_NAME.test(environment)) {
    return { message: `"${environment}" is not an environment name (2-20 lowercase letters, digits, hyphens): write ${usage}` };
  }
  return { command, environment };
}

/**
 * The net change of a series of commits, in order: added then modified is
 * added; removed then added again is modified; added then removed is removed
 * (the commit list of a push with merges is not one file's linear history, so
 * a removal is never dropped); otherwise the last action wins.
 */
export function aggregateChanges(commits: readonly ChangedFiles[]): ChangedFiles {
  const state = new Map<string, 'added' | 'modified' | 'removed'>();
  for (const commit of commits) {
    for (const path of commit.removed) state.set(path, 'removed');
    for (const path of commit.added) state.set(path, state.get(path) === 'removed' ? 'modified' : 'added');
    for (const path of commit.modified) state.set(path, state.get(path) === 'added' ? 'added' : 'modified');
  }
  const of = (kind: string): string[] =>
    [...state]
      .filter(([, k]) => k === kind)
      .map(([p]) => p)
      .sort();
  return { added: of('added'), modified: of('modified'), removed: of('removed') };
}

/** Environments to plan and to destroy for a change. */
export interface TouchedEnvironments {
  readonly plan: readonly string[];
  readonly destroy: readonly string[];
}

/**
 * Which environments a change touches (docs/controller.md, Runs and policy): only
 * direct `*.yaml` children of `configPath` count. `<env>.yaml` added or
 * modified: plan it; `defaults.yaml` changed (or removed): plan every `known`
 * environment; `<env>.yaml` removed: destroy it. Names are file stems, sorted
 * and deduplicated; an environment being destroyed is not also planned.
 * `configPath` may be `.`, `environments`, `infra/envs/`, `./envs`.
 */
export function environmentsTouched(changed: ChangedFiles, configPath: string, known: readonly string[]): TouchedEnvironments {
  const dir = normalisePath(configPath);
  const plan = new Set<string>();
  const destroy = new Set<string>();
  let defaults = false;
  const stemOf = (path: string): string | undefined => {
    const normal = normalisePath(path);
    const slash = normal.lastIndexOf('/');
    const parent = slash === -1 ? '' : normal.slice(0, slash);
    const file = normal.slice(slash + 1);
    return parent === dir && file.endsWith('.yaml') && file.length > '.yaml'.length ? file.slice(0, -'.yaml'.length) : undefined;
  };
  for (const [paths, removed] of [
    [changed.added, false],
    [changed.modified, false],
    [changed.removed, true],
  ] as const) {
    for (const path of paths) {
      const stem = stemOf(path);
      if (stem === undefined) continue;
      if (stem === 'defaults') defaults = true;
      // Only valid names are environments (the validation of the commit reports the others); they name folders too.
      else if (ENVIRONMENT_NAME.test(stem)) (removed ? destroy : plan).add(stem);
    }
  }
  if (defaults) for (const env of known) plan.add(env);
  for (const env of destroy) plan.delete(env);
  return { plan: [...plan].sort(), destroy: [...destroy].sort() };
}

/** `./a//b/` -> `a/b`; `.` and `./` -> `` (the repository root). */
function normalisePath(path: string): string {
  return path
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}

/** Typed reads of a webhook body by dotted path; a missing or mistyped field is a WebhookPayloadError. */
class Fields {
  constructor(
    private readonly event: string,
    private readonly root: unknown,
  ) {
    if (!isRecord(root)) throw new WebhookPayloadError(`${event} payload is not a JSON object`);
  }

  private get(path: string): unknown {
    let value: unknown = this.root;
    for (const key of path.split('.')) {
      if (Array.isArray(value) && /^\d+$/.test(key)) value = value[Number(key)];
      else if (isRecord(value)) value = value[key];
      else return undefined;
    }
    return value;
  }

  private fail(path: string, expected: string): never {
    const value = this.get(path);
    const found = value === undefined ? 'missing' : `${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value} instead`;
    throw new WebhookPayloadError(`${this.event} payload: "${path}" ${found}; expected ${expected}`);
  }

  string(path: string, allowEmpty = false): string {
    const value = this.get(path);
    if (typeof value !== 'string' || (!allowEmpty && value === '')) this.fail(path, 'a non-empty string');
    return value;
  }

  sha(path: string): string {
    const value = this.get(path);
    if (typeof value !== 'string' || !SHA.test(value)) this.fail(path, 'a 40-hex commit sha');
    return value;
  }

  integer(path: string): number {
    const value = this.get(path);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) this.fail(path, 'a positive integer');
    return value;
  }

  array(path: string): unknown[] {
    const value = this.get(path);
    if (!Array.isArray(value)) this.fail(path, 'an array');
    return value;
  }

  stringArray(path: string): string[] {
    const value = this.array(path);
    if (!value.every((item) => typeof item === 'string')) this.fail(path, 'an array of paths');
    return value as string[];
  }

  optionalBoolean(path: string): boolean | undefined {
    const value = this.get(path);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') this.fail(path, 'a boolean');
    return value;
  }

  optionalNumber(path: string): number | undefined {
    const value = this.get(path);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number') this.fail(path, 'a number');
    return value;
  }

  isNull(path: string): boolean {
    return this.get(path) === null;
  }

  isObject(path: string): boolean {
    return isRecord(this.get(path));
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
