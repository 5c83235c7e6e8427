// Runs one point of a sweep: the experiment with the point's values set, every replication.
// The same function serves the worker threads and the single-worker case, so results cannot
// depend on the number of workers.
import { loadExperiment } from './load.ts';
import { runReplicationSync } from './run.ts';
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

export default function runPoint(task: PointTask): PointResult {
  const loaded = loadExperiment(task.experiment, { set: task.set });
  const replications: Array<Record<string, number>> = [];
  const fingerprints: string[] = [];
  for (let r = 0; r < loaded.experiment.replications; r++) {
    const result = runReplicationSync(loaded, r);
    replications.push(flatten(result.summary));
    fingerprints.push(result.fingerprint);
  }
  return { replications, fingerprints };
}
