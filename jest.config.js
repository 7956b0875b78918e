/**
 * Jest runs TypeScript through @swc/jest (no type-checking: `npm run typecheck` does that).
 * The GitHub client libraries ship only as ES modules, which Jest cannot
 * require: they (and their ESM-only dependencies) are compiled to CommonJS too.
 *
 * Three projects, chosen by folder:
 *   unit  test/unit   in-process only: no child processes, servers or WebAssembly (test/support/in-process.ts refuses them) (`npm test`)
 *   team  tests       the team's tests of their environments, as `platform init` writes them (`npm test`)
 *   e2e   test/e2e    processes, git, real Terraform, servers, Chromium (`npm run test:e2e`)
 * Shared helpers are in test/support, fixtures in test/fixtures. `npx jest FILE` runs one suite of any project.
 */
const esmOnly = [
  '@octokit',
  'commander',
  'universal-user-agent',
  'before-after-hook',
  'fast-content-type-parse',
  'bottleneck',
  'json-with-bigint',
  'content-type',
];
const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }];

/** What every project shares. */
const common = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': swc, '^.+\\.js$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  // Exports an `import` condition only, which Jest's require does not match.
  moduleNameMapper: { '^@octokit/webhooks-methods$': '<rootDir>/node_modules/@octokit/webhooks-methods/dist-node/index.js' },
  setupFilesAfterEnv: ['<rootDir>/test/support/setup.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  // Two workers on two cores (jest's default would be one).
  maxWorkers: 2,
  // A worker that holds more than this after a suite is replaced: the run's peak stays under 1.5 GB.
  workerIdleMemoryLimit: '512MB',
  projects: [
    {
      ...common,
      displayName: 'unit',
      roots: ['<rootDir>/test/unit'],
      setupFilesAfterEnv: [...common.setupFilesAfterEnv, '<rootDir>/test/support/in-process.ts'],
    },
    { ...common, displayName: 'team', roots: ['<rootDir>/tests'] },
    { ...common, displayName: 'e2e', roots: ['<rootDir>/test/e2e'] },
  ],
};
