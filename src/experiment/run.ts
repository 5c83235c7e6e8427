// Runs a loaded experiment: one or more independent replications (seeds derived from the
// master seed), a warm-up after which statistics start, a time series sampled at fixed
// intervals, and the results written into a folder that appears only when complete:
// summary.json, calls.csv and timeseries.csv (streamed), replications.csv, manifest.json.
// Interruptible between slices of simulated time: what was computed is kept, marked partial.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Call } from '../elements/call.ts';
import { CubeSimulation } from '../elements/simulation.ts';
import { CallsCsvWriter } from '../output/calls-csv.ts';
import { ResultsDir } from '../output/results-dir.ts';
import { TimeseriesCsvWriter, type TimeseriesRow } from '../output/timeseries-csv.ts';
import type { LoadedExperiment } from './load.ts';
import { HistogramBuilder } from './histogram.ts';
import { estimate, flatten, unionKeys } from './statistics.ts';
import { snapshot, SummaryBuilder, type Snapshot, type Summary } from './summary.ts';

export const CUBESIM_VERSION: string = (
  JSON.parse(readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../package.json'), 'utf8')) as { version: string }
).version;

/** Seed of replication r: the master seed itself for the first, derived from it for the others. */
export function replicationSeed(master: string | number, r: number): string | number {
  return r === 0 ? master : `${master}/r${r}`;
}

export interface Progress {
  replication: number;
  replications: number;
  offered: number;
  finished: number;
  active: number;
  simulatedSeconds: number;
}

export interface ReplicationOptions {
  /** Seconds between time-series rows (default 60). */
  interval?: number;
  onCall?: (c: Call) => void;
  /** Time from each refresh falling due to its 2xx. */
  onRefreshAnswered?: (delay: number) => void;
  onSample?: (row: TimeseriesRow) => void;
  /** Calls to record a message ladder for. */
  traced?: readonly number[];
  /** Stop as soon as this call is over. */
  stopAfterCall?: number;
  /** Check invariants while running (default: the CUBESIM_CHECK=1 environment variable, set by --check and in tests). */
  check?: boolean;
  replications?: number;
}

export interface ReplicationResult {
  replication: number;
  seed: string | number;
  summary: Summary;
  fingerprint: string;
  partial: boolean;
}

/**
 * One replication of a loaded experiment, in memory, as a generator: it yields its progress
 * between slices of simulated time and stops there (partial) when sent `false`. Drive it with
 * runReplicationSync, or step it yourself to wait for output streams or watch for interrupts.
 */
export function* replicationSteps(loaded: LoadedExperiment, replication: number, opts: ReplicationOptions = {}): Generator<Progress, ReplicationResult, boolean | undefined> {
  const e = loaded.experiment;
  const seed = replicationSeed(e.seed, replication);
  const sim = new CubeSimulation({ ...loaded.spec, seed, check: opts.check ?? process.env['CUBESIM_CHECK'] === '1' });
  const warmup = e.warmup;
  const builder = new SummaryBuilder(warmup);
  const interval = opts.interval ?? 60;
  let finished = 0;
  let attempts = 0, drops = 0, rejects = 0;
  sim.onCall = (c) => {
    finished++;
    builder.add(c);
    opts.onCall?.(c);
  };
  sim.onCallOutcome = (c) => {
    if (c.outcome === 'dropped') drops++;
    else if (c.outcome === 'rejected') rejects++;
  };
  if (opts.onRefreshAnswered !== undefined) sim.onRefreshAnswered = opts.onRefreshAnswered;
  for (const t of opts.traced ?? []) sim.traced.add(t);
  if (opts.stopAfterCall !== undefined) sim.stopAfterCall = opts.stopAfterCall;

  let last: Snapshot = snapshot(sim);
  let lastOffered = 0;
  const sample = (): void => {
    const now = snapshot(sim);
    const dt = now.time - last.time;
    if (dt <= 0) return;
    const c = now.counters, c0 = last.counters;
    attempts = sim.offeredCalls - lastOffered;
    opts.onSample?.({
      replication, tStart: last.time, tEnd: now.time, activeCalls: sim.activeCalls, callAttempts: attempts,
      refreshTpsInbound: (c.refreshRequestsInbound - c0.refreshRequestsInbound) / dt,
      refreshTpsOutbound: (c.refreshRequestsOutbound - c0.refreshRequestsOutbound) / dt,
      reinvitesRelayed: c.reinvitesRelayed - c0.reinvitesRelayed,
      reinvitesAnsweredLocally: c.reinvitesAnsweredLocally - c0.reinvitesAnsweredLocally,
      cpuUtilisation: (now.cpuBusySeconds - last.cpuBusySeconds) / dt,
      drops, rejects,
    });
    last = now;
    lastOffered = sim.offeredCalls;
    drops = 0;
    rejects = 0;
  };

  sim.begin({ ...(e.calls !== undefined ? { calls: e.calls } : {}), ...(e.until !== undefined ? { until: e.until } : {}) });
  let start: Snapshot | null = warmup > 0 ? null : snapshot(sim);
  let nextSample = interval;
  let partial = false;
  for (;;) {
    const boundary = start === null ? Math.min(nextSample, warmup) : nextSample;
    const status = sim.advance(boundary - sim.sim.now);
    const now = sim.sim.now;
    if (start === null && now >= warmup) start = snapshot(sim);
    if (now >= nextSample) {
      sample();
      while (nextSample <= now) nextSample += interval;
    }
    if (status === 'done') break;
    const go = yield { replication, replications: opts.replications ?? 1, offered: sim.offeredCalls, finished, active: sim.activeCalls, simulatedSeconds: now };
    if (go === false) {
      partial = true;
      break;
    }
  }
  sample(); // the last, shorter interval
  sim.end();
  const end = snapshot(sim);
  const summary = builder.build(
    { experiment: e.name, seed, platform: loaded.spec.platform.id, config: configName(loaded), partial, maxQueueDelay: sim.processor.maxQueueDelay },
    start ?? end,
    end,
  );
  return { replication, seed, summary, fingerprint: sim.fingerprint.value, partial };
}

/** Runs a replication to its end without pausing. */
export function runReplicationSync(loaded: LoadedExperiment, replication: number, opts: ReplicationOptions = {}): ReplicationResult {
  const steps = replicationSteps(loaded, replication, opts);
  for (let s = steps.next(); ; s = steps.next(true)) if (s.done === true) return s.value;
}

function configName(loaded: LoadedExperiment): string {
  return loaded.configPath.split(/[\\/]/).pop()!;
}

/** Puts dotted paths back into nested objects. */
function unflatten(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, v] of Object.entries(flat)) {
    const keys = path.split('.');
    let node = out;
    for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
    node[keys[keys.length - 1]!] = v;
  }
  return out;
}

/**
 * The summary over replications: the same fields, each number replaced by its mean and 95 %
 * confidence interval (a figure missing from a replication counts as 0 there).
 */
export function combine(results: readonly ReplicationResult[]): Record<string, unknown> {
  const first = results[0]!.summary;
  if (results.length === 1) return first as unknown as Record<string, unknown>;
  const rows = results.map((r) => flatten(r.summary));
  const figures: Record<string, unknown> = {};
  for (const key of unionKeys(rows)) {
    if (key === 'seed' || key === 'warmupSeconds') continue;
    const est = estimate(rows.map((r) => r[key] ?? 0));
    figures[key] = { mean: round(est.mean), ci95: est.ci95 === null ? null : [round(est.ci95[0]), round(est.ci95[1])] };
  }
  return {
    experiment: first.experiment,
    seed: results.map((r) => r.seed)[0],
    seeds: results.map((r) => r.seed),
    replications: results.length,
    platform: first.platform,
    config: first.config,
    partial: results.some((r) => r.partial),
    warmupSeconds: first.warmupSeconds,
    ...keepShape(first, unflatten(figures)),
  };
}

/** Objects of the template that have no numbers (an empty byCause map) are kept, empty. */
function keepShape(template: unknown, out: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(template as Record<string, unknown>)) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) continue;
    out[k] = keepShape(v, (out[k] as Record<string, unknown> | undefined) ?? {});
  }
  return out;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export interface RunOptions {
  out?: string;
  force?: boolean;
  progress?: (p: Progress) => void;
  /** Checked between slices: true stops the run, keeping what was computed. */
  interrupted?: () => boolean;
  interval?: number;
}

export interface RunResult {
  dir: string;
  summary: Record<string, unknown>;
  replications: ReplicationResult[];
}

/** Runs every replication and writes the results folder. */
export async function runExperiment(loaded: LoadedExperiment, opts: RunOptions = {}): Promise<RunResult> {
  const dir = ResultsDir.prepare(opts.out, loaded.experiment.name, opts.force ?? false);
  const csv = new CallsCsvWriter(dir.file('calls.csv'));
  const ts = new TimeseriesCsvWriter(dir.file('timeseries.csv'));
  try {
    const results: ReplicationResult[] = [];
    const R = loaded.experiment.replications;
    const hist = histogramsFor(loaded);
    for (let r = 0; r < R; r++) {
      let backlog = false;
      const steps = replicationSteps(loaded, r, {
        replications: R,
        ...(opts.interval !== undefined ? { interval: opts.interval } : {}),
        onCall: (c) => {
          if (!csv.write(c, r)) backlog = true;
          if (r === 0) hist.addCall(c);
        },
        ...(r === 0 ? { onRefreshAnswered: (d: number) => hist.refreshLatency.add(d) } : {}),
        onSample: (row) => ts.write(row),
      });
      let step = steps.next();
      while (step.done !== true) {
        if (backlog) {
          await csv.drained();
          backlog = false;
        }
        opts.progress?.(step.value);
        step = steps.next(opts.interrupted?.() !== true);
      }
      const result = step.value;
      results.push(result);
      if (result.partial) break;
    }
    await csv.close();
    await ts.close();
    const summary = combine(results);
    writeFileSync(dir.file('summary.json'), JSON.stringify(summary, null, 2) + '\n');
    if (results.length > 1) writeFileSync(dir.file('replications.csv'), replicationsCsv(results));
    writeFileSync(dir.file('histograms.json'), JSON.stringify(hist.toJSON(), null, 2) + '\n');
    writeFileSync(dir.file('manifest.json'), JSON.stringify(manifest(loaded, results), null, 2) + '\n');
    dir.commit();
    return { dir: dir.final, summary, replications: results };
  } catch (err) {
    csv.abort();
    ts.abort();
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
    toJSON: () => ({ callLength: callLength.toJSON(), refreshLatency: refreshLatency.toJSON(), dropMoments: dropMoments.toJSON() }),
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
  results.forEach((r, i) => lines.push([r.replication, JSON.stringify(String(r.seed)), r.fingerprint, ...keys.map((k) => rows[i]![k] ?? 0)].join(',')));
  return lines.join('\n') + '\n';
}

/** What produced the results: enough to run them again, and a fingerprint of what happened. */
export function manifest(loaded: LoadedExperiment, results: readonly ReplicationResult[]): unknown {
  return {
    cubesim: CUBESIM_VERSION,
    seed: loaded.experiment.seed,
    replications: results.map((r) => ({ replication: r.replication, seed: r.seed, fingerprint: r.fingerprint, partial: r.partial })),
    fingerprint: results.length === 1 ? results[0]!.fingerprint : results.map((r) => r.fingerprint).join(':'),
    experiment: loaded.experiment,
    platform: loaded.spec.platform,
    configFile: configName(loaded),
    configText: loaded.configText,
    profiles: loaded.spec.profiles,
  };
}
