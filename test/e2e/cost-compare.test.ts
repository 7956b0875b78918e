/**
 * `cost --compare` (src/cost via the core and the CLI in-process): a
 * one-service change against a git ref (the core runs git) and a second
 * folder, each difference worked out by hand.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareCost, estimateCost, type CostEstimate } from '../../src/core/index';
import { cli as runCli } from '../support/cli-in-process';
import { EXAMPLES_DIR } from '../support/helpers';

const H = 730;
const estimates = estimateCost(EXAMPLES_DIR);
const byName = (name: string): CostEstimate => estimates.find((e) => e.environment === name)!;

describe('cost --compare', () => {
  let repo: string;
  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'platform-cost-'));
    cpSync(EXAMPLES_DIR, join(repo, 'environments'), { recursive: true });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'examples');
    // One service changed: prod's api runs at least 4 tasks instead of 3.
    const prod = join(repo, 'environments', 'prod.yaml');
    writeFileSync(
      prod,
      readFileSync(prod, 'utf8').replace('desiredCount: 3', 'desiredCount: 4').replace('autoscaling: { min: 3,', 'autoscaling: { min: 4,'),
    );
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  // One more task of 1 vCPU and 2 GB for 730 hours, and its Cloud Map instance.
  const oneTask = (1 * 0.04048 + 2 * 0.004445) * H + 0.1;

  it('against a git ref: the one environment and its lines, by hand', () => {
    const comparison = compareCost(join(repo, 'environments'), 'HEAD');
    expect(comparison.environments.map((e) => [e.environment, e.difference])).toEqual([
      ['dev', 0],
      ['prod', Math.round(oneTask * 100) / 100],
      ['staging', 0],
    ]);
    const prod = comparison.environments.find((e) => e.environment === 'prod')!;
    expect(prod.after! - prod.before!).toBeCloseTo(oneTask, 1);
    expect(prod.lines.map((l) => [l.address, l.item.split(' (')[0], l.difference])).toEqual([
      ['aws_ecs_service.service-api_service_454F4786', 'Fargate vCPU', Math.round(0.04048 * H * 100) / 100],
      ['aws_ecs_service.service-api_service_454F4786', 'Fargate memory', Math.round(2 * 0.004445 * H * 100) / 100],
      ['aws_service_discovery_service.service-api_discovery_54257C82', 'registered instances', 0.1],
    ]);
  });

  it('against a second config folder, as markdown for a pull request', async () => {
    const cli = await runCli(['cost', '--config', join(repo, 'environments'), '--compare', EXAMPLES_DIR]);
    expect(cli.status).toBe(0);
    const before = byName('prod').total;
    const usd = (v: number) => `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    expect(cli.stdout).toContain(
      `| prod | ${usd(before)} | ${usd(Math.round((before + oneTask) * 100) / 100)} | +${usd(Math.round(oneTask * 100) / 100)} |`,
    );
    expect(cli.stdout).toContain('| dev | ');
    expect(cli.stdout).toContain('<details><summary>prod: +$36.14 a month, 3 line(s) changed</summary>');
    expect(cli.stdout).not.toContain('<details><summary>dev');
  });

  it('names the ref in problems of the files it had at that ref', () => {
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, stdio: 'pipe' });
    // A commit on its own branch, made from the index only: the working tree (with prod's change) stays as it is.
    const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], {
      cwd: repo,
      input: `${readFileSync(join(EXAMPLES_DIR, 'dev.yaml'), 'utf8')}bogus: 1\n`,
    })
      .toString()
      .trim();
    git('update-index', '--cacheinfo', `100644,${blob},environments/dev.yaml`);
    const tree = execFileSync('git', ['write-tree'], { cwd: repo }).toString().trim();
    git('reset', '-q');
    const commit = execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit-tree', tree, '-m', 'broken dev'], {
      cwd: repo,
    })
      .toString()
      .trim();
    expect(() => compareCost(join(repo, 'environments'), commit)).toThrow(`${commit}:${join(repo, 'environments')}/dev.yaml:`);
    expect(() => compareCost(join(repo, 'environments'), commit)).toThrow('bogus: unknown key "bogus"');
  });

  it('counts environments that did not exist at the ref as new (the change that adds the folder)', () => {
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, stdio: 'pipe' });
    const empty = execFileSync('git', ['commit-tree', '4b825dc642cb6eb9a060e54bf8d69288fbee4904', '-m', 'before the environments'], {
      cwd: repo,
    })
      .toString()
      .trim();
    git('tag', 'empty-tree', empty);
    const comparison = compareCost(join(repo, 'environments'), 'empty-tree');
    expect(comparison.environments.map((e) => e.environment)).toEqual(['dev', 'prod', 'staging']);
    for (const env of comparison.environments) expect(env.difference).toBe(env.after);
  });

  it('refuses a ref that is neither a folder nor a commit', () => {
    expect(() => compareCost(join(repo, 'environments'), 'no-such-branch')).toThrow(
      /--compare no-such-branch: not a commit of the git repository holding .*; give a branch, tag or commit, or a second config folder/,
    );
  });
});
