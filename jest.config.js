/**
 * Jest runs TypeScript through @swc/jest (no type-checking: `npm run typecheck` does that).
 * The GitHub client libraries ship only as ES modules, which Jest cannot
 * require: they (and their ESM-only dependencies) are compiled to CommonJS too.
 */
const esmOnly = ['@octokit', 'commander', 'universal-user-agent', 'before-after-hook', 'fast-content-type-parse', 'bottleneck', 'json-with-bigint', 'content-type'];
const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }];

/** End-to-end tests (the controller's own processes, git, real Terraform, Chromium, many CLI processes) run as `npm run test:controller`. */
const endToEnd = ['controller\\.test', 'controller-recovery', 'controller-offline', 'controller-load', 'controller-page', 'cli-apply', 'controller-store', 'plan-summary-terraform', 'controller-dynamodb', 'check-backend', 'backend-servers', 'cli-workflow', 'diagram-browser', 'diagram-svg', 'workflows-actionlint', 'dockerfile-terraform', 'cli\\.test', 'cli-synth', 'cli-catch-all', 'operations-cli', 'cost-cli', 'controller-git-credentials', 'database-password-migration', 'controller-emulator', 'plan-base', 'controller-base-plans', 'controller-scaling', 'controller-crash-backend'];

module.exports = {
  testEnvironment: 'node',
  // Two workers on two cores: the CLI suites mostly wait on the processes they start (jest's default would be one).
  maxWorkers: 2,
  // modules-tests: the project's own tests (fixtures only); tests: the team's tests of their environments.
  roots: ['<rootDir>/modules-tests', '<rootDir>/tests'],
  testMatch: process.env.JEST_END_TO_END === '1' ? endToEnd.map((name) => `**/modules-tests/${name.replace('\\.test', '')}.test.ts`) : ['**/*.test.ts'],
  testPathIgnorePatterns: process.env.JEST_END_TO_END === '1' ? [] : endToEnd.map((name) => `/modules-tests/${name}`),
  transform: { '^.+\\.ts$': swc, '^.+\\.js$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  // Exports an `import` condition only, which Jest's require does not match.
  moduleNameMapper: { '^@octokit/webhooks-methods$': '<rootDir>/node_modules/@octokit/webhooks-methods/dist-node/index.js' },
  setupFilesAfterEnv: ['<rootDir>/modules-tests/setup.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
};
