// Fingerprint regression (as OMNeT++ does it): every shipped experiment must still produce the
// trajectory recorded in test/golden/fingerprints.json. A change of behaviour that is meant
// regenerates the file with `npm run fingerprints`; speed work must leave it untouched.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fingerprints, GOLDEN_FILE } from '../scripts/fingerprints.ts';

describe('fingerprints of the shipped experiments', () => {
  it('match test/golden/fingerprints.json', { timeout: 600_000 }, () => {
    const golden = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as Record<string, string>;
    expect(fingerprints()).toEqual(golden);
  });
});
