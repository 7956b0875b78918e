/** `serve`: the GitOps controller (src/controller). */
import type { Command } from 'commander';

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('run the GitOps controller (see README: GitOps controller)')
    .action(() => {
      console.error('serve: not available yet');
      process.exit(1);
    });
}
