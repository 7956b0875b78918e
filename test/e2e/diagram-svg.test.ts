/** `platform diagram --format svg` as a process (end-to-end, jest.config.js): Graphviz in WebAssembly draws the SVG. The diagram's content is checked in-process (diagram.test.ts). */
import { diagramEnvironments } from '../../src/core/index';
import { EXAMPLES_DIR, runCli } from '../support/helpers';

describe('diagram --format svg', () => {
  it('is well-formed XML showing every service, through Graphviz in WebAssembly', () => {
    const cli = runCli(['diagram', '--config', EXAMPLES_DIR, '--env', 'staging', '--format', 'svg']);
    expect(cli.status).toBe(0);
    const { validate } = require('fast-xml-parser') as { validate: (xml: string) => true | { err: unknown } };
    expect(validate(cli.stdout)).toBe(true);
    expect(cli.stdout).toContain('<svg');
    for (const service of ['api', 'web', 'worker']) expect(cli.stdout).toContain(`>service ${service}</text>`);
    expect(cli.stdout).toContain('sidecars: otel');
    expect(diagramEnvironments(EXAMPLES_DIR, 'staging')[0]!.title).toBe('staging');
  });
});
