/**
 * `plan --base REF`, the part without Terraform: the environment's stack as
 * it is at a git ref (the end-to-end suite plan-base.test.ts plans against
 * it on the emulator).
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../src/config/problems';
import { baseStackAt } from '../../src/core/index';
import { MINIMAL_ENVIRONMENT, writeConfig } from '../support/helpers';

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, encoding: 'utf8' }).trim();
const WORKER =
  'services:\n  worker:\n    image: public.ecr.aws/nginx/nginx:1.27.3\n    cpu: 256\n    memory: 512\n    egress:\n      - { cidr: 0.0.0.0/0, ports: [443] }\n';

describe('the environment at the base of a change', () => {
  let repo: string;
  let first: string;

  beforeAll(() => {
    repo = writeConfig({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}${WORKER}` });
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'dev');
    first = git(repo, 'rev-parse', 'HEAD');
    // The working tree moves on: another service, and a second environment that did not exist at the base.
    writeFileSync(
      join(repo, 'dev.yaml'),
      `${MINIMAL_ENVIRONMENT}${WORKER}  reports:\n    image: public.ecr.aws/nginx/nginx:1.27.3\n    cpu: 256\n    memory: 512\n`,
    );
    writeFileSync(join(repo, 'qa.yaml'), `${MINIMAL_ENVIRONMENT}${WORKER}`);
  });

  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('is the stack synthesized from the files committed at the ref, not the working tree', () => {
    const base = baseStackAt(repo, 'main', 'dev');
    expect(base).toMatchObject({ ref: 'main', commit: first });
    const resources = JSON.parse(base.stack!.json).resource as Record<string, Record<string, unknown>>;
    const services = Object.keys(resources.aws_ecs_service!);
    expect(services.some((name) => name.includes('worker'))).toBe(true);
    expect(services.some((name) => name.includes('reports'))).toBe(false);
  });

  it('is absent when the environment did not exist at the ref (everything is then a create)', () => {
    expect(baseStackAt(repo, first, 'qa')).toEqual({ ref: first, commit: first, stack: undefined });
  });

  it('refuses a ref that is not a commit, naming the flag', () => {
    expect(() => baseStackAt(repo, 'no-such-branch', 'dev')).toThrow(
      /--base no-such-branch: not a commit of the git repository holding .*; give a branch, tag or commit/,
    );
  });

  it('names problems of the files at the ref as REF:FOLDER/FILE with their line', () => {
    const broken = writeConfig({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}logRetentionDays: seven\n` });
    try {
      git(broken, 'init', '-q', '-b', 'main');
      git(broken, 'add', '.');
      git(broken, 'commit', '-q', '-m', 'broken');
      // The working tree is fixed; the base is not.
      writeFileSync(join(broken, 'dev.yaml'), MINIMAL_ENVIRONMENT);
      let error: unknown;
      try {
        baseStackAt(broken, 'main', 'dev');
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const [problem] = (error as ConfigError).problems;
      expect(problem).toMatchObject({ file: `main:${broken}/dev.yaml`, line: 10, keyPath: 'logRetentionDays' });
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
