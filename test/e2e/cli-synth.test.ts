/** synth as a process: the CLI and the cdktf app that cdktf.json runs write the same stack. The rest of synth's contract (nothing written on bad input, identical output, --env) is checked in-process (test/unit/cli.test.ts). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLES_DIR, runCli } from '../support/helpers';

const cli = (...args: string[]) => runCli(args);

const scratch = mkdtempSync(join(tmpdir(), 'platform-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('synth', () => {
  it('is the same code path as the cdktf app that cdktf.json runs', () => {
    const viaCli = join(scratch, 'via-cli');
    const viaApp = join(scratch, 'via-app');
    expect(cli('synth', '--config', EXAMPLES_DIR, '--out', viaCli).status).toBe(0);
    const [command, ...appArgs] = (JSON.parse(readFileSync('cdktf.json', 'utf8')) as { app: string }).app.split(' ');
    expect(command).toBe('node');
    const app = spawnSync(process.execPath, appArgs, {
      encoding: 'utf8',
      env: { ...process.env, CDKTF_OUTDIR: viaApp, PLATFORM_CONFIG_DIR: EXAMPLES_DIR },
    });
    expect(app.status).toBe(0);
    const stack = (dir: string) => readFileSync(join(dir, 'stacks', 'prod', 'cdk.tf.json'), 'utf8');
    expect(stack(viaApp)).toBe(stack(viaCli));
  });
});
