// Parameter sweeps: the grid of every combination of the values given, each point run with its
// replications on worker processes, one row per point in sweep.csv. Points are numbered in grid
// order (the first parameter varies slowest) and the file is written in that order, so the
// result is the same whatever the number of workers or shards.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import workerpool from 'workerpool';
import { InputError } from '../errors.ts';
import { InvariantViolation } from '../kernel/invariants.ts';
import { readFolderManifest, ResultsDir } from '../output/results-dir.ts';
import { parseJsonText, show } from '../schema-errors.ts';
import { displayPath, loadExperiment, parseAssignment } from './load.ts';
import { callsPerRun } from './spec.ts';
import { driveSteps } from './run.ts';
import { estimate, unionKeys } from './statistics.ts';
import { pointSteps, RUN_POINT, SWEEP_CHILD, type PointResult, type PointTask } from './sweep-worker.ts';

export interface SweepParam {
  path: string;
  values: unknown[];
}

/** Splits on commas that are not inside brackets, braces or quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0,
    quoted = false,
    start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' && text[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && (ch === '[' || ch === '{')) depth++;
    else if (!quoted && (ch === ']' || ch === '}')) depth--;
    else if (!quoted && depth === 0 && ch === ',') {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** `path=v1,v2,...`: each value JSON when it parses as JSON, else text. */
export function parseParam(text: string): SweepParam {
  const { path, value } = parseAssignment(text);
  const raw = typeof value === 'string' ? value : JSON.stringify(value);
  const values = splitTopLevel(Array.isArray(value) ? raw.slice(1, -1) : raw).map(
    (v) => parseAssignment(`${path}=${v.trim()}`).value,
  );
  if (values.length === 0 || values.some((v) => v === ''))
    throw new InputError('--param', undefined, `got ${show(text)}; allowed: path=v1,v2,... with at least one value`);
  return { path, values };
}

/** Every combination, first parameter slowest. */
export function grid(params: readonly SweepParam[]): Array<Record<string, unknown>> {
  let points: Array<Record<string, unknown>> = [{}];
  for (const p of params) points = points.flatMap((pt) => p.values.map((v) => ({ ...pt, [p.path]: v })));
  return points;
}

/** The points shard i of n runs (1-based i): every n-th point, so shards are balanced and disjoint. */
export function shardOf<T>(
  points: readonly T[],
  shard: { index: number; count: number },
): Array<{ point: number; value: T }> {
  return points.flatMap((value, point) => ((point % shard.count) + 1 === shard.index ? [{ point, value }] : []));
}

export interface SweepOptions {
  params: SweepParam[];
  /** Overrides applied to every point before its own values. */
  set?: string[];
  /** Worker processes; when not given, `defaultWorkers` chooses from the sweep's size. */
  workers?: number;
  out?: string;
  force?: boolean;
  shard?: { index: number; count: number };
  progress?: (done: number, total: number) => void;
  /** Aborted: points under way stop, finished points are kept and the folder is marked partial. */
  signal?: AbortSignal;
  /** Complete an interrupted sweep in its folder: run only the points it is missing. */
  resume?: boolean;
}

/**
 * Below this many simulated calls in all (every point, every replication) a sweep runs in one
 * thread: a worker process takes about 0.25 s to start and compiles the model afresh, which a
 * small sweep never earns back. Measured with the compiled command, 4 points of W1, 1 worker
 * against 2 on two cores (medians of 3): 20,000 calls 1.77 s / 1.85 s, 25,000 2.08 / 1.97,
 * 50,000 3.82 / 2.86.
 */
export const SMALL_SWEEP_CALLS = 25_000;

/** The worker count a sweep uses when none is given: one for a small sweep, else one per core. */
export function defaultWorkers(callsInAll: number, points: number, cores: number): number {
  if (callsInAll < SMALL_SWEEP_CALLS) return 1;
  return Math.max(1, Math.min(cores, points));
}

export interface SweepRow {
  point: number;
  values: Record<string, unknown>;
  result: PointResult;
}

/**
 * V8 flags of a worker process: the collector on the simulation's own thread, so that its helper
 * threads do not take the core another worker runs on, and a young generation large enough that
 * most of what a call allocates dies there instead of being copied (a W1 call keeps its objects
 * for tens of simulated seconds). Two W1 runs of 50,000 calls at once on two cores (medians of 3):
 * 6.3 s each with no flags, 5.8 with the collector alone, 4.4 with a 64 MB and 4.2 with a 128 MB
 * semi-space (one alone, no flags: 4.5 s); two workers against one in npm run bench -- --mode
 * sweep: 1.34x, 1.45x, 1.51x, 1.79x. The price is memory: about 535 MB peak per worker, not 285.
 */
const CHILD_V8_FLAGS = ['--single-threaded-gc', '--max-semi-space-size=128'];

/**
 * An error from a worker process comes back as a plain Error with the original's name, message and
 * fields: the user's mistakes (InputError) and the checks of --check (InvariantViolation) are made
 * again, so that the command says them in one line with their exit code, as for a run in this
 * process, rather than as an internal error.
 */
function asThisProcessError(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const f = e as Error & Partial<Record<'file' | 'where' | 'reason' | 'rule' | 'call' | 'time', unknown>>;
  if (e.name === 'InputError' && typeof f.file === 'string' && typeof f.reason === 'string')
    return new InputError(f.file, typeof f.where === 'string' ? f.where : undefined, f.reason);
  if (
    e.name === 'InvariantViolation' &&
    typeof f.call === 'number' &&
    typeof f.time === 'number' &&
    typeof f.rule === 'string'
  )
    return new InvariantViolation(f.call, f.time, f.rule);
  return e;
}

/**
 * Runs the points on `workers` child processes (in this thread when 1), returning them in point
 * order; a point that did not finish before `signal` was aborted is undefined.
 */
export async function runPoints(
  tasks: ReadonlyArray<{ point: number; task: PointTask }>,
  workers: number,
  progress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<Array<PointResult | undefined>> {
  let done = 0;
  const tick = (r: PointResult): PointResult => {
    progress?.(++done, tasks.length);
    return r;
  };
  if (workers <= 1 || tasks.length <= 1) {
    // Points not started when the signal came are missing (undefined), like unfinished ones.
    const results: Array<PointResult | undefined> = [];
    const going = () => signal?.aborted !== true;
    for (const t of tasks) {
      if (!going()) break;
      const result = await driveSteps(pointSteps(t.task, true), going);
      results.push(result === undefined ? undefined : tick(result));
    }
    return results;
  }
  if (signal?.aborted === true) return tasks.map(() => undefined);
  // Processes, not threads: each has its own heap and collector, where threads share the
  // collector's helper threads and gained 1.1-1.2x on two cores. Compiled (dist/cli.mjs) the
  // worker is dist/sweep-worker.mjs; from the sources (tests, scripts) it is the TypeScript file,
  // run through tsx.
  const compiled = import.meta.url.endsWith('.mjs');
  const pool = workerpool.pool(
    fileURLToPath(new URL(compiled ? './sweep-worker.mjs' : './sweep-worker.ts', import.meta.url)),
    {
      workerType: 'process',
      maxWorkers: Math.min(workers, tasks.length),
      forkArgs: [SWEEP_CHILD],
      forkOpts: {
        execArgv: [...CHILD_V8_FLAGS, ...(compiled ? [] : ['--import', import.meta.resolve('tsx')])],
        // Structured clone keeps NaN, Infinity and -0 in the summaries, as one process has them.
        serialization: 'advanced',
      },
      // A child stops at its next slice when told; one that does not is killed after this long (ms).
      workerTerminateTimeout: 2_000,
    },
  );
  let ending: Promise<void> | undefined;
  const end = () => (ending ??= new Promise((done, fail) => void pool.terminate(true).then(() => done(), fail)));
  const onAbort = () => void end().catch(() => {}); // the finally below sees a failure
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.all(
      tasks.map((t) =>
        pool.exec(RUN_POINT, [t.task]).then(
          (r: PointResult) => tick(r),
          (e: unknown) => {
            if (signal?.aborted === true) return undefined;
            throw asThisProcessError(e);
          },
        ),
      ),
    );
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await end();
  }
}

/** The sweep table: parameters, then each figure's mean (and 95 % half-width with replications). */
export function sweepCsv(params: readonly SweepParam[], rows: readonly SweepRow[]): string {
  const keys = unionKeys(rows.flatMap((r) => r.result.replications)).filter(
    (k) => k !== 'warmupSeconds' && k !== 'seed',
  );
  const withCi = rows.some((r) => r.result.replications.length > 1);
  const header = ['point', ...params.map((p) => p.path)];
  for (const k of keys) header.push(k, ...(withCi ? [`${k}.ci95`] : []));
  header.push('fingerprint');
  const cell = (v: unknown) => {
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [header.join(',')];
  for (const r of rows) {
    const line: unknown[] = [r.point, ...params.map((p) => r.values[p.path])];
    for (const k of keys) {
      const est = estimate(r.result.replications.map((x) => x[k] ?? 0));
      line.push(+est.mean.toFixed(6));
      if (withCi) line.push(est.halfWidth === null ? '' : +est.halfWidth.toFixed(6));
    }
    line.push(r.result.fingerprints.join(':'));
    lines.push(line.map(cell).join(','));
  }
  return lines.join('\n') + '\n';
}

/** What sweep.json holds. */
interface SweepFile {
  experiment: string;
  params: SweepParam[];
  set: string[];
  shard: { index: number; count: number } | null;
  points: number;
  rows: SweepRow[];
  /** Only in an interrupted sweep: true, and the points of this sweep (or shard) not yet run. */
  partial?: true;
  missing?: number[];
}

/** Writes sweep.csv and sweep.json and moves the folder into place; returns where it is. */
function writeSweep(dir: ResultsDir, file: SweepFile): string {
  writeFileSync(dir.file('sweep.csv'), sweepCsv(file.params, file.rows));
  writeFileSync(dir.file('sweep.json'), JSON.stringify(file, null, 2) + '\n');
  return dir.commit({ experiment: file.experiment, partial: file.partial === true });
}

function readSweepFile(path: string): SweepFile {
  return parseJsonText(readFileSync(path, 'utf8'), displayPath(path)) as SweepFile;
}

/**
 * Joins the folders of a sharded sweep (`--shard i/n`, every i from 1 to n) into the results a
 * single run gives: the same sweep.csv and sweep.json, byte for byte.
 */
export function mergeSweeps(
  dirs: readonly string[],
  out: string | undefined,
  force: boolean,
): { dir: string; rows: number } {
  if (dirs.length === 0) throw new InputError('merge', undefined, 'give the shard folders to merge');
  const files = dirs.map((d) => {
    const path = join(d, 'sweep.json');
    if (!existsSync(path))
      throw new InputError(path, undefined, 'not found: merge takes folders written by cubesim sweep --shard i/n');
    const file = readSweepFile(path);
    if (file.partial === true)
      throw new InputError(
        path,
        undefined,
        `an interrupted sweep (points ${file.missing?.join(', ') ?? '?'} missing); finish it first with cubesim sweep ... --out ${d} --resume`,
      );
    return { path, file };
  });
  const first = files[0]!.file;
  const same = (f: SweepFile) =>
    f.experiment === first.experiment &&
    JSON.stringify(f.params) === JSON.stringify(first.params) &&
    JSON.stringify(f.set) === JSON.stringify(first.set) &&
    f.points === first.points;
  const counts = new Set(files.map((f) => f.file.shard?.count ?? 1));
  for (const f of files) {
    if (!same(f.file))
      throw new InputError(
        f.path,
        undefined,
        `belongs to another sweep than ${files[0]!.path} (experiment, parameters, overrides or number of points differ)`,
      );
  }
  if (counts.size !== 1)
    throw new InputError(
      files[0]!.path,
      undefined,
      `the shards were cut differently (${[...counts].join(' and ')} shards)`,
    );
  const rows = new Map<number, SweepRow>();
  for (const f of files) {
    for (const r of f.file.rows) {
      if (rows.has(r.point))
        throw new InputError(f.path, undefined, `point ${r.point} is also in another shard folder`);
      rows.set(r.point, r);
    }
  }
  const missing = [...Array(first.points).keys()].filter((p) => !rows.has(p));
  if (missing.length > 0) {
    const list = `${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''}`;
    throw new InputError(
      'merge',
      undefined,
      `${missing.length === 1 ? `point ${list} is` : `points ${list} are`} in none of the folders; give every shard`,
    );
  }
  const dir = ResultsDir.prepare(out, `${first.experiment}-sweep`, force, 'merge');
  try {
    const final = writeSweep(dir, {
      ...first,
      shard: null,
      rows: [...rows.values()].sort((a, b) => a.point - b.point),
    });
    return { dir: final, rows: rows.size };
  } catch (err) {
    dir.discard();
    throw err;
  }
}

export interface SweepResult {
  /** The results folder; undefined when interrupted before any point finished (nothing written). */
  dir: string | undefined;
  rows: SweepRow[];
  /** Points of this sweep (or shard) not run: none unless interrupted. */
  missing: number[];
  /** Points this call ran (the others came from the folder resumed). */
  ran: number;
  /** Worker processes used (given, or chosen by `defaultWorkers`). */
  workers: number;
}

/** The finished rows of an interrupted sweep in `dir`, checked to be this same sweep. */
function rowsToResume(dir: string, shown: string, same: Omit<SweepFile, 'rows'>): SweepRow[] {
  const m = readFolderManifest(dir);
  if (m === undefined || m.command !== 'sweep') {
    throw new InputError(
      '--resume',
      undefined,
      `${shown} is not a results folder of cubesim sweep; allowed: the folder of an interrupted sweep (its --out), resumed with the same experiment, --param, --set, --calls, --replications and --shard`,
    );
  }
  const path = join(dir, 'sweep.json');
  const file = readSweepFile(path);
  for (const key of ['experiment', 'params', 'set', 'shard', 'points'] as const) {
    if (JSON.stringify(file[key]) !== JSON.stringify(same[key])) {
      throw new InputError(
        displayPath(path),
        `field ${key}`,
        `got ${show(file[key])}, but this sweep has ${show(same[key])}; --resume completes the same sweep (experiment, --param, --set, --calls, --replications, --shard)`,
      );
    }
  }
  return file.rows;
}

export async function runSweep(experiment: string, opts: SweepOptions): Promise<SweepResult> {
  if (opts.params.length === 0) throw new InputError('--param', undefined, 'give at least one --param path=v1,v2,...');
  const base = opts.set ?? [];
  const points = grid(opts.params);
  const mine =
    opts.shard === undefined ? points.map((value, point) => ({ point, value })) : shardOf(points, opts.shard);
  // Every point is loaded (and so validated) before anything runs: a bad value stops the sweep at once.
  const tasks = mine.map(({ point, value }) => {
    const set = [...base, ...Object.entries(value).map(([p, v]) => `${p}=${JSON.stringify(v)}`)];
    const e = loadExperiment(experiment, { set }).experiment;
    return { point, task: { experiment, set }, calls: callsPerRun(e) * e.replications };
  });
  const name = loadExperiment(experiment, { set: base }).experiment.name;
  const folderName = `${name}-sweep${opts.shard === undefined ? '' : `-shard${opts.shard.index}of${opts.shard.count}`}`;
  const header = { experiment: name, params: opts.params, set: base, shard: opts.shard ?? null, points: points.length };
  const kept = new Map<number, SweepRow>();
  let out = opts.out;
  if (opts.resume === true) {
    out ??= join('results', folderName);
    const target = resolve(out);
    if (!existsSync(target))
      throw new InputError(
        '--resume',
        undefined,
        `${out} does not exist; give the --out folder of the interrupted sweep`,
      );
    for (const row of rowsToResume(target, out, header)) kept.set(row.point, row);
    if (tasks.every((t) => kept.has(t.point)))
      return { dir: target, rows: tasks.map((t) => kept.get(t.point)!), missing: [], ran: 0, workers: 0 };
  }
  const dir = ResultsDir.prepare(out, folderName, opts.force === true || opts.resume === true, 'sweep');
  try {
    const todo = tasks.filter((t) => !kept.has(t.point));
    const workers =
      opts.workers ??
      defaultWorkers(
        todo.reduce((n, t) => n + t.calls, 0),
        todo.length,
        availableParallelism(),
      );
    const results = await runPoints(todo, workers, opts.progress, opts.signal);
    todo.forEach((t, i) => {
      const result = results[i];
      if (result !== undefined) kept.set(t.point, { point: t.point, values: points[t.point]!, result });
    });
    const rows = tasks.flatMap((t) => kept.get(t.point) ?? []);
    const missing = tasks.filter((t) => !kept.has(t.point)).map((t) => t.point);
    const ran = results.filter((r) => r !== undefined).length;
    if (rows.length === 0) {
      dir.discard();
      return { dir: undefined, rows, missing, ran, workers };
    }
    const final = writeSweep(dir, {
      ...header,
      rows,
      ...(missing.length > 0 ? { partial: true as const, missing } : {}),
    });
    return { dir: final, rows, missing, ran, workers };
  } catch (err) {
    dir.discard();
    throw err;
  }
}
