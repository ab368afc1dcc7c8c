import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts', '**/*.test.tsx'],
    exclude: ['node_modules/**', 'out/**', 'e2e/**/*.spec.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 180_000,
    // Keychain and SQLite tests touch process-wide state (the Secret Service collection, temp dirs);
    // two forks keep the 2-core CI machine busy without starving the kube sandbox.
    maxWorkers: 2,
  },
});
