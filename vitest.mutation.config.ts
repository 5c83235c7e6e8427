// The tests Stryker runs against each mutant (npm run mutation): the in-process tests of the
// protocol and the model. Left out: tests that drive the command in child processes (a child
// runs the code unmutated, so they only cost time: the golden grid runs cubesim trace), browser
// and tool tests, the full runs of the shipped experiments (minutes per mutant), and the golden
// fingerprints, so that the score says what the named tests catch, not what a hash notices.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/session-timer.test.ts',
      'test/transactions.test.ts',
      'test/dialog.test.ts',
      'test/fidelity.test.ts',
      'test/mutants.test.ts',
      'test/model.test.ts',
      'test/midcall.test.ts',
      'test/failure-modes.test.ts',
      'test/invariants.test.ts',
      'test/properties.test.ts',
    ],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 120_000,
    env: { CUBESIM_CHECK: '1' },
  },
});
