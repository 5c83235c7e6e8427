import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Simulation tests are CPU-bound; two cores here, so keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    // Every run in the tests, in process or in a child, checks the model's invariants (--check).
    env: { CUBESIM_CHECK: '1' },
  },
});
