/**
 * The scripts of the GitHub Actions workflows `init` writes, run by bash
 * (test/unit/workflows.test.ts checks the rest): the ci-info step, the one
 * that finds the touched environments in a scratch git repository, the
 * image workflow's with stand-ins for npx, aws and docker.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ciInfo, loadEnvironmentTarget } from '../../src/core/index';
import { cli } from '../support/cli-in-process';
import { EXAMPLES_DIR } from '../support/helpers';
import { ACTIONS, isAction, workflows } from '../support/workflows';

jest.setTimeout(60_000);

describe('the image platform', () => {
  it("reaches the build from ci-info's real output, with QEMU set up only for a platform other than the runner's", () => {
    const steps = workflows['image.yml']!.jobs.deploy!.steps;
    const ciScript = steps.find((s) => s.id === 'ci')!.run!;
    const dir = mkdtempSync(join(tmpdir(), 'platform-ci-step-'));
    try {
      const info = ciInfo(loadEnvironmentTarget(EXAMPLES_DIR, 'prod'), 'worker');
      mkdirSync(join(dir, 'bin'));
      writeFileSync(
        join(dir, 'bin', 'npx'),
        `#!/bin/sh\n[ "$*" = "platform ci-info --env prod --service worker" ] || exit 9\ncat <<'JSON'\n${JSON.stringify(info)}\nJSON\n`,
      );
      chmodSync(join(dir, 'bin', 'npx'), 0o755);
      writeFileSync(join(dir, 'output'), '');
      const result = spawnSync('bash', ['-c', ciScript], {
        cwd: dir,
        encoding: 'utf8',
        env: {
          ...process.env,
          PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
          GITHUB_OUTPUT: join(dir, 'output'),
          ENVIRONMENT: 'prod',
          SERVICE: 'worker',
        },
      });
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
      const outputs = Object.fromEntries(
        readFileSync(join(dir, 'output'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      expect(outputs).toEqual({
        role: info.deployRoleArn,
        region: info.region,
        repository: info.services.worker!.repositoryUrl,
        platform: 'linux/arm64',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const qemu = steps.findIndex((s) => isAction(s, ACTIONS.setupQemu));
    const buildx = steps.findIndex((s) => isAction(s, ACTIONS.setupBuildx));
    const build = steps.findIndex((s) => s.id === 'image');
    expect(steps[qemu]!.if).toBe("steps.ci.outputs.platform != 'linux/amd64'");
    expect(qemu).toBeLessThan(buildx);
    expect(buildx).toBeLessThan(build);
  });
});

describe('the touched environments', () => {
  const changes = workflows['apply.yml']!.jobs.changes!;
  const touchedScript = changes.steps.find((s) => s.id === 'touched')!.run!;
  const splitScript = changes.steps.find((s) => s.id === 'split')!.run!;
  const scratch = mkdtempSync(join(tmpdir(), 'platform-touched-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const git = (repo: string, ...args: string[]) => {
    const result = spawnSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(result.stderr);
    return result.stdout.trim();
  };

  /**
   * Stands in for `npx platform` (validate --json, check-guardrails --json,
   * ci-info --env NAME) over `environments`: prod is production; `github`
   * maps an environment to its ci.github.environment.
   */
  function fakeNpx(dir: string, environments: readonly string[], github: Record<string, string> = {}): string {
    const bin = join(dir, '.bin');
    mkdirSync(bin, { recursive: true });
    const reports = environments.map((environment) => ({ environment, production: environment === 'prod', failed: false, results: [] }));
    const ciInfo = environments
      .map((e) => `  "platform ci-info --env ${e}") echo '${JSON.stringify({ environment: e, githubEnvironment: github[e] ?? null })}' ;;`)
      .join('\n');
    writeFileSync(
      join(bin, 'npx'),
      `#!/bin/sh
case "$*" in
  "platform validate --json") echo '${JSON.stringify({ ok: true, environments })}' ;;
  "platform check-guardrails --json") echo '${JSON.stringify({ ok: true, reports })}' ;;
${ciInfo}
  *) echo "unexpected: npx $*" >&2; exit 9 ;;
esac
`,
    );
    chmodSync(join(bin, 'npx'), 0o755);
    return bin;
  }

  function runStep(script: string, cwd: string, bin: string, env: Record<string, string>) {
    const output = join(cwd, `.output-${Math.random().toString(36).slice(2)}`);
    writeFileSync(output, '');
    const result = spawnSync('bash', ['-c', script], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: output, ...env },
    });
    const outputs = Object.fromEntries(
      readFileSync(output, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf('=')), JSON.parse(l.slice(l.indexOf('=') + 1))]),
    );
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, outputs };
  }

  /** A repository with dev, staging and prod; `change` edits it in a second commit; runs the step against the first (or `base`). */
  function touched(change: (repo: string) => void, base?: string) {
    const repo = mkdtempSync(join(scratch, 'repo-'));
    git(repo, 'init', '-q', '-b', 'main');
    mkdirSync(join(repo, 'environments'));
    for (const name of ['defaults', 'dev', 'staging', 'prod']) writeFileSync(join(repo, 'environments', `${name}.yaml`), `# ${name}\n`);
    writeFileSync(join(repo, 'README.md'), 'readme\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'first');
    const first = git(repo, 'rev-parse', 'HEAD');
    change(repo);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'second');
    const environments = readdirSync(join(repo, 'environments'))
      .filter((f) => f.endsWith('.yaml') && f !== 'defaults.yaml')
      .map((f) => f.replace('.yaml', ''))
      .sort();
    const result = runStep(touchedScript, repo, fakeNpx(repo, environments), { BASE: base ?? first });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    return { touched: result.outputs.touched as string[], log: result.stdout };
  }

  const edit = (file: string) => (repo: string) => writeFileSync(join(repo, file), 'changed\n');

  it('are the environments whose files changed', () => {
    expect(touched(edit('environments/dev.yaml')).touched).toEqual(['dev']);
    expect(
      touched((repo) => {
        edit('environments/prod.yaml')(repo);
        edit('environments/staging.yaml')(repo);
      }).touched,
    ).toEqual(['prod', 'staging']);
  });

  it('are all of them when defaults.yaml, the code, the dependencies or the provider lock change, or there is nothing to compare with', () => {
    const every = ['dev', 'prod', 'staging'];
    for (const file of ['environments/defaults.yaml', 'package-lock.json', '.terraform.lock.hcl'])
      expect(touched(edit(file)).touched).toEqual(every);
    expect(
      touched((repo) => {
        mkdirSync(join(repo, 'src'));
        edit('src/x.ts')(repo);
      }).touched,
    ).toEqual(every);
    expect(touched(edit('README.md'), '0000000000000000000000000000000000000000').touched).toEqual(every);
    expect(touched(edit('README.md'), '').touched).toEqual(every);
  });

  it('are none for other files, and a deleted environment is reported, not planned', () => {
    expect(touched(edit('README.md')).touched).toEqual([]);
    expect(touched(edit('environments/addresses-note.txt')).touched).toEqual([]);
    const deleted = touched((repo) => {
      unlinkSync(join(repo, 'environments', 'staging.yaml'));
      edit('environments/dev.yaml')(repo);
    });
    expect(deleted.touched).toEqual(['dev']);
    expect(deleted.log).toContain('::warning::environments/staging.yaml was deleted: its resources are not destroyed by this workflow');
  });

  it('are split into those the branch may apply and those that apply in their GitHub environment; production must have one', () => {
    const dir = mkdtempSync(join(scratch, 'split-'));
    const split = (touchedList: string[], github: Record<string, string>) =>
      runStep(splitScript, dir, fakeNpx(mkdtempSync(join(dir, 'npx-')), ['dev', 'prod', 'staging'], github), {
        TOUCHED: JSON.stringify(touchedList),
      });
    const both = split(['dev', 'prod', 'staging'], { prod: 'production', staging: 'staging' });
    expect(both.status).toBe(0);
    expect(both.outputs).toEqual({
      open: ['dev'],
      gated: [
        { environment: 'prod', githubEnvironment: 'production' },
        { environment: 'staging', githubEnvironment: 'staging' },
      ],
    });
    expect(split(['dev'], {}).outputs).toEqual({ open: ['dev'], gated: [] });
    expect(split([], {}).outputs).toEqual({ open: [], gated: [] });
    const refused = split(['dev', 'prod'], {});
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain(
      '::error::prod is production: its applies run in a GitHub environment whose protection rules hold them for a reviewer; set ci.github.environment in environments/prod.yaml',
    );
    expect(refused.outputs).toEqual({});
  });

  it('is the same step in the pull request workflow, against the base branch', () => {
    const pullRequest = workflows['pull-request.yml']!.jobs.changes!.steps.find((s) => s.id === 'touched')!;
    expect(pullRequest.run).toBe(touchedScript);
    expect(pullRequest.env).toEqual({ BASE: '${{ github.event.pull_request.base.sha }}' });
    expect(changes.steps.find((s) => s.id === 'touched')!.env).toEqual({ BASE: '${{ github.event.before }}' });
    expect(workflows['pull-request.yml']!.jobs.plan!.strategy!.matrix.stack).toBe('${{ fromJSON(needs.changes.outputs.stacks) }}');
  });

  it("bring the bootstrap and controller stacks into the pull request's plans whenever an environment is touched, as the real synth names them", async () => {
    const pullRequest = workflows['pull-request.yml']!.jobs;
    const step = pullRequest.changes!.steps.find((s) => s.id === 'stacks')!;
    expect(step.env).toEqual({ TOUCHED: '${{ steps.touched.outputs.touched }}' });
    expect(pullRequest.changes!.outputs).toEqual({ stacks: '${{ steps.stacks.outputs.stacks }}' });
    expect(pullRequest.plan!.steps.at(-1)!.run).toContain('npx platform plan --env "$STACK" --offline');
    // npx platform answers what the real command line prints over the examples (run in-process here, with the step's own arguments).
    const dir = mkdtempSync(join(scratch, 'stacks-'));
    const bin = join(dir, '.bin');
    mkdirSync(bin);
    const out = join(dir, 'stack-names');
    const real = await cli(['synth', '--json', '--guardrails', 'report', '--out', out, '--config', join(process.cwd(), EXAMPLES_DIR)]);
    expect(real.status).toBe(0);
    writeFileSync(join(dir, 'synth.json'), real.stdout);
    writeFileSync(
      join(bin, 'npx'),
      `#!/bin/sh\n[ "$*" = "platform synth --json --guardrails report --out ${out}" ] || { echo "unexpected: npx $*" >&2; exit 9; }\ncat "${join(dir, 'synth.json')}"\n`,
    );
    chmodSync(join(bin, 'npx'), 0o755);
    const stacks = (touchedList: string[]) => {
      const result = runStep(step.run!, dir, bin, { TOUCHED: JSON.stringify(touchedList), RUNNER_TEMP: dir });
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
      return result.outputs.stacks as string[];
    };
    expect(stacks([])).toEqual([]);
    expect(stacks(['dev'])).toEqual(['dev', 'bootstrap-shop-tf-state-123456789012', 'controller-infrastructure']);
    // The apply workflow plans and applies environments only (validate --json lists no other stack).
    expect(workflows['apply.yml']!.jobs.changes!.steps.some((s) => s.id === 'stacks')).toBe(false);
  });
});

describe("the image workflow's scripts", () => {
  const jobs = workflows['image.yml']!.jobs;
  const resolveScript = jobs.resolve!.steps.find((s) => s.id === 'resolve')!.run!;
  const buildScript = jobs.deploy!.steps.find((s) => s.id === 'image')!.run!;
  const scratch = mkdtempSync(join(tmpdir(), 'platform-image-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** Runs `script` with stand-ins for the commands in `stubs` (name -> shell body); each call is logged to calls.log. */
  function run(script: string, stubs: Record<string, string>, env: Record<string, string>) {
    const dir = mkdtempSync(join(scratch, 'run-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    for (const [name, body] of Object.entries(stubs)) {
      writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" >> ${join(dir, 'calls.log')}\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    }
    const output = join(dir, 'output');
    writeFileSync(output, '');
    writeFileSync(join(dir, 'calls.log'), '');
    const result = spawnSync('bash', ['-c', script], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        GITHUB_OUTPUT: output,
        GITHUB_SHA: 'a'.repeat(40),
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'shop-org/shop-infra',
        ...env,
      },
    });
    return {
      status: result.status,
      stdout: result.stdout,
      stderr: result.stderr,
      output: readFileSync(output, 'utf8'),
      calls: readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n').filter(Boolean),
    };
  }

  const ciInfo = (repositoryUrl: string | null, githubEnvironment: string | null) =>
    JSON.stringify({ environment: 'prod', githubEnvironment, services: { api: { serviceName: 'api', repositoryUrl } } });
  const npx = (info: string, production: boolean) => `case "$*" in
  "platform ci-info --env prod --service api") echo '${info}' ;;
  "platform check-guardrails --json") echo '${JSON.stringify({ reports: [{ environment: 'prod', production }] })}' ;;
  *) echo "no service" >&2; exit 1 ;;
esac`;
  const inputs = { ENVIRONMENT: 'prod', SERVICE: 'api', CONTEXT: 'services/api' };

  it("resolves the GitHub environment, and refuses a bad context, another registry's image and production without a GitHub environment", () => {
    const url = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/prod/api';
    const gated = run(resolveScript, { npx: npx(ciInfo(url, 'production'), true) }, inputs);
    expect(gated).toMatchObject({ status: 0, output: 'github_environment=production\n' });
    expect(run(resolveScript, { npx: npx(ciInfo(url, null), false) }, inputs)).toMatchObject({
      status: 0,
      output: 'github_environment=\n',
    });
    const ungatedProduction = run(resolveScript, { npx: npx(ciInfo(url, null), true) }, inputs);
    expect(ungatedProduction).toMatchObject({ status: 1, output: '' });
    expect(ungatedProduction.stdout).toContain('::error::prod is production: its rollouts run in a GitHub environment');
    const elsewhere = run(resolveScript, { npx: npx(ciInfo(null, null), false) }, inputs);
    expect(elsewhere.status).toBe(1);
    expect(elsewhere.stdout).toContain('::error::api in prod runs an image from another registry');
    expect(run(resolveScript, { npx: npx(ciInfo(url, null), false) }, { ...inputs, SERVICE: 'nope' }).status).toBe(1);
    for (const context of ['', '/etc', '../other', 'services/../..']) {
      const refused = run(resolveScript, { npx: 'exit 9' }, { ...inputs, CONTEXT: context });
      expect(refused).toMatchObject({ status: 1, calls: [] });
    }
  });

  it('builds and pushes a commit once, rolls out an image already pushed as it is, and stops on any other error', () => {
    const env = {
      REPOSITORY: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/prod/api',
      CONTEXT: 'services/api',
      PLATFORM: 'linux/arm64',
    };
    const image = `${env.REPOSITORY}:${'a'.repeat(40)}`;
    const absent = run(
      buildScript,
      {
        aws: 'case "$1 $2" in "ecr describe-images") echo "An error occurred (ImageNotFoundException)" >&2; exit 254 ;; *) echo password ;; esac',
        docker: '[ "$1" = login ] && cat > /dev/null; true',
      },
      env,
    );
    expect(absent.status).toBe(0);
    // The two sides of `aws ecr get-login-password | docker login` start together: either may be recorded first.
    expect([...absent.calls.slice(1, 3)].sort()).toEqual([
      'aws ecr get-login-password',
      'docker login --username AWS --password-stdin 123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    ]);
    expect([absent.calls[0], ...absent.calls.slice(3)]).toEqual([
      `aws ecr describe-images --repository-name shop/prod/api --image-ids imageTag=${'a'.repeat(40)}`,
      `docker buildx build --platform linux/arm64 --provenance=false --pull --push --tag ${image} --label org.opencontainers.image.revision=${'a'.repeat(40)} --label org.opencontainers.image.source=https://github.com/shop-org/shop-infra services/api`,
    ]);
    expect(absent.output).toBe(`image=${image}\n`);
    const present = run(buildScript, { aws: 'echo "{}"', docker: 'exit 9' }, env);
    expect(present).toMatchObject({ status: 0, output: `image=${image}\n` });
    expect(present.calls.filter((c) => c.startsWith('docker'))).toEqual([]);
    const denied = run(buildScript, { aws: 'echo "AccessDeniedException" >&2; exit 254', docker: '' }, env);
    expect(denied).toMatchObject({ status: 1, output: '' });
    expect(denied.stderr).toContain('AccessDeniedException');
    expect(denied.calls.filter((c) => c.startsWith('docker'))).toEqual([]);
  });
});
