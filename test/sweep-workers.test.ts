// Sweep points on worker processes: results in point order and the same as in one thread, a
// progress tick per point, Ctrl-C keeping what finished, a failing point failing the sweep, and
// no worker process left behind in any of these cases.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.ts';
import { runPoints } from '../src/experiment/sweep.ts';
import { SWEEP_CHILD, type PointTask } from '../src/experiment/sweep-worker.ts';

const W1 = 'experiments/bench-w1.json';
const point = (calls: number, experiment = W1): PointTask => ({ experiment, set: [`calls=${calls}`] });
const numbered = (tasks: PointTask[]) => tasks.map((task, p) => ({ point: p, task }));

/** This process's sweep workers still alive (POSIX ps: Linux and macOS). */
function workerProcesses(): string[] {
  return execFileSync('ps', ['-A', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.trim().split(/\s+/)[1] === String(process.pid) && line.includes(SWEEP_CHILD));
}

describe('sweep points on worker processes', () => {
  it('come back in point order, as one thread computes them, with a progress tick per point', async () => {
    // The first point is the longest, so it finishes last.
    const tasks = numbered([point(3_000), point(100), point(200)]);
    const ticks: string[] = [];
    const two = await runPoints(tasks, 2, (done, total) => ticks.push(`${done}/${total}`));
    expect(ticks).toEqual(['1/3', '2/3', '3/3']);
    expect(workerProcesses()).toEqual([]);
    const one = await runPoints(tasks, 1);
    expect(two).toEqual(one);
    expect(two.map((r) => r?.replications[0]?.['calls.offered'])).toEqual([3_000, 100, 200]);
  });

  it('stop when the signal comes: finished points are kept, the others are undefined', async () => {
    const stop = new AbortController();
    const results = await runPoints(
      numbered([point(100), point(200_000), point(200_001)]),
      2,
      () => stop.abort(),
      stop.signal,
    );
    expect(results[0]?.fingerprints).toHaveLength(1);
    expect(results.slice(1)).toEqual([undefined, undefined]);
    expect(workerProcesses()).toEqual([]);
  });

  it('start no process when the signal came before', async () => {
    const stop = new AbortController();
    stop.abort();
    expect(await runPoints(numbered([point(100), point(100)]), 2, undefined, stop.signal)).toEqual([
      undefined,
      undefined,
    ]);
    expect(workerProcesses()).toEqual([]);
  });

  it('fail with the error of a point that fails, and stop the others', async () => {
    const tasks = numbered([point(200_000), point(100, 'experiments/no-such-experiment.json')]);
    const failure = runPoints(tasks, 2);
    await expect(failure).rejects.toThrow(/no-such-experiment\.json/);
    // The same kind of error as in one process: the command says it in one line, exit 2.
    await expect(failure).rejects.toBeInstanceOf(InputError);
    expect(workerProcesses()).toEqual([]);
  });
});
