/**
 * The deployed controller reads a private GitHub repository with its
 * GITHUB_TOKEN: git gets it as an Authorization header for github.com
 * through GIT_CONFIG_* in its environment, never on a command line, in a
 * URL, in the mirror's config or in an error. Runs git (child processes)
 * against a local repository that `url.<dir>.insteadOf` puts in place of
 * https://github.com/ (no network here).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigRepository, gitEnvironment } from '../../src/controller/git/repository';

const TOKEN = 'ghs_exampleTokenValue1234567890';
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');

describe('the environment git runs with', () => {
  it('carries the token as a github.com Authorization header for https://github.com/ URLs', () => {
    const env = gitEnvironment('https://github.com/acme/platform.git', TOKEN, {});
    expect(env).toMatchObject({
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.https://github.com/.extraheader',
      GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${BASIC}`,
      GIT_TERMINAL_PROMPT: '0',
    });
    // After configuration the environment already has.
    expect(gitEnvironment('https://github.com/acme/platform.git', TOKEN, { GIT_CONFIG_COUNT: '2' })).toMatchObject({
      GIT_CONFIG_COUNT: '3',
      GIT_CONFIG_KEY_2: 'http.https://github.com/.extraheader',
    });
  });

  it('gives the token to no other host, and nothing without a token', () => {
    for (const url of [
      'https://gitlab.example.com/acme/platform.git',
      'https://github.com.evil.example/acme/platform.git',
      '/srv/git/platform.git',
    ]) {
      expect(Object.keys(gitEnvironment(url, TOKEN, {})).filter((k) => k.startsWith('GIT_CONFIG_') && k !== 'GIT_CONFIG_NOSYSTEM')).toEqual(
        [],
      );
    }
    expect(gitEnvironment('https://github.com/acme/platform.git', undefined, {}).GIT_CONFIG_COUNT).toBeUndefined();
  });

  it("carries none of the controller's secrets", () => {
    const env = gitEnvironment('https://github.com/acme/platform.git', TOKEN, {
      PATH: '/bin',
      WEBHOOK_SECRET: 'w'.repeat(40),
      API_TOKEN: 'a'.repeat(40),
      GITHUB_TOKEN: TOKEN,
      AWS_SECRET_ACCESS_KEY: 's',
      GITHUB_APP_PRIVATE_KEY: 'k',
    });
    expect(Object.keys(env).sort()).toEqual([
      'GIT_CONFIG_COUNT',
      'GIT_CONFIG_KEY_0',
      'GIT_CONFIG_NOSYSTEM',
      'GIT_CONFIG_VALUE_0',
      'GIT_TERMINAL_PROMPT',
      'PATH',
    ]);
  });

  it('is read by git as configuration', () => {
    const env = gitEnvironment('https://github.com/acme/platform.git', TOKEN, { PATH: process.env.PATH, HOME: tmpdir() });
    expect(execFileSync('git', ['config', '--get', 'http.https://github.com/.extraheader'], { env, encoding: 'utf8' }).trim()).toBe(
      `AUTHORIZATION: basic ${BASIC}`,
    );
  });
});

describe('a mirror of a private GitHub repository', () => {
  let root: string;
  const saved = { ...process.env };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'git-credentials-'));
    const source = join(root, 'github', 'acme', 'platform');
    mkdirSync(join(source, 'environments'), { recursive: true });
    writeFileSync(join(source, 'environments', 'dev.yaml'), 'environment: dev\n');
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], {
        cwd: source,
      });
    git('init', '--quiet');
    git('add', '.');
    git('commit', '--quiet', '-m', 'dev');
    execFileSync('git', ['clone', '--bare', '--quiet', source, `${source}.git`]);
    // https://github.com/ is this folder (git's own insteadOf), so no network is needed.
    process.env.GIT_CONFIG_COUNT = '1';
    process.env.GIT_CONFIG_KEY_0 = `url.${join(root, 'github')}/.insteadOf`;
    process.env.GIT_CONFIG_VALUE_0 = 'https://github.com/';
  });

  afterAll(() => {
    process.env = saved;
    rmSync(root, { recursive: true, force: true });
  });

  it('is cloned and read, and its config on disk holds no token', async () => {
    const mirror = join(root, 'mirror.git');
    const repository = new ConfigRepository('https://github.com/acme/platform.git', mirror, 'environments', TOKEN);
    await repository.fetch();
    const head = await repository.head('main');
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    expect(await repository.environmentsAt(head!)).toEqual(['dev']);
    const config = readFileSync(join(mirror, 'config'), 'utf8');
    expect(config).toContain('url = https://github.com/acme/platform.git');
    expect(config).not.toContain(TOKEN);
    expect(config).not.toContain(BASIC);
    expect(config).not.toContain('extraheader');
  });

  it("runs git with none of the controller's secrets in its environment", async () => {
    // A git on PATH that writes down its environment, then runs the real one.
    const bin = join(root, 'bin');
    mkdirSync(bin, { recursive: true });
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const record = join(root, 'git-env.txt');
    writeFileSync(join(bin, 'git'), `#!/bin/sh\nenv >> "${record}"\nexec "${realGit}" "$@"\n`, { mode: 0o755 });
    const secrets = { WEBHOOK_SECRET: `webhook-${'w'.repeat(40)}`, API_TOKEN: `api-${'a'.repeat(40)}`, GITHUB_TOKEN: TOKEN };
    Object.assign(process.env, secrets, { PATH: `${bin}:${process.env.PATH}` });
    try {
      const repository = new ConfigRepository('https://github.com/acme/platform.git', join(root, 'scrubbed.git'), 'environments', TOKEN);
      await repository.fetch();
      expect(await repository.environmentsAt((await repository.head('main'))!)).toEqual(['dev']);
    } finally {
      process.env.PATH = saved.PATH;
      for (const name of Object.keys(secrets)) delete process.env[name];
    }
    const seen = readFileSync(record, 'utf8');
    expect(seen).toContain('GIT_TERMINAL_PROMPT=0');
    for (const [name, value] of Object.entries(secrets)) {
      expect(seen).not.toContain(`${name}=`);
      expect(seen).not.toContain(value);
    }
  });

  it("asks a token function for a fresh token on every fetch (a GitHub App's installation tokens expire)", async () => {
    const bin = join(root, 'bin-fresh');
    mkdirSync(bin, { recursive: true });
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const record = join(root, 'git-fresh-env.txt');
    writeFileSync(join(bin, 'git'), `#!/bin/sh\nenv >> "${record}"\nexec "${realGit}" "$@"\n`, { mode: 0o755 });
    const tokens = ['ghs_installationTokenOne000000000', 'ghs_installationTokenTwo000000000'];
    let asked = 0;
    process.env.PATH = `${bin}:${process.env.PATH}`;
    try {
      const repository = new ConfigRepository(
        'https://github.com/acme/platform.git',
        join(root, 'fresh.git'),
        'environments',
        async () => tokens[asked++],
      );
      await repository.fetch();
      await repository.fetch();
      expect(await repository.environmentsAt((await repository.head('main'))!)).toEqual(['dev']);
    } finally {
      process.env.PATH = saved.PATH;
    }
    expect(asked).toBe(2);
    const seen = readFileSync(record, 'utf8');
    for (const token of tokens) expect(seen).toContain(`AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`);
  });

  it('never puts the token in an error message', async () => {
    // A URL that itself carries the token text: git's error quotes it, and the repository redacts it.
    const repository = new ConfigRepository(`https://github.com/acme/${TOKEN}.git`, join(root, 'missing.git'), 'environments', TOKEN);
    const error = await repository.fetch().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).toBe('GitError');
    expect(error!.message).toContain('git clone');
    expect(error!.message).not.toContain(TOKEN);
    expect(error!.message).not.toContain(BASIC);
    expect(error!.message).toContain('***');
  });
});
