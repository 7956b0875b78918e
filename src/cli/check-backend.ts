/** `check-backend`: the generated S3 backend blocks against local S3 and DynamoDB servers (README: Terraform checks). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { core } from './core';
import { EXIT } from './exit-codes';
import { exitOnUserError, printEvent, withTerraform } from './report';

export function checkBackendCommand(program: Command): void {
  program
    .command('check-backend')
    .description('start local S3 and DynamoDB servers, then check every environment\'s real backend block: state keys, locking (table, lock file, both), force-unlock, bootstrap migrate-state')
    .option('--config <dir>', 'the config folder', 'environments')
    .option('--out <dir>', 'the output folder', 'cdktf.out')
    .action(async (options: { config: string; out: string }) => {
      const { checkBackend, selectEnvironments } = core();
      const environments = exitOnUserError(() => selectEnvironments(options.config));
      const started = Date.now();
      const results = await withTerraform(() => checkBackend(environments, { outDir: resolve(options.out), onEvent: printEvent }));
      for (const result of results) {
        console.log(result.summary);
        if (result.failure) console.error(result.failure);
      }
      const failed = results.filter((r) => !r.ok).length;
      console.log(`${results.length - failed} passed, ${failed} failed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
      if (failed > 0) process.exit(EXIT.userError);
    });
}
