// Policy comparison: the same seeded call population through two configurations (A and B).
// Because the population comes from its own random streams, call k is the same call in both
// runs; a call whose fate differs changed because of the policy. For each changed call the two
// runs are replayed with that call traced, and the first event where the ladders part is
// reported: that is the "why". Summary figures are compared replication by replication
// (paired), each delta with its 95 % confidence interval.

import { writeFileSync } from 'node:fs';
import type { Call, TraceEntry } from '../elements/call.ts';
import { ResultsDir } from '../output/results-dir.ts';
import { timerHeaders } from '../results/ladder.ts';
import { fingerprintFolding } from './fingerprint-thread.ts';
import { loadExperiment, type ExperimentOverrides, type LoadedExperiment } from './load.ts';
import { callsPerRun } from './spec.ts';
import { replicationSteps, stepsToEnd, type Progress, type ReplicationResult } from './run.ts';
import { estimate, flatten, unionKeys } from './statistics.ts';

/** One side of a comparison: overrides (`path=value`) and/or a configuration file. */
export interface Side {
  label: string;
  set: string[];
  config?: string;
}

/** `--a`/`--b` values: `path=value` assignments, or a configuration file path. */
export function parseSide(label: string, values: readonly string[]): Side {
  const side: Side = { label, set: [] };
  for (const v of values) {
    if (/^[A-Za-z_$][\w$.-]*=/.test(v)) side.set.push(v);
    else side.config = v;
  }
  return side;
}

/** What happened to a call, as compared between runs. */
export interface Fate {
  outcome: string;
  cause: string;
  leg: string;
  side: string;
  features: string;
}

export function fateOf(c: Call): Fate {
  return {
    outcome: c.outcome,
    cause: c.cause,
    leg: c.leg,
    side: c.side,
    features: c.features.map((f) => `${f.feature}:${f.status}${f.reason === '' ? '' : `:${f.reason}`}`).join('|'),
  };
}

export function fateText(f: Fate): string {
  if (f.outcome === 'completed') return `${f.outcome} ${f.cause}`;
  const where =
    f.leg === '' && f.side === ''
      ? ''
      : ` (${[f.leg && `${f.leg} leg`, f.side && `by ${f.side}`].filter(Boolean).join(', ')})`;
  return `${f.outcome} ${f.cause}${where}`;
}

const same = (a: Fate, b: Fate) =>
  a.outcome === b.outcome && a.cause === b.cause && a.leg === b.leg && a.side === b.side && a.features === b.features;

/** A trace entry as one comparable line. */
export function describeEntry(e: TraceEntry): string {
  const t = e.t.toFixed(6);
  switch (e.kind) {
    case 'message': {
      const headers = timerHeaders(e);
      return `${t} ${e.from}>${e.to} ${e.label} (${e.purpose})${headers === '' ? '' : ` ${headers}`}${e.retransmission ? ' retx' : ''}${e.lost ? ' lost' : ''}`;
    }
    case 'timer': {
      const n = e.note;
      const extra =
        n.what === 'timer-armed'
          ? ` ${n.sessionExpires} s, ${n.refresherLocal ? `refresh at ${n.refreshAt.toFixed(3)}` : `BYE at ${n.expiryAt.toFixed(3)}`}`
          : '';
      return `${t} ${e.party} timer ${n.what}${extra}`;
    }
    case 'outcome':
      return `${t} outcome ${e.outcome} ${e.cause}`;
  }
}

export interface Divergence {
  at: number;
  a: string;
  b: string;
}

/**
 * The first message or outcome where two ladders differ (null when identical). Timer notes are
 * left out: they follow from the messages, and the message is what an engineer sees.
 */
export function firstDivergence(ladderA: readonly TraceEntry[], ladderB: readonly TraceEntry[]): Divergence | null {
  const a = ladderA.filter((e) => e.kind !== 'timer');
  const b = ladderB.filter((e) => e.kind !== 'timer');
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i],
      y = b[i];
    const dx = x === undefined ? '(nothing more)' : describeEntry(x);
    const dy = y === undefined ? '(nothing more)' : describeEntry(y);
    if (dx !== dy) return { at: Math.min(x?.t ?? Infinity, y?.t ?? Infinity), a: dx, b: dy };
  }
  return null;
}

export interface ChangedCall {
  replication: number;
  call: number;
  a: Fate;
  b: Fate;
  divergence: Divergence | null;
}

export interface Comparison {
  a: LoadedExperiment;
  b: LoadedExperiment;
  replications: number;
  calls: number[];
  changed: ChangedCall[];
  deltas: Record<string, { a: number; b: number; delta: number; ci95: [number, number] | null }>;
  fingerprints: { a: string[]; b: string[] };
  /** Replications both sides finished (the deltas are over these). */
  completeReplications: number;
  /**
   * Where it was stopped (null: it was not): a side's run, or the replays that find the first
   * differences. Stopped, the figures cover the replications both sides finished.
   */
  stoppedIn: null | { run: 'side A' | 'side B' | 'replay'; replication: number; callsCompared: number };
}

export function loadSide(experiment: string, side: Side, common: ExperimentOverrides): LoadedExperiment {
  return loadExperiment(experiment, {
    ...common,
    set: [...(common.set ?? []), ...side.set],
    ...(side.config !== undefined ? { config: side.config } : {}),
  });
}

/**
 * Drives a replication's steps from inside another generator: yields its progress and passes
 * on a stop; returns its result (partial when stopped) and whether it was stopped.
 */
function* relay(
  run: string,
  steps: Generator<Progress, ReplicationResult, boolean | undefined>,
): Generator<CompareProgress, { result: ReplicationResult; stopped: boolean }, boolean | undefined> {
  let s = steps.next();
  let stopped = false;
  while (s.done !== true) {
    const go = yield { ...s.value, run };
    if (go === false) stopped = true;
    s = steps.next(go !== false);
  }
  return { result: s.value, stopped };
}

/** Progress of a comparison: which run is under way ("side A", "side B", "replay A" ...), and how far it is. */
export interface CompareProgress extends Progress {
  run: string;
}

/** Runs both sides, every replication, to the end; `traceLimit` changed calls per side get a divergence. */
export function compare(a: LoadedExperiment, b: LoadedExperiment, traceLimit = 200): Comparison {
  return stepsToEnd(compareSteps(a, b, traceLimit))!; // never stopped, so never undefined
}

/**
 * The comparison as steps, yielding between slices of simulated time. Sent `false` it stops:
 * replications both sides finished are kept whole; in the one under way, the calls side B had
 * finished are compared with side A's (so the comparison is marked partial); stopped while side
 * A of the first replication was still running, there is nothing to compare (undefined).
 */
export function* compareSteps(
  a: LoadedExperiment,
  b: LoadedExperiment,
  traceLimit = 200,
): Generator<CompareProgress, Comparison | undefined, boolean | undefined> {
  const R = Math.max(a.experiment.replications, b.experiment.replications);
  const changed: ChangedCall[] = [];
  const rowsA: Array<Record<string, number>> = [];
  const rowsB: Array<Record<string, number>> = [];
  const fingerprints = { a: [] as string[], b: [] as string[] };
  const calls: number[] = [];
  let stoppedIn: Comparison['stoppedIn'] = null;
  // Each side's fingerprint folded as a run folds it (fingerprint-thread.ts).
  const foldingA = fingerprintFolding(callsPerRun(a.experiment)),
    foldingB = fingerprintFolding(callsPerRun(b.experiment));
  for (let r = 0; r < R && stoppedIn === null; r++) {
    const fatesA = new Map<number, Fate>();
    const ranA = yield* relay(
      `side A${R > 1 ? `, replication ${r + 1}/${R}` : ''}`,
      replicationSteps(a, r, { onCall: (c) => fatesA.set(c.index, fateOf(c)), copiesCalls: true, ...foldingA }),
    );
    if (ranA.stopped) {
      if (r === 0) return undefined;
      stoppedIn = { run: 'side A', replication: r, callsCompared: 0 };
      break;
    }
    let mine: ChangedCall[] = [];
    let n = 0;
    const ranB = yield* relay(
      `side B${R > 1 ? `, replication ${r + 1}/${R}` : ''}`,
      replicationSteps(b, r, {
        ...foldingB,
        onCall: (c) => {
          n++;
          const fa = fatesA.get(c.index);
          const fb = fateOf(c);
          if (fa === undefined)
            mine.push({
              replication: r,
              call: c.index,
              a: { outcome: 'absent', cause: '', leg: '', side: '', features: '' },
              b: fb,
              divergence: null,
            });
          else if (!same(fa, fb)) mine.push({ replication: r, call: c.index, a: fa, b: fb, divergence: null });
          fatesA.delete(c.index);
        },
        copiesCalls: true,
      }),
    );
    // A call side B had not finished when stopped (its outcome still active) is not compared:
    // it is neither absent nor changed.
    if (ranB.stopped) {
      n -= ranB.result.summary.calls.active;
      mine = mine.filter((c) => c.b.outcome !== 'active');
      stoppedIn = { run: 'side B', replication: r, callsCompared: n };
    } else {
      for (const [index, fa] of fatesA)
        mine.push({
          replication: r,
          call: index,
          a: fa,
          b: { outcome: 'absent', cause: '', leg: '', side: '', features: '' },
          divergence: null,
        });
    }
    mine.sort((x, y) => x.call - y.call);
    calls.push(n);
    changed.push(...mine);
    if (stoppedIn !== null) break;
    rowsA.push(flatten(ranA.result.summary));
    rowsB.push(flatten(ranB.result.summary));
    fingerprints.a.push(ranA.result.fingerprint);
    fingerprints.b.push(ranB.result.fingerprint);
    // Replay both sides with the changed calls traced, to find where each one parted.
    const traced = mine.slice(0, traceLimit).map((c) => c.call);
    if (traced.length > 0) {
      const ta = new Map<number, Call>(),
        tb = new Map<number, Call>();
      const replayA = yield* relay(
        'replaying A for the first differences',
        replicationSteps(a, r, { traced, onCall: (c) => c.trace !== null && ta.set(c.index, c), copiesCalls: true }),
      );
      const replayB = replayA.stopped
        ? replayA
        : yield* relay(
            'replaying B for the first differences',
            replicationSteps(b, r, {
              traced,
              onCall: (c) => c.trace !== null && tb.set(c.index, c),
              copiesCalls: true,
            }),
          );
      // Stopped during the replays: the changed calls stand, without their first difference.
      if (replayB.stopped) stoppedIn = { run: 'replay', replication: r, callsCompared: n };
      else
        for (const c of mine.slice(0, traceLimit))
          c.divergence = firstDivergence(ta.get(c.call)?.trace ?? [], tb.get(c.call)?.trace ?? []);
    }
  }
  const deltas: Comparison['deltas'] = {};
  for (const k of unionKeys([...rowsA, ...rowsB])) {
    if (k === 'seed' || k === 'warmupSeconds') continue;
    const xa = rowsA.map((r) => r[k] ?? 0),
      xb = rowsB.map((r) => r[k] ?? 0);
    const d = estimate(xb.map((v, i) => v - xa[i]!));
    const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
    deltas[k] = {
      a: r6(estimate(xa).mean),
      b: r6(estimate(xb).mean),
      delta: r6(d.mean),
      ci95: d.ci95 === null ? null : [r6(d.ci95[0]), r6(d.ci95[1])],
    };
  }
  return { a, b, replications: R, calls, changed, deltas, fingerprints, completeReplications: rowsA.length, stoppedIn };
}

/** Each feature's result in a fate, by feature name. */
function featureResults(f: Fate): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of f.features === '' ? [] : f.features.split('|')) {
    const [name, ...rest] = part.split(':');
    m.set(name!, rest.join(' '));
  }
  return m;
}

/** What changed for a call, in words: its fate, then each feature whose result differs. */
export function changeText(c: ChangedCall): string {
  const parts: string[] = [];
  const fa = fateText(c.a),
    fb = fateText(c.b);
  parts.push(fa === fb ? `${fa} in both` : `${fa} -> ${fb}`);
  const ra = featureResults(c.a),
    rb = featureResults(c.b);
  for (const name of [...new Set([...ra.keys(), ...rb.keys()])].sort()) {
    const x = ra.get(name) ?? 'not attempted',
      y = rb.get(name) ?? 'not attempted';
    if (x !== y) parts.push(`${name} ${x} -> ${y}`);
  }
  return parts.join('; ');
}

/** Changed calls grouped by what changed, most frequent first. */
export function transitions(
  changed: readonly ChangedCall[],
): Array<{ change: string; count: number; example: ChangedCall }> {
  const groups = new Map<string, { change: string; count: number; example: ChangedCall }>();
  for (const c of changed) {
    const change = changeText(c);
    const g = groups.get(change);
    if (g === undefined) groups.set(change, { change, count: 1, example: c });
    else g.count++;
  }
  return [...groups.values()].sort((x, y) => y.count - x.count || (x.change < y.change ? -1 : 1));
}

function csvCell(v: unknown): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function changedCallsCsv(changed: readonly ChangedCall[]): string {
  const lines = [
    'replication,call,outcome_a,cause_a,leg_a,side_a,features_a,outcome_b,cause_b,leg_b,side_b,features_b,diverged_at_s,first_difference_a,first_difference_b',
  ];
  for (const c of changed) {
    const d = c.divergence;
    lines.push(
      [
        c.replication,
        c.call,
        c.a.outcome,
        c.a.cause,
        c.a.leg,
        c.a.side,
        c.a.features,
        c.b.outcome,
        c.b.cause,
        c.b.leg,
        c.b.side,
        c.b.features,
        d === null ? '' : d.at.toFixed(6),
        d?.a ?? '',
        d?.b ?? '',
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}

export function compareJson(cmp: Comparison, sides: { a: Side; b: Side }): unknown {
  const describe = (l: LoadedExperiment, s: Side) => ({
    set: s.set,
    config: l.configPath.split(/[\\/]/).pop(),
    platform: l.spec.platform.id,
    midcallSignaling: l.spec.config.midcallSignaling,
    minSe: l.spec.config.minSe,
  });
  return {
    experiment: cmp.a.experiment.name,
    seed: cmp.a.experiment.seed,
    replications: cmp.replications,
    a: describe(cmp.a, sides.a),
    b: describe(cmp.b, sides.b),
    calls: cmp.calls,
    changedCalls: cmp.calls.map((_, r) => cmp.changed.filter((c) => c.replication === r).length),
    transitions: transitions(cmp.changed.filter((c) => c.replication === 0)).map((t) => ({
      change: t.change,
      count: t.count,
      exampleCall: t.example.call,
      firstDifference: t.example.divergence,
    })),
    deltas: cmp.deltas,
    fingerprints: cmp.fingerprints,
    ...(cmp.stoppedIn !== null ? { partial: true, completeReplications: cmp.completeReplications } : {}),
  };
}

/** The results folder of a comparison, claimed before anything runs (see ResultsDir.prepare). */
export function comparisonDir(a: LoadedExperiment, out: string | undefined, force: boolean): ResultsDir {
  return ResultsDir.prepare(out, `${a.experiment.name}-compare`, force, 'compare');
}

/** Writes compare.json and changed-calls.csv into `dir` and moves it into place; returns where it is. */
export function writeComparison(cmp: Comparison, sides: { a: Side; b: Side }, dir: ResultsDir): string {
  try {
    writeFileSync(dir.file('compare.json'), JSON.stringify(compareJson(cmp, sides), null, 2) + '\n');
    writeFileSync(dir.file('changed-calls.csv'), changedCallsCsv(cmp.changed));
    return dir.commit({ experiment: cmp.a.experiment.name, partial: cmp.stoppedIn !== null });
  } catch (err) {
    dir.discard();
    throw err;
  }
}
