// The golden grid through the simulator: every case's ladder, as the model plays it, is the
// ladder written from the RFC rules in test/golden-grid/*.json, message by message, with the
// session-timer headers, and the moments the rules fix (refresh at SE/2, the non-refresher's BYE
// at SE - min(32, SE/3), the hang-up) within 50 ms (the scenarios put 1 ms on each network hop).
import { describe, expect, it } from 'vitest';
import { gridCases, keyOf, messagesOf, predict } from './golden-grid-cases.ts';

const TIME_TOLERANCE = 0.05;

describe('golden grid, simulator', () => {
  const cases = gridCases();

  it('covers the grid of anchors A.4', () => {
    const ids = cases.map((c) => c.id);
    for (const want of [
      'refresh-by-caller',
      'refresh-by-callee',
      'teardown-by-caller',
      'teardown-by-callee',
      'one-422',
      'two-422',
      'se-below-min-se',
    ])
      expect(ids).toContain(want);
    expect(ids.filter((id) => id.startsWith('min-se-matrix/'))).toHaveLength(9);
  });

  for (const c of cases) {
    it(`${c.id}: the model plays the expected ladder`, () => {
      const call = predict(c);
      const got = messagesOf(call);
      const start = got[0]!.t;
      expect(got.map((e) => keyOf(e.from, e.to, e))).toEqual(c.ladder.map((x) => x.key));
      c.ladder.forEach((x, i) => {
        const e = got[i]!;
        if (x.purpose !== undefined) expect(`${x.text}: ${e.purpose}`).toBe(`${x.text}: ${x.purpose}`);
        if (x.at !== undefined)
          expect(Math.abs(e.t - start - x.at), `${x.text} came at ${(e.t - start).toFixed(3)} s`).toBeLessThanOrEqual(
            TIME_TOLERANCE,
          );
      });
    });
  }
});
