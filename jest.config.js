// @ts-check
/** @type {import('jest').Config['transform']} */
const transform = {
  '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
};

/**
 * Two projects: `unit` (pure domain, and adapters with mocked SDK clients; no
 * network) and `integration` (the real local stack, started once in global
 * setup and driven over HTTP with the AWS SDK).
 *
 * @type {import('jest').Config}
 */
module.exports = {
  // Integration tests wait on a real stack; unit tests finish far sooner anyway.
  testTimeout: 60_000,
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/tests/unit/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
    },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/tests/integration/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
      setupFiles: ['<rootDir>/tests/setupEnvironment.ts'],
      globalSetup: '<rootDir>/tests/integration/globalSetup.ts',
      globalTeardown: '<rootDir>/tests/integration/globalTeardown.ts',
    },
  ],
};
