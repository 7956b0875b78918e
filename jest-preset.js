/**
 * The jest preset of a team's configuration repository: its package.json says
 * `"jest": { "preset": "fargate-platform" }` and nothing more. Tests are
 * tests/**\/*.test.ts, compiled by @swc/jest (a devDependency of the team's
 * project, which `platform init` writes; no type-checking in the loop), with
 * cdktf's matchers installed. The helpers are `fargate-platform/testing`.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  setupFilesAfterEnv: [require.resolve('./dist/testing/jest-setup.js')],
  moduleFileExtensions: ['ts', 'js', 'json'],
};
