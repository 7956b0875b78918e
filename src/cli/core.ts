/**
 * The core API, loaded when a command's action first asks for it: `platform
 * --help`, a usage error and the commands that need little never load cdktf,
 * the provider bindings, the AWS SDK, Graphviz or the controller's server
 * (docs/package.md, Start-up). Types come from `import type` (erased); the help's
 * names and defaults from src/core/names.ts.
 */
import type * as Core from '../core/index';

let loaded: typeof Core | undefined;

export function core(): typeof Core {
  loaded ??= require('../core/index') as typeof Core;
  return loaded;
}
