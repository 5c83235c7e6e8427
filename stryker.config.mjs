// Mutation testing (npm run mutation; not part of npm test: it takes a long time). Stryker changes
// the protocol code one small way at a time and runs the tests that cover each change; a mutant
// no test notices is a rule the tests do not pin. The score per file is in the README.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'src/sip/session-timer.ts',
    // The dialog in its three layers: the core (RFC 3261 §12-§14), the session timer, the owner's side.
    'src/sip/dialog-core.ts',
    'src/sip/session-timer-dialog.ts',
    'src/sip/dialog.ts',
    'src/sip/transaction.ts',
    // The border element's side of RFC 4028 and the relay of mid-call requests, and the wire checks.
    'src/elements/border-element.ts',
    'src/elements/border-element-call.ts',
    'src/elements/relay.ts',
    'src/elements/offer-answer.ts',
    'src/elements/timer-checks.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 15000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
