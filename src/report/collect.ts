// Gathers what a report shows from a results folder: a run (summary.json, manifest.json,
// timeseries.csv, histograms.json, calls.csv), a sweep (sweep.json) or a comparison
// (compare.json, changed-calls.csv). For a run, one sample call of each outcome is replayed from
// the manifest with its ladder traced: the same seed gives the same call.

import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { InputError } from '../errors.ts';
import { displayPath, loadFromManifest, parseJsonText } from '../experiment/load.ts';
import { CUBESIM_VERSION, runReplicationSync } from '../experiment/run.ts';
import { estimate } from '../experiment/statistics.ts';
import type { CompareReport, ReportData, RunReport, SweepReport } from './data.ts';
import { traceToJson, type TracedCall } from '../results/ladder.ts';
import type { Histogram, TimeseriesPoint } from '../results/series.ts';
import type { RunSummary } from '../results/summary.ts';

/**
 * A JSON file of a results folder, as the command that wrote it laid it out (the folder's
 * manifest.json names that command; a file edited by hand is read as it stands).
 */
function readJson<T>(dir: string, name: string): T {
  const path = join(dir, name);
  const file = displayPath(path);
  if (!existsSync(path))
    throw new InputError(file, undefined, `not found; a results folder of cubesim run, sweep or compare has ${name}`);
  return parseJsonText(readFileSync(path, 'utf8'), file) as T;
}

/** Which kind of results folder `dir` is. */
export function resultsKind(dir: string): 'run' | 'sweep' | 'compare' {
  if (existsSync(join(dir, 'compare.json'))) return 'compare';
  if (existsSync(join(dir, 'sweep.json'))) return 'sweep';
  if (existsSync(join(dir, 'summary.json')) && existsSync(join(dir, 'manifest.json'))) return 'run';
  throw new InputError(
    displayPath(dir),
    undefined,
    'not a results folder: expected summary.json and manifest.json (run), sweep.json (sweep) or compare.json (compare)',
  );
}

const MAX_SAMPLES = 8;

/** The first call of each (outcome, cause) in calls.csv, completed first, then drops, then rejects. */
async function sampleCalls(csvPath: string): Promise<Array<{ index: number; title: string }>> {
  const seen = new Map<string, number>();
  const parser = createReadStream(csvPath).pipe(parse({ columns: true }));
  for await (const row of parser as AsyncIterable<Record<string, string>>) {
    if (row['replication'] !== '0') continue;
    const key =
      row['outcome'] === 'completed' || row['outcome'] === 'active'
        ? row['outcome']
        : `${row['outcome']}: ${row['cause']}`;
    const index = Number(row['call']);
    const had = seen.get(key);
    if (had === undefined || index < had) seen.set(key, index);
  }
  const rank = (k: string) => (k === 'completed' ? 0 : k.startsWith('dropped') ? 1 : k.startsWith('rejected') ? 2 : 3);
  return [...seen.entries()]
    .sort((a, b) => rank(a[0]) - rank(b[0]) || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_SAMPLES)
    .map(([title, index]) => ({ index, title }));
}

function timeseries(dir: string): TimeseriesPoint[] {
  const path = join(dir, 'timeseries.csv');
  if (!existsSync(path)) return [];
  const rows = parseSync<Record<string, string>>(readFileSync(path, 'utf8'), { columns: true });
  return rows
    .filter((r) => r['replication'] === '0')
    .map((r) => ({
      tStart: +r['t_start_s']!,
      tEnd: +r['t_end_s']!,
      activeCalls: +r['active_calls']!,
      callAttempts: +r['call_attempts']!,
      refreshTpsInbound: +r['refresh_tps_inbound']!,
      refreshTpsOutbound: +r['refresh_tps_outbound']!,
      reinvitesRelayed: +r['reinvites_relayed']!,
      reinvitesAnsweredLocally: +r['reinvites_answered_locally']!,
      cpuUtilisation: +r['cpu_utilisation']!,
      drops: +r['drops']!,
      rejects: +r['rejects']!,
    }));
}

const EMPTY = (label: string): Histogram => ({ start: 0, binWidth: 1, counts: [], over: 0, unit: 's', label });

async function collectRun(dir: string): Promise<RunReport> {
  const summary = readJson<RunSummary>(dir, 'summary.json');
  const manifest = readJson<Record<string, unknown>>(dir, 'manifest.json');
  const loaded = loadFromManifest(dir);
  const samples = await sampleCalls(join(dir, 'calls.csv'));
  const wanted = new Set(samples.map((s) => s.index));
  const traced = new Map<number, TracedCall>();
  if (wanted.size > 0) {
    runReplicationSync(loaded, 0, {
      traced: [...wanted],
      onCall: (c) => {
        if (wanted.has(c.index)) traced.set(c.index, traceToJson(c));
      },
    });
  }
  const hist = existsSync(join(dir, 'histograms.json'))
    ? readJson<RunReport['histograms']>(dir, 'histograms.json')
    : null;
  const p = loaded.spec.platform;
  return {
    experiment: loaded.experiment.name,
    description: loaded.experiment.description,
    lookAt: loaded.experiment.lookAt ?? '',
    seed: loaded.experiment.seed,
    replications: loaded.experiment.replications,
    platform: {
      id: p.id,
      name: p.name,
      maxSessions: p.capacity.maxSessions.value,
      callsPerSecond: p.capacity.callsPerSecond.value,
      cpuAdmissionPercent: p.capacity.cpuAdmissionPercent.value,
    },
    configFile: typeof manifest['configFile'] === 'string' ? manifest['configFile'] : '',
    configText: loaded.configText,
    fingerprint: typeof manifest['fingerprint'] === 'string' ? manifest['fingerprint'] : '',
    summary,
    timeseries: timeseries(dir),
    histograms: hist ?? {
      callLength: EMPTY('call length'),
      refreshLatency: EMPTY('refresh latency'),
      dropMoments: EMPTY('drop moments'),
    },
    ladders: samples.flatMap((s) => {
      const t = traced.get(s.index);
      return t === undefined ? [] : [{ ...t, title: `${s.title} (call ${s.index})` }];
    }),
  };
}

function collectSweep(dir: string): SweepReport {
  const j = readJson<{
    experiment: string;
    params: Array<{ path: string; values: unknown[] }>;
    rows: Array<{
      point: number;
      values: Record<string, unknown>;
      result: { replications: Array<Record<string, number>> };
    }>;
  }>(dir, 'sweep.json');
  const rows = j.rows.map((r) => {
    const keys = new Set<string>();
    for (const rep of r.result.replications) for (const k of Object.keys(rep)) keys.add(k);
    const figures: SweepReport['rows'][number]['figures'] = {};
    for (const k of [...keys].sort()) {
      const e = estimate(r.result.replications.map((x) => x[k] ?? 0));
      figures[k] = { mean: e.mean, halfWidth: e.halfWidth };
    }
    return { point: r.point, values: r.values, figures };
  });
  return { experiment: j.experiment, params: j.params, rows };
}

function collectCompare(dir: string): CompareReport {
  const j = readJson<Omit<CompareReport, 'changed'>>(dir, 'compare.json');
  const path = join(dir, 'changed-calls.csv');
  const rows = existsSync(path) ? parseSync<Record<string, string>>(readFileSync(path, 'utf8'), { columns: true }) : [];
  const fate = (r: Record<string, string>, s: 'a' | 'b') =>
    [
      r[`outcome_${s}`],
      r[`cause_${s}`],
      r[`leg_${s}`] && `${r[`leg_${s}`]} leg`,
      r[`side_${s}`] && `by ${r[`side_${s}`]}`,
      r[`features_${s}`] && `[${r[`features_${s}`]}]`,
    ]
      .filter(Boolean)
      .join(' ');
  const changed = rows
    .filter((r) => r['replication'] === '0')
    .slice(0, 500)
    .map((r) => ({
      call: +r['call']!,
      a: fate(r, 'a'),
      b: fate(r, 'b'),
      divergedAt: r['diverged_at_s'] === '' ? null : +r['diverged_at_s']!,
      firstA: r['first_difference_a'] ?? '',
      firstB: r['first_difference_b'] ?? '',
    }));
  return { ...j, changed };
}

export async function collectReport(dir: string): Promise<ReportData> {
  switch (resultsKind(dir)) {
    case 'run':
      return { kind: 'run', cubesim: CUBESIM_VERSION, run: await collectRun(dir) };
    case 'sweep':
      return { kind: 'sweep', cubesim: CUBESIM_VERSION, sweep: collectSweep(dir) };
    case 'compare':
      return { kind: 'compare', cubesim: CUBESIM_VERSION, compare: collectCompare(dir) };
  }
}
