/**
 * Two groups of tests. `db` tests open a database: PGlite in memory by
 * default, the PostgreSQL at DATABASE_URL when set (`.ci/run` runs them both
 * ways). Files named *.db.test.ts are database tests.
 * @type {import('jest').Config}
 */
const swc = [
  '@swc/jest',
  {
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs', ignoreDynamic: true },
  },
];

const common = {
  transform: { '^.+\\.ts$': swc },
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.db\\.test\\.ts$'],
    },
    {
      ...common,
      displayName: 'db',
      testMatch: ['<rootDir>/test/**/*.db.test.ts'],
    },
  ],
  testTimeout: 60_000,
};
