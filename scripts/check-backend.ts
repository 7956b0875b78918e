/**
 * `npm run check:backend [-- --config DIR --out DIR]`: the generated S3
 * backend blocks run by real Terraform against local S3 and DynamoDB servers
 * (src/verification/check-backend.ts). It needs the dev dependencies s3rver
 * and dynalite, so it is the project's own check, not a command of the
 * installed `platform`. One line per check; exit 1 when any fails.
 */
import { resolve } from 'node:path';
import { selectEnvironments } from '../src/core/index';
import { checkBackend } from '../src/verification/check-backend';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
}

async function main(): Promise<void> {
  const started = Date.now();
  const environments = selectEnvironments(option('--config', 'environments'));
  const results = await checkBackend(environments, {
    outDir: resolve(option('--out', 'cdktf.out')),
    onEvent: (event) => {
      if (event.type === 'note') console.log(event.stack ? `${event.stack}: ${event.message}` : event.message);
    },
  });
  for (const result of results) {
    console.log(result.summary);
    if (result.failure) console.error(result.failure);
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  if (failed > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
