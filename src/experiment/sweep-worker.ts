// Runs one point of a sweep: the experiment with the point's values set, every replication.
// The same steps serve the worker processes and the single-worker case, so results cannot
// depend on the number of workers. Started with SWEEP_CHILD, this module is a worker process
// of the sweep's pool (src/experiment/sweep.ts).
import workerpool from 'workerpool';
import { fingerprintFolding } from './fingerprint-thread.ts';
import { loadExperiment } from './load.ts';
import { callsPerRun } from './spec.ts';
import { driveSteps, replicationSteps, type Progress } from './run.ts';
import { flatten } from './statistics.ts';

export interface PointTask {
  experiment: string;
  /** `path=value` assignments: the experiment's own overrides, then the point's values. */
  set: string[];
}

export interface PointResult {
  /** Each replication's summary, flattened to dotted paths. */
  replications: Array<Record<string, number>>;
  fingerprints: string[];
}

/**
 * A point as steps: yields between slices of simulated time; sent `false`, it stops and returns
 * undefined (an unfinished point is not a result).
 */
export function* pointSteps(
  task: PointTask,
  /**
   * The point runs in the sweep's own process, alone: its fingerprint may be folded on a thread
   * of its own (fingerprint-thread.ts). Not in a worker process: the workers take every core.
   */
  alone = false,
): Generator<Progress, PointResult | undefined, boolean | undefined> {
  const loaded = loadExperiment(task.experiment, { set: task.set });
  const replications: Array<Record<string, number>> = [];
  const fingerprints: string[] = [];
  const folding = alone ? fingerprintFolding(callsPerRun(loaded.experiment)) : {};
  for (let r = 0; r < loaded.experiment.replications; r++) {
    const steps = replicationSteps(loaded, r, folding);
    let s = steps.next();
    while (s.done !== true) {
      const go = yield s.value;
      if (go === false) {
        steps.next(false); // the replication ends there, and closes what folds its fingerprint
        return undefined;
      }
      s = steps.next(true);
    }
    replications.push(flatten(s.value.summary));
    fingerprints.push(s.value.fingerprint);
  }
  return { replications, fingerprints };
}

/** The first argument of a worker process: the module then serves points to the parent's pool. */
export const SWEEP_CHILD = '--sweep-child';

/** The pool's method name for a point. */
export const RUN_POINT = 'runPoint';

// Only a process the pool forked (an IPC channel and SWEEP_CHILD) serves points: the parent and
// the tests import this module for pointSteps.
if (process.send !== undefined && process.argv[2] === SWEEP_CHILD) {
  // No useSimulationHeapPolicy here: with the collector on this one thread (sweep.ts) every full
  // collection stops the run, and the tighter growth made two workers about 8 % slower.
  // Ctrl-C reaches the whole process group; the parent decides what stops and ends its pool.
  for (const s of ['SIGINT', 'SIGHUP'] as const) process.on(s, () => {});
  workerpool.worker({
    // In slices, so that the pool's stop and the parent's exit (IPC disconnect) are heard mid-point.
    [RUN_POINT]: async (task: PointTask): Promise<PointResult> => (await driveSteps(pointSteps(task), () => true))!,
  });
}
