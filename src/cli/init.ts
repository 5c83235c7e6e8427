// `cubesim init [dir]`: a folder with the shipped experiments, their configurations and the JSON
// Schema, and a short README, so that an installed cubesim has something to run and edit.
// Nothing is overwritten: the folder must not exist or be empty.

import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { displayPath, PROJECT_DIR } from '../experiment/load.ts';

const README = `# cubesim experiments

Made by \`cubesim init\`: the experiments shipped with cubesim, their IOS configurations
(configs/) and the JSON Schema an editor can check them against (schema/). Each file says what it
models (description) and what to look at in its results (lookAt). Try:

    cubesim run quickstart.json
    cubesim trace teach-f1-refresh-consumed.json --call 0
    cubesim check teach-f8-422-not-retried.json
    cubesim list experiments

Edit a copy freely; \`cubesim list platforms|profiles|defects\` shows what an experiment can name.
`;

/** Copies the experiments into `dir`; returns how many experiment files it wrote. */
export function initExperiments(dir: string): number {
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new InputError(
      displayPath(target),
      undefined,
      'the folder exists and is not empty; allowed: a new or empty folder (cubesim init never overwrites)',
    );
  }
  const source = join(PROJECT_DIR, 'experiments');
  mkdirSync(target, { recursive: true });
  cpSync(source, target, { recursive: true });
  writeFileSync(join(target, 'README.md'), README);
  return readdirSync(target).filter((f) => f.endsWith('.json')).length;
}
