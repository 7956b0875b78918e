/**
 * The command line: parses arguments, calls the core (src/core), prints.
 * Run as `npx platform <command>` (package.json bin) or through the npm
 * scripts (`npm run synth -- --env dev`). The commands are in
 * src/cli/program.ts; exit codes in src/cli/exit-codes.ts.
 */
import { exitOnUnexpected, installCatchAll } from './catch-all';
import { createProgram } from './program';

// The CLI boundary: a bug is one line and exit 70, never a stack trace (src/cli/catch-all.ts).
installCatchAll();
createProgram().parseAsync().catch(exitOnUnexpected);
