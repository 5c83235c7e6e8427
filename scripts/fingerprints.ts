// Prints the trajectory fingerprint of every shipped experiment (first replication, at most 3000
// calls), as JSON: the golden values that speed work must leave unchanged (npm run fingerprints).
import { readdirSync } from 'node:fs';
import { loadExperiment } from '../src/experiment/load.ts';
import { runReplicationSync } from '../src/experiment/run.ts';

export const GOLDEN_CALLS = 3000;

export function fingerprints(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(new URL('../experiments/', import.meta.url)).filter((x) => x.endsWith('.json')).sort()) {
    const loaded = loadExperiment(`experiments/${f}`, {});
    const calls = loaded.experiment.calls === undefined ? undefined : Math.min(loaded.experiment.calls, GOLDEN_CALLS);
    const l = calls === undefined ? loaded : loadExperiment(`experiments/${f}`, { calls });
    out[f] = runReplicationSync(l, 0).fingerprint;
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(fingerprints(), null, 2));
