import { describe, expect, it } from 'vitest';
import { EventQueue, type EventTarget } from '../src/kernel/event-queue.ts';
import { RandomStream } from '../src/kernel/random.ts';
import { Priority, Simulator } from '../src/kernel/simulator.ts';

class Log implements EventTarget {
  readonly seen: number[] = [];
  onEvent(kind: number): void {
    this.seen.push(kind);
  }
}

describe('event queue order', () => {
  it('runs by time, then priority, then insertion sequence', () => {
    const q = new EventQueue(2);
    const log = new Log();
    q.push(5, 1, log, 1);
    q.push(1, 2, log, 2);
    q.push(1, 0, log, 3);
    q.push(1, 2, log, 4);
    q.push(0.5, 9, log, 5);
    q.push(1, 0, log, 6);
    const order: number[] = [];
    while (q.pop()) order.push(q.poppedKind);
    expect(order).toEqual([5, 3, 6, 2, 4, 1]);
  });

  it('keeps order through growth with many equal times', () => {
    const q = new EventQueue(4);
    const log = new Log();
    for (let i = 0; i < 1000; i++) q.push(i % 7, 0, log, i);
    const out: Array<[number, number]> = [];
    while (q.pop()) out.push([q.poppedTime, q.poppedKind]);
    const expected = [...Array(1000).keys()].map((i) => [i % 7, i] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(out).toEqual(expected);
  });

  it('skips cancelled events; a stale handle cancels nothing', () => {
    const q = new EventQueue();
    const log = new Log();
    const a = q.push(1, 0, log, 1);
    q.push(2, 0, log, 2);
    q.cancel(a);
    expect(q.size).toBe(1);
    expect(q.pop()).toBe(true);
    expect(q.poppedKind).toBe(2);
    // slot of `a` is reused by the next push; cancelling `a` again must not touch it
    const b = q.push(3, 0, log, 3);
    q.cancel(a);
    expect(q.size).toBe(1);
    expect(q.pop()).toBe(true);
    expect(q.poppedKind).toBe(3);
    q.cancel(b);
    expect(q.pop()).toBe(false);
  });
});

describe('simulator', () => {
  it('advances the clock to each event and stops at `until`', () => {
    const sim = new Simulator();
    const times: number[] = [];
    const t: EventTarget = { onEvent: () => times.push(sim.now) };
    sim.after(3, t, 0);
    sim.after(1, t, 0);
    sim.after(10, t, 0, Priority.arrival);
    expect(sim.run({ until: 5 })).toBe('until');
    expect(times).toEqual([1, 3]);
    expect(sim.now).toBe(5);
    expect(sim.run()).toBe('drained');
    expect(times).toEqual([1, 3, 10]);
  });

  it('refuses to schedule in the past', () => {
    const sim = new Simulator();
    sim.after(2, { onEvent: () => {} }, 0);
    sim.run();
    expect(() => sim.at(1, { onEvent: () => {} }, 0)).toThrow(/past/);
  });

  it('stops on a condition', () => {
    const sim = new Simulator();
    let n = 0;
    const t: EventTarget = { onEvent: () => { n++; sim.after(1, t, 0); } };
    sim.after(0, t, 0);
    expect(sim.run({ stopWhen: () => n === 5 })).toBe('condition');
    expect(n).toBe(5);
  });
});

describe('random streams', () => {
  it('gives the same sequence for the same seed and name, another for another name', () => {
    const a = new RandomStream(7, 'arrivals');
    const b = new RandomStream(7, 'arrivals');
    const c = new RandomStream(7, 'holding');
    const xs = [a.uniform(), a.uniform(), a.uniform()];
    expect([b.uniform(), b.uniform(), b.uniform()]).toEqual(xs);
    expect(c.uniform()).not.toBe(xs[0]);
  });

  it('draws back-off in 10 ms steps within the RFC 3261 §14.1 windows', () => {
    const r = new RandomStream(1, 'backoff/0');
    for (let i = 0; i < 2000; i++) {
      const owner = r.steps(2.1, 4.0, 0.01);
      expect(owner).toBeGreaterThanOrEqual(2.1 - 1e-9);
      expect(owner).toBeLessThanOrEqual(4.0 + 1e-9);
      expect(Math.abs(owner * 100 - Math.round(owner * 100))).toBeLessThan(1e-6);
      const other = r.steps(0, 2.0, 0.01);
      expect(other).toBeGreaterThanOrEqual(0);
      expect(other).toBeLessThanOrEqual(2.0 + 1e-9);
    }
  });

  it('has the right means for exponential and lognormal', () => {
    const r = new RandomStream(3, 'holding');
    let e = 0, l = 0;
    const n = 200000;
    for (let i = 0; i < n; i++) {
      e += r.exponential(300);
      l += r.lognormal(300, 200);
    }
    expect(e / n).toBeGreaterThan(297);
    expect(e / n).toBeLessThan(303);
    expect(l / n).toBeGreaterThan(297);
    expect(l / n).toBeLessThan(303);
  });
});
