#!/usr/bin/env node
// The `platform` command (package.json bin). Installed from the package, which ships dist/ and no src/, it runs
// the compiled JavaScript. In a clone of the repository it runs dist/ too when `npm run build` made it from
// exactly the sources there now (scripts/source-hash.js), and the TypeScript of src/ through tsx otherwise (so a
// contributor's edits run without a build, and a stale dist/ is never used). PLATFORM_FROM_SOURCE=1 always
// runs src/. The command's own modules load in its action (src/cli/core.ts), so --help starts at once.
// Node keeps the compiled code of the modules a command loads (cdktf, the provider's resources, ours) on disk, keyed
// by each file's content, and reuses it on the next run: a tenth of validate's and synth's start. Where the cache
// cannot be written it is skipped; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
require('node:module').enableCompileCache?.();
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const clone = existsSync(join(root, 'src', 'cli', 'main.ts'));
if (clone && (process.env.PLATFORM_FROM_SOURCE === '1' || !require('../scripts/source-hash.js').distIsFresh(root))) {
  require('../src/runtime.js');
  // Installed first, so even a failure while the CLI's modules load is one line and exit 70, not a stack trace.
  require('../src/cli/catch-all.ts').installCatchAll();
  require('../src/cli/main.ts');
} else {
  require('../dist/cli/catch-all.js').installCatchAll();
  require('../dist/cli/main.js');
}
