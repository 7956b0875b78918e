/**
 * Preloaded by every npm script and the cdktf app (`node --require
 * ./src/runtime.js <file>.ts`): loads the libraries that every command uses,
 * then registers tsx to run the project's TypeScript. In that order because
 * tsx inspects each file loaded after it (for ES module syntax) and turns on
 * source maps, which makes Node parse the large inline maps of cdktf; loaded
 * first, these libraries start in about half the time.
 */
require('cdktf');
require('constructs');
require('commander');
require('yaml');
require('zod');
require('tsx/cjs');
