// What several commands take alike: the options worded the same in each --help (defined once, so
// that they cannot drift apart), the global options, and the parsers of option values, which
// name the flag when a value is refused.
import { InputError } from '../errors.ts';
import { PROGRESS_MODES } from './progress.ts';

/** The experiment positional of run, sweep, compare and trace. */
export const EXPERIMENT_FILE = { type: 'string', demandOption: true, describe: 'experiment file (JSON)' } as const;

/** --force of the commands that write a results folder. */
export const FORCE_RESULTS_FOLDER = {
  type: 'boolean',
  default: false,
  describe: 'replace an existing results folder that cubesim wrote',
} as const;

/** --out of sweep and merge, whose folders are alike. */
export const SWEEP_FOLDER = { type: 'string', describe: 'results folder (default results/<name>-sweep)' } as const;

/** --report of sweep and compare (run says more of the report). */
export const ALSO_REPORT = { type: 'boolean', default: false, describe: 'also write report.html' } as const;

/** --platform of the commands that read no experiment file, which would name one. */
export const DEFAULT_PLATFORM = { type: 'string', default: 'isr-12.4-20T', describe: 'platform model id' } as const;

/** --strict of lint and check. */
export const STRICT = { type: 'boolean', default: false, describe: 'warnings fail too (exit 1)' } as const;

/** --check, global: sets CUBESIM_CHECK for the run. */
export const CHECK = {
  type: 'boolean',
  default: false,
  describe: 'check protocol and bookkeeping invariants while running (slower); a violation stops the run',
} as const;

/** --progress, global: read by each command through progressDisplay. */
export const PROGRESS = {
  choices: PROGRESS_MODES,
  default: 'auto',
  describe:
    'progress on stderr: redrawn on a terminal (auto), a line per tenth of the work for a log file (lines), or none',
} as const;

/** A number option that must be a whole number >= min; names the flag when it is not. */
export function wholeNumber(flag: string, min: number) {
  return (v: unknown): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new InputError(`--${flag}`, undefined, `got ${JSON.stringify(v)}; allowed: a whole number >= ${min}`);
    return n;
  };
}

/** A number option that must be > 0 (or >= 0); names the flag when it is not. */
export function positiveNumber(flag: string, zeroOk = false) {
  return (v: unknown): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || (!zeroOk && n === 0))
      throw new InputError(
        `--${flag}`,
        undefined,
        `got ${JSON.stringify(v)}; allowed: a number of seconds ${zeroOk ? '>= 0' : '> 0'}`,
      );
    return n;
  };
}

/** --seed: a whole number JavaScript holds exactly, or a word. */
export function parseSeed(text: string): string | number {
  if (!/^-?\d+$/.test(text)) return text;
  const n = Number(text);
  if (!Number.isSafeInteger(n))
    throw new InputError(
      '--seed',
      undefined,
      `got ${text}, a whole number too large to hold exactly; allowed: a whole number from -9007199254740991 to 9007199254740991, or a word (e.g. s${text.replace(/^-/, '')})`,
    );
  return n;
}

/** --shard: `i/n` with 1 <= i <= n. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m === null ? NaN : Number(m[1]),
    count = m === null ? NaN : Number(m[2]);
  if (!(index >= 1 && count >= 1 && index <= count))
    throw new InputError('--shard', undefined, `got ${JSON.stringify(text)}; allowed: i/n with 1 <= i <= n, e.g. 2/4`);
  return { index, count };
}
