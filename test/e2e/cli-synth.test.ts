/** The CLI contract, synth (split from cli.test.ts so that jest runs the two at once): exit codes, problem lines on stderr, nothing written on bad input, identical output for identical input. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { EXAMPLES_DIR, MINIMAL_ENVIRONMENT, runCli, writeConfig } from '../support/helpers';


const cli = (...args: string[]) => runCli(args);

function filesUnder(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
}

const scratch = mkdtempSync(join(tmpdir(), 'platform-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('synth', () => {
  it('writes nothing when the input is invalid', () => {
    const config = writeConfig({ 'dev.yaml': MINIMAL_ENVIRONMENT.replace('10.0.0.0/16', 'not-a-cidr') });
    const out = join(scratch, 'invalid-out');
    const result = cli('synth', '--config', config, '--out', out);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('network.cidr: not an IPv4 CIDR');
    expect(existsSync(out)).toBe(false);
  });

  it('writes byte-identical output for the same input, one stack per environment plus bootstrap', () => {
    const first = join(scratch, 'first');
    const second = join(scratch, 'second');
    expect(cli('synth', '--config', EXAMPLES_DIR, '--out', first).status).toBe(0);
    expect(cli('synth', '--config', EXAMPLES_DIR, '--out', second).status).toBe(0);
    expect(readdirSync(join(first, 'stacks')).sort()).toEqual(['bootstrap-shop-tf-state-123456789012', 'controller-infrastructure', 'dev', 'prod', 'staging']);
    expect(filesUnder(second)).toEqual(filesUnder(first));
  });

  it('synthesizes one environment with --env, and rejects an unknown one', () => {
    const out = join(scratch, 'one');
    expect(cli('synth', '--config', EXAMPLES_DIR, '--out', out, '--env', 'dev').status).toBe(0);
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual(['bootstrap-shop-tf-state-123456789012', 'dev']);
    const unknown = cli('synth', '--config', EXAMPLES_DIR, '--out', join(scratch, 'none'), '--env', 'qa');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('no environment "qa"; found dev, prod, staging');
  });

  it('is the same code path as the cdktf app that cdktf.json runs', () => {
    const viaCli = join(scratch, 'via-cli');
    const viaApp = join(scratch, 'via-app');
    expect(cli('synth', '--config', EXAMPLES_DIR, '--out', viaCli).status).toBe(0);
    const [command, ...appArgs] = (JSON.parse(readFileSync('cdktf.json', 'utf8')) as { app: string }).app.split(' ');
    expect(command).toBe('node');
    const app = spawnSync(process.execPath, appArgs, { encoding: 'utf8', env: { ...process.env, CDKTF_OUTDIR: viaApp, PLATFORM_CONFIG_DIR: EXAMPLES_DIR } });
    expect(app.status).toBe(0);
    const stack = (dir: string) => readFileSync(join(dir, 'stacks', 'prod', 'cdk.tf.json'), 'utf8');
    expect(stack(viaApp)).toBe(stack(viaCli));
  });
});
