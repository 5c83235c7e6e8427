// The terminal text of results: the summary run prints and the comparison compare prints, with
// figures rounded for reading (the files keep them whole).
import { transitions, type Comparison } from '../experiment/compare.ts';
import type { LoadedExperiment } from '../experiment/load.ts';
import { FEATURES } from '../elements/call.ts';
import type { Figure, RunSummary } from '../results/summary.ts';

/** The figure as printed: a number, or "mean ±half-width" over replications. */
function fig(v: Figure): string {
  if (typeof v === 'number') return String(+v.toFixed(6));
  const m = +v.mean.toFixed(2);
  return v.ci95 === null ? String(m) : `${m} ±${+((v.ci95[1] - v.ci95[0]) / 2).toFixed(2)}`;
}

/** A fraction as a percentage, for a number or a mean with its interval. */
function pct(v: Figure): string {
  if (typeof v === 'number') return `${(100 * v).toFixed(1)} %`;
  return v.ci95 === null
    ? `${(100 * v.mean).toFixed(1)} %`
    : `${(100 * v.mean).toFixed(1)} ±${((100 * (v.ci95[1] - v.ci95[0])) / 2).toFixed(1)} %`;
}

/** What run prints: the summary of its results, a line per kind of figure. */
export function formatSummary(s: RunSummary, dir: string): string {
  const causes = (m: Readonly<Record<string, Figure>>) =>
    Object.entries(m)
      .map(([k, v]) => `${k} ${fig(v)}`)
      .join(', ') || 'none';
  const c = s.calls,
    r = s.reinvites,
    f = s.refreshes,
    be = s.borderElement;
  const feats = FEATURES.map((x) => `${x} ${fig(s.features[x].succeeded)}/${fig(s.features[x].attempted)}`).join(', ');
  const reps = 'replications' in s ? `, ${s.replications} replications (mean ±95 % CI half-width)` : `, seed ${s.seed}`;
  const warm = s.warmupSeconds > 0 ? `, statistics after ${s.warmupSeconds} s warm-up` : '';
  const active = typeof c.active === 'number' ? c.active : c.active.mean;
  const seconds = typeof s.simulatedSeconds === 'number' ? Math.round(s.simulatedSeconds) : s.simulatedSeconds;
  return [
    `cubesim run ${s.experiment}${s.partial ? ' (PARTIAL: interrupted)' : ''}: ${fig(c.offered)} calls on ${s.platform}, config ${s.config}${reps}${warm}`,
    `  calls       completed ${fig(c.completed)}, rejected ${fig(c.rejected)}, dropped ${fig(c.dropped)}${active !== 0 ? `, still active ${fig(c.active)}` : ''}`,
    `  rejected    ${causes(s.rejects.byCause)}`,
    `  dropped     ${causes(s.drops.byCause)}`,
    `  re-INVITEs  received ${fig(r.received)}, relayed ${fig(r.relayed)}, answered locally ${fig(r.answeredLocally)}, rejected ${fig(r.rejected)}, glare ${fig(r.glare)}, retried ${fig(r.retried)}`,
    `  refreshes   sent ${fig(f.sent)}, succeeded ${fig(f.succeeded)}, failed ${fig(f.failed)}; per second inbound ${fig(be.refreshTransactionsPerSecond.inbound)}, outbound ${fig(be.refreshTransactionsPerSecond.outbound)}`,
    `  features    succeeded/attempted: ${feats}`,
    `  simulated   ${fig(seconds)} s, ${fig(s.events)} events, border element CPU ${pct(be.cpuUtilisation)}`,
    `  results in  ${dir}`,
  ].join('\n');
}

/** What compare prints: the calls that changed fate, grouped by change, and the figures that moved. */
export function formatComparison(cmp: Comparison, dir: string): string {
  const side = (l: LoadedExperiment) => `${l.configPath.split(/[\\/]/).pop()} on ${l.spec.platform.id}`;
  const n = cmp.calls[0] ?? 0;
  const first = cmp.changed.filter((c) => c.replication === 0);
  const lines = [
    `cubesim compare ${cmp.a.experiment.name}${cmp.stoppedIn !== null ? ' (PARTIAL: interrupted)' : ''}: A = ${side(cmp.a)}, B = ${side(cmp.b)}, seed ${cmp.a.experiment.seed}, ${cmp.replications} replication${cmp.replications === 1 ? '' : 's'}`,
    `  calls       ${n} ${cmp.stoppedIn?.run === 'side B' && cmp.completeReplications === 0 ? 'compared (side B was interrupted)' : 'in each run'}; ${first.length} changed fate (${n > 0 ? ((100 * first.length) / n).toFixed(1) : '0'} %)`,
  ];
  const groups = transitions(first);
  for (const t of groups.slice(0, 8)) {
    lines.push(`  ${String(t.count).padStart(6)} x  ${t.change}`);
    const d = t.example.divergence;
    if (d !== null)
      lines.push(
        `             e.g. call ${t.example.call}, first difference at ${d.at.toFixed(3)} s:`,
        `               A: ${d.a}`,
        `               B: ${d.b}`,
      );
  }
  if (groups.length > 8) lines.push(`         ... ${groups.length - 8} more kinds of change in changed-calls.csv`);
  const moved = Object.entries(cmp.deltas).filter(
    ([k, v]) =>
      v.delta !== 0 && !k.startsWith('events') && !k.startsWith('simulatedSeconds') && !k.startsWith('messages'),
  );
  if (moved.length > 0) lines.push('  figures     A -> B (delta, 95 % CI with replications)');
  for (const [k, v] of moved.slice(0, 16)) {
    const ci = v.ci95 === null ? '' : ` [${v.ci95[0]}, ${v.ci95[1]}]`;
    lines.push(`    ${k}: ${v.a} -> ${v.b} (${v.delta > 0 ? '+' : ''}${v.delta}${ci})`);
  }
  if (moved.length > 16) lines.push(`    ... ${moved.length - 16} more in compare.json`);
  lines.push(`  results in  ${dir}`);
  return lines.join('\n');
}
