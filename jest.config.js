/** Jest in ESM mode: ts-jest transpiles (type checking is `npm run typecheck`). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }],
  },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts', '<rootDir>/sim/__tests__/**/*.test.ts'],
  testTimeout: 60000,
  // Each end-to-end test spawns `node dist/index.js`; two workers match CI's two cores.
  maxWorkers: 2,
  // With --coverage (npm test): the action's sources as jest runs them in-process. The bundle the
  // end-to-end tests spawn runs in child processes, which jest does not measure.
  collectCoverageFrom: ['src/**/*.ts'],
  coverageProvider: 'v8',
  coverageReporters: ['text-summary'],
}
