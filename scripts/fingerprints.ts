// The trajectory fingerprint of every shipped experiment (first replication, at most GOLDEN_CALLS
// calls). `npm run fingerprints` writes them to test/golden/fingerprints.json; the test compares.
// Regenerate only for a change of behaviour you mean to make, and say so in the commit.
import { readdirSync, writeFileSync } from 'node:fs';
import { loadExperiment } from '../src/experiment/load.ts';
import { runReplicationSync } from '../src/experiment/run.ts';

export const GOLDEN_CALLS = 1000;
export const GOLDEN_FILE = new URL('../test/golden/fingerprints.json', import.meta.url);

export function fingerprints(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(new URL('../experiments/', import.meta.url)).filter((x) => x.endsWith('.json')).sort()) {
    // At most GOLDEN_CALLS arrivals, also for experiments that run to a time.
    const loaded = loadExperiment(`experiments/${f}`, {});
    const calls = Math.min(loaded.experiment.calls ?? GOLDEN_CALLS, GOLDEN_CALLS);
    out[f] = runReplicationSync(loadExperiment(`experiments/${f}`, { calls }), 0).fingerprint;
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(GOLDEN_FILE, JSON.stringify(fingerprints(), null, 2) + '\n');
  console.log('wrote test/golden/fingerprints.json');
}
