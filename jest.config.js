/**
 * Jest runs TypeScript through @swc/jest (no type-checking: `npm run typecheck` does that).
 * The GitHub client libraries ship only as ES modules, which Jest on Node 20 cannot
 * require: they (and their ESM-only dependencies) are compiled to CommonJS too.
 */
const esmOnly = ['@octokit', 'universal-user-agent', 'before-after-hook', 'fast-content-type-parse', 'bottleneck', 'json-with-bigint', 'content-type'];
const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }];

/** The controller's end-to-end tests (its own processes, git, real Terraform, Chromium) run as `npm run test:controller`. */
const endToEnd = ['controller\\.test', 'controller-recovery', 'controller-offline', 'controller-load', 'controller-page'];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/modules-tests'],
  testMatch: process.env.JEST_END_TO_END === '1' ? endToEnd.map((name) => `**/${name.replace('\\.test', '')}.test.ts`) : ['**/*.test.ts'],
  testPathIgnorePatterns: process.env.JEST_END_TO_END === '1' ? [] : endToEnd.map((name) => `/modules-tests/${name}`),
  transform: { '^.+\\.ts$': swc, '^.+\\.js$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  // Exports an `import` condition only, which Jest's require does not match.
  moduleNameMapper: { '^@octokit/webhooks-methods$': '<rootDir>/node_modules/@octokit/webhooks-methods/dist-node/index.js' },
  setupFilesAfterEnv: ['<rootDir>/modules-tests/setup.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
};
