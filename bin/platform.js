#!/usr/bin/env node
// The `platform` command (package.json bin): the CLI of src/cli/main.ts, run through tsx like the npm scripts.
require('../src/runtime.js');
require('../src/cli/main.ts');
