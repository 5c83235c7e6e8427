// One benchmark run of W1 with the full model, in its own process so that its peak memory is its
// own: prints one JSON line. Used by scripts/bench.ts; not a test (no time is asserted anywhere).
import { Session } from 'node:inspector';
import { fingerprintFolding } from '../src/experiment/fingerprint-thread.ts';
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
/**
 * With CUBESIM_BENCH_ALLOCATION=1, V8's sampling heap profiler watches the run, collected objects
 * included, and a second line says where the bytes were allocated (`npm run bench -- --mode
 * allocation`). The profiler answers synchronously in its own thread.
 */
const session = process.env['CUBESIM_BENCH_ALLOCATION'] === '1' ? new Session() : null;
if (session !== null) {
  session.connect();
  session.post('HeapProfiler.enable');
  session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
}
const t0 = process.hrtime.bigint();
// The fingerprint folded as the cubesim command folds it (on a thread of its own where a core is free).
const r = runReplicationSync(loaded, 0, fingerprintFolding(calls));
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const allocation = session === null ? null : allocationByFunction(session);
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
if (allocation !== null) console.log(JSON.stringify(allocation));

interface SamplingNode {
  callFrame: { functionName: string };
  selfSize: number;
  children: SamplingNode[];
}

/**
 * Bytes allocated per call by the function whose compiled code allocated them (a callee the
 * engine inlined counts as its caller), the ten largest, and the sampled total.
 */
function allocationByFunction(s: Session): Record<string, unknown> {
  let head: SamplingNode | null = null;
  s.post('HeapProfiler.stopSampling', (err, res) => {
    if (err === null) head = (res.profile as unknown as { head: SamplingNode }).head;
  });
  const bytes = new Map<string, number>();
  let total = 0;
  const walk = (n: SamplingNode): void => {
    const name = n.callFrame.functionName || '(anonymous)';
    if (n.selfSize > 0) bytes.set(name, (bytes.get(name) ?? 0) + n.selfSize);
    total += n.selfSize;
    n.children.forEach(walk);
  };
  if (head !== null) walk(head);
  const top = [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 10);
  return {
    impl: 'cubesim (allocation sampled)',
    calls,
    sampledBytesPerCall: Math.round(total / calls),
    bytesPerCallByFunction: Object.fromEntries(top.map(([name, b]) => [name, Math.round(b / calls)])),
  };
}
