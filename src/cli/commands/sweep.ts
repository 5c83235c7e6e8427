// `cubesim sweep`: the grid of every combination of --param values, on worker processes, one row
// per point; interrupted, it keeps the points finished and says how to resume.
import { availableParallelism } from 'node:os';
import { parseParam, runSweep, SMALL_SWEEP_CALLS } from '../../experiment/sweep.ts';
import { defineCommand } from '../define-command.ts';
import { withInterruption } from '../interruption.ts';
import {
  ALSO_REPORT,
  EXPERIMENT_FILE,
  FORCE_RESULTS_FOLDER,
  parseShard,
  SWEEP_FOLDER,
  wholeNumber,
} from '../options.ts';
import { progressDisplay } from '../progress.ts';
import { reportAfter } from '../report-writer.ts';

export const sweepCommand = defineCommand({
  command: 'sweep <experiment>',
  describe: 'Run the grid of every combination of --param values (on worker processes); one row per point in sweep.csv',
  builder: (y) =>
    y
      .positional('experiment', EXPERIMENT_FILE)
      .option('param', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'path=v1,v2,... (repeat for more dimensions)',
      })
      .option('workers', {
        type: 'string',
        describe: `worker processes (default: 1 for a sweep of fewer than ${SMALL_SWEEP_CALLS.toLocaleString('en')} calls in all, else one per core, ${availableParallelism()})`,
      })
      .option('replications', { type: 'string', describe: 'replications per point (overrides the file)' })
      .option('calls', { type: 'string', describe: 'calls per replication (overrides the file)' })
      .option('set', { type: 'string', array: true, describe: 'override any field for every point: path=value' })
      .option('shard', {
        type: 'string',
        describe: 'i/n: run only every n-th point starting at the i-th (for a job array)',
      })
      .option('out', SWEEP_FOLDER)
      .option('force', FORCE_RESULTS_FOLDER)
      .option('resume', {
        type: 'boolean',
        default: false,
        describe: 'finish an interrupted sweep in its --out folder: run only the points it is missing',
      })
      .option('report', ALSO_REPORT)
      .example(
        '$0 sweep experiments/quickstart.json --param endpoints.cucm.timer.sessionExpires=90,600,1800 --param workload.arrivals.rate=0.2,0.5',
        'refresh load against Session-Expires and load',
      ),
  handler: async (args) => {
    const set = [...(args.set ?? []).map(String)];
    if (args.calls !== undefined) set.push(`calls=${wholeNumber('calls', 1)(args.calls)}`);
    if (args.replications !== undefined) set.push(`replications=${wholeNumber('replications', 1)(args.replications)}`);
    const workers = args.workers === undefined ? undefined : wholeNumber('workers', 1)(args.workers)!;
    const shard = args.shard === undefined ? undefined : parseShard(args.shard);
    const display = progressDisplay(args['progress']);
    await withInterruption(async (interruption) => {
      const result = await runSweep(args.experiment, {
        params: args.param.map((p) => parseParam(String(p))),
        set,
        ...(workers !== undefined ? { workers } : {}),
        ...(shard !== undefined ? { shard } : {}),
        ...(args.out !== undefined ? { out: args.out } : {}),
        force: args.force,
        resume: args.resume,
        signal: interruption.signal,
        progress: (done, total) => display.show(`  ${done}/${total} points done`, done / total, true),
      });
      display.clear();
      const total = result.rows.length + result.missing.length;
      if (result.dir === undefined) {
        interruption.report(`no point of ${total} had finished; nothing written`);
        process.exitCode = 130;
        return;
      }
      const resumed = result.rows.length - result.ran;
      if (result.missing.length > 0) {
        const list =
          result.missing.length > 10 ? `${result.missing.slice(0, 10).join(', ')}, ...` : result.missing.join(', ');
        interruption.report(
          `${result.rows.length} of ${total} points finished, kept in ${result.dir} ("partial": true); point${result.missing.length === 1 ? '' : 's'} ${list} missing: run the same command with --out ${result.dir} --resume to finish them`,
        );
        process.exitCode = 130;
      }
      const from = !args.resume
        ? ''
        : result.ran === 0
          ? ' (all were there already: nothing run)'
          : ` (${result.ran} run now, ${resumed} from the interrupted sweep)`;
      const partial = result.missing.length > 0 ? ` of ${total} (PARTIAL: interrupted)` : '';
      process.stdout.write(
        `cubesim sweep: ${result.rows.length} points${partial}${shard === undefined ? '' : ` (shard ${shard.index}/${shard.count})`}${result.ran === 0 ? '' : ` on ${result.workers} worker${result.workers === 1 ? '' : 's'}`}${from}\n  results in  ${result.dir}\n`,
      );
      if (args.report) await reportAfter(interruption, result.dir);
    });
  },
});
