/**
 * The core's names and defaults that the CLI shows in its help, before it
 * loads the core: `platform --help` reads this file and commander only (the
 * core, with cdktf, the provider bindings, the AWS SDK and Graphviz, loads in
 * a command's action, src/cli/core.ts). Nothing here imports more than
 * constants; the modules that use them import them from here, and
 * src/core/index.ts exports them with the rest of the API.
 */
export { SCHEMA_FILES } from '../config/schema-files';

/** An endpoint for the operations commands' AWS APIs instead of AWS's (LocalStack-like setups, the tests' stand-in). */
export const AWS_ENDPOINT_VARIABLE = 'PLATFORM_AWS_ENDPOINT';

/** How far back each poll of `logs --follow` reaches before the newest event seen, by default. */
export const FOLLOW_LOOKBACK_MS = 30_000;

/** The platforms `lock` hashes by default: linux_amd64 for CI and servers, darwin_arm64 for laptops. */
export const DEFAULT_LOCK_PLATFORMS = ['linux_amd64', 'darwin_arm64'] as const;

/** The formats `diagram` draws. */
export const DIAGRAM_FORMATS = ['mermaid', 'dot', 'svg'] as const;
