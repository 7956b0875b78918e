/**
 * `plan --base REF` through the installed command (bin/platform.js) against
 * the AWS API emulator (moto, from .venv): the environment as committed is
 * applied to a fresh emulator, and the working tree is planned against that
 * state, with no AWS account. A changed database user name shows as the
 * database's replacement with the attribute that forces it; an added service
 * adds only its own resources.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MINIMAL_ENVIRONMENT, minimalService as service, runCli, writeConfig } from '../support/helpers';

jest.setTimeout(15 * 60_000);

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, encoding: 'utf8' }).trim();

const database = (username: string) => `databases:
  main:
    engine: postgres
    engineVersion: "16.4"
    instanceClass: db.t4g.micro
    allocatedStorage: 20
    databaseName: shop
    username: ${username}
    allowedServices: [worker]
    multiAz: false
    backupRetentionDays: 1
    deletionProtection: false
    skipFinalSnapshot: true
    performanceInsights: false
`;
const DEV = `${MINIMAL_ENVIRONMENT}${database('app')}services:\n${service('worker')}`;

interface BasePlanJson {
  ok: boolean;
  base: { ref: string; commit: string; resources: number };
  summary: {
    add: number;
    change: number;
    replace: number;
    destroy: number;
    addresses: Record<'create' | 'update' | 'replace' | 'delete', string[]>;
  };
  attributes: Record<string, { changed: string[]; forcing: string[] }>;
  destructive: string[];
  emulatorDifferences: { address: string; moto: string }[];
}

describe('plan --base against the AWS API emulator', () => {
  const repo = writeConfig({ 'dev.yaml': DEV });
  const out = mkdtempSync(join(tmpdir(), 'plan-base-out-'));
  const plan = (...more: string[]) => runCli(['plan', '--env', 'dev', '--config', repo, '--out', out, ...more]);

  beforeAll(() => {
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'dev');
  });

  afterAll(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it('shows a user name change as the database replaced by that attribute, and an added service as only its own resources', () => {
    writeFileSync(join(repo, 'dev.yaml'), `${MINIMAL_ENVIRONMENT}${database('owner')}services:\n${service('worker')}${service('reports')}`);
    const result = plan('--base', 'main', '--json');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout) as BasePlanJson;
    expect(json.base.ref).toBe('main');
    expect(json.base.commit).toBe(git(repo, 'rev-parse', 'main'));
    expect(json.base.resources).toBeGreaterThan(40);
    const { addresses } = json.summary;
    // The database is replaced, and the plan says it is the user name that forces it.
    const instance = addresses.replace.find((a) => a.startsWith('aws_db_instance.'));
    expect(instance).toBeDefined();
    expect(json.attributes[instance!]!.forcing).toEqual(['username']);
    expect(json.destructive).toContain(instance);
    // Every create belongs to the new service (an offline plan, with no state, would add the whole environment).
    expect(addresses.create.length).toBeGreaterThan(3);
    expect(addresses.create.filter((a) => !/reports/.test(a))).toEqual([]);
    expect(addresses.delete).toEqual([]);
    // The emulator's own differences are named, each one of the listed gaps.
    for (const difference of json.emulatorDifferences) expect(addresses.update).toContain(difference.address);
  });

  it('plans every resource as a create when the environment did not exist at the ref', () => {
    writeFileSync(join(repo, 'qa.yaml'), `${MINIMAL_ENVIRONMENT}services:\n${service('worker')}`);
    const result = runCli(['plan', '--env', 'qa', '--config', repo, '--out', out, '--base', 'main', '--json']);
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout) as BasePlanJson;
    expect(json.base.resources).toBe(0);
    expect(json.summary.add).toBeGreaterThan(20);
    expect(json.summary.change + json.summary.replace + json.summary.destroy).toBe(0);
  });

  it('refuses --base beside --offline, and a ref that is not a commit, with one line each', () => {
    const offline = plan('--base', 'main', '--offline');
    expect(offline.status).toBe(2);
    expect(offline.stderr.trim()).toBe('refused: --base cannot go with --offline: it plans against an AWS API emulator');
    const unknown = plan('--base', 'no-such-branch');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/--base no-such-branch: not a commit of the git repository holding/);
  });
});
