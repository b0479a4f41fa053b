// Jest runs in ESM mode (jose 6 is ESM-only): ts-jest's ESM preset, node --experimental-vm-modules,
// and the .js-suffix mapper from the ts-jest ESM guide. Type checking is done once by `tsc` in `npm test`,
// so ts-jest only transpiles (isolatedModules in tsconfig.json).
const shared = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
};

/** @type {import('jest').Config} */
export default {
  // Integration tests talk to a real Keycloak; a hung test still ends.
  testTimeout: 60_000,
  // `npm test` enforces coverage of the library (the threshold below: untested code fails the build); code run
  // only in child processes (the demo server, the Redis store behind it) is proved by the integration suite but
  // not counted.
  coverageProvider: 'v8',
  // The command line (src/cli/) is proved the same way: test/cli runs it as a process, as users do.
  collectCoverageFrom: ['<rootDir>/src/**/*.ts', '!<rootDir>/src/cli/**'],
  coverageReporters: ['text-summary'],
  coverageThreshold: { global: { statements: 90, branches: 90, functions: 90, lines: 90 } },
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['<rootDir>/test/integration/'],
    },
    {
      // The HTTP-level contract once more, served through the Fastify adapter: the same suites, the same answers.
      ...shared,
      displayName: 'fastify',
      testMatch: ['<rootDir>/test/spec/**/*.test.ts', '<rootDir>/test/security/attack-corpus.test.ts'],
      globals: { DEMO_FRAMEWORK: 'fastify' },
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      // A real Keycloak for the whole project: KEYCLOAK_URL, else testcontainers, else the native distribution.
      globalSetup: '<rootDir>/test/integration/global-setup.mjs',
      globalTeardown: '<rootDir>/test/integration/global-teardown.mjs',
    },
  ],
};
