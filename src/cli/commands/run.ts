// `cubesim run`: one experiment, its results folder, and the summary on the terminal.
import { displayPath, loadExperiment, type LoadedExperiment } from '../../experiment/load.ts';
import { CALLS_CSV_MODES, runExperiment, type ReplicationResult, type RunResult } from '../../experiment/run.ts';
import { defineCommand } from '../define-command.ts';
import { withInterruption } from '../interruption.ts';
import { EXPERIMENT_FILE, FORCE_RESULTS_FOLDER, parseSeed, positiveNumber, wholeNumber } from '../options.ts';
import { progressDisplay, progressLine, shareDone } from '../progress.ts';
import { reportAfter } from '../report-writer.ts';
import { formatSummary } from '../result-text.ts';

export const runCommand = defineCommand({
  command: 'run <experiment>',
  describe: 'Run an experiment file and write summary.json, calls.csv and manifest.json',
  builder: (y) =>
    y
      .positional('experiment', EXPERIMENT_FILE)
      .option('calls', { type: 'string', describe: 'number of calls offered (overrides the file)' })
      .option('until', { type: 'string', describe: 'stop at this simulated time, seconds (overrides the file)' })
      .option('replications', {
        type: 'string',
        describe: 'independent replications; figures get 95 % confidence intervals',
      })
      .option('warmup', { type: 'string', describe: 'statistics start after this many simulated seconds' })
      .option('seed', { type: 'string', describe: 'master seed (overrides the file)' })
      .option('config', {
        type: 'string',
        describe: 'border element configuration: IOS CLI text or JSON (overrides the file)',
      })
      .option('platform', { type: 'string', describe: 'platform model id, e.g. isr-12.4-20T (overrides the file)' })
      .option('out', { type: 'string', describe: 'results folder (default results/<experiment name>)' })
      .option('force', FORCE_RESULTS_FOLDER)
      .option('set', {
        type: 'string',
        array: true,
        describe: 'override any field: path=value (JSON value or text)',
      })
      .option('report', {
        type: 'boolean',
        default: false,
        describe: 'also write report.html (d3 pictures, opens from disk)',
      })
      .option('pcap', {
        type: 'string',
        describe: 'also write calls.pcap: the SIP messages of the first N calls (first replication)',
      })
      .option('calls-csv', {
        choices: CALLS_CSV_MODES,
        default: 'all' as const,
        describe: 'rows of calls.csv: every call, only the calls not completed (failed), or no calls.csv (none)',
      })
      .example('$0 run experiments/quickstart.json --report', 'the default experiment, with its report')
      .example(
        '$0 run experiments/quickstart.json --config experiments/configs/no-midcall.ios --out results/no-midcall',
        'the same calls without midcall-signaling',
      )
      .example('$0 run experiments/quickstart.json --set workload.holding.mean=1200 --calls 2000', 'longer calls'),
  handler: async (args) => {
    const seed = args.seed === undefined ? undefined : parseSeed(args.seed);
    const loaded = loadExperiment(args.experiment, {
      ...(args.set !== undefined ? { set: args.set.map(String) } : {}),
      ...(args.calls !== undefined ? { calls: wholeNumber('calls', 1)(args.calls)! } : {}),
      ...(args.until !== undefined ? { until: positiveNumber('until')(args.until) } : {}),
      ...(args.replications !== undefined ? { replications: wholeNumber('replications', 1)(args.replications)! } : {}),
      ...(args.warmup !== undefined ? { warmup: positiveNumber('warmup', true)(args.warmup) } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(args.config !== undefined ? { config: args.config } : {}),
      ...(args.platform !== undefined ? { platform: args.platform } : {}),
    });
    const pcapCalls = args.pcap === undefined ? undefined : wholeNumber('pcap', 1)(args.pcap)!;
    const e = loaded.experiment;
    if (e.until !== undefined && e.warmup >= e.until)
      warn(
        `the warm-up (${e.warmup} s) lasts until the run stops (until ${e.until} s): every figure will be zero; give a shorter --warmup`,
      );
    const display = progressDisplay(args['progress']);
    await withInterruption(async (interruption) => {
      const result = await runExperiment(loaded, {
        ...(args.out !== undefined ? { out: args.out } : {}),
        force: args.force,
        callsCsv: args.callsCsv,
        ...(pcapCalls !== undefined ? { pcapCalls } : {}),
        interrupted: () => interruption.interrupted,
        progress: (p) => display.show(progressLine(p, loaded.experiment.calls), shareDone(p, loaded.experiment)),
      });
      display.clear();
      if (interruption.interrupted) {
        const offered = result.replications.reduce((t, r) => t + r.summary.calls.offered, 0);
        const reps =
          result.replications.length > 1
            ? ` (${result.replications.length - 1} replications complete, the last one partial)`
            : '';
        interruption.report(
          `kept the ${offered} calls computed so far${reps} in ${result.dir}, marked "partial": true`,
        );
      } else {
        for (const w of nothingMeasured(loaded, result)) warn(w);
      }
      process.stdout.write(formatSummary(result.summary, result.dir) + '\n');
      if (result.pcap !== undefined) process.stdout.write(`  capture     ${result.pcap}\n`);
      if (args.report) await reportAfter(interruption, result.dir);
      process.exitCode = result.summary.partial ? 130 : 0;
    });
  },
});

/** A warning: one line on stderr; the command goes on and exits 0. */
function warn(text: string): void {
  process.stderr.write(`cubesim: warning: ${text}\n`);
}

/**
 * Why a finished run measured nothing, one line each: no call arrived before it stopped, every
 * call arrived during the warm-up, or no call was established.
 */
function nothingMeasured(loaded: LoadedExperiment, result: RunResult): string[] {
  const e = loaded.experiment;
  const sum = (f: (r: ReplicationResult) => number) => result.replications.reduce((t, r) => t + f(r), 0);
  const arrived = sum((r) => r.arrived);
  const offered = sum((r) => r.summary.calls.offered);
  if (arrived === 0) {
    const rate = e.workload.arrivals.profile === undefined ? `, at about ${e.workload.arrivals.rate} per second` : '';
    return [
      `no call arrived before the run stopped (until ${e.until ?? '-'} s${rate}): every figure is zero; give a longer --until`,
    ];
  }
  if (offered === 0) {
    if (e.until !== undefined && e.warmup >= e.until) return []; // said before the run
    return [
      `all ${arrived} calls arrived during the warm-up (${e.warmup} s), which the figures leave out: every figure is zero; give a shorter --warmup or more --calls`,
    ];
  }
  const established = sum((r) => r.summary.calls.completed + r.summary.calls.dropped + r.summary.calls.active);
  if (established > 0) return [];
  const causes = new Map<string, number>();
  for (const r of result.replications)
    for (const [k, v] of Object.entries(r.summary.rejects.byCause)) causes.set(k, (causes.get(k) ?? 0) + v);
  const why = [...causes].map(([k, v]) => `${k} ${v}`).join(', ');
  return [
    `no call was established: all ${offered} were rejected (${why}); cubesim lint ${displayPath(loaded.configPath)} --platform ${loaded.spec.platform.id} says why`,
  ];
}
