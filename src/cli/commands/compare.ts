// `cubesim compare`: the same seeded calls through two configurations, and which calls changed
// fate and why.
import {
  compareSteps,
  comparisonDir,
  loadSide,
  parseSide,
  writeComparison,
  type Comparison,
} from '../../experiment/compare.ts';
import { driveSteps } from '../../experiment/run.ts';
import { defineCommand } from '../define-command.ts';
import { withInterruption } from '../interruption.ts';
import { ALSO_REPORT, EXPERIMENT_FILE, FORCE_RESULTS_FOLDER, wholeNumber } from '../options.ts';
import { progressDisplay, progressLine, shareDone } from '../progress.ts';
import { reportAfter } from '../report-writer.ts';
import { formatComparison } from '../result-text.ts';

export const compareCommand = defineCommand({
  command: 'compare <experiment>',
  describe: 'Run the same seeded calls through two configurations and show which calls changed fate, and why',
  builder: (y) =>
    y
      .positional('experiment', EXPERIMENT_FILE)
      .option('a', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'side A: a configuration file and/or path=value overrides',
      })
      .option('b', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'side B: a configuration file and/or path=value overrides',
      })
      .option('calls', { type: 'string', describe: 'calls per run (overrides the file)' })
      .option('replications', { type: 'string', describe: 'replications (paired: the same seeds on both sides)' })
      .option('set', { type: 'string', array: true, describe: 'override any field on both sides: path=value' })
      .option('out', { type: 'string', describe: 'results folder (default results/<name>-compare)' })
      .option('force', FORCE_RESULTS_FOLDER)
      .option('report', ALSO_REPORT)
      .example(
        '$0 compare experiments/regression-passthru-vs-none.json --a experiments/configs/passthru.ios --b experiments/configs/no-midcall.ios',
        'remove midcall-signaling passthru',
      )
      .example(
        '$0 compare experiments/quickstart.json --a platform=isr-12.4-20T --b platform=isr-12.4-11T --b experiments/configs/pre-xz.ios',
        'a release downgrade',
      ),
  handler: async (args) => {
    const common = {
      set: (args.set ?? []).map(String),
      ...(args.calls !== undefined ? { calls: wholeNumber('calls', 1)(args.calls)! } : {}),
      ...(args.replications !== undefined ? { replications: wholeNumber('replications', 1)(args.replications)! } : {}),
    };
    const sides = { a: parseSide('A', args.a.map(String)), b: parseSide('B', args.b.map(String)) };
    const a = loadSide(args.experiment, sides.a, common);
    const b = loadSide(args.experiment, sides.b, common);
    const display = progressDisplay(args['progress']);
    await withInterruption(async (interruption) => {
      const dir = comparisonDir(a, args.out, args.force);
      let run = '';
      const cmp = await driveSteps(
        compareSteps(a, b),
        () => !interruption.interrupted,
        (p) => {
          display.show(
            `  ${p.run}: ${progressLine(p, a.experiment.calls).trimStart()}`,
            shareDone(p, a.experiment),
            p.run !== run,
          );
          run = p.run;
        },
      );
      display.clear();
      if (cmp === undefined) {
        dir.discard();
        interruption.report('side A had not finished its first run, so there is nothing to compare; nothing written');
        process.exitCode = 130;
        return;
      }
      const written = writeComparison(cmp, sides, dir);
      if (cmp.stoppedIn !== null) {
        interruption.report(`${stoppedText(cmp)}, in ${written}, marked "partial": true`);
        process.exitCode = 130;
      }
      process.stdout.write(formatComparison(cmp, written) + '\n');
      if (args.report) await reportAfter(interruption, written);
    });
  },
});

/** What an interrupted comparison kept, for its one line on stderr. */
function stoppedText(cmp: Comparison): string {
  const at = cmp.stoppedIn!;
  const whole =
    cmp.completeReplications > 0 ? `kept ${cmp.completeReplications} of ${cmp.replications} replications` : '';
  const rep = cmp.replications > 1 ? ` of replication ${at.replication + 1}` : '';
  switch (at.run) {
    case 'side A':
      return `${whole}; replication ${at.replication + 1} was stopped in side A, before anything could be compared`;
    case 'side B':
      return `${whole === '' ? '' : `${whole}, and `}compared the ${at.callsCompared} calls side B had finished${rep}`;
    case 'replay':
      return `every figure and changed call${rep} is complete, but their first differences were not traced`;
  }
}
