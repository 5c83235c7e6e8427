// Where cubesim is installed and which version it is: read once from its package.json.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: the folder holding package.json (and src/, models/). */
export const PROJECT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const CUBESIM_VERSION: string = (
  JSON.parse(readFileSync(resolve(PROJECT_DIR, 'package.json'), 'utf8')) as { version: string }
).version;
