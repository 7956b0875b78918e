/**
 * `npm run check:apply [-- --config DIR [--config DIR ...] --out DIR --only STACK,...]`:
 * every stack of each configuration folder applied to the AWS API emulator,
 * read back, planned again, changed and destroyed
 * (src/verification/check-apply.ts). Several folders run side by side, each
 * with its own emulators and working folders (`<out>/check-apply/<folder>`);
 * one folder uses `<out>` itself. Exit 1 when any stack fails.
 */
import { join } from 'node:path';
import { selectEnvironments } from '../src/core/index';
import { checkApply, type StackApplyResult } from '../src/verification/check-apply';
import { STAND_IN_GAPS } from '../src/verification/emulator-gaps';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
}

/** Every value of a repeated option. */
function options(name: string): string[] {
  return process.argv.flatMap((arg, index) => (arg === name && process.argv[index + 1] ? [process.argv[index + 1]!] : []));
}

async function checkFolder(
  config: string,
  outDir: string,
  prefix: string,
): Promise<{ config: string; results: StackApplyResult[]; seconds: number }> {
  const started = Date.now();
  const results = await checkApply(selectEnvironments(config), {
    outDir,
    only: process.argv.includes('--only') ? option('--only', '').split(',') : undefined,
    log: (line) => console.log(`${prefix}${line}`),
  });
  return { config, results, seconds: (Date.now() - started) / 1000 };
}

function report({ config, results, seconds }: { config: string; results: StackApplyResult[]; seconds: number }): boolean {
  for (const result of results.filter((r) => !r.ok)) console.error(`${result.summary}\n${result.failure}`);
  const resources = results.reduce((sum, r) => sum + r.resources, 0);
  const standIns = results.flatMap((r) => r.standIns.map((address) => `${r.stack}: ${address}`));
  for (const line of standIns) console.log(`stood in: ${line}`);
  const gaps = STAND_IN_GAPS.filter((gap) => standIns.some((line) => line.includes(`: ${gap.type}.`)));
  if (gaps.length > 0) console.log(`(why: ${gaps.map((g) => `${g.type}: ${g.moto}`).join('; ')})`);
  const failed = results.filter((r) => !r.ok).length;
  const percent = resources > 0 ? ((100 * standIns.length) / resources).toFixed(1) : '0';
  console.log(
    `${config}: ${results.length} stacks applied (${results.map((r) => r.stack).join(', ')}), ${resources} resources, ${standIns.length} stood in (${percent}%), ${failed} failed, in ${seconds.toFixed(0)}s`,
  );
  return failed === 0;
}

async function main(): Promise<void> {
  const configs = options('--config');
  const folders = configs.length > 0 ? configs : ['environments'];
  const out = option('--out', 'cdktf.out');
  const started = Date.now();
  const checked = await Promise.all(
    folders.map((config) =>
      folders.length === 1
        ? checkFolder(config, out, '')
        : checkFolder(config, join(out, 'check-apply', config.replace(/[^A-Za-z0-9]+/g, '-')), `[${config}] `),
    ),
  );
  const ok = checked.map(report).every(Boolean);
  if (folders.length > 1)
    console.log(
      `${folders.length} folders, ${checked.reduce((n, c) => n + c.results.length, 0)} stacks, in ${((Date.now() - started) / 1000).toFixed(0)}s`,
    );
  if (!ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
