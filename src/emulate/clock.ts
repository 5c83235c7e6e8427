// The simulator's clock driven by the wall clock, for `cubesim emulate`. The model code is the
// same as in a simulated run; only who moves `sim.now` changes: here it is the seconds elapsed
// since the driver started. Events run when the wall clock reaches their time (a Node.js timer
// wakes the driver at `sim.nextTime`), and work that comes from outside (a datagram) runs at the
// wall time it arrives, after every event that was due before it.

import type { Simulator } from '../kernel/simulator.ts';

/** Longest delay a Node.js timer takes (about 24.8 days); a later event is looked at again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class RealTimeDriver {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly origin: number;
  private stopped = false;

  constructor(
    readonly sim: Simulator,
    /** Called after each step (events run, or a datagram handled): bookkeeping of the caller. */
    private readonly afterStep: () => void = () => {},
    /** Gets what a step threw (an invariant violation, a bug): the driver stops first. */
    private readonly onError: (e: unknown) => void = (e) => {
      throw e;
    },
    /** Wall clock in seconds; monotonic. */
    private readonly clock: () => number = () => performance.now() / 1000,
  ) {
    this.origin = clock();
  }

  /** Seconds since the driver started. */
  elapsed(): number {
    return this.clock() - this.origin;
  }

  /** Runs the events due by the wall clock, then sets the simulator's clock to the wall time. */
  private catchUp(): void {
    const t = this.elapsed();
    if (this.sim.nextTime <= t) this.sim.run({ until: t });
    if (this.sim.now < t) this.sim.now = t;
  }

  /** Starts waking up for events. */
  start(): void {
    this.arm();
  }

  /** Runs `work` at the present wall time (something arrived), with every earlier event run first. */
  deliver(work: () => void): void {
    this.step(work);
  }

  private step(work: () => void): void {
    if (this.stopped) return;
    try {
      this.catchUp();
      work();
      this.afterStep();
    } catch (e) {
      this.stop();
      this.onError(e);
      return;
    }
    this.arm();
  }

  /** No more events run; the pending wake-up is cancelled. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped) return;
    const next = this.sim.nextTime;
    if (next === Infinity) return;
    const ms = Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil((next - this.elapsed()) * 1000)));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.step(() => {});
    }, ms);
  }
}
