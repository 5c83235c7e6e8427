// Fingerprint regression (as OMNeT++ does it): every shipped experiment must still produce the
// trajectory and the counts recorded in test/golden/fingerprints.json. A change of behaviour that
// is meant is recorded with `npm run fingerprints -- --update`; speed work leaves the file as it is.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GOLDEN_FILE, goldenDiff, goldenRecord, type GoldenEntry } from '../scripts/fingerprints.ts';

describe('fingerprints of the shipped experiments', () => {
  it('match test/golden/fingerprints.json, hash and counts', { timeout: 600_000 }, () => {
    const golden = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as Record<string, GoldenEntry>;
    const now = goldenRecord();
    // The readable differences first: a failure names each experiment and figure that moved.
    expect(goldenDiff(golden, now)).toEqual([]);
    expect(now).toEqual(golden);
  });
});

describe('the fingerprint sees every header field', () => {
  it('changes when only the Min-SE a caller offers changes, though every count stays the same', async () => {
    const { loadExperiment } = await import('../src/experiment/load.ts');
    const { runReplicationSync } = await import('../src/experiment/run.ts');
    const ran = (minSe: number) =>
      runReplicationSync(
        loadExperiment('experiments/quickstart.json', { calls: 100, set: [`endpoints.cucm.timer.minSe=${minSe}`] }),
        0,
      );
    const a = ran(1800),
      b = ran(1500);
    expect(b.summary).toEqual(a.summary);
    expect(b.fingerprint).not.toBe(a.fingerprint);
  });
});
