// One benchmark run of W1 with the full model, in its own process so that its peak memory is its
// own: prints one JSON line. Used by scripts/bench.ts; not a test (no time is asserted anywhere).
import { useSimulationHeapPolicy } from '../src/experiment/heap-policy.ts';
import { loadExperiment } from '../src/experiment/load.ts';
import { runReplicationSync } from '../src/experiment/run.ts';

useSimulationHeapPolicy(); // as the cubesim command does
const calls = Number(process.argv[2] ?? 200000);
/**
 * Arrival rate in calls/s (W1's own 50 when not given): 500 keeps about 150,000 calls up at once,
 * so the session limit is lifted above that (W1 sets 100,000) for no call to be refused.
 */
const rate = process.argv[3];
const set = rate === undefined ? [] : [`workload.arrivals.rate=${rate}`, 'capacity.maxSessions=1000000'];
const loaded = loadExperiment(new URL('../experiments/bench-w1.json', import.meta.url).pathname, { calls, set });
const t0 = process.hrtime.bigint();
const r = runReplicationSync(loaded, 0);
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const s = r.summary;
console.log(
  JSON.stringify({
    impl: 'cubesim',
    calls,
    rate: rate === undefined ? 50 : Number(rate),
    completed: s.calls.completed,
    refreshes: s.refreshes.sent,
    events: s.events,
    secs: +secs.toFixed(3),
    callsPerSec: Math.round(calls / secs),
    eventsPerSec: Math.round(s.events / secs),
    peakRssMB: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
    fingerprint: r.fingerprint,
  }),
);
