/** `lock`: write the project's provider lock file, to commit; synth copies it into every stack folder. */
import type { Command } from 'commander';
import { DEFAULT_LOCK_PLATFORMS } from '../core/names';
import { core } from './core';
import { EXIT } from './exit-codes';
import { exitOnUserError, withTerraform } from './report';

export function lockCommand(program: Command): void {
  program
    .command('lock')
    .description('write .terraform.lock.hcl with the hashes of every provider the stacks require, for each platform; commit it')
    .option('--config <dir>', 'the config folder', 'environments')
    .option('--lock-file <file>', 'the lock file', '.terraform.lock.hcl')
    .option('--platform <os_arch...>', 'platforms to hash', [...DEFAULT_LOCK_PLATFORMS])
    .action(async (options: { config: string; lockFile: string; platform: string[] }) => {
      const { lockProviders, selectEnvironments } = core();
      const configs = exitOnUserError(() => selectEnvironments(options.config));
      const result = await withTerraform(() => lockProviders(configs, options.lockFile, options.platform));
      for (const pair of result.locked) console.log(`locked ${pair}`);
      for (const pair of result.missing)
        console.log(`not locked: ${pair} (run \`npx platform lock\` where the registry is reachable to add it)`);
      if (result.locked.length === 0) {
        console.error('no provider could be locked here; nothing was written');
        process.exit(EXIT.userError);
      }
      console.log(`wrote ${result.file}; commit it (synth copies it into every stack folder)`);
    });
}
