// Every shipped experiment's promises (the figures its lookAt quotes, as data in the file) on the
// full run, exactly: summary figures to the decimals written, calls.csv and timeseries.csv facts,
// the runs its lookAt names with other settings, and its comparison. The prose quotes the data
// (every promised number is in the lookAt text) and docs/experiments.md quotes nothing else.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadExperiment } from '../src/experiment/load.ts';
import type { Promises } from '../src/experiment/schema.ts';
import { actualFor, compareFor, runFor } from './promises.ts';

const NAMES = readdirSync('experiments')
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .sort();
const fileOf = (name: string) => `experiments/${name}.json`;
const promisesOf = (name: string): Promises => loadExperiment(fileOf(name)).experiment.promises ?? { runs: [] };

/** Sorts object keys so that two values compare by content whatever order their fields came in. */
const canonical = (x: unknown): unknown =>
  JSON.parse(
    JSON.stringify(x, (_k, v: unknown) =>
      v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v,
    ),
  );

/** The numbers a text writes (1,768 and 1768.000 are 1768). */
function numbersIn(text: string): number[] {
  return [...text.matchAll(/(?<![\w.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?/g)].map((m) =>
    Number(m[0].replace(/,/g, '')),
  );
}

/** Every number a promise states. */
function promisedNumbers(p: Promises): number[] {
  const out: number[] = [];
  for (const r of p.runs) {
    out.push(...Object.values(r.summary));
    for (const c of r.calls) {
      if (c.count !== undefined) out.push(c.count);
      if (c.lifetime !== undefined) out.push(...(Array.isArray(c.lifetime) ? c.lifetime : [c.lifetime]));
      for (const v of Object.values(c.columns ?? {})) if (typeof v === 'number') out.push(v);
    }
    for (const t of r.timeseries)
      out.push(...(t.mean !== undefined ? [t.mean] : []), ...(t.range ?? []), ...(t.values ?? []));
  }
  if (p.compare !== undefined) out.push(p.compare.changed, ...Object.values(p.compare.figures).flat());
  return out;
}

describe('every shipped experiment keeps the promises its lookAt makes', () => {
  it.each(NAMES)('%s: has promises, and its lookAt quotes every promised number', (name) => {
    const p = promisesOf(name);
    expect(p.runs.length, 'at least the run of the file as it is').toBeGreaterThan(0);
    const quoted = new Set(numbersIn(loadExperiment(fileOf(name)).experiment.lookAt ?? ''));
    expect(
      promisedNumbers(p).filter((n) => !quoted.has(n)),
      'promised but not in lookAt',
    ).toEqual([]);
  });

  const runs = NAMES.flatMap((name) => promisesOf(name).runs.map((run, i) => ({ name, i, run })));
  it.each(runs)('$name, run $i: the full run gives exactly what is promised', { timeout: 600_000 }, ({ name, run }) => {
    expect(canonical(actualFor(run, runFor(fileOf(name), run)))).toEqual(canonical(run));
  });

  const compares = NAMES.filter((name) => promisesOf(name).compare !== undefined);
  it.each(compares)('%s: cubesim compare changes exactly what is promised', { timeout: 600_000 }, (name) => {
    const c = promisesOf(name).compare!;
    expect(canonical(compareFor(fileOf(name), c))).toEqual(canonical(c));
  });
});

describe('docs/experiments.md', () => {
  /** The table rows of the doc, by the file they describe. */
  const rows = new Map(
    readFileSync('docs/experiments.md', 'utf8')
      .split('\n')
      .flatMap((line) => {
        const m = /^\| `([\w.-]+)\.json` \|(.*)\|$/.exec(line);
        return m === null ? [] : [[m[1]!, m[2]!.split('|').pop()!] as const];
      }),
  );

  it('has a row for every teaching and capacity experiment', () => {
    for (const name of NAMES.filter((n) => n.startsWith('teach-') || n.startsWith('capacity-')))
      expect(rows.has(name), name).toBe(true);
  });

  it.each([...rows.keys()])(
    '%s: the figures in its "what to look at" are promised ones (or the call to trace)',
    (name) => {
      const cell = rows.get(name)!;
      const allowed = new Set(promisedNumbers(promisesOf(name)));
      const trace = /trace call (\d+)/.exec(cell);
      if (trace !== null) allowed.add(Number(trace[1]));
      // Formulas restate the platform's inputs (× 2 legs / 900 s): only the figures after "simulator" and the counts are results.
      // Settings in code spans (`network.outbound.loss=0.05`) are inputs and 09:15 a time of day, not results.
      const figures = numbersIn(
        cell
          .replace(/formula [^;]*;/g, '')
          .replace(/`[^`]*=[^`]*`/g, '')
          .replace(/\b\d{2}:\d{2}\b/g, ''),
      );
      expect(
        figures.filter((n) => !allowed.has(n)),
        `${name}: not promised`,
      ).toEqual([]);
    },
  );
});
