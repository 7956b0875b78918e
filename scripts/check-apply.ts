/**
 * `npm run check:apply [-- --config DIR --out DIR --only STACK,...]`: every stack of a
 * configuration folder applied to the AWS API emulator, read back, planned
 * again, changed and destroyed (src/verification/check-apply.ts). Exit 1 when
 * any stack fails.
 */
import { selectEnvironments } from '../src/core/index';
import { checkApply } from '../src/verification/check-apply';
import { STAND_IN_GAPS } from '../src/verification/emulator-gaps';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
}

async function main(): Promise<void> {
  const config = option('--config', 'environments');
  const started = Date.now();
  const results = await checkApply(selectEnvironments(config), {
    outDir: option('--out', 'cdktf.out'),
    only: process.argv.includes('--only') ? option('--only', '').split(',') : undefined,
    log: (line) => console.log(line),
  });
  for (const result of results.filter((r) => !r.ok)) console.error(`${result.summary}\n${result.failure}`);
  const resources = results.reduce((sum, r) => sum + r.resources, 0);
  const standIns = results.flatMap((r) => r.standIns.map((address) => `${r.stack}: ${address}`));
  for (const line of standIns) console.log(`stood in: ${line}`);
  if (standIns.length > 0) console.log(`(why: ${STAND_IN_GAPS.map((g) => `${g.type}: ${g.moto}`).join('; ')})`);
  const failed = results.filter((r) => !r.ok).length;
  const percent = resources > 0 ? ((100 * standIns.length) / resources).toFixed(1) : '0';
  console.log(`${config}: ${results.length} stacks applied (${results.map((r) => r.stack).join(', ')}), ${resources} resources, ${standIns.length} stood in (${percent}%), ${failed} failed, in ${((Date.now() - started) / 1000).toFixed(0)}s`);
  if (failed > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
