/**
 * The compile worker's entry (compile.ts starts it). A worker thread starts
 * with none of the loaders of the thread that made it: under `node
 * bin/platform.js` (the image's ENTRYPOINT) there is no `--require` for it to
 * inherit. In a clone (compile.ts beside it) it registers the TypeScript
 * runtime itself, as the CLI does; in the package (dist/, compiled, no tsx)
 * it loads the compiled compile.js.
 */
const { existsSync } = require('node:fs');
const { join } = require('node:path');

if (existsSync(join(__dirname, 'compile.ts'))) {
  require('../runtime.js');
  require('./compile.ts').answerCompileRequests();
} else {
  require('./compile.js').answerCompileRequests();
}
