// What a run keeps of calls that are over: nothing, once nothing in flight refers to them (the
// parts kept for reuse let go of their call then, and clear its record for a later call:
// src/elements/call-parts.ts). The run-wide table
// of transactions' waits for retransmissions (src/sip/linger-table.ts; a queue of the transactions
// themselves before it) holds ports, and through them whole calls; a wait held after a refusal
// kept every refused call 32 s (found in review). Reachability is read after forced full
// collections, which is deterministic: no time is measured.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Call } from '../src/elements/call.ts';
import { CubeSimulation } from '../src/elements/simulation.ts';
import { load } from './helpers.ts';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

interface Reported {
  ref: WeakRef<Call>;
  index: number;
  outcome: string;
}

/**
 * Collects until WeakRefs made in earlier turns may be cleared, then counts the calls still held:
 * records still reachable and still theirs (an untraced call's record may serve a later call once
 * its parts let go of it, Call.reuse: it is then another call's, or waits cleared, index -1).
 */
async function stillHeld(reported: readonly Reported[]): Promise<number> {
  for (let i = 0; i < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    collect();
  }
  return reported.filter((r) => r.ref.deref()?.index === r.index).length;
}

describe('calls that are over are not kept by the run', () => {
  // capacity-admission-limit at five times its rate: many refusals, and calls ending by BYE; its
  // calls in progress peak early, so that many finished calls' parts rest unused.
  for (const reuse of [false, true]) {
    it(`refused calls (503 at the admission limit, then Timer D) and ended calls go as soon as they are over (${reuse ? 'their parts kept for reuse' : 'no parts reused'})`, async () => {
      const loaded = load('capacity-admission-limit', ['workload.arrivals.rate=50'], { calls: 4000 });
      const sim = new CubeSimulation({ ...loaded.spec, seed: 1 });
      sim.reuseCallParts = reuse;
      sim.reuseCallRecords = reuse;
      const finished: Reported[] = [];
      sim.onCall = (c) => finished.push({ ref: new WeakRef(c), index: c.index, outcome: c.outcome });
      sim.begin({ calls: 4000 });
      sim.advance(90);
      expect(finished.length).toBeGreaterThan(1000);
      const refused = finished.filter((r) => r.outcome === 'rejected').length;
      expect(refused).toBeGreaterThan(100);
      // Only a call that ended within reach of a 2xx wait may still be held (until its row's place
      // in the table is written again, or its transaction, spare, is taken up again), or one whose
      // parts are not yet seen idle (they let go of it then).
      const waiting = sim.callPartsWaiting;
      if (!reuse) expect(sim.restingCallParts).toBe(0);
      else {
        expect(sim.callPartsReused).toBeGreaterThan(1000);
        expect(sim.restingCallParts).toBeGreaterThan(500); // the calls in progress peaked early
      }
      expect(await stillHeld(finished)).toBeLessThan(waiting + finished.length / 100);
    });
  }
});
