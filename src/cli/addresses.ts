/** `check-addresses`: the team's own environments keep their Terraform addresses, or say which resources a change would destroy. */
import type { Command } from 'commander';
import { core } from './core';
import { EXIT } from './exit-codes';
import { exitOnUserError, printJson } from './report';
import { stderrColour } from './style';

export function addressesCommand(program: Command): void {
  program
    .command('check-addresses')
    .description(
      "compare every stack's Terraform addresses with its record in CONFIG/addresses/<stack>.txt; a lost address fails (Terraform would destroy it)",
    )
    .option('--config <dir>', 'the config folder', 'environments')
    .option('--env <name>', 'only this environment (and its bootstrap stack)')
    .option('--accept', 'record the current addresses (after reviewing what a change destroys)')
    .option('--json', 'the comparison as JSON on stdout')
    .action((options: { config: string; env?: string; accept?: boolean; json?: boolean }) => {
      const { acceptAddresses, addressRecordDir, checkAddresses, selectEnvironments, staleRecords, synthesize } = core();
      const stacks = exitOnUserError(() => synthesize(selectEnvironments(options.config, options.env)), options);
      const recordDir = addressRecordDir(options.config);
      const checks = checkAddresses(stacks, recordDir);
      const stale = options.env === undefined ? staleRecords(stacks, recordDir) : [];
      if (options.accept) acceptAddresses(checks, recordDir);
      const failed = !options.accept && checks.some((c) => c.status === 'removed');
      if (options.json) {
        printJson({
          ok: !failed,
          accepted: options.accept === true,
          stacks: checks.map(({ current: _, ...check }) => check),
          staleRecords: stale,
        });
      } else {
        const acceptHint = (stack: string) =>
          `npx platform check-addresses --config ${options.config}${stack.startsWith('bootstrap-') ? '' : ` --env ${stack}`} --accept`;
        for (const check of checks) {
          if (options.accept) console.log(`${check.stack}: recorded ${check.current.length} address(es) in ${check.file}; commit it`);
          else if (check.status === 'same') console.log(`${check.stack}: ${check.current.length} address(es), as recorded`);
          else if (check.status === 'new')
            console.log(`${check.stack}: no record yet; record its ${check.current.length} address(es) with ${acceptHint(check.stack)}`);
          else if (check.status === 'added')
            console.log(
              `${check.stack}: ${check.added.length} new address(es) not recorded yet (nothing destroyed); record them with ${acceptHint(check.stack)}`,
            );
          else {
            process.stderr.write(
              `${stderrColour('red', `${check.stack}: ${check.removed.length} recorded address(es) are gone; Terraform would destroy these resources (and create any renamed ones anew):`)}\n`,
            );
            for (const address of check.removed) process.stderr.write(`  destroy ${address}\n`);
            process.stderr.write(
              `  if that is intended, accept it with ${acceptHint(check.stack)} and say why in the commit; to keep a resource, add a moved block or restore its key\n`,
            );
          }
        }
        for (const file of stale) console.log(`${file}: records a stack that is no longer configured; delete it`);
      }
      if (failed) process.exit(EXIT.userError);
    });
}
