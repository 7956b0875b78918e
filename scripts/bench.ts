/**
 * `npm run bench`: first `npm run build`, so `platform` (bin/platform.js)
 * runs the compiled dist/ as an installed package does; then the start-up of
 * `platform --help` and of `platform validate` of the examples, from dist/
 * and from src/ through tsx (a clone with edits); synth wall time and peak
 * memory of the example environments and of a generated 3 environments x
 * 100 services through the same bin, each as a ratio to one
 * `require('@cdktf/provider-aws')` (the root barrel) measured in the same
 * run; then one `npm test`, its wall time and the peak memory of its whole
 * process tree (jest runs workers); then the controller's pull request to
 * plan comment time against a bare `terraform plan`
 * (scripts/bench-controller.ts; `--controller-only` runs just that); then
 * the 60-environment fan-out with 1 and 3 controllers (scripts/bench-fanout.ts;
 * `--fanout-only` runs just that). Every figure is a fresh child process,
 * timed from outside; the load average
 * (/proc/loadavg) is printed before and after, since a busy machine moves
 * every figure.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureControllerPlan } from './bench-controller';
import { measureFanOut, type FanOutFigures } from './bench-fanout';

const RUNS = 3;
/** Start-up is short and noisy: more runs. */
const START_RUNS = 7;

/** Wall seconds and peak memory of the median run; CPU seconds (user + system) the median of the runs, steadier on a shared machine. */
interface Figure {
  seconds: number;
  peakMb: number;
  cpu?: number;
}

function measure(args: string[], runs = RUNS, env: NodeJS.ProcessEnv = {}): Figure {
  const samples: Figure[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const child = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env } });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (child.status !== 0) throw new Error(`${args.join(' ')} failed:\n${child.stderr}`);
    const peakKb = Number(/PEAK_RSS_KB=(\d+)/.exec(child.stdout)?.[1]);
    const cpuUs = Number(/CPU_US=(\d+)/.exec(child.stdout)?.[1]);
    samples.push({ seconds, peakMb: peakKb / 1024, cpu: cpuUs / 1e6 });
  }
  const cpus = samples.map((s) => s.cpu!).sort((a, b) => a - b);
  samples.sort((a, b) => a.seconds - b.seconds);
  return { ...samples[Math.floor(runs / 2)]!, cpu: cpus[Math.floor(runs / 2)] };
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** Resident memory of a process and all its descendants, in MB, from /proc (Linux). */
function treeRssMb(root: number): number {
  const children = new Map<number, number[]>();
  const rssKb = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      rssKb.set(Number(entry), Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0));
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while being read
    }
  }
  let total = 0;
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    total += rssKb.get(pid) ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return total / 1024;
}

/** One `npm test`: wall time, and the peak of its process tree's memory sampled every 100 ms. */
function measureTests(): Promise<Figure> {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('npm', ['test'], { stdio: 'ignore', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    let peakMb = 0;
    const sampler = setInterval(() => {
      peakMb = Math.max(peakMb, treeRssMb(child.pid!));
    }, 100);
    child.on('exit', (code) => {
      clearInterval(sampler);
      if (code !== 0) reject(new Error(`npm test failed (exit ${code})`));
      else resolvePromise({ seconds: Number(process.hrtime.bigint() - started) / 1e9, peakMb });
    });
  });
}

function generatedConfig(dir: string): void {
  const services = Array.from(
    { length: 100 },
    (_, i) => `  svc-${i}:
    image: { repository: svc-${i}, tag: "1.0.${i}" }
    cpu: 256
    memory: 512
    port: 8080
    routing: { paths: ["/svc-${i}/*"], priority: ${i + 1} }
    autoscaling: { min: 1, max: 4, cpuTarget: 70 }
    secrets: { TOKEN: { ssm: /bench/shared/token } }
`,
  ).join('');
  writeFileSync(
    join(dir, 'defaults.yaml'),
    `project: bench
aws: { region: eu-west-1, accountId: "123456789012" }
backend: { bucket: bench-tf-state, lockTable: bench-tf-locks }
network: { cidr: 10.0.0.0/16 }
guardrails:
  waivers:
    alb-https-only: "the bench has no certificate: plain HTTP is what it measures"
    ecs-open-egress: "the bench's services name no egress"
services:
${services}`,
  );
  for (const env of ['dev', 'staging', 'prod'])
    writeFileSync(
      join(dir, `${env}.yaml`),
      `network: { cidr: 10.${env.length}.0.0/16 }\n${env === 'prod' ? 'gitops: { approvers: [bench-lead] }\n' : ''}`,
    );
}

function printFanOut(f: FanOutFigures): void {
  const ratio = f.three / f.one;
  console.log(`${'fan-out: 60 environments, 1 controller'.padEnd(40)} ${f.one.toFixed(2).padStart(6)} s`);
  console.log(
    `${'fan-out: 60 environments, 3 controllers'.padEnd(40)} ${f.three.toFixed(2).padStart(6)} s            ${ratio.toFixed(2)}x one controller (target <= 0.5x: ${ratio <= 0.5 ? 'met' : 'MISSED'})`,
  );
}

async function main(): Promise<void> {
  if (process.argv.includes('--fanout-only')) {
    printFanOut(await measureFanOut());
    return;
  }
  if (process.argv.includes('--controller-only')) {
    const c = await measureControllerPlan();
    console.log(
      `controller: pull request to plan comment ${c.toComment.toFixed(2)} s, bare terraform plan ${c.barePlan.toFixed(2)} s: ${(c.toComment / c.barePlan).toFixed(2)}x (target <= 1.15x)`,
    );
    return;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'platform-bench-'));
  try {
    console.log(`load average before: ${load()} (1, 5, 15 minutes; ${require('node:os').cpus().length} cores)`);
    // What users run: the package's bin on compiled code (bin/platform.js runs dist/ when it is fresh).
    const build = spawnSync('npm', ['run', 'build'], { encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
    const generated = join(scratch, 'generated');
    mkdirSync(generated);
    generatedConfig(generated);
    // Exactly what `npm run synth -- --config DIR --out DIR` and `npx platform synth` run.
    const platform = (...args: string[]) => ['-r', './scripts/report-peak-memory.js', 'bin/platform.js', ...args];
    const synth = (config: string, out: string) => platform('synth', '--config', config, '--out', out);

    const start = (name: string, args: string[], target: number) => {
      const dist = measure(platform(...args), START_RUNS);
      const source = measure(platform(...args), START_RUNS, { PLATFORM_FROM_SOURCE: '1' });
      const verdict = dist.seconds < target ? 'met' : 'MISSED';
      console.log(
        `${name.padEnd(40)} ${dist.seconds.toFixed(2).padStart(6)} s ${dist.peakMb.toFixed(0).padStart(5)} MB   CPU ${dist.cpu!.toFixed(2)} s; from src/ through tsx: ${source.seconds.toFixed(2)} s, CPU ${source.cpu!.toFixed(2)} s  (target < ${target} s: ${verdict})`,
      );
    };
    console.log(`start-up, median of ${START_RUNS} runs, bin/platform.js on dist/`);
    start('platform --help', ['--help'], 0.3);
    start('platform validate (the examples)', ['validate'], 1);

    const barrel = measure(['-r', './scripts/report-peak-memory.js', '-e', 'require("@cdktf/provider-aws")']);
    const examples = measure(synth('environments', join(scratch, 'out-examples')));
    const large = measure(synth(generated, join(scratch, 'out-generated')));

    const row = (name: string, f: Figure, target?: number) => {
      const ratio = f.seconds / barrel.seconds;
      const verdict = target === undefined ? '' : ratio <= target ? `  (target <= ${target}x: met)` : `  (target <= ${target}x: MISSED)`;
      console.log(
        `${name.padEnd(40)} ${f.seconds.toFixed(2).padStart(6)} s ${f.peakMb.toFixed(0).padStart(5)} MB   ${ratio.toFixed(2)}x time ${(f.peakMb / barrel.peakMb).toFixed(2)}x memory; CPU ${f.cpu!.toFixed(2)} s, ${(f.cpu! / barrel.cpu!).toFixed(2)}x${verdict}`,
      );
    };
    console.log(`median of ${RUNS} runs each, fresh process, wall time from outside`);
    row("require('@cdktf/provider-aws') (reference)", barrel);
    row('synth example environments (5 stacks)', examples, 0.35);
    row('synth 3 environments x 100 services', large, 0.7);

    // `-- --no-loop` / `-- --no-controller` leave those two out (start-up and synthesis alone take about a minute).
    if (process.argv.includes('--no-loop')) return;
    const tests = await measureTests();
    const met = tests.seconds < 30 && tests.peakMb < 1536 ? 'met' : 'MISSED';
    console.log(
      `${'npm test (one run, whole process tree)'.padEnd(40)} ${tests.seconds.toFixed(2).padStart(6)} s ${tests.peakMb.toFixed(0).padStart(5)} MB   (target < 30 s and 1.5 GB: ${met})`,
    );

    if (process.argv.includes('--no-controller')) return;
    const controller = await measureControllerPlan();
    const ratio = controller.toComment / controller.barePlan;
    console.log(`load average after the tests: ${load()}`);
    console.log(
      `${'controller: pull request to plan comment'.padEnd(40)} ${controller.toComment.toFixed(2).padStart(6)} s            ${ratio.toFixed(2)}x a bare terraform plan (${controller.barePlan.toFixed(2)} s)  (target <= 1.15x: ${ratio <= 1.15 ? 'met' : 'MISSED'})`,
    );
    printFanOut(await measureFanOut());
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
