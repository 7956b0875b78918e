/**
 * Layer rules (docs/layers.md): an import only points down.
 *   front ends  src/cli, src/controller, src/testing, main.ts -> src/core only (its index; the CLI's help also reads src/core/names.ts)
 *   core        src/core                              -> everything below
 *   below       src/stacks -> src/modules ; src/guardrails ; src/cost ; src/diagram ; src/terraform
 *   ground      src/config ; naming, AWS facts, CIDR, values, the ValidationError constructs throw (src/*.ts)
 *   beside      src/verification (the project's own checks and the docs' generated sections, run by
 *               scripts/ and the tests) -> the core and everything below it; nothing of the product
 *               imports it, and the product imports no dev dependency, so an install without them runs
 *   tests       test/unit and test/e2e -> src, test/support, test/fixtures; never each other; the product never imports test/
 * `npm test` runs it (check:layers); a broken rule fails the tests.
 */
const below = (from, allowed, comment) => ({
  name: `${from.replace(/[^a-z]+/g, '-')}-imports-only-down`,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: '^(src|main\\.ts)', pathNot: allowed },
});

module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'modules that import each other', from: { path: '^src' }, to: { circular: true } },
    below(
      '^src/[^/]+\\.ts$',
      '^src/[^/]+\\.ts$',
      'the ground floor (naming, AWS facts, CIDR, values) imports nothing of the project above it',
    ),
    below('^src/config/', '^src/(config/|[^/]+\\.ts$)', 'config imports only the ground floor (the guardrail rule IDs are passed in)'),
    below('^src/modules/', '^src/(modules/|[^/]+\\.ts$)', 'modules take typed props; they never read config'),
    below('^src/guardrails/', '^src/(guardrails/|[^/]+\\.ts$)', 'guardrails read synthesized JSON only'),
    below('^src/cost/', '^src/(cost/|[^/]+\\.ts$)', 'the cost estimate reads synthesized JSON only'),
    below('^src/diagram/', '^src/(diagram/|[^/]+\\.ts$)', 'diagrams read synthesized JSON only'),
    below('^src/terraform/', '^src/(terraform/|[^/]+\\.ts$)', 'the terraform runner knows nothing of config or stacks'),
    below('^src/stacks/', '^src/(stacks/|modules/|config/|[^/]+\\.ts$)', 'stacks map config onto modules'),
    below(
      '^src/core/',
      '^src/(core/|stacks/|modules/|config/|guardrails/|terraform/|cost/|diagram/|[^/]+\\.ts$)',
      'the core sits under the front ends only',
    ),
    below('^src/cli/', '^src/(cli/|core/(index|names)\\.ts$|controller/)', 'the CLI calls the core (and starts the controller)'),
    below(
      '^src/controller/',
      '^src/(controller/|core/index\\.ts$|runtime\\.js$)',
      'the controller calls the core, never a copy and nothing below it (its compile worker registers the TypeScript runtime, src/runtime.js, as a process does)',
    ),
    below('^src/testing/', '^src/(testing/|core/index\\.ts$)', 'the testing helpers for teams call the core'),
    below(
      '^src/verification/',
      '^src/(verification/|core/|stacks/|modules/|config/|guardrails/|terraform/|cost/|diagram/|[^/]+\\.ts$)',
      "the project's own checks may use the product (the core and everything below it), never a front end",
    ),
    {
      name: 'product-never-imports-verification',
      comment: "the product (everything but src/verification) never loads the project's own checks: they need dev dependencies",
      severity: 'error',
      from: { path: '^(src/(?!verification/)|main\\.ts$)' },
      to: { path: '^src/verification/' },
    },
    {
      name: 'product-imports-no-dev-dependency',
      comment:
        'a team installs the production dependencies only: an import of a dev dependency would fail there (a type import too: the shipped .d.ts files keep it)',
      severity: 'error',
      from: { path: '^(src/(?!verification/)|main\\.ts$)' },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'product-never-imports-tests',
      severity: 'error',
      comment: "the product never loads the project's tests or their helpers",
      from: { path: '^(src|main\\.ts)' },
      to: { path: '^tests?/' },
    },
    {
      name: 'test-kinds-apart',
      severity: 'error',
      comment: 'a unit suite never imports an end-to-end suite, nor the other way round: shared helpers go in test/support',
      from: { path: '^test/(unit|e2e)/' },
      to: { path: '^test/(unit|e2e)/', pathNot: '^test/$1/' },
    },
    {
      name: 'test-support-below-suites',
      severity: 'error',
      comment: 'test/support and test/fixtures serve the suites and never import one',
      from: { path: '^test/(support|fixtures)/' },
      to: { path: '^test/(unit|e2e)/' },
    },
    below('^main\\.ts$', '^src/(core/index\\.ts$|cli/(report|catch-all)\\.ts)', 'the cdktf app calls the core (and reports like the CLI)'),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // node_modules is not followed, but not excluded either: the dependency types of npm packages are checked.
    exclude: { path: '^cdktf\\.out' },
    parser: 'swc',
    tsPreCompilationDeps: true,
    moduleSystems: ['cjs', 'es6'],
  },
};
