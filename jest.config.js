/**
 * ts-jest; tsconfig.json sets isolatedModules, so each file is transpiled on its own (no type
 * checking inside jest — `npm run typecheck` does that once for the whole
 * project before the tests run). Measured on this machine: as fast as
 * @swc/jest, without a platform-specific native binary in the lock file.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', {}],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // CDK synthesis is CPU-heavy; two workers match the two cores CI has.
  maxWorkers: 2,
  testTimeout: 60000,
  // Silence the aws-cdk-lib telemetry/notice output in tests.
  setupFiles: ['<rootDir>/test/setup-env.js'],
};
