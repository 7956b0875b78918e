/** `platform cost` as a process (end-to-end, jest.config.js): its bytes are the core's estimate made in another process. The rest of the command is checked in-process (cost.test.ts). */
import { estimateCost, PRICES_AS_OF } from '../../src/core/index';
import { EXAMPLES_DIR, runCli } from '../support/helpers';

describe('platform cost --env prod --format json, a process', () => {
  it('prints the same bytes as a second estimate in another process', () => {
    const cli = runCli(['cost', '--config', EXAMPLES_DIR, '--env', 'prod', '--format', 'json']);
    expect(cli.status).toBe(0);
    expect(cli.stdout).toBe(
      `${JSON.stringify({ ok: true, pricesAsOf: PRICES_AS_OF, environments: estimateCost(EXAMPLES_DIR, 'prod') }, null, 2)}\n`,
    );
  });
});
