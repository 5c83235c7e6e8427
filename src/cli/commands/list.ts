// `cubesim list`: what an experiment can name, and the shipped experiments.
import { listing, LISTS } from '../catalogue.ts';
import { defineCommand } from '../define-command.ts';

export const listCommand = defineCommand({
  command: 'list <what>',
  describe:
    'List what an experiment can name (platforms, endpoint profiles, defects) and the shipped experiments, one line each, with what is assumed',
  builder: (y) =>
    y
      .positional('what', { choices: LISTS, demandOption: true, describe: 'what to list' })
      .example('$0 list platforms', 'releases and hardware, and which of their figures are assumed'),
  handler: (args) => {
    process.stdout.write(listing(args.what) + '\n');
  },
});
