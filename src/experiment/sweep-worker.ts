// Runs one point of a sweep: the experiment with the point's values set, every replication.
// The same steps serve the worker threads and the single-worker case, so results cannot
// depend on the number of workers.
import { loadExperiment } from './load.ts';
import { replicationSteps, stepsToEnd, type Progress } from './run.ts';
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
export function* pointSteps(task: PointTask): Generator<Progress, PointResult | undefined, boolean | undefined> {
  const loaded = loadExperiment(task.experiment, { set: task.set });
  const replications: Array<Record<string, number>> = [];
  const fingerprints: string[] = [];
  for (let r = 0; r < loaded.experiment.replications; r++) {
    const steps = replicationSteps(loaded, r);
    let s = steps.next();
    while (s.done !== true) {
      const go = yield s.value;
      if (go === false) return undefined;
      s = steps.next(true);
    }
    replications.push(flatten(s.value.summary));
    fingerprints.push(s.value.fingerprint);
  }
  return { replications, fingerprints };
}

export default function runPoint(task: PointTask): PointResult {
  return stepsToEnd(pointSteps(task))!; // never stopped, so never undefined
}
