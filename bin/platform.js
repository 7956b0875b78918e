#!/usr/bin/env node
// The `platform` command (package.json bin). Installed from the package, which ships dist/ and no src/, it runs
// the compiled JavaScript; in a clone of the repository, the TypeScript of src/ through tsx, like the npm scripts
// (so a contributor's edits run without a build, and a stale dist/ is never used).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

if (existsSync(join(__dirname, '..', 'src', 'cli', 'main.ts'))) {
  require('../src/runtime.js');
  // Installed first, so even a failure while the CLI's modules load is one line and exit 70, not a stack trace.
  require('../src/cli/catch-all.ts').installCatchAll();
  require('../src/cli/main.ts');
} else {
  require('../dist/cli/catch-all.js').installCatchAll();
  require('../dist/cli/main.js');
}
