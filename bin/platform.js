#!/usr/bin/env node
// The `platform` command (package.json bin): the CLI of src/cli/main.ts, run through tsx like the npm scripts.
require('../src/runtime.js');
// Installed first, so even a failure while the CLI's modules load is one line and exit 70, not a stack trace.
require('../src/cli/catch-all.ts').installCatchAll();
require('../src/cli/main.ts');
