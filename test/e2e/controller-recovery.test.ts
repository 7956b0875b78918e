/**
 * Crash safety: the controller is SIGKILLed (with Terraform, as a stopped
 * task loses both) in the middle of an apply; after a restart the run is
 * interrupted, its saved plan discarded, the lock it recorded released,
 * and the environment planned (and here applied) again. SIGTERM, by
 * contrast, lets the current step finish and exits 0.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import {
  api,
  API_TOKEN,
  ConfigRemote,
  deliver,
  startController,
  waitForRun,
  WEBHOOK_SECRET,
  type Started,
} from '../support/controller-harness';
import { EXAMPLES_DIR } from '../support/fixture-dirs';

jest.setTimeout(240_000);

describe('the controller after a crash', () => {
  const remote = new ConfigRemote();
  const dataDir = mkdtempSync(join(tmpdir(), 'controller-data-'));
  const args = ['--repo', remote.bare, '--data-dir', dataDir, '--sandbox', '--apply-delay-seconds', '8'];
  let controller: Started | undefined;

  afterAll(async () => {
    await controller?.stop();
    remote.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('interrupts the apply it was killed in, releases its lock and plans again', async () => {
    controller = await startController(args);
    remote.write('environments/dev.yaml', `${readFileSync(join(EXAMPLES_DIR, 'dev.yaml'), 'utf8')}tags: { Team: checkout }\n`);
    remote.commit('dev: tag');
    const [id] = (await deliver(controller.url, 'push', remote.push())).body.runs;
    await waitForRun(controller.url, id!, (r) => r.status === 'applying');
    const lockFile = join(dataDir, 'work', 'dev', '.terraform.tfstate.lock.info');
    const started = Date.now();
    while (!existsSync(lockFile) && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 100));
    const lockId = JSON.parse(readFileSync(lockFile, 'utf8')).ID as string;
    // Long enough for the controller to have recorded the lock (it looks every 100 ms).
    await new Promise((r) => setTimeout(r, 500));
    await controller.kill();
    expect(readdirSync(join(dataDir, 'work', 'dev')).filter((f) => f.endsWith('.tfplan'))).toHaveLength(1);

    controller = await startController(args);
    const interrupted = (await api(controller.url, `/api/runs/${id}`)).body;
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.error).toContain('was applying');
    expect(controller.output()).toContain(`state lock ${lockId} of dev (run ${id}): released`);
    expect(existsSync(lockFile)).toBe(false);
    expect(existsSync(join(dataDir, 'work', 'dev', `run-${id}.tfplan`))).toBe(false);
    const runs = (await api(controller.url, '/api/runs?environment=dev')).body.runs;
    const replan = runs.find((r: any) => r.id !== id);
    expect(replan).toMatchObject({ trigger: 'manual', requestedBy: 'recovery', environment: 'dev' });
    const applied = await waitForRun(controller.url, replan.id, (r) => r.status === 'applied' || r.status === 'failed', 120_000);
    expect(applied.status).toBe('applied');
  });

  it('finishes the current step on SIGTERM and exits 0', async () => {
    remote.write('environments/staging.yaml', `${readFileSync(join(EXAMPLES_DIR, 'staging.yaml'), 'utf8')}tags: { Team: web }\n`);
    remote.commit('staging: tag');
    const [id] = (await deliver(controller!.url, 'push', remote.push())).body.runs;
    await waitForRun(controller!.url, id!, (r) => r.status === 'applying');
    const code = await controller!.stop();
    expect(code).toBe(0);
    expect(controller!.output()).toMatch(/stopping: no new work is accepted/);
    controller = await startController(args);
    expect((await api(controller.url, `/api/runs/${id}`)).body.status).toBe('applied');
  });

  it.each([
    ['WEBHOOK_SECRET', { WEBHOOK_SECRET: 'a' }],
    ['API_TOKEN', { API_TOKEN: 'x'.repeat(31) }],
    ['WEBHOOK_SECRET and API_TOKEN', { WEBHOOK_SECRET: 'short', API_TOKEN: 'short' }],
  ])('refuses to start with %s shorter than 32 characters, in one line naming it', (names, secrets) => {
    const result = spawnSync(
      process.execPath,
      ['bin/platform.js', 'serve', '--repo', remote.bare, '--port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'controller-short-'))],
      {
        env: { ...process.env, WEBHOOK_SECRET, API_TOKEN, CHECKPOINT_DISABLE: '1', ...secrets },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([`${names} must be at least 32 characters (openssl rand -hex 32 makes one)`]);
    expect(result.stdout).not.toContain('listening on');
  });

  it('refuses several controllers on the sqlite store, a file of one machine', () => {
    const result = spawnSync(
      process.execPath,
      [
        'bin/platform.js',
        'serve',
        '--repo',
        remote.bare,
        '--port',
        '0',
        '--controllers',
        '2',
        '--data-dir',
        mkdtempSync(join(tmpdir(), 'controller-sqlite-')),
      ],
      {
        env: { ...process.env, WEBHOOK_SECRET, API_TOKEN, CHECKPOINT_DISABLE: '1' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(
      '--controllers 2 needs --store dynamodb://TABLE: the sqlite store is a file of one machine, and controllers share a queue only through one table',
    );
  });

  it('stops on a SIGTERM sent to `npm run serve` (the script execs node)', async () => {
    const npm = spawn(
      'npm',
      [
        'run',
        '--silent',
        'serve',
        '--',
        '--repo',
        remote.bare,
        '--data-dir',
        mkdtempSync(join(tmpdir(), 'controller-npm-')),
        '--port',
        '0',
        '--offline',
      ],
      {
        env: { ...process.env, WEBHOOK_SECRET, API_TOKEN, CHECKPOINT_DISABLE: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    npm.stdout!.on('data', (t) => {
      output += t;
    });
    npm.stderr!.on('data', (t) => {
      output += t;
    });
    const exited = new Promise<number | null>((r) => npm.on('exit', (code) => r(code)));
    const started = Date.now();
    while (!/listening on http/.test(output) && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 100));
    expect(output).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    npm.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('stopped');
  });
});
