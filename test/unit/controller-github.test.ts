/**
 * The controller's GitHub side: webhook signatures, webhook payloads as
 * intents, which environments a change touches, plan comments split under
 * GitHub's limit, commit statuses, and the reporter against a local stand-in
 * of the REST API (test/support/github-standin.ts says what that cannot prove).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  commitStatusFor,
  diffLine,
  GITHUB_COMMENT_LIMIT,
  parsePlanMarker,
  planMarker,
  renderPlanComments,
  SAFE_COMMENT_LIMIT,
} from '../../src/controller/github/comment';
import {
  aggregateChanges,
  environmentsTouched,
  parseWebhook,
  WebhookPayloadError,
  type ChangedFiles,
} from '../../src/controller/github/events';
import { parseRepository } from '../../src/controller/github/reporter';
import { signPayload, verifySignature } from '../../src/controller/github/signature';
import { run, SHA_A } from '../support/controller-run';

/** A webhook payload, read from a fixture and changed by the test. */
type Json = any;

function fixture(name: string): Json {
  return JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'github', `${name}.json`), 'utf8'));
}

const ZEROS = '0'.repeat(40);

describe('webhook signatures', () => {
  const secret = 'webhook-secret';
  const body = JSON.stringify(fixture('push'));

  it("matches the example in GitHub's documentation", async () => {
    const header = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(await signPayload("It's a Secret to Everybody", 'Hello, World!')).toBe(header);
    expect(await verifySignature("It's a Secret to Everybody", 'Hello, World!', header)).toBe(true);
  });

  it('accepts a good signature over a string or the raw bytes', async () => {
    const header = await signPayload(secret, body);
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(await verifySignature(secret, body, header)).toBe(true);
    expect(await verifySignature(secret, Buffer.from(body, 'utf8'), header)).toBe(true);
    expect(await verifySignature(secret, body, header.toUpperCase().replace('SHA256=', 'sha256='))).toBe(true);
  });

  it('refuses a missing, empty or malformed header without throwing', async () => {
    const header = await signPayload(secret, body);
    for (const bad of [
      undefined,
      '',
      'sha256=',
      'sha256=zz',
      header.replace('sha256=', 'sha1='),
      header.slice(0, -1),
      `${header}0`,
      header.slice(7),
    ]) {
      await expect(verifySignature(secret, body, bad)).resolves.toBe(false);
    }
  });

  it('refuses another secret, a tampered body, an empty body or secret, and bytes that are not UTF-8', async () => {
    const header = await signPayload(secret, body);
    expect(await verifySignature('another-secret', body, header)).toBe(false);
    expect(await verifySignature(secret, body.replace('"alice"', '"mallory"'), header)).toBe(false);
    expect(await verifySignature(secret, `${body} `, header)).toBe(false);
    expect(await verifySignature(secret, '', header)).toBe(false);
    expect(await verifySignature('', body, header)).toBe(false);
    const notUtf8 = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    expect(await verifySignature(secret, notUtf8, await signPayload(secret, notUtf8.toString('utf8')))).toBe(false);
  });
});

describe('webhook events', () => {
  it('ping', () => {
    expect(parseWebhook('ping', fixture('ping'))).toEqual({ kind: 'ping' });
  });

  it('push: branch, shas, pusher and the net change over its commits', () => {
    expect(parseWebhook('push', fixture('push'))).toEqual({
      kind: 'push',
      repository: 'acme/platform-config',
      branch: 'main',
      after: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
      before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      pusher: 'alice',
      changedFiles: {
        // staging.yaml added, then modified: added. docs/staging.md added, then removed: removed.
        added: ['environments/staging.yaml'],
        modified: ['README.md', 'environments/dev.yaml'],
        removed: ['docs/staging.md', 'environments/sandbox.yaml'],
      },
      commitsTruncated: false,
      created: false,
      forced: false,
      defaultBranch: 'main',
    });
  });

  it('push: a file removed and added again is modified; the last action wins otherwise', () => {
    const change = (added: string[], modified: string[], removed: string[]): ChangedFiles => ({ added, modified, removed });
    expect(aggregateChanges([change([], [], ['a.yaml']), change(['a.yaml'], [], [])])).toEqual(change([], ['a.yaml'], []));
    expect(aggregateChanges([change([], ['b.yaml'], []), change([], [], ['b.yaml'])])).toEqual(change([], [], ['b.yaml']));
    expect(aggregateChanges([change(['c.yaml'], [], []), change([], ['c.yaml'], []), change([], ['c.yaml'], [])])).toEqual(
      change(['c.yaml'], [], []),
    );
    expect(aggregateChanges([])).toEqual(change([], [], []));
  });

  it('push: tags and branch deletions are ignored with a reason', () => {
    const tag = { ...fixture('push'), ref: 'refs/tags/v1.2.0' };
    expect(parseWebhook('push', tag)).toEqual({ kind: 'ignored', reason: expect.stringContaining('tag') });
    const deleted = { ...fixture('push'), deleted: true, after: ZEROS, commits: [], head_commit: null };
    expect(parseWebhook('push', deleted)).toEqual({ kind: 'ignored', reason: 'branch main was deleted' });
    const deletedNoFlag = { ...fixture('push'), after: ZEROS, commits: [] };
    expect(parseWebhook('push', deletedNoFlag)).toMatchObject({ kind: 'ignored' });
  });

  it('push: a new branch says so (nothing to diff against on the branch)', () => {
    const created = { ...fixture('push'), ref: 'refs/heads/feature/x', created: true, before: ZEROS };
    expect(parseWebhook('push', created)).toMatchObject({ kind: 'push', branch: 'feature/x', before: ZEROS, created: true });
  });

  it('push: 20 or more commits, or `size` above the list, or a commit at the file cap, is truncated', () => {
    const base = fixture('push');
    const commit = base.commits[0];
    const many = { ...base, commits: Array.from({ length: 20 }, () => commit) };
    expect(parseWebhook('push', many)).toMatchObject({ commitsTruncated: true });
    const nineteen = { ...base, commits: Array.from({ length: 19 }, () => commit) };
    expect(parseWebhook('push', nineteen)).toMatchObject({ commitsTruncated: false });
    expect(parseWebhook('push', { ...base, size: 35 })).toMatchObject({ commitsTruncated: true });
    expect(parseWebhook('push', { ...base, size: 2 })).toMatchObject({ commitsTruncated: false });
    const huge = { ...base, commits: [{ ...commit, modified: Array.from({ length: 3000 }, (_, i) => `f${i}`) }] };
    expect(parseWebhook('push', huge)).toMatchObject({ commitsTruncated: true });
  });

  it('push: a payload without its required fields is a WebhookPayloadError', () => {
    const { after: _after, ...noAfter } = fixture('push');
    expect(() => parseWebhook('push', noAfter)).toThrow(
      new WebhookPayloadError('push payload: "after" missing; expected a 40-hex commit sha'),
    );
    expect(() => parseWebhook('push', { ...fixture('push'), commits: null })).toThrow(/"commits" null instead; expected an array/);
    const badFiles = fixture('push');
    badFiles.commits[1].added = 'environments/x.yaml';
    expect(() => parseWebhook('push', badFiles)).toThrow(/"commits.1.added" string instead/);
    const noSender = fixture('push');
    delete noSender.sender;
    expect(() => parseWebhook('push', noSender)).toThrow(/"sender.login" missing/);
    expect(() => parseWebhook('push', [])).toThrow(WebhookPayloadError);
    expect(() => parseWebhook('push', 'text')).toThrow(/not a JSON object/);
    expect(() => parseWebhook(undefined, fixture('push'))).toThrow(/missing X-GitHub-Event/);
    expect(() => parseWebhook(' ', fixture('push'))).toThrow(WebhookPayloadError);
  });

  it('pull_request opened, synchronize and reopened: shas, refs, author, same repository', () => {
    expect(parseWebhook('pull_request', fixture('pull_request.opened'))).toEqual({
      kind: 'pull_request',
      repository: 'acme/platform-config',
      action: 'opened',
      number: 42,
      headSha: '8f14e45fceea167a5a36dedd4bea2543b1a5b0e2',
      headRef: 'bob/dev-cpu',
      baseRef: 'main',
      baseSha: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
      author: 'bob',
      fromFork: false,
      headRepository: 'acme/platform-config',
      draft: false,
    });
    for (const action of ['synchronize', 'reopened']) {
      expect(parseWebhook('pull_request', { ...fixture('pull_request.opened'), action })).toMatchObject({ kind: 'pull_request', action });
    }
  });

  it('pull_request from a fork, or from a deleted fork, is fromFork', () => {
    const fork = fixture('pull_request.opened');
    fork.pull_request.head.repo = { id: 999, name: 'platform-config', full_name: 'mallory/platform-config', fork: true };
    fork.pull_request.head.label = 'mallory:main';
    expect(parseWebhook('pull_request', fork)).toMatchObject({ fromFork: true, headRepository: 'mallory/platform-config' });
    const gone = fixture('pull_request.opened');
    gone.pull_request.head.repo = null;
    expect(parseWebhook('pull_request', gone)).toMatchObject({ fromFork: true, headRepository: null });
  });

  it('pull_request closed, merged or not; other actions ignored', () => {
    const closed = { ...fixture('pull_request.opened'), action: 'closed' };
    closed.pull_request = { ...closed.pull_request, state: 'closed', merged: true, merge_commit_sha: SHA_A };
    expect(parseWebhook('pull_request', closed)).toEqual({
      kind: 'pull_request_closed',
      repository: 'acme/platform-config',
      number: 42,
      merged: true,
    });
    closed.pull_request.merged = false;
    expect(parseWebhook('pull_request', closed)).toMatchObject({ kind: 'pull_request_closed', merged: false });
    expect(parseWebhook('pull_request', { ...fixture('pull_request.opened'), action: 'labeled' })).toEqual({
      kind: 'ignored',
      reason: 'pull_request action labeled is not planned',
    });
  });

  it('pull_request without its head sha, or with a short one, is a WebhookPayloadError', () => {
    const payload = fixture('pull_request.opened');
    delete payload.pull_request.head.sha;
    expect(() => parseWebhook('pull_request', payload)).toThrow(/"pull_request.head.sha" missing/);
    payload.pull_request.head.sha = 'abc123';
    expect(() => parseWebhook('pull_request', payload)).toThrow(WebhookPayloadError);
    const noHeadRepo = fixture('pull_request.opened');
    delete noHeadRepo.pull_request.head.repo;
    expect(() => parseWebhook('pull_request', noHeadRepo)).toThrow(/head.repo.full_name/);
  });

  const comment = (body: string, changes: (payload: Json) => void = () => undefined): Json => {
    const payload = fixture('issue_comment.created');
    payload.comment.body = body;
    changes(payload);
    return payload;
  };
  const context = { repository: 'acme/platform-config', number: 42, commenter: 'alice', commentId: 2090716364 };

  it('issue_comment commands on a pull request', () => {
    expect(parseWebhook('issue_comment', comment('/apply dev'))).toEqual({
      kind: 'comment',
      command: 'apply',
      environment: 'dev',
      ...context,
    });
    expect(parseWebhook('issue_comment', comment('/plan'))).toEqual({ kind: 'comment', command: 'plan', ...context });
    expect(parseWebhook('issue_comment', comment('/plan qa-'))).toEqual({
      kind: 'comment',
      command: 'plan',
      environment: 'qa-',
      ...context,
    });
    expect(parseWebhook('issue_comment', comment('  /plan staging\r\nthe new sizes, please'))).toMatchObject({
      command: 'plan',
      environment: 'staging',
    });
  });

  it('issue_comment: /apply without an environment, or with a bad one, is an error intent', () => {
    expect(parseWebhook('issue_comment', comment('/apply'))).toEqual({
      kind: 'error',
      message: expect.stringContaining('/apply needs an environment'),
      ...context,
    });
    expect(parseWebhook('issue_comment', comment('/apply Prod!'))).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('"Prod!" is not an environment name'),
    });
    expect(parseWebhook('issue_comment', comment('/apply dev now please'))).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('unexpected words'),
    });
  });

  it('issue_comment: other comments, edits, and comments on issues are ignored', () => {
    for (const body of ['LGTM', '/planet', 'please /plan dev', '', '> /apply dev']) {
      expect(parseWebhook('issue_comment', comment(body))).toMatchObject({ kind: 'ignored' });
    }
    expect(
      parseWebhook(
        'issue_comment',
        comment('/plan', (p) => (p.action = 'edited')),
      ),
    ).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('edited') });
    expect(
      parseWebhook(
        'issue_comment',
        comment('/plan', (p) => delete p.issue.pull_request),
      ),
    ).toEqual({ kind: 'ignored', reason: 'comment on an issue, not a pull request' });
  });

  it('issue_comment without its fields is a WebhookPayloadError', () => {
    expect(() =>
      parseWebhook(
        'issue_comment',
        comment('/plan', (p) => delete p.comment.id),
      ),
    ).toThrow(/"comment.id" missing/);
    expect(() =>
      parseWebhook(
        'issue_comment',
        comment('/plan', (p) => delete p.comment.body),
      ),
    ).toThrow(/"comment.body" missing/);
    expect(() =>
      parseWebhook(
        'issue_comment',
        comment('/plan', (p) => delete p.action),
      ),
    ).toThrow(/"action" missing/);
  });

  it('a check run\'s requested action "apply" is an approval of the run it names, as the sender', () => {
    const click = (fields: Record<string, unknown>) => ({
      action: 'requested_action',
      requested_action: { identifier: 'apply' },
      check_run: { id: 1, external_id: 'run-1' },
      repository: { full_name: 'shop/platform-config' },
      sender: { login: 'alice' },
      ...fields,
    });
    expect(parseWebhook('check_run', click({}))).toEqual({
      kind: 'approve',
      repository: 'shop/platform-config',
      runId: 'run-1',
      login: 'alice',
    });
    expect(parseWebhook('check_run', click({ requested_action: { identifier: 'destroy' } }))).toEqual({
      kind: 'ignored',
      reason: 'check_run requested action destroy is not handled',
    });
    expect(() => parseWebhook('check_run', click({ check_run: { id: 1 } }))).toThrow(WebhookPayloadError);
    expect(() => parseWebhook('check_run', click({ sender: {} }))).toThrow(WebhookPayloadError);
  });

  it('any other event is ignored with a reason', () => {
    expect(parseWebhook('deployment', { action: 'created' })).toEqual({ kind: 'ignored', reason: 'deployment events are not handled' });
    expect(parseWebhook('check_run', { action: 'completed' })).toEqual({
      kind: 'ignored',
      reason: 'check_run action completed is not handled',
    });
    expect(parseWebhook('installation', {})).toMatchObject({ kind: 'ignored' });
  });
});

describe('environments a change touches', () => {
  const known = ['dev', 'production', 'staging'];
  const change = (p: Partial<ChangedFiles>): ChangedFiles => ({ added: [], modified: [], removed: [], ...p });

  it('plans added and modified environment files and destroys removed ones', () => {
    const push = parseWebhook('push', fixture('push'));
    if (push.kind !== 'push') throw new Error('not a push');
    expect(environmentsTouched(push.changedFiles, 'environments', known)).toEqual({ plan: ['dev', 'staging'], destroy: ['sandbox'] });
  });

  it('defaults.yaml changed or removed: every known environment, except one being destroyed', () => {
    expect(environmentsTouched(change({ modified: ['environments/defaults.yaml'] }), 'environments', known)).toEqual({
      plan: known,
      destroy: [],
    });
    expect(environmentsTouched(change({ removed: ['environments/defaults.yaml'] }), 'environments', known)).toEqual({
      plan: known,
      destroy: [],
    });
    expect(
      environmentsTouched(
        change({ modified: ['environments/defaults.yaml'], removed: ['environments/staging.yaml'] }),
        'environments',
        known,
      ),
    ).toEqual({
      plan: ['dev', 'production'],
      destroy: ['staging'],
    });
  });

  it('a new environment file is planned even when not yet known', () => {
    expect(environmentsTouched(change({ added: ['environments/qa-.yaml'] }), 'environments', known)).toEqual({
      plan: ['qa-'],
      destroy: [],
    });
  });

  it('only direct *.yaml children of the config path count', () => {
    const unrelated = change({
      added: [
        'environments/sub/dev.yaml',
        'environments/dev.yml',
        'other/environments/dev.yaml',
        'environments.yaml',
        'environments/.yaml',
      ],
      modified: ['README.md', 'src/app.ts', 'environments/notes.txt'],
      removed: ['docs/dev.yaml'],
    });
    expect(environmentsTouched(unrelated, 'environments', known)).toEqual({ plan: [], destroy: [] });
  });

  it('normalises the config path: trailing slash, ./, nested, the repository root', () => {
    const nested = change({
      modified: ['infra/envs/dev.yaml', 'infra/envs/dev.yaml', 'environments/staging.yaml'],
      removed: ['infra/envs/old.yaml'],
    });
    for (const path of ['infra/envs', 'infra/envs/', './infra/envs', 'infra//envs/']) {
      expect(environmentsTouched(nested, path, known)).toEqual({ plan: ['dev'], destroy: ['old'] });
    }
    const root = change({ modified: ['dev.yaml', 'environments/staging.yaml'], added: ['defaults.yaml'] });
    expect(environmentsTouched(root, '.', ['dev', 'production'])).toEqual({ plan: ['dev', 'production'], destroy: [] });
    expect(environmentsTouched(change({ modified: ['zeta.yaml', 'alpha.yaml'] }), './', [])).toEqual({
      plan: ['alpha', 'zeta'],
      destroy: [],
    });
  });
});

/** The lines inside a part's plan fence, and every fence line of the part. */
function fencedLines(part: string): { lines: string[]; fences: string[] } {
  const all = part.split('\n');
  const fold = all.findIndex((l) => l.startsWith('<details><summary>Full plan'));
  const start = all.findIndex((l, i) => i > fold && /^`{3,}(diff|text)$/.test(l));
  const fence = all[start].replace(/(diff|text)$/, '');
  const end = all.indexOf(fence, start + 1);
  expect(end).toBeGreaterThan(start);
  return { lines: all.slice(start + 1, end), fences: all.filter((l) => /^`{3,}(diff|text)?$/.test(l)) };
}

describe('plan comments', () => {
  const smallPlan = [
    'Terraform will perform the following actions:',
    '',
    '  # module.api.aws_ecs_service.this will be updated in-place',
    '  ~ resource "aws_ecs_service" "this" {',
    '      ~ desired_count = 2 -> 3',
    '        id            = "arn:aws:ecs:eu-west-1:123456789012:service/shop-dev/api"',
    '    }',
    '',
    '  # module.api.aws_appautoscaling_target.this will be created',
    '  + resource "aws_appautoscaling_target" "this" {',
    '      + max_capacity = 6',
    '    }',
    '',
    'Plan: 1 to add, 1 to change, 0 to destroy.',
  ].join('\n');

  it('one part for a small plan: marker first, summary, then the plan folded in a diff fence', () => {
    const parts = renderPlanComments({
      run: run({ problems: ['environments/dev.yaml:12:7 services.api.cpu: must be one of 256, 512'] }),
      planText: `${smallPlan}\n`,
    });
    expect(parts).toHaveLength(1);
    const [body] = parts;
    expect(body.startsWith('<!-- fargate-platform:plan:dev -->')).toBe(true);
    expect(body).toContain('**Status:** planned');
    expect(body).toContain('`8f14e45`');
    expect(body).toContain('| 1 | 1 | 0 | 0 |');
    expect(body).toContain('**Create** (1)\n\n- `module.api.aws_appautoscaling_target.this`');
    expect(body).toContain('**Update** (1)\n\n- `module.api.aws_ecs_service.this`');
    expect(body).toContain('**Problems** (1)');
    expect(body).toContain('environments/dev.yaml:12:7 services.api.cpu: must be one of 256, 512');
    expect(body).not.toContain('(part ');
    expect(body.indexOf('**Status:**')).toBeLessThan(body.indexOf('<details>'));
    expect(body).toContain('<details><summary>Full plan</summary>\n\n```diff\n');
    // Change markers moved to the first column so that GitHub colours them.
    expect(body).toContain('\n!   resource "aws_ecs_service" "this" {\n');
    expect(body).toContain('\n+       max_capacity = 6\n');
    expect(fencedLines(body).lines).toEqual(smallPlan.split('\n').map(diffLine));
    expect(body.trimEnd().endsWith('</details>')).toBe(true);
  });

  it('a run without a plan (validation failed) has only the summary', () => {
    const [body, ...rest] = renderPlanComments({
      run: run({ status: 'failed', plan: undefined, decision: undefined, problems: ['environments/dev.yaml:3:1 aws.region: required'] }),
    });
    expect(rest).toEqual([]);
    expect(body).toContain('**Status:** failed');
    expect(body).not.toContain('<details>');
  });

  it('markers name the environment and part, and only match the start of a comment', () => {
    expect(planMarker('dev', 2)).toBe('<!-- fargate-platform:plan:dev --><!-- part:2 -->');
    expect(parsePlanMarker(`${planMarker('dev-eu', 3)}\n### ...`)).toEqual({ environment: 'dev-eu', part: 3 });
    expect(parsePlanMarker(`${planMarker('dev', 1, 'platform.x')}\n`, 'platform.x')).toEqual({ environment: 'dev', part: 1 });
    expect(parsePlanMarker(`${planMarker('dev', 1, 'other')}\n`)).toBeUndefined();
    expect(parsePlanMarker(`> ${planMarker('dev', 1)}`)).toBeUndefined();
    expect(parsePlanMarker('LGTM')).toBeUndefined();
  });

  /** A plan of about `chars` characters, every line distinct. */
  function hugePlan(chars: number): string {
    const lines: string[] = [];
    let length = 0;
    for (let i = 0; length < chars; i++) {
      const line = i % 7 === 0 ? '' : `      + tag_${i} = "${'x'.repeat(i % 90)}" # line ${i}`;
      lines.push(line);
      length += line.length + 1;
    }
    return lines.join('\n');
  }

  it('splits a 300,000-character plan: every part under the limit, every line once and in order, fences balanced', () => {
    const plan = hugePlan(300_000);
    const parts = renderPlanComments({ run: run(), planText: plan, fence: 'text' });
    expect(parts.length).toBeGreaterThanOrEqual(6);
    const lines: string[] = [];
    parts.forEach((part, i) => {
      expect(part.length).toBeLessThanOrEqual(SAFE_COMMENT_LIMIT);
      expect(part.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
      expect(parsePlanMarker(part)).toEqual({ environment: 'dev', part: i + 1 });
      expect(part).toContain(`(part ${i + 1} of ${parts.length})`);
      const { lines: inside, fences } = fencedLines(part);
      expect(fences).toEqual(['```text', '```']);
      lines.push(...inside);
      // The summary is in part 1 only.
      expect(part.includes('**Status:**')).toBe(i === 0);
    });
    expect(lines).toEqual(plan.split('\n'));
    // Nearly full parts: the split does not waste comments.
    expect(parts.slice(0, -1).every((p) => p.length > SAFE_COMMENT_LIMIT - 200)).toBe(true);
  });

  it('splits in diff form too, and with a small limit and ten or more parts', () => {
    const plan = hugePlan(50_000);
    const parts = renderPlanComments({ run: run(), planText: plan, maxChars: 2_000 });
    expect(parts.length).toBeGreaterThanOrEqual(10);
    expect(parts.every((p) => p.length <= 2_000)).toBe(true);
    expect(parts.flatMap((p) => fencedLines(p).lines)).toEqual(plan.split('\n').map(diffLine));
    expect(parts[parts.length - 1]).toContain(`(part ${parts.length} of ${parts.length})`);
  });

  it('a fence longer than any backticks in the plan; a line longer than a part is the only one cut', () => {
    const plan = ['```', 'heredoc with ```` inside', 'x'.repeat(4_500), 'after'].join('\n');
    const parts = renderPlanComments({ run: run(), planText: plan, maxChars: 2_000, fence: 'text' });
    expect(parts.every((p) => p.length <= 2_000)).toBe(true);
    expect(parts[0]).toContain('`````text\n```\nheredoc with ```` inside');
    const inside = parts.flatMap((p) => fencedLines(p).lines);
    expect(inside.filter((l) => !/^x+$/.test(l))).toEqual(['```', 'heredoc with ```` inside', 'after']);
    const pieces = inside.filter((l) => /^x+$/.test(l));
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    expect(pieces.join('')).toBe('x'.repeat(4_500));
  });

  it('shortens address lists that would not fit in part 1, and keeps the summary whole there', () => {
    const create = Array.from({ length: 5_000 }, (_, i) => `module.service_${i}.aws_ecs_service.this`);
    const parts = renderPlanComments({
      run: run({ plan: { add: 5_000, change: 0, replace: 0, destroy: 0, addresses: { create, update: [], replace: [], delete: [] } } }),
      planText: hugePlan(100_000),
    });
    expect(parts.every((p) => p.length <= SAFE_COMMENT_LIMIT)).toBe(true);
    expect(parts[0]).toContain('| 5000 | 0 | 0 | 0 |');
    expect(parts[0]).toMatch(/- … and \d+ more \(see the full plan\)/);
    expect(parts[0]).toContain('<details><summary>Full plan (part 1 of');
  });

  it('refuses a limit too small for the headers', () => {
    expect(() => renderPlanComments({ run: run(), planText: 'x', maxChars: 100 })).toThrow(RangeError);
  });
});

describe('commit statuses', () => {
  it('context <name>/<environment>, state from the run status', () => {
    expect(commitStatusFor(run())).toEqual({
      state: 'success',
      context: 'fargate-platform/dev',
      description: 'planned: 1 to add, 1 to change, 0 to replace, 0 to destroy',
    });
    expect(commitStatusFor(run({ status: 'running' }), 'shop')).toMatchObject({ state: 'pending', context: 'shop/dev' });
    expect(commitStatusFor(run({ status: 'awaiting-approval', decision: 'blocked-destroy' })).description).toMatch(
      /^destroys stateful resources; waiting for an approval/,
    );
    expect(
      commitStatusFor(
        run({
          status: 'applied',
          plan: { add: 0, change: 0, replace: 0, destroy: 0, addresses: { create: [], update: [], replace: [], delete: [] } },
        }),
      ).description,
    ).toBe('applied: no changes');
    expect(commitStatusFor(run({ status: 'cancelled' })).state).toBe('error');
    expect(commitStatusFor(run({ status: 'interrupted' })).state).toBe('error');
    expect(commitStatusFor(run(), undefined, 'https://controller.example.com/api/runs/run-1')).toMatchObject({
      targetUrl: 'https://controller.example.com/api/runs/run-1',
    });
  });

  it('a failure says why, within 140 characters', () => {
    const problem = `environments/dev.yaml:12:7 services.api.cpu: ${'must be one of 256, 512, 1024, 2048, 4096; '.repeat(5)}`;
    const status = commitStatusFor(run({ status: 'failed', plan: undefined, problems: [problem, problem] }));
    expect(status.state).toBe('failure');
    expect(status.description.length).toBeLessThanOrEqual(140);
    expect(status.description).toMatch(/^failed: 2 problems; environments\/dev.yaml:12:7 .*…$/);
    const error = commitStatusFor(run({ status: 'failed', plan: undefined, error: `Error: creating ECS Service\n${'z'.repeat(500)}` }));
    expect(error.description).toBe('failed: Error: creating ECS Service');
    const emoji = commitStatusFor(run({ status: 'failed', plan: undefined, error: '😀'.repeat(200) }));
    expect(emoji.description.length).toBeLessThanOrEqual(140);
    expect(emoji.description).not.toMatch(/[\ud800-\udbff]…$/);
  });
});

describe('repository URLs', () => {
  it('names owner and repository from https, ssh and scp-like URLs', () => {
    expect(parseRepository('https://github.com/acme/platform-config')).toEqual({
      owner: 'acme',
      repo: 'platform-config',
      host: 'github.com',
    });
    expect(parseRepository('https://github.com/acme/platform-config.git')).toMatchObject({ owner: 'acme', repo: 'platform-config' });
    expect(parseRepository('https://x-access-token:ghs_abc@github.com/acme/platform-config.git/')).toMatchObject({
      owner: 'acme',
      repo: 'platform-config',
    });
    expect(parseRepository('git@github.com:acme/platform-config.git')).toEqual({
      owner: 'acme',
      repo: 'platform-config',
      host: 'github.com',
    });
    expect(parseRepository('ssh://git@github.example.com/acme/infra.config.git')).toEqual({
      owner: 'acme',
      repo: 'infra.config',
      host: 'github.example.com',
    });
  });

  it('names nothing for local paths and other shapes', () => {
    for (const url of [
      '/srv/repos/platform-config',
      './platform-config',
      'platform-config',
      'file:///srv/repos/platform-config',
      'C:\\repos\\platform',
      'https://github.com/acme',
      'https://github.com/acme/platform/tree/main',
    ]) {
      expect(parseRepository(url)).toBeUndefined();
    }
  });
});
