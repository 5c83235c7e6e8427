// The golden record of every shipped experiment (first replication, at most GOLDEN_CALLS calls):
// its trajectory fingerprint, a hash of every message on the wire (every header field the model
// carries) and every outcome, and beside it the run's counts, so that a change shows a reviewer
// what changed and not only that something did.
//
//   npm run fingerprints               compares with test/golden/fingerprints.json and prints
//                                      every difference (exit 1 when there is one)
//   npm run fingerprints -- --update   records the new values, printing the same differences
//
// Update only for a change of behaviour you mean to make, and say why in the commit.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadExperiment } from '../src/experiment/load.ts';
import { runReplicationSync } from '../src/experiment/run.ts';
import { flatten } from '../src/experiment/statistics.ts';

export const GOLDEN_CALLS = 1000;
export const GOLDEN_FILE = new URL('../test/golden/fingerprints.json', import.meta.url);

export interface GoldenEntry {
  fingerprint: string;
  /** Calls offered to the run (the experiment's own, at most GOLDEN_CALLS). */
  calls: number;
  /** Every count of the summary, by dotted path. */
  figures: Record<string, number>;
}

/** The summary's counts (the rates, utilisation and times are left to the fingerprint). */
const COUNTS =
  /^(calls|rejects|drops|reinvites|refreshes|features|messages)\.|^events$|^borderElement\.optionsPingsSent$/;

export function goldenRecord(): Record<string, GoldenEntry> {
  const out: Record<string, GoldenEntry> = {};
  for (const f of readdirSync(new URL('../experiments/', import.meta.url))
    .filter((x) => x.endsWith('.json'))
    .sort()) {
    // At most GOLDEN_CALLS arrivals, also for experiments that run to a time.
    const calls = Math.min(loadExperiment(`experiments/${f}`, {}).experiment.calls ?? GOLDEN_CALLS, GOLDEN_CALLS);
    const r = runReplicationSync(loadExperiment(`experiments/${f}`, { calls }), 0);
    const figures: Record<string, number> = {};
    for (const [k, v] of Object.entries(flatten(r.summary))) if (COUNTS.test(k)) figures[k] = v;
    out[f] = { fingerprint: r.fingerprint, calls, figures };
  }
  return out;
}

/** What differs between two records, one line per experiment and figure. */
export function goldenDiff(old: Record<string, Partial<GoldenEntry>>, now: Record<string, GoldenEntry>): string[] {
  const lines: string[] = [];
  for (const name of [...new Set([...Object.keys(old), ...Object.keys(now)])].sort()) {
    const a = old[name],
      b = now[name];
    if (a === undefined || b === undefined) {
      lines.push(`${name}: ${a === undefined ? 'new' : 'gone'}`);
      continue;
    }
    const changes: string[] = [];
    if (a.fingerprint !== b.fingerprint) changes.push(`fingerprint ${a.fingerprint} -> ${b.fingerprint}`);
    const fa = a.figures ?? {},
      fb = b.figures;
    for (const k of [...new Set([...Object.keys(fa), ...Object.keys(fb)])].sort()) {
      if (fa[k] !== fb[k]) changes.push(`${k} ${fa[k] ?? '-'} -> ${fb[k] ?? '-'}`);
    }
    if (changes.length > 0) lines.push(`${name}: ${changes.join('; ')}`);
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const update = process.argv.includes('--update');
  let old: Record<string, Partial<GoldenEntry>> = {};
  try {
    old = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as Record<string, Partial<GoldenEntry>>;
  } catch {
    // no record yet: everything is new
  }
  const now = goldenRecord();
  const diff = goldenDiff(old, now);
  for (const line of diff) console.log(line);
  if (update) {
    writeFileSync(GOLDEN_FILE, JSON.stringify(now, null, 2) + '\n');
    console.log(
      diff.length === 0
        ? 'no change; test/golden/fingerprints.json rewritten as it was'
        : `recorded ${diff.length} changed experiment(s) in test/golden/fingerprints.json`,
    );
  } else if (diff.length === 0) {
    console.log(`all ${Object.keys(now).length} experiments as recorded`);
  } else {
    console.log(
      `${diff.length} experiment(s) differ from test/golden/fingerprints.json; if the change is meant, record it with npm run fingerprints -- --update and say why in the commit`,
    );
    process.exitCode = 1;
  }
}
