// What a run keeps of calls that are over: nothing, once nothing in flight refers to them. The
// run-wide table of transactions' waits for retransmissions (src/sip/linger-table.ts; a queue of
// the transactions themselves before it) holds ports, and through them whole calls; a wait held
// after a refusal kept every refused call 32 s (found in review). Reachability is read after forced full
// collections, which is deterministic: no time is measured.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Call } from '../src/elements/call.ts';
import { replicationSteps } from '../src/experiment/replication.ts';
import { load } from './helpers.ts';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** Collects until WeakRefs made in earlier turns may be cleared, then counts those still set. */
async function stillReachable(refs: readonly WeakRef<Call>[]): Promise<number> {
  for (let i = 0; i < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    collect();
  }
  return refs.filter((r) => r.deref() !== undefined).length;
}

describe('calls that are over are not kept by the run', () => {
  it('refused calls (503 at the admission limit, then Timer D) and ended calls go as soon as they are over', async () => {
    // capacity-admission-limit at five times its rate: many refusals, and calls ending by BYE.
    const loaded = load('capacity-admission-limit', ['workload.arrivals.rate=50'], { calls: 4000 });
    const finished: WeakRef<Call>[] = [];
    const steps = replicationSteps(loaded, 0, { check: false, onCall: (c) => finished.push(new WeakRef(c)) });
    let s = steps.next();
    while (!s.done && s.value.simulatedSeconds < 90) s = steps.next(true);
    expect(s.done).toBe(false);
    expect(finished.length).toBeGreaterThan(1000);
    const refused = finished.filter((r) => r.deref()?.outcome === 'rejected').length;
    expect(refused).toBeGreaterThan(100);
    // Only a call that ended within 32 s of a 2xx wait may still be held (until the wait ends).
    expect(await stillReachable(finished)).toBeLessThan(finished.length / 100);
    steps.return(undefined as never);
  });
});
