/**
 * The compile worker's entry (compile.ts starts it). A worker thread starts
 * with none of the loaders of the thread that made it: under `node
 * bin/platform.js` (the image's ENTRYPOINT) there is no `--require` for it to
 * inherit, so it registers the TypeScript runtime itself, as the CLI does.
 */
require('../runtime.js');
require('./compile.ts').answerCompileRequests();
