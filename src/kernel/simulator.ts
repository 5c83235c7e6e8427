// The simulated clock and the loop that advances it. Nothing here knows about SIP: the target of
// an event is anything with onEvent(kind) (a ScheduledEventTarget). The clock only moves forward,
// to the time of the event being run.
import { EventQueue, NO_EVENT, type EventHandle, type ScheduledEventTarget } from './event-queue.ts';
import { InvariantViolation } from './invariants.ts';

export { NO_EVENT, type EventHandle, type ScheduledEventTarget };

/** Lower runs first among events due at the same instant (see event-queue.ts for the order). */
export const Priority = {
  /** Message deliveries: a message that arrives at t is seen before timers due at t. */
  delivery: 0,
  timer: 1,
  /** New call arrivals run after everything else due at the same instant. */
  arrival: 2,
} as const;

export interface RunLimits {
  /** Stop before the first event later than this simulated time (seconds). */
  until?: number;
  /** Checked after every event; stop as soon as it is true. */
  stopWhen?: () => boolean;
}

export type StopReason = 'drained' | 'until' | 'condition' | 'stopped';

export class Simulator {
  now = 0;
  /** Events run so far. */
  events = 0;
  private readonly queue = new EventQueue(4096);
  private stopRequested = false;

  /** Schedules `target.onEvent(kind, data)` after `delay` seconds. */
  after(
    delay: number,
    target: ScheduledEventTarget,
    kind: number,
    priority: number = Priority.timer,
    data: unknown = null,
  ): EventHandle {
    return this.queue.pushAfter(this.now, delay, priority, target, kind, data);
  }

  /** Schedules `target.onEvent(kind, data)` at absolute simulated time `time` (not before now). */
  at(
    time: number,
    target: ScheduledEventTarget,
    kind: number,
    priority: number = Priority.timer,
    data: unknown = null,
  ): EventHandle {
    if (time < this.now) throw new Error(`scheduling in the past: ${time} < ${this.now}`);
    return this.queue.push(time, priority, target, kind, data);
  }

  /**
   * A place in the order of events at equal time and priority, taken now for an event that may
   * be scheduled later with `atPlace`: a time-out that is put in the queue only when it is near,
   * say, orders among the events due at its instant as it would have had it been set now.
   */
  takePlace(): number {
    return this.queue.takePlace();
  }

  /** As `at`, in the place taken earlier with `takePlace`. */
  atPlace(
    time: number,
    place: number,
    target: ScheduledEventTarget,
    kind: number,
    priority: number = Priority.timer,
  ): EventHandle {
    if (time < this.now) throw new Error(`scheduling in the past: ${time} < ${this.now}`);
    return this.queue.pushInPlace(time, priority, place, target, kind);
  }

  /**
   * Set by --check: cancelling an event that already fired or was cancelled is an error. Holders
   * clear a handle when its event fires; a stale one would, once its slot is reused, cancel
   * someone else's event.
   */
  strictCancels = false;

  /** Cancels the event if it is still pending; true when it was. */
  cancel(handle: EventHandle): boolean {
    const pending = this.queue.cancel(handle);
    if (!pending && handle !== NO_EVENT && this.strictCancels) {
      throw new InvariantViolation(
        -1,
        this.now,
        `an event was cancelled after it had fired or been cancelled (handle ${handle}): its holder kept a stale handle`,
      );
    }
    return pending;
  }

  /**
   * For checks only: counts pending events per key of their target from now on (`keyOf` maps a
   * target to whatever owns it), for `pendingFor`. Call before scheduling anything.
   */
  countPendingBy(keyOf: (target: ScheduledEventTarget) => unknown): void {
    this.queue.countPendingBy(keyOf);
  }

  /** Pending events whose target's key is `key` (after countPendingBy). */
  pendingFor(key: unknown): number {
    return this.queue.pendingFor(key);
  }

  get pending(): number {
    return this.queue.size;
  }

  /** Time of the next event due (Infinity when none): lets a real-time driver sleep until then. */
  get nextTime(): number {
    return this.queue.peekTime();
  }

  /** Asks the running loop to return after the current event. */
  stop(): void {
    this.stopRequested = true;
  }

  run(limits: RunLimits = {}): StopReason {
    const q = this.queue;
    const until = limits.until ?? Infinity;
    const stopWhen = limits.stopWhen;
    this.stopRequested = false;
    for (;;) {
      if (!q.popUntil(until)) {
        // Nothing left, or the next event is after `until` (the clock then stops at `until`).
        if (q.size === 0) return 'drained';
        if (until !== Infinity && until > this.now) this.now = until;
        return 'until';
      }
      if (q.poppedTime < this.now)
        throw new Error(`invariant violated: the clock went back from ${this.now} to ${q.poppedTime}`);
      this.now = q.poppedTime;
      this.events++;
      q.poppedTarget!.onEvent(q.poppedKind, q.poppedData);
      if (this.stopRequested) return 'stopped';
      if (stopWhen !== undefined && stopWhen()) return 'condition';
    }
  }
}
