// calls.csv put into bytes directly is byte for byte the file csv-stringify makes of the same rows
// (callRow's cells, the header once, formula-like texts guarded): whatever the numbers, times and
// texts, however the rows fall into chunks, and whether or not a row has a text to quote or guard.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Call } from '../src/elements/call.ts';
import { CALL_COLUMNS, CallsCsvWriter, callRow } from '../src/output/calls-csv.ts';

const dir = mkdtempSync(join(tmpdir(), 'cubesim-calls-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What csv-stringify writes for these calls' rows. */
const expected = (calls: readonly Call[], replication: number) =>
  stringify(
    calls.map((c) => callRow(c, replication)),
    { header: true, columns: [...CALL_COLUMNS], escape_formulas: true },
  );

let file = 0;
async function written(calls: readonly Call[], replication: number): Promise<string> {
  const path = join(dir, `calls-${file++}.csv`);
  const w = new CallsCsvWriter(path);
  for (const c of calls) if (!w.write(c, replication)) await w.drained();
  await w.close();
  return readFileSync(path, 'utf8');
}

/**
 * Times near where toFixed(6) rounds: whole microseconds, halves of one and a few units in the last
 * place either side, as well as any double, the extremes and times that are not reached (-1).
 */
const time = fc.oneof(
  fc.double({ min: 0, max: 2e6, noNaN: true }),
  fc
    .tuple(
      fc.integer({ min: 0, max: 2e12 }),
      fc.constantFrom(0, 0.5, 0.4999999, 0.5000001),
      fc.integer({ min: -3, max: 3 }),
    )
    .map(([micros, part, ulps]) => {
      let x = (micros + part) / 1e6;
      for (let k = 0; k < Math.abs(ulps); k++) x = nextAfter(x, ulps > 0);
      return x;
    }),
  fc.constantFrom(-1, 0, -0, 5e-7, 1.5e-6, 2.5e-6, 999999.9999995, 1e6, 1e21, 1e20, Infinity, NaN),
);

/** The next double up or down from x (x finite, not negative). */
function nextAfter(x: number, up: boolean): number {
  const b = new Float64Array([x]);
  const i = new BigInt64Array(b.buffer);
  if (x === 0) return up ? Number.MIN_VALUE : 0;
  i[0] = i[0]! + (up ? 1n : -1n);
  return b[0]!;
}

const count = fc.oneof(
  fc.integer({ min: 0, max: 20 }),
  fc.integer({ min: 0, max: 2 ** 32 + 5 }),
  fc.constantFrom(-1, 0.5, NaN, 4294967295, 4294967296),
);
const text = fc.oneof(
  fc.constantFrom(
    'cucm',
    'asr-1002x',
    'completed',
    'dropped',
    'session-expired',
    '',
    'caller',
    'border-element',
    'inbound',
  ),
  fc.string({ unit: fc.constantFrom(...'aZ09_.:|/ -,"\n=+@\'é;'), maxLength: 8 }),
);
const leg = fc.record({
  received: count,
  relayed: count,
  answeredLocally: count,
  rejected: count,
  glare: count,
  sessionExpires: count,
  refresher: text,
});
const call = fc
  .record({
    index: count,
    arrivalAt: time,
    answeredAt: time,
    endedAt: time,
    holding: time,
    callerProfile: text,
    calleeProfile: text,
    outcome: text,
    cause: text,
    leg: text,
    side: text,
    status: count,
    attempts: count,
    features: fc.array(
      fc.record({
        feature: fc.constantFrom('video', 'hold', 'fax'),
        status: fc.constantFrom('succeeded', 'failed'),
        reason: text,
      }),
      { maxLength: 3 },
    ),
    inbound: leg,
    outbound: leg,
    counters: fc.record({ refreshesSent: count, refreshesSucceeded: count, refreshesFailed: count }),
    retried: count,
  })
  .map((c) => c as unknown as Call);

describe('calls.csv put into bytes as calls end', () => {
  it('is the file csv-stringify makes of the same rows', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(call, { maxLength: 40 }), fc.integer({ min: 0, max: 12 }), async (calls, r) => {
        expect(await written(calls, r)).toBe(expected(calls, r));
      }),
      { seed: 4028, numRuns: 300 },
    );
  });

  it('writes every time as toFixed(6) does, next to a rounding edge too', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(time, { minLength: 4, maxLength: 4 }), async ([a, b, e, h]) => {
        const c = {
          ...fc.sample(call, { seed: 1, numRuns: 1 })[0]!,
          arrivalAt: a,
          answeredAt: b,
          endedAt: e,
          holding: h,
        };
        expect(await written([c as Call], 0)).toBe(expected([c as Call], 0));
      }),
      { seed: 3261, numRuns: 2000 },
    );
  });

  it('hands over rows in chunks without losing or splitting one, a long one too', async () => {
    const base = fc.sample(call, { seed: 7, numRuns: 3000 });
    // a plain profile name longer than a chunk, and one to quote that is too
    const long = { ...base[0]!, callerProfile: 'x'.repeat(70_000) } as Call;
    const longQuoted = { ...base[1]!, calleeProfile: 'y,'.repeat(40_000) } as Call;
    const calls = [...base.slice(0, 1500), long, ...base.slice(1500), longQuoted, ...base.slice(0, 10)];
    expect(await written(calls, 3)).toBe(expected(calls, 3));
  });
});
