// Small helpers for tests that run the whole model without touching the disk for output.
import type { Call } from '../src/elements/call.ts';
import { loadExperiment, type ExperimentOverrides, type LoadedExperiment } from '../src/experiment/load.ts';
import { buildSummary, simulate } from '../src/experiment/run.ts';
import type { Summary } from '../src/experiment/summary.ts';
import type { CubeSimulation } from '../src/elements/simulation.ts';

export function load(name: string, set: string[] = [], more: Omit<ExperimentOverrides, 'set'> = {}): LoadedExperiment {
  return loadExperiment(`experiments/${name}.json`, { set, ...more });
}

export interface Ran {
  calls: Call[];
  summary: Summary;
  sim: CubeSimulation;
}

/** Runs a loaded experiment in memory; `traced` calls keep their message ladder. */
export function run(loaded: LoadedExperiment, traced: number[] = []): Ran {
  const calls: Call[] = [];
  const { sim, summary } = simulate(loaded, (c) => calls.push(c));
  for (const t of traced) sim.traced.add(t);
  const e = loaded.experiment;
  sim.run({ ...(e.calls !== undefined ? { calls: e.calls } : {}), ...(e.until !== undefined ? { until: e.until } : {}) });
  calls.sort((a, b) => a.index - b.index);
  return { calls, summary: buildSummary(loaded, sim, summary, false), sim };
}

/** The messages of a traced call as "from>to LABEL" strings. */
export function ladder(call: Call, filter: (e: { purpose: string; retransmission: boolean }) => boolean = () => true): string[] {
  const out: string[] = [];
  for (const e of call.trace ?? []) {
    if (e.kind !== 'message' || !filter(e)) continue;
    out.push(`${e.from}>${e.to} ${e.label}`);
  }
  return out;
}
