// `cubesim merge`: the folders of a sharded sweep joined into the results of one sweep.
import { mergeSweeps } from '../../experiment/sweep.ts';
import { defineCommand } from '../define-command.ts';
import { FORCE_RESULTS_FOLDER, SWEEP_FOLDER } from '../options.ts';

export const mergeCommand = defineCommand({
  command: 'merge <dirs..>',
  describe: 'Join the folders of a sharded sweep (sweep --shard i/n, every i) into the results one run gives',
  builder: (y) =>
    y
      .positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'the shard folders' })
      .option('out', SWEEP_FOLDER)
      .option('force', FORCE_RESULTS_FOLDER)
      .example(
        '$0 merge results/w1-shard1of4 results/w1-shard2of4 results/w1-shard3of4 results/w1-shard4of4',
        'after a job array',
      ),
  handler: (args) => {
    const r = mergeSweeps(args.dirs.map(String), args.out, args.force);
    process.stdout.write(`cubesim merge: ${r.rows} points from ${args.dirs.length} folders\n  results in  ${r.dir}\n`);
  },
});
