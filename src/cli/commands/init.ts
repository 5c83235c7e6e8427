// `cubesim init`: a folder with the shipped experiments to run and edit.
import { join } from 'node:path';
import { defineCommand } from '../define-command.ts';
import { initExperiments } from '../init.ts';

export const initCommand = defineCommand({
  command: 'init [dir]',
  describe: 'Make a folder with the shipped experiments, their configurations and the JSON Schema, to run and edit',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', default: 'cubesim-experiments', describe: 'a new or empty folder' })
      .example('$0 init demo && $0 run demo/quickstart.json', 'from anywhere, after npm install -g'),
  handler: (args) => {
    const n = initExperiments(args.dir);
    process.stdout.write(
      `cubesim init: ${n} experiments, their configurations and the schema in ${args.dir}\n  try  cubesim run ${join(args.dir, 'quickstart.json')}\n`,
    );
  },
});
