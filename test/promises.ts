// Checking an experiment's promises (its `promises` field: the figures its lookAt quotes) on the
// full run. Shared by test/promises.test.ts and scripts/promises.ts, which prints what a run gives.
import { callRow, CALL_COLUMNS } from '../src/output/calls-csv.ts';
import { loadExperiment } from '../src/experiment/load.ts';
import { runReplicationSync, stepsToEnd } from '../src/experiment/run.ts';
import { flatten } from '../src/experiment/statistics.ts';
import { compareSteps, type Comparison } from '../src/experiment/compare.ts';
import type { TimeseriesRow } from '../src/output/timeseries-csv.ts';
import type { Promises } from '../src/experiment/schema.ts';

type Run = Promises['runs'][number];
type Cells = Record<string, string | number>;

/** Decimals written in a number (0.089 has 3): a promised figure is compared at that precision. */
export function decimalsOf(x: number): number {
  const s = String(x);
  return s.includes('.') ? s.length - s.indexOf('.') - 1 : 0;
}

export const atPrecisionOf = (actual: number, promised: number): number => Number(actual.toFixed(decimalsOf(promised)));

/** The timeseries.csv row of a sample, by column name. */
function seriesCells(r: TimeseriesRow): Cells {
  return {
    t_start_s: r.tStart,
    active_calls: r.activeCalls,
    call_attempts: r.callAttempts,
    refresh_tps_inbound: r.refreshTpsInbound,
    refresh_tps_outbound: r.refreshTpsOutbound,
    reinvites_relayed: r.reinvitesRelayed,
    reinvites_answered_locally: r.reinvitesAnsweredLocally,
    cpu_utilisation: r.cpuUtilisation,
    drops: r.drops,
    rejects: r.rejects,
  };
}

export interface RunOutcome {
  summary: Record<string, number>;
  calls: Cells[];
  series: Cells[];
}

/** The run a promise is about: the experiment changed as it says, first replication, every call. */
export function runFor(file: string, p: Pick<Run, 'set' | 'config' | 'platform'>): RunOutcome {
  const loaded = loadExperiment(file, {
    set: p.set,
    ...(p.config !== undefined ? { config: p.config } : {}),
    ...(p.platform !== undefined ? { platform: p.platform } : {}),
  });
  const calls: Cells[] = [];
  const series: Cells[] = [];
  const r = runReplicationSync(loaded, 0, {
    onCall: (c) => {
      const row = callRow(c, 0);
      calls.push(Object.fromEntries(CALL_COLUMNS.map((k, i) => [k, row[i]!])));
    },
    onSample: (s) => series.push(seriesCells(s)),
  });
  return { summary: flatten(r.summary), calls, series };
}

const matches = (row: Cells, where: Cells) => Object.entries(where).every(([k, v]) => String(row[k]) === String(v));
const lifetimeOf = (row: Cells) => Number(row['ended_s']) - Number(row['answered_s']);

/** What the run gives for each thing the promise names, in the promise's own shape (to compare with toEqual). */
export function actualFor(p: Run, ran: RunOutcome): Run {
  const summary: Record<string, number> = {};
  for (const [k, v] of Object.entries(p.summary))
    summary[k] = ran.summary[k] === undefined ? NaN : atPrecisionOf(ran.summary[k], v);
  const calls = p.calls.map((c) => {
    const rows = ran.calls.filter((r) => matches(r, c.where));
    const out: Run['calls'][number] = { where: c.where, ...(c.decimals !== undefined ? { decimals: c.decimals } : {}) };
    if (c.count !== undefined) out.count = rows.length;
    if (c.lifetime !== undefined) {
      const places = c.decimals ?? decimalsOf(Array.isArray(c.lifetime) ? c.lifetime[0] : c.lifetime);
      const lives = rows.map((r) => Number(lifetimeOf(r).toFixed(places)));
      const lo = Math.min(...lives),
        hi = Math.max(...lives);
      out.lifetime = Array.isArray(c.lifetime) ? [lo, hi] : lo === hi ? lo : [lo, hi];
    }
    if (c.columns !== undefined) {
      const cols: Cells = {};
      for (const k of Object.keys(c.columns)) {
        const seen = [...new Set(rows.map((r) => String(r[k])))];
        cols[k] =
          seen.length === 1
            ? typeof c.columns[k] === 'number'
              ? Number(seen[0])
              : seen[0]!
            : `mixed: ${seen.slice(0, 5).join(', ')}`;
      }
      out.columns = cols;
    }
    return out;
  });
  const timeseries = p.timeseries.map((t) => {
    const rows = ran.series
      .filter((r) => Number(r['t_start_s']) >= t.from && (t.to === undefined || Number(r['t_start_s']) < t.to))
      .map((r) => Number(r[t.column]));
    const out: Run['timeseries'][number] = {
      column: t.column,
      from: t.from,
      ...(t.to !== undefined ? { to: t.to } : {}),
    };
    if (t.mean !== undefined) out.mean = atPrecisionOf(rows.reduce((a, x) => a + x, 0) / rows.length, t.mean);
    if (t.range !== undefined)
      out.range = [atPrecisionOf(Math.min(...rows), t.range[0]), atPrecisionOf(Math.max(...rows), t.range[1])];
    if (t.values !== undefined) out.values = rows.map((x, i) => atPrecisionOf(x, t.values![i] ?? 0));
    return out;
  });
  return {
    set: p.set,
    ...(p.config !== undefined ? { config: p.config } : {}),
    ...(p.platform !== undefined ? { platform: p.platform } : {}),
    summary,
    calls,
    timeseries,
  };
}

/** `--a` / `--b` words as the loader takes them: path=value overrides, and config/platform. */
function side(words: readonly string[]): { set: string[]; config?: string; platform?: string } {
  const set: string[] = [];
  let config: string | undefined, platform: string | undefined;
  for (const w of words) {
    const m = /^platform=(.*)$/.exec(w);
    if (m !== null) platform = m[1]!;
    else if (/^[A-Za-z_$][\w$.-]*=/.test(w)) set.push(w);
    else config = w;
  }
  return { set, ...(config !== undefined ? { config } : {}), ...(platform !== undefined ? { platform } : {}) };
}

export function compareFor(file: string, c: NonNullable<Promises['compare']>): NonNullable<Promises['compare']> {
  const load = (w: readonly string[]) => {
    const s = side(w);
    return loadExperiment(file, {
      set: s.set,
      ...(s.config !== undefined ? { config: s.config } : {}),
      ...(s.platform !== undefined ? { platform: s.platform } : {}),
    });
  };
  const cmp: Comparison = stepsToEnd(compareSteps(load(c.a), load(c.b), 0))!;
  const figures: Record<string, [number, number]> = {};
  for (const [k, [a, b]] of Object.entries(c.figures)) {
    const d = cmp.deltas[k];
    figures[k] = d === undefined ? [NaN, NaN] : [atPrecisionOf(d.a, a), atPrecisionOf(d.b, b)];
  }
  return { a: c.a, b: c.b, changed: cmp.changed.filter((x) => x.replication === 0).length, figures };
}
