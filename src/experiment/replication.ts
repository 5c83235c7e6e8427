// One replication of an experiment, in memory, and the combination of several: pure (no files,
// no clock), so the same code runs in the CLI, the worker threads and the browser notebooks.

import type { Call } from '../elements/call.ts';
import { CubeSimulation } from '../elements/simulation.ts';
import type { SimulationSpec } from '../elements/simulation.ts';
import type { TimeseriesRow } from '../output/timeseries-csv.ts';
import type { WordFolder } from '../kernel/fingerprint.ts';
import type { Experiment } from './schema.ts';
import { estimate, flatten, unionKeys } from './statistics.ts';
import {
  snapshot,
  SummaryBuilder,
  type EstimatedFigures,
  type RunSummary,
  type Snapshot,
  type Summary,
} from '../results/summary.ts';

/** What a replication needs: the validated experiment, its spec and its configuration's file name. */
export interface Runnable {
  experiment: Experiment;
  spec: SimulationSpec;
  configPath: string;
}

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
  /**
   * `onCall` copies what it keeps of a call and keeps no record itself, so that an untraced call's
   * record may serve a later call once it is over (Call.reuse; less for the collector to do). Runs
   * without `onCall` reuse them anyway; a traced call's record is never reused.
   */
  copiesCalls?: boolean;
  /** Time from each refresh falling due to its 2xx. */
  onRefreshAnswered?: (delay: number) => void;
  onSample?: (row: TimeseriesRow) => void;
  /** Calls to record a message ladder for. */
  traced?: readonly number[];
  /** Record the ladder of every call with an index below this too (the first N calls). */
  tracedBelow?: number;
  /** Stop as soon as this call is over. */
  stopAfterCall?: number;
  /** Check invariants while running (default: the CUBESIM_CHECK=1 environment variable, set by --check and in tests). */
  check?: boolean;
  replications?: number;
  /**
   * Where each replication's fingerprint is folded (a new folder per replication, closed at its
   * end): src/experiment/fingerprint-thread.ts gives a thread of its own where a core is free;
   * by default the run's own thread.
   */
  fingerprintFolder?: () => WordFolder;
}

export interface ReplicationResult {
  replication: number;
  seed: string | number;
  summary: Summary;
  fingerprint: string;
  partial: boolean;
  /** Calls that arrived, warm-up included (summary.calls.offered counts those after it). */
  arrived: number;
}

/**
 * One replication of a loaded experiment, in memory, as a generator: it yields its progress
 * between slices of simulated time and stops there (partial) when sent `false`. Drive it with
 * runReplicationSync, or step it yourself to wait for output streams or watch for interrupts.
 */
export function* replicationSteps(
  loaded: Runnable,
  replication: number,
  opts: ReplicationOptions = {},
): Generator<Progress, ReplicationResult, boolean | undefined> {
  const folder = opts.fingerprintFolder?.();
  try {
    return yield* simulate(loaded, replication, opts, folder);
  } finally {
    void folder?.close?.();
  }
}

function* simulate(
  loaded: Runnable,
  replication: number,
  opts: ReplicationOptions,
  folder: WordFolder | undefined,
): Generator<Progress, ReplicationResult, boolean | undefined> {
  const e = loaded.experiment;
  const seed = replicationSeed(e.seed, replication);
  const checkByDefault = typeof process !== 'undefined' && process.env['CUBESIM_CHECK'] === '1';
  const sim = new CubeSimulation({ ...loaded.spec, seed, check: opts.check ?? checkByDefault }, folder);
  const warmup = e.warmup;
  const builder = new SummaryBuilder(warmup);
  const interval = opts.interval ?? 60;
  let finished = 0;
  let attempts = 0,
    drops = 0,
    rejects = 0;
  sim.reuseCallRecords = opts.onCall === undefined || opts.copiesCalls === true;
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
  if (opts.tracedBelow !== undefined) sim.tracedBelow = opts.tracedBelow;
  if (opts.stopAfterCall !== undefined) sim.stopAfterCall = opts.stopAfterCall;

  let last: Snapshot = snapshot(sim);
  let lastOffered = 0;
  const sample = (): void => {
    const now = snapshot(sim);
    const dt = now.time - last.time;
    if (dt <= 0) return;
    const c = now.counters,
      c0 = last.counters;
    attempts = sim.offeredCalls - lastOffered;
    opts.onSample?.({
      replication,
      tStart: last.time,
      tEnd: now.time,
      activeCalls: sim.activeCalls,
      callAttempts: attempts,
      refreshTpsInbound: (c.refreshRequestsInbound - c0.refreshRequestsInbound) / dt,
      refreshTpsOutbound: (c.refreshRequestsOutbound - c0.refreshRequestsOutbound) / dt,
      reinvitesRelayed: c.reinvitesRelayed - c0.reinvitesRelayed,
      reinvitesAnsweredLocally: c.reinvitesAnsweredLocally - c0.reinvitesAnsweredLocally,
      cpuUtilisation: (now.cpuBusySeconds - last.cpuBusySeconds) / dt,
      drops,
      rejects,
    });
    last = now;
    lastOffered = sim.offeredCalls;
    drops = 0;
    rejects = 0;
  };

  sim.begin({
    ...(e.calls !== undefined ? { calls: e.calls } : {}),
    ...(e.until !== undefined ? { until: e.until } : {}),
  });
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
    const go = yield {
      replication,
      replications: opts.replications ?? 1,
      offered: sim.offeredCalls,
      finished,
      active: sim.activeCalls,
      simulatedSeconds: now,
    };
    if (go === false) {
      partial = true;
      break;
    }
  }
  sample(); // the last, shorter interval
  sim.end();
  const end = snapshot(sim);
  const summary = builder.build(
    {
      experiment: e.name,
      seed,
      platform: loaded.spec.platform.id,
      config: configName(loaded),
      partial,
      maxQueueDelay: sim.processor.maxQueueDelay,
    },
    start ?? end,
    end,
  );
  return { replication, seed, summary, fingerprint: sim.fingerprint.value, partial, arrived: sim.offeredCalls };
}

/** Steps a generator of slices (a replication, a sweep point, a comparison) to its end without pausing. */
export function stepsToEnd<P, R>(steps: Generator<P, R, boolean | undefined>): R {
  for (let s = steps.next(); ; s = steps.next(true)) if (s.done === true) return s.value;
}

/** Runs a replication to its end without pausing. */
export function runReplicationSync(
  loaded: Runnable,
  replication: number,
  opts: ReplicationOptions = {},
): ReplicationResult {
  return stepsToEnd(replicationSteps(loaded, replication, opts));
}

export function configName(loaded: Runnable): string {
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
export function combine(results: readonly ReplicationResult[]): RunSummary {
  const first = results[0]!.summary;
  if (results.length === 1) return first;
  const rows = results.map((r) => flatten(r.summary));
  const figures: Record<string, unknown> = {};
  for (const key of unionKeys(rows)) {
    if (key === 'seed' || key === 'warmupSeconds') continue;
    const est = estimate(rows.map((r) => r[key] ?? 0));
    figures[key] = { mean: round(est.mean), ci95: est.ci95 === null ? null : [round(est.ci95[0]), round(est.ci95[1])] };
  }
  // The estimates are built field by field from the flattened summaries, so the compiler cannot
  // follow their shape: keepShape gives every object of Summary its place, and each number became
  // an Estimate above.
  const estimated = keepShape(first, unflatten(figures)) as EstimatedFigures;
  return {
    experiment: first.experiment,
    seed: results[0]!.seed,
    seeds: results.map((r) => r.seed),
    replications: results.length,
    platform: first.platform,
    config: first.config,
    partial: results.some((r) => r.partial),
    warmupSeconds: first.warmupSeconds,
    ...estimated,
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
