// Runs a loaded experiment and writes its results: summary.json, calls.csv (streamed) and
// manifest.json, into a folder that appears only when complete. Interruptible between slices of
// simulated time: what was computed is kept and marked partial.

import { writeFileSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CubeSimulation } from '../elements/simulation.ts';
import { CallsCsvWriter } from '../output/calls-csv.ts';
import { ResultsDir } from '../output/results-dir.ts';
import type { LoadedExperiment } from './load.ts';
import { SummaryBuilder, type Summary } from './summary.ts';

export const CUBESIM_VERSION: string = (
  JSON.parse(readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../package.json'), 'utf8')) as { version: string }
).version;

export interface Progress {
  offered: number;
  finished: number;
  active: number;
  simulatedSeconds: number;
}

export interface RunOptions {
  out?: string;
  force?: boolean;
  /** Called between slices of simulated time. */
  progress?: (p: Progress) => void;
  /** Checked between slices: true stops the run, keeping what was computed. */
  interrupted?: () => boolean;
  /** Simulated seconds per slice (default 60). */
  sliceSeconds?: number;
}

export interface RunResult {
  dir: string;
  summary: Summary;
}

/** Runs the simulation of a loaded experiment, feeding each finished call to `onCall`. */
export function simulate(loaded: LoadedExperiment, onCall: (c: import('../elements/call.ts').Call) => void): { sim: CubeSimulation; summary: SummaryBuilder } {
  const sim = new CubeSimulation(loaded.spec);
  const summary = new SummaryBuilder();
  sim.onCall = (c) => {
    summary.add(c);
    onCall(c);
  };
  return { sim, summary };
}

export function buildSummary(loaded: LoadedExperiment, sim: CubeSimulation, builder: SummaryBuilder, partial: boolean): Summary {
  const p = sim.processor;
  return builder.build(
    {
      experiment: loaded.experiment.name,
      seed: loaded.experiment.seed,
      platform: loaded.spec.platform.id,
      config: loaded.configPath.split(/[\\/]/).pop()!,
      partial,
      events: sim.sim.events,
      simulatedSeconds: sim.sim.now,
      cpuBusySeconds: p.busySeconds,
      processedMessages: p.messages,
      maxQueueDelay: p.maxQueueDelay,
      totalQueueDelay: p.totalQueueDelay,
    },
    sim.counters,
  );
}

export async function runExperiment(loaded: LoadedExperiment, opts: RunOptions = {}): Promise<RunResult> {
  const dir = ResultsDir.prepare(opts.out, loaded.experiment.name, opts.force ?? false);
  try {
    const csv = new CallsCsvWriter(dir.file('calls.csv'));
    let finished = 0;
    let backlog = false;
    const { sim, summary } = simulate(loaded, (c) => {
      finished++;
      if (!csv.write(c)) backlog = true;
    });
    const e = loaded.experiment;
    sim.begin({ ...(e.calls !== undefined ? { calls: e.calls } : {}), ...(e.until !== undefined ? { until: e.until } : {}) });
    let partial = false;
    const slice = opts.sliceSeconds ?? 60;
    while (sim.advance(slice) === 'more') {
      if (backlog) {
        await csv.drained();
        backlog = false;
      }
      opts.progress?.({ offered: sim.offeredCalls, finished, active: sim.activeCalls, simulatedSeconds: sim.sim.now });
      if (opts.interrupted?.() === true) {
        partial = true;
        break;
      }
    }
    sim.end();
    await csv.close();
    const result = buildSummary(loaded, sim, summary, partial);
    writeFileSync(dir.file('summary.json'), JSON.stringify(result, null, 2) + '\n');
    writeFileSync(dir.file('manifest.json'), JSON.stringify(manifest(loaded), null, 2) + '\n');
    dir.commit();
    return { dir: dir.final, summary: result };
  } catch (err) {
    dir.discard();
    throw err;
  }
}

/** What produced the results: enough to run them again. */
function manifest(loaded: LoadedExperiment): unknown {
  return {
    cubesim: CUBESIM_VERSION,
    seed: loaded.experiment.seed,
    experiment: loaded.experiment,
    platform: loaded.spec.platform,
    configFile: loaded.configPath.split(/[\\/]/).pop(),
    configText: loaded.configText,
    profiles: loaded.spec.profiles,
  };
}
