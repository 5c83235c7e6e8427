// The notebooks put every cause the model records into words (src/browser/cause-text.ts): the
// table is checked for completeness by the compiler against the Cause union; here, against the
// causes the shipped teaching and capacity experiments actually record.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Cause } from '../src/elements/call.ts';
import { causeText } from '../src/browser/cause-text.ts';
import { load, run } from './helpers.ts';

const EXPERIMENTS = readdirSync('experiments')
  .filter((f) => /^(teach|capacity)-.*\.json$/.test(f))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

describe('causes in words', () => {
  it('every cause the shipped experiments record has words of its own', () => {
    const seen = new Set<Cause>();
    for (const name of EXPERIMENTS) for (const c of run(load(name, ['calls=200'])).calls) seen.add(c.cause);
    expect(seen.size).toBeGreaterThan(5);
    for (const cause of seen) {
      const text = causeText(cause, 'callee');
      expect(text, cause).not.toBe(cause);
      expect(text.length, cause).toBeGreaterThan(15);
    }
  });

  it('a refusal with a status code says the code; the party is named', () => {
    expect(causeText('setup-486', 'callee')).toBe('the INVITE was refused with 486');
    expect(causeText('session-expired', 'callee')).toMatch(/^the callee hung up because its session timer ran out/);
    expect(causeText('refresh-glare', 'border-element')).toMatch(/^the border element hung up on a 491/);
  });
});
