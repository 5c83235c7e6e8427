// `cubesim report`: report.html for a results folder of run, sweep or compare.
import { defineCommand } from '../define-command.ts';
import { writeReport } from '../report-writer.ts';

export const reportCommand = defineCommand({
  command: 'report <dir>',
  describe:
    'Write DIR/report.html for a results folder of run, sweep or compare: one self-contained file with d3 pictures',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', demandOption: true, describe: 'results folder' })
      .option('force', { type: 'boolean', default: false, describe: 'replace a report.html that cubesim wrote' })
      .example('$0 report results/quickstart', 'headline figures, time series, histograms and sample ladders'),
  handler: async (args) => {
    process.stdout.write(`cubesim report: ${await writeReport(args.dir, args.force)}\n`);
  },
});
