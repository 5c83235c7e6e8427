// Small helpers for tests that run the whole model without touching the disk for output, and for
// tests that read what the command wrote.
import { readFileSync } from 'node:fs';
import type { Call } from '../src/elements/call.ts';
import { loadExperiment, type ExperimentOverrides, type LoadedExperiment } from '../src/experiment/load.ts';
import { runReplicationSync } from '../src/experiment/run.ts';
import type { Summary } from '../src/results/summary.ts';
import type { FolderManifest } from '../src/output/results-dir.ts';
import { copyMessage, type SipMessage } from '../src/sip/message.ts';

export function load(name: string, set: string[] = [], more: Omit<ExperimentOverrides, 'set'> = {}): LoadedExperiment {
  return loadExperiment(`experiments/${name}.json`, { set, ...more });
}

export interface Ran {
  calls: Call[];
  summary: Summary;
  fingerprint: string;
}

/** Runs the first replication of a loaded experiment in memory; `traced` calls keep their ladder. */
export function run(loaded: LoadedExperiment, traced: number[] = [], replication = 0): Ran {
  const calls: Call[] = [];
  const r = runReplicationSync(loaded, replication, { traced, onCall: (c) => calls.push(c) });
  calls.sort((a, b) => a.index - b.index);
  return { calls, summary: r.summary, fingerprint: r.fingerprint };
}

/** The messages of a traced call as "from>to LABEL" strings. */
export function ladder(
  call: Call,
  filter: (e: { purpose: string; retransmission: boolean }) => boolean = () => true,
): string[] {
  const out: string[] = [];
  for (const e of call.trace ?? []) {
    if (e.kind !== 'message' || !filter(e)) continue;
    out.push(`${e.from}>${e.to} ${e.label}`);
  }
  return out;
}

/**
 * A test that needs an outside tool (tshark, sipp) is skipped where the tool is missing, except
 * under CUBESIM_REQUIRE_TOOLS=1 (set by .ci/run, which installs them): there a missing tool fails.
 */
export function toolPresent(name: string, present: boolean): boolean {
  if (!present && process.env['CUBESIM_REQUIRE_TOOLS'] === '1')
    throw new Error(`${name} is required here (CUBESIM_REQUIRE_TOOLS=1, set by .ci/run) but is not installed`);
  return present;
}

/** A JSON file, read as the shape the test expects of it (`T`: a type from src, or the fields the test reads). */
export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** manifest.json of a run: what every results folder's manifest says, and the run's own fields the tests read. */
export interface RunManifest extends FolderManifest {
  partial: boolean;
  /** The replication's fingerprint; with several, theirs joined with ":". */
  fingerprint: string;
  replications: Array<{ replication: number; seed: string | number; fingerprint: string; partial: boolean }>;
}

/**
 * A copy of message `m` with `fields` set: a record as the model makes them (spreading one would
 * give `flags` and lose the yes/no headers it stands for, message.ts).
 */
export function withFields(m: SipMessage, fields: Partial<SipMessage>): SipMessage {
  return Object.assign(copyMessage(m), fields);
}
