// Runs a loaded experiment: one or more independent replications (seeds derived from the
// master seed), a warm-up after which statistics start, a time series sampled at fixed
// intervals, and the results written into a folder that appears only when complete:
// summary.json, calls.csv and timeseries.csv (streamed), replications.csv, manifest.json, and
// calls.pcap when asked for.
// Interruptible between slices of simulated time: what was computed is kept, marked partial.

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.ts';
import { CUBESIM_VERSION } from '../package-info.ts';
import type { Call } from '../elements/call.ts';
import { CallsCsvWriter } from '../output/calls-csv.ts';
import { freeBytes, ResultsDir } from '../output/results-dir.ts';
import { callsPcap, type CarriedCall } from '../output/pcap.ts';
import { TimeseriesCsvWriter } from '../output/timeseries-csv.ts';
import type { LoadedExperiment } from './load.ts';
import { callsPerRun } from './spec.ts';
import { fingerprintFolding } from './fingerprint-thread.ts';
import { HistogramBuilder } from './histogram.ts';
import { combine, configName, replicationSteps, type Progress, type ReplicationResult } from './replication.ts';
import { flatten, unionKeys } from './statistics.ts';
import type { RunSummary } from '../results/summary.ts';

export * from './replication.ts';

export { CUBESIM_VERSION };

/** Which calls get a row in calls.csv: every call, only those not completed, or none (no file). */
export const CALLS_CSV_MODES = ['all', 'failed', 'none'] as const;
export type CallsCsvMode = (typeof CALLS_CSV_MODES)[number];

export interface RunOptions {
  out?: string;
  force?: boolean;
  progress?: (p: Progress) => void;
  /** Checked between slices: true stops the run, keeping what was computed. */
  interrupted?: () => boolean;
  interval?: number;
  /** Also write calls.pcap: the SIP messages of the first this many calls of the first replication. */
  pcapCalls?: number;
  /** calls.csv: every call (default), only the calls that were not completed, or none. */
  callsCsv?: CallsCsvMode;
}

export interface RunResult {
  dir: string;
  /** calls.pcap in the results folder, when asked for. */
  pcap?: string;
  summary: RunSummary;
  replications: ReplicationResult[];
}

/** Bytes of a calls.csv row, about what the shipped experiments write (150-185 measured). */
export const CALLS_CSV_ROW_BYTES = 180;

/** Calls the experiment is expected to offer in each replication: `calls`, or the arrivals expected before `until`. */
export function expectedCalls(e: LoadedExperiment['experiment']): number {
  const byTime = e.until === undefined ? Infinity : expectedArrivals(e.workload.arrivals, e.until);
  return Math.min(e.calls ?? Infinity, byTime);
}

/** Expected arrivals in [0, t): the integral of the arrival rate (a constant, or a profile of segments, repeating with periodSeconds). */
function expectedArrivals(a: LoadedExperiment['experiment']['workload']['arrivals'], t: number): number {
  const profile = a.profile;
  if (profile === undefined) return a.rate * t;
  const upTo = (x: number): number => {
    let sum = 0;
    profile.forEach((seg, i) => {
      const end = Math.min(x, profile[i + 1]?.from ?? Infinity);
      if (end > seg.from) sum += seg.rate * (end - seg.from);
    });
    return sum;
  };
  const period = a.periodSeconds;
  if (period === undefined) return upTo(t);
  return Math.floor(t / period) * upTo(period) + upTo(t % period);
}

/**
 * Refuses, before anything runs, a calls.csv that would not fit in the free space where the
 * results are written: says how big it would be and how to write less.
 */
function checkRoomForCallsCsv(loaded: LoadedExperiment, dir: ResultsDir, mode: CallsCsvMode): void {
  if (mode !== 'all') return;
  const rows = expectedCalls(loaded.experiment) * loaded.experiment.replications;
  const need = rows * CALLS_CSV_ROW_BYTES;
  const free = freeBytes(dir.temp);
  if (need <= free) return;
  throw new InputError(
    'calls.csv',
    undefined,
    `would take about ${bytesText(need)} (${Math.round(rows).toLocaleString('en-US')} rows of about ${CALLS_CSV_ROW_BYTES} bytes) but ${dirname(dir.final)} has ${bytesText(free)} free; ` +
      'give --calls-csv failed (only the calls not completed) or --calls-csv none, fewer --calls, or another --out',
  );
}

function bytesText(n: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

/** Lets the event loop run (signals, streams) between slices of work done on this thread. */
export const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Steps a generator of slices (a replication, a sweep point, a comparison) to its end on this
 * thread, letting the event loop run between slices so that a signal is seen; `go()` false sends
 * the generator its stop. `onStep` sees each slice's progress.
 */
export async function driveSteps<P, R>(
  steps: Generator<P, R, boolean | undefined>,
  go: () => boolean,
  onStep?: (p: P) => void,
): Promise<R> {
  let s = steps.next();
  while (s.done !== true) {
    onStep?.(s.value);
    await breathe();
    s = steps.next(go());
  }
  return s.value;
}

/** Runs every replication and writes the results folder. */
export async function runExperiment(loaded: LoadedExperiment, opts: RunOptions = {}): Promise<RunResult> {
  const mode = opts.callsCsv ?? 'all';
  const dir = ResultsDir.prepare(opts.out, loaded.experiment.name, opts.force ?? false, 'run');
  let csv: CallsCsvWriter | undefined;
  let ts: TimeseriesCsvWriter | undefined;
  try {
    checkRoomForCallsCsv(loaded, dir, mode);
    const callsCsv = mode === 'none' ? undefined : new CallsCsvWriter(dir.file('calls.csv'));
    csv = callsCsv;
    const series = new TimeseriesCsvWriter(dir.file('timeseries.csv'));
    ts = series;
    const results: ReplicationResult[] = [];
    const R = loaded.experiment.replications;
    const hist = histogramsFor(loaded);
    const pcapCalls = opts.pcapCalls ?? 0;
    const captured: CarriedCall[] = [];
    for (let r = 0; r < R; r++) {
      let backlog = false;
      const steps = replicationSteps(loaded, r, {
        replications: R,
        ...fingerprintFolding(callsPerRun(loaded.experiment)),
        ...(opts.interval !== undefined ? { interval: opts.interval } : {}),
        // The first N calls by their index: nothing sized by N, which may be far more than the calls that come.
        ...(r === 0 && pcapCalls > 0 ? { tracedBelow: pcapCalls } : {}),
        onCall: (c) => {
          if (callsCsv !== undefined && (mode === 'all' || c.outcome !== 'completed') && !callsCsv.write(c, r))
            backlog = true;
          if (r === 0) hist.addCall(c);
          if (r === 0 && c.index < pcapCalls) captured.push({ index: c.index, carried: c.carried });
        },
        // A row, a histogram count and a traced call's messages: no record is kept.
        copiesCalls: true,
        ...(r === 0 ? { onRefreshAnswered: (d: number) => hist.refreshLatency.add(d) } : {}),
        onSample: (row) => series.write(row),
      });
      let step = steps.next();
      while (step.done !== true) {
        if (backlog) {
          await callsCsv!.drained();
          backlog = false;
        } else {
          await breathe(); // a signal can only be seen when the event loop runs
        }
        opts.progress?.(step.value);
        step = steps.next(opts.interrupted?.() !== true);
      }
      const result = step.value;
      results.push(result);
      if (result.partial) break;
    }
    await callsCsv?.close();
    await series.close();
    const summary = combine(results);
    writeFileSync(dir.file('summary.json'), JSON.stringify(summary, null, 2) + '\n');
    if (results.length > 1) writeFileSync(dir.file('replications.csv'), replicationsCsv(results));
    writeFileSync(dir.file('histograms.json'), JSON.stringify(hist.toJSON(), null, 2) + '\n');
    if (pcapCalls > 0) writeFileSync(dir.file('calls.pcap'), callsPcap(captured));
    const final = dir.commit(manifest(loaded, results));
    return {
      dir: final,
      summary,
      replications: results,
      ...(pcapCalls > 0 ? { pcap: join(final, 'calls.pcap') } : {}),
    };
  } catch (err) {
    csv?.abort();
    ts?.abort();
    dir.discard();
    throw err;
  }
}

/**
 * The first replication's distributions: call length (answer to end), time from a refresh
 * falling due to its 2xx, and when dropped calls ended (from answer), on bins sized to the
 * experiment's holding time so that a pile-up at one instant (1768 s) shows as one tall bin.
 */
export function histogramsFor(loaded: LoadedExperiment) {
  const h = loaded.experiment.workload.holding;
  const typical = h.distribution === 'fixed' ? h.value : h.mean;
  const span = Math.max(120, 4 * typical);
  const width = niceWidth(span / 100);
  const bins = Math.ceil(span / width);
  const callLength = new HistogramBuilder(0, width, bins, 's', 'call length (answer to end)');
  const dropMoments = new HistogramBuilder(0, width, bins, 's', 'dropped calls: time from answer to the drop');
  const refreshLatency = new HistogramBuilder(0, 0.01, 200, 's', 'time from refresh due to refresh answered');
  return {
    refreshLatency,
    addCall(c: Call): void {
      if (c.answeredAt < 0 || c.endedAt < 0) return;
      const length = c.endedAt - c.answeredAt;
      callLength.add(length);
      if (c.outcome === 'dropped') dropMoments.add(length);
    },
    toJSON: () => ({
      callLength: callLength.toJSON(),
      refreshLatency: refreshLatency.toJSON(),
      dropMoments: dropMoments.toJSON(),
    }),
  };
}

/** 1, 2 or 5 times a power of ten, at least x. */
function niceWidth(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

/** One row per replication, every figure of its summary as a column. */
export function replicationsCsv(results: readonly ReplicationResult[]): string {
  const rows = results.map((r) => flatten(r.summary));
  const keys = unionKeys(rows).filter((k) => k !== 'seed');
  const lines = [['replication', 'seed', 'fingerprint', ...keys].join(',')];
  results.forEach((r, i) =>
    lines.push(
      [r.replication, JSON.stringify(String(r.seed)), r.fingerprint, ...keys.map((k) => rows[i]![k] ?? 0)].join(','),
    ),
  );
  return lines.join('\n') + '\n';
}

/** What produced the results: enough to run them again, and a fingerprint of what happened. */
export function manifest(loaded: LoadedExperiment, results: readonly ReplicationResult[]): Record<string, unknown> {
  return {
    partial: results.some((r) => r.partial),
    seed: loaded.experiment.seed,
    replications: results.map((r) => ({
      replication: r.replication,
      seed: r.seed,
      fingerprint: r.fingerprint,
      partial: r.partial,
    })),
    fingerprint: results.length === 1 ? results[0]!.fingerprint : results.map((r) => r.fingerprint).join(':'),
    experiment: loaded.experiment,
    platform: loaded.spec.platform,
    configFile: configName(loaded),
    configText: loaded.configText,
    profiles: loaded.spec.profiles,
  };
}
