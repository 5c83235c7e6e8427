import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FOLDING_THREAD_CALLS, FoldingThread, fingerprintFolding } from '../src/experiment/fingerprint-thread.ts';
import { loadExperiment } from '../src/experiment/load.ts';
import { runReplicationSync } from '../src/experiment/replication.ts';
import { EventQueue, type ScheduledEventTarget } from '../src/kernel/event-queue.ts';
import { Fingerprint, joinedTextHash, textHash } from '../src/kernel/fingerprint.ts';
import { RandomStream } from '../src/kernel/random.ts';
import { Priority, Simulator } from '../src/kernel/simulator.ts';

class Log implements ScheduledEventTarget {
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
    const expected = [...Array(1000).keys()]
      .map((i) => [i % 7, i] as [number, number])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
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

  it('handles stay small integers however often a slot is reused, and cancel says whether the event was pending', () => {
    const q = new EventQueue(4);
    const log = new Log();
    let largest = 0;
    for (let i = 0; i < 10_000; i++) {
      const h = q.push(i, 0, log, 0);
      largest = Math.max(largest, h);
      expect(Number.isInteger(h) && h >= 0 && h < 2 ** 30).toBe(true);
      if (i % 2 === 0) expect(q.cancel(h)).toBe(true);
      else expect(q.pop()).toBe(true);
      expect(q.cancel(h)).toBe(false);
    }
    expect(largest).toBeGreaterThan(2 ** 24); // generations are in the handle
  });
});

describe('event queue lanes', () => {
  // Events scheduled `after` a recurring delay go to a first-in-first-out lane; the order seen
  // must be exactly the heap's order: (time, priority, insertion sequence), cancelled ones skipped.
  type Op =
    | { op: 'after'; delay: number; priority: number }
    | { op: 'at'; ahead: number; priority: number }
    | { op: 'cancel'; pick: number }
    | { op: 'pop' }
    | { op: 'popUntil'; ahead: number }
    | { op: 'clock'; shift: number };
  const fixed = [0.02, 0.2, 0.5, 32, 0.5 + 0.25, 1, 90, 148, 2, 4, 0];
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        op: fc.constant('after' as const),
        delay: fc.constantFrom(...fixed),
        priority: fc.integer({ min: 0, max: 2 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('after' as const),
        delay: fc.double({ min: 0, max: 50, noNaN: true }),
        priority: fc.integer({ min: 0, max: 2 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('at' as const),
        ahead: fc.constantFrom(0, 0.5, 3, 32),
        priority: fc.integer({ min: 0, max: 2 }),
      }),
    },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }) },
    { weight: 4, arbitrary: fc.constant({ op: 'pop' as const }) },
    {
      weight: 2,
      arbitrary: fc.record({ op: fc.constant('popUntil' as const), ahead: fc.constantFrom(0, 0.02, 0.3, 1, 40) }),
    },
    // A caller whose `now` moves on by itself, or even back: a lane must then leave it to the heap.
    {
      weight: 1,
      arbitrary: fc.record({ op: fc.constant('clock' as const), shift: fc.constantFrom(-1, -0.5, 0.25, 3) }),
    },
  );

  it('pops in (time, priority, sequence) order, as a sorted reference does, with lanes, heap and cancels mixed', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 400 }), (ops) => {
        const q = new EventQueue(2);
        const log = new Log();
        let now = 0;
        let seq = 0;
        const ref: Array<{ time: number; priority: number; seq: number; id: number; live: boolean }> = [];
        const handles: Array<{ h: number; entry: (typeof ref)[number] }> = [];
        const got: number[] = [];
        const want: number[] = [];
        const popBoth = (limit = Infinity) => {
          const ok = q.popUntil(limit);
          const live = ref
            .filter((e) => e.live && e.time <= limit)
            .sort((a, b) => a.time - b.time || a.priority - b.priority || a.seq - b.seq);
          const next = ref
            .filter((e) => e.live)
            .sort((a, b) => a.time - b.time || a.priority - b.priority || a.seq - b.seq)[0];
          expect(ok).toBe(live.length > 0 && next === live[0]);
          if (!ok) return;
          live[0]!.live = false;
          want.push(live[0]!.id);
          got.push(q.poppedKind);
          expect(q.poppedTime).toBe(live[0]!.time);
          now = q.poppedTime;
        };
        for (const o of ops) {
          if (o.op === 'pop') popBoth();
          else if (o.op === 'popUntil') popBoth(now + o.ahead);
          else if (o.op === 'clock') now = Math.max(0, now + o.shift);
          else if (o.op === 'cancel') {
            if (handles.length === 0) continue;
            const { h, entry } = handles[o.pick % handles.length]!;
            q.cancel(h);
            entry.live = false;
          } else {
            const id = seq++;
            const time = o.op === 'after' ? now + o.delay : now + o.ahead;
            const h =
              o.op === 'after' ? q.pushAfter(now, o.delay, o.priority, log, id) : q.push(time, o.priority, log, id);
            const entry = { time, priority: o.priority, seq: id, id, live: true };
            ref.push(entry);
            handles.push({ h, entry });
          }
          expect(q.size).toBe(ref.filter((e) => e.live).length);
        }
        while (q.size > 0) popBoth();
        expect(q.pop()).toBe(false);
        expect(got).toEqual(want);
      }),
      { seed: 4028, numRuns: 300 },
    );
  });

  it('keeps a lane in order when it wraps around and grows past its first capacity', () => {
    const q = new EventQueue();
    const log = new Log();
    let now = 0;
    const times: number[] = [];
    const popped: number[] = [];
    // 3 scheduled for every 1 taken: the lane's ring wraps (its head moves) and then has to grow.
    for (let i = 0; i < 6000; i++) {
      times.push(now + 0.5);
      q.pushAfter(now, 0.5, 1, log, i);
      if (i % 3 === 2 && q.pop()) {
        popped.push(q.poppedKind);
        now = Math.max(now, q.poppedTime);
      }
      if (i % 500 === 0) now += 0.25; // the clock moves on by itself now and then
    }
    while (q.pop()) popped.push(q.poppedKind);
    // Scheduled in order at times that never decrease: (time, sequence) order is scheduling order.
    const expected = [...times.keys()].sort((a, b) => times[a]! - times[b]! || a - b);
    expect(expected).toEqual([...Array(6000).keys()]);
    expect(popped).toEqual(expected);
  });

  it("leaves to the heap an event whose caller's clock went back, so the lane stays sorted", () => {
    const q = new EventQueue();
    const log = new Log();
    q.pushAfter(10, 0.5, 1, log, 1);
    q.pushAfter(10, 0.5, 1, log, 2); // the lane for 0.5 s exists from here on
    q.pushAfter(5, 0.5, 1, log, 3); // due at 5.5, before both
    const order: number[] = [];
    while (q.pop()) order.push(q.poppedKind);
    expect(order).toEqual([3, 1, 2]);
  });

  it("a lane's handle cancels its own entry while it waits, through the ring's growth, and nothing once it has left", () => {
    const q = new EventQueue();
    const log = new Log();
    const handles: number[] = [];
    for (let i = 0; i < 5000; i++) handles.push(q.pushAfter(0, 0.5, 1, log, i)); // grows the ring twice
    for (const h of handles) expect(Number.isInteger(h) && h >= 0 && h < 2 ** 30).toBe(true);
    for (let i = 0; i < 5000; i += 7) expect(q.cancel(handles[i]!)).toBe(true);
    for (let i = 0; i < 5000; i += 7) expect(q.cancel(handles[i]!)).toBe(false); // already cancelled
    const popped: number[] = [];
    for (let k = 0; k < 100; k++) {
      expect(q.pop()).toBe(true);
      popped.push(q.poppedKind);
    }
    expect(popped).toEqual([...Array(5000).keys()].filter((i) => i % 7 !== 0).slice(0, 100));
    for (const i of popped) expect(q.cancel(handles[i]!)).toBe(false); // fired: a stale handle
    expect(q.cancel(handles[4999]!)).toBe(true); // still waiting at the tail
    let left = 0;
    while (q.pop()) left++;
    expect(left).toBe(5000 - Math.ceil(5000 / 7) - 100 - 1);
    // The ring is used again from where it stopped: new entries get new numbers.
    const h = q.pushAfter(1, 0.5, 1, log, 7);
    expect(handles.includes(h)).toBe(false);
    expect(q.cancel(handles[0]!)).toBe(false);
    expect(q.pop()).toBe(true);
    expect(q.poppedKind).toBe(7);
  });

  it('peekTime agrees with the next pop, skipping cancelled heads of lanes', () => {
    const q = new EventQueue();
    const log = new Log();
    const a = q.pushAfter(0, 0.5, 1, log, 1);
    const b = q.pushAfter(0, 0.5, 1, log, 2);
    q.pushAfter(0, 0.5, 1, log, 3); // third use: the lane exists by now
    q.push(0.75, 1, log, 4);
    q.cancel(a);
    q.cancel(b);
    expect(q.peekTime()).toBe(0.5);
    expect(q.pop()).toBe(true);
    expect(q.poppedKind).toBe(3);
    expect(q.peekTime()).toBe(0.75);
  });
});

describe('event handles', () => {
  it('are small integers to the engine, from the heap and from every lane, the first and the last', () => {
    // A handle the engine holds as a heap number makes every field that stores one keep its value
    // in a box of its own from then on (event-queue.ts, at LANE_HANDLE). Only the engine can tell
    // a small integer from a heap number of the same value: its %IsSmi, in a process of its own.
    const program = `
      import { EventQueue } from './src/kernel/event-queue.ts';
      const q = new EventQueue(4);
      const target = { onEvent() {} };
      const handles = [];
      let notSmall = 0;
      // Looked at as it comes back (an array holding one heap number would make every element one).
      const keep = (h) => {
        if (!%IsSmi(h)) notSmall++;
        handles.push(h);
      };
      for (let i = 0; i < 3000; i++) {
        keep(q.push(i, 0, target, 1));
        // Eight recurring delays: eight lanes, the last ones with the largest handles.
        for (let d = 1; d <= 8; d++) keep(q.pushAfter(i, d, 0, target, 1));
        if (i % 2 === 0) q.cancel(handles[handles.length - 3]);
        q.pop();
      }
      console.log(JSON.stringify({ handles: handles.length, notSmall, largest: Math.max(...handles) }));
    `;
    const r = spawnSync(
      process.execPath,
      ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', program],
      // From the project's folder, whichever folder the tests were started in.
      { encoding: 'utf8', cwd: fileURLToPath(new URL('..', import.meta.url)) },
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { handles: number; notSmall: number; largest: number };
    expect(out.handles).toBe(27000);
    expect(out.largest).toBeGreaterThan(2 ** 29 + 7 * 2 ** 26); // the eighth lane's handles were made
    expect(out.notSmall).toBe(0);
  });
});

describe('simulator', () => {
  it('advances the clock to each event and stops at `until`', () => {
    const sim = new Simulator();
    const times: number[] = [];
    const t: ScheduledEventTarget = { onEvent: () => times.push(sim.now) };
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

  it('under --check, cancelling an event that already fired is reported (a holder kept a stale handle)', () => {
    const sim = new Simulator();
    const t: ScheduledEventTarget = { onEvent: () => {} };
    const h = sim.after(1, t, 0);
    sim.run();
    expect(() => sim.cancel(h)).not.toThrow();
    sim.strictCancels = true;
    expect(() => sim.cancel(h)).toThrow(/stale handle/);
    expect(() => sim.cancel(-1)).not.toThrow();
    const live = sim.after(1, t, 0);
    sim.cancel(live);
    expect(() => sim.cancel(live)).toThrow(/stale handle/);
  });

  it('stops on a condition', () => {
    const sim = new Simulator();
    let n = 0;
    const t: ScheduledEventTarget = {
      onEvent: () => {
        n++;
        sim.after(1, t, 0);
      },
    };
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
    let e = 0,
      l = 0;
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

describe('fingerprint text hashes', () => {
  it('hashes three texts joined by U+0000 as textHash hashes the joined text', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (a, b, c) => {
        expect(joinedTextHash(a, b, c)).toBe(textHash(`${a}\u0000${b}\u0000${c}`));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('fingerprint', () => {
  /** FNV-1a over each word's bytes, lowest first, in two lanes, folded one word at a time. */
  function byteByByte(words: number[]): string {
    let a = 0x811c9dc5,
      b = 0x2545f491;
    for (const x of words) {
      for (let shift = 0; shift < 32; shift += 8) {
        const byte = (x >>> shift) & 0xff;
        a = Math.imul(a ^ byte, 0x01000193);
        b = Math.imul(b ^ byte ^ 0x5a, 0x01000193);
      }
    }
    return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
  }
  const timeWords = (t: number): number[] => {
    const v = new DataView(new ArrayBuffer(8));
    v.setFloat64(0, t);
    return [v.getUint32(0), v.getUint32(4)]; // high word first
  };
  type Step = { int: number } | { time: number } | { text: string };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ int: fc.oneof(fc.integer(), fc.integer({ min: 0, max: 2 ** 32 - 1 })) }),
    fc.record({ time: fc.double({ noNaN: true }) }),
    fc.record({ text: fc.string({ maxLength: 40 }) }),
  );

  /** Folds `s` into `f` and writes the words it stands for into `words`. */
  function fold(f: Fingerprint, words: number[], s: Step): void {
    if ('int' in s) {
      f.int(s.int);
      words.push(s.int);
    } else if ('time' in s) {
      f.time(s.time);
      words.push(...timeWords(s.time));
    } else {
      f.text(s.text);
      for (let i = 0; i < s.text.length; i++) words.push(s.text.charCodeAt(i));
      words.push(s.text.length);
    }
  }

  it('gives the value of folding every word as it comes, whatever the buffer boundaries', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 3000 }), fc.integer({ min: 0, max: 2100 }), (steps, lead) => {
        const f = new Fingerprint();
        const words: number[] = [];
        // Lead words shift the steps across the buffer's boundary (2,048 words).
        for (let i = 0; i < lead; i++) {
          f.int(i);
          words.push(i);
        }
        for (const s of steps) fold(f, words, s);
        expect(f.value).toBe(byteByByte(words));
      }),
      { numRuns: 300, seed: 4028 },
    );
  });

  it('keeps every word of a time or a text that meets the end of the buffer', () => {
    const steps: Step[] = [{ time: 1.5 }, { int: -3 }, { text: 'cube' }, { time: 1e-9 }, { int: 2 ** 32 - 1 }];
    for (let lead = 2030; lead <= 2060; lead++) {
      const f = new Fingerprint();
      const words: number[] = [];
      for (let i = 0; i < lead; i++) {
        f.int(i);
        words.push(i);
      }
      for (let r = 0; r < 3; r++) {
        for (const s of steps) fold(f, words, s);
      }
      expect(f.value, `after ${lead} words`).toBe(byteByByte(words));
    }
  });

  it('folded on a thread of its own: the same value, across the ring of shared blocks many times over', () => {
    const thread = new FoldingThread();
    try {
      const there = new Fingerprint(thread);
      const words: number[] = [];
      const random = new RandomStream('fingerprint-test', 'words');
      // 16 blocks of 16,384 words: about six times round the ring, with values read on the way.
      for (let i = 0; i < 1_500_000; i++) {
        const x = Math.floor(random.uniform() * 2 ** 32) | 0;
        there.int(x);
        words.push(x);
        if (i % 400_000 === 7) expect(there.value).toBe(byteByByte(words));
        if (i % 999 === 0) fold(there, words, { time: i / 3 });
      }
      expect(there.value).toBe(byteByByte(words));
    } finally {
      void thread.close();
    }
  });

  it('a folding thread that has died stops the run with an error instead of leaving it waiting', async () => {
    const dead = new FoldingThread(50);
    await dead.close();
    const f = new Fingerprint(dead);
    // More words than the ring holds: the run must wait for a block that is never folded.
    expect(() => {
      for (let i = 0; i < 17 * 16_384; i++) f.int(i);
      return f.value;
    }).toThrow(/folding thread folded nothing/);
  });

  it('a whole run folded on a thread gives the fingerprint of the run folded in its own thread', () => {
    const loaded = loadExperiment('experiments/teach-f4-refresh-vs-hold.json', { set: ['calls=300'] });
    const here = runReplicationSync(loaded, 0);
    const apart = runReplicationSync(loaded, 0, { fingerprintFolder: () => new FoldingThread() });
    expect(apart.fingerprint).toBe(here.fingerprint);
    expect(apart.summary).toEqual(here.summary);
  });

  it('a run uses a folding thread only with a core to spare and enough calls to earn its start', () => {
    expect(fingerprintFolding(FOLDING_THREAD_CALLS - 1)).toEqual({});
    expect('fingerprintFolder' in fingerprintFolding(FOLDING_THREAD_CALLS)).toBe(availableParallelism() >= 2);
  });

  it('reads the same value twice, and folds on after it is read', () => {
    const f = new Fingerprint();
    f.int(7);
    const first = f.value;
    expect(f.value).toBe(first);
    f.time(1.25);
    expect(f.value).toBe(byteByByte([7, ...timeWords(1.25)]));
  });
});
