// Protocol and bookkeeping invariants checked while a run goes (--check; always on in tests).
// A violation stops the run at once with the call, the simulated time and the rule broken.

export class InvariantViolation extends Error {
  constructor(
    readonly call: number,
    readonly time: number,
    readonly rule: string,
  ) {
    super(`invariant violated: call ${call} at ${time.toFixed(6)} s: ${rule}`);
    this.name = 'InvariantViolation';
  }
}

/** Where checks report; `enabled` false makes every check a no-op. */
export class Invariants {
  constructor(readonly enabled: boolean) {}

  fail(call: number, time: number, rule: string): never {
    throw new InvariantViolation(call, time, rule);
  }
}

export const NO_CHECKS = new Invariants(false);
