// Fingerprint regression (as OMNeT++ does it): every shipped experiment must still produce the
// trajectory and the counts recorded in test/golden/fingerprints.json, and under harsher settings
// the trajectories in test/golden/harsh-fingerprints.json. A change of behaviour that is meant is
// recorded with `npm run fingerprints -- --update`; speed work leaves both files as they are.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  GOLDEN_FILE,
  HARSH_FILE,
  goldenDiff,
  goldenRecord,
  harshDiff,
  harshRecord,
  type GoldenEntry,
  type HarshEntry,
} from '../scripts/fingerprints.ts';

describe('fingerprints of the shipped experiments', () => {
  it('match test/golden/fingerprints.json, hash and counts', { timeout: 600_000 }, () => {
    const golden = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as Record<string, GoldenEntry>;
    const now = goldenRecord();
    // The readable differences first: a failure names each experiment and figure that moved.
    expect(goldenDiff(golden, now)).toEqual([]);
    expect(now).toEqual(golden);
  });

  it(
    'match test/golden/harsh-fingerprints.json under loss, a short T1, T2 = T1, a 200 ms ring and jitter',
    { timeout: 600_000 },
    () => {
      const golden = JSON.parse(readFileSync(HARSH_FILE, 'utf8')) as Record<string, HarshEntry>;
      const now = harshRecord();
      expect(harshDiff(golden, now)).toEqual([]);
      expect(now).toEqual(golden);
    },
  );
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
