// The `cubesim` command. Exit codes: 0 success, 2 bad input (one line naming the file and the
// field or line), 1 internal error, 130 interrupted (partial results kept and marked).
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { InputError, isInputError } from '../errors.ts';
import { closestMatch } from '../schema-errors.ts';
import { InvariantViolation } from '../kernel/invariants.ts';
import { loadExperiment } from '../experiment/load.ts';
import {
  CALLS_CSV_MODES,
  driveSteps,
  replicationSteps,
  runExperiment,
  type Progress,
  type ReplicationResult,
  type RunResult,
} from '../experiment/run.ts';
import { withInterruption, type Interruption } from './interruption.ts';
import { PROGRESS_MODES, progressDisplay } from './progress.ts';
import { CUBESIM_VERSION } from '../package-info.ts';
import { renderLadder, traceToJson } from '../output/ladder-text.ts';
import { callsPcap } from '../output/pcap.ts';
import { checkOutFile, writeOutFile } from '../output/out-file.ts';
import { isTraceOutput } from '../output/trace-file.ts';
import type { Call } from '../elements/call.ts';
import { mergeSweeps, parseParam, runSweep, SMALL_SWEEP_CALLS } from '../experiment/sweep.ts';
import {
  compareSteps,
  comparisonDir,
  loadSide,
  parseSide,
  transitions,
  writeComparison,
  type Comparison,
} from '../experiment/compare.ts';
import {
  displayPath,
  endpointIds,
  loadBorderElementModel,
  loadConfig,
  loadDefects,
  loadEndpointProfile,
  loadPlatform,
  type LoadedExperiment,
} from '../experiment/load.ts';
import { findingsJson, formatFindings, lintConfiguration, lintExitCode } from '../experiment/lint.ts';
import { listing, LISTS } from './catalogue.ts';
import { initExperiments } from './init.ts';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { FEATURES } from '../elements/call.ts';
import type { Figure, RunSummary } from '../results/summary.ts';

/** The figure as printed: a number, or "mean ±half-width" over replications. */
function fig(v: Figure): string {
  if (typeof v === 'number') return String(+v.toFixed(6));
  const m = +v.mean.toFixed(2);
  return v.ci95 === null ? String(m) : `${m} ±${+((v.ci95[1] - v.ci95[0]) / 2).toFixed(2)}`;
}

/** A fraction as a percentage, for a number or a mean with its interval. */
function pct(v: Figure): string {
  if (typeof v === 'number') return `${(100 * v).toFixed(1)} %`;
  return v.ci95 === null
    ? `${(100 * v.mean).toFixed(1)} %`
    : `${(100 * v.mean).toFixed(1)} ±${((100 * (v.ci95[1] - v.ci95[0])) / 2).toFixed(1)} %`;
}

function formatSummary(s: RunSummary, dir: string): string {
  const causes = (m: Readonly<Record<string, Figure>>) =>
    Object.entries(m)
      .map(([k, v]) => `${k} ${fig(v)}`)
      .join(', ') || 'none';
  const c = s.calls,
    r = s.reinvites,
    f = s.refreshes,
    be = s.borderElement;
  const feats = FEATURES.map((x) => `${x} ${fig(s.features[x].succeeded)}/${fig(s.features[x].attempted)}`).join(', ');
  const reps = 'replications' in s ? `, ${s.replications} replications (mean ±95 % CI half-width)` : `, seed ${s.seed}`;
  const warm = s.warmupSeconds > 0 ? `, statistics after ${s.warmupSeconds} s warm-up` : '';
  const active = typeof c.active === 'number' ? c.active : c.active.mean;
  const seconds = typeof s.simulatedSeconds === 'number' ? Math.round(s.simulatedSeconds) : s.simulatedSeconds;
  return [
    `cubesim run ${s.experiment}${s.partial ? ' (PARTIAL: interrupted)' : ''}: ${fig(c.offered)} calls on ${s.platform}, config ${s.config}${reps}${warm}`,
    `  calls       completed ${fig(c.completed)}, rejected ${fig(c.rejected)}, dropped ${fig(c.dropped)}${active !== 0 ? `, still active ${fig(c.active)}` : ''}`,
    `  rejected    ${causes(s.rejects.byCause)}`,
    `  dropped     ${causes(s.drops.byCause)}`,
    `  re-INVITEs  received ${fig(r.received)}, relayed ${fig(r.relayed)}, answered locally ${fig(r.answeredLocally)}, rejected ${fig(r.rejected)}, glare ${fig(r.glare)}, retried ${fig(r.retried)}`,
    `  refreshes   sent ${fig(f.sent)}, succeeded ${fig(f.succeeded)}, failed ${fig(f.failed)}; per second inbound ${fig(be.refreshTransactionsPerSecond.inbound)}, outbound ${fig(be.refreshTransactionsPerSecond.outbound)}`,
    `  features    succeeded/attempted: ${feats}`,
    `  simulated   ${fig(seconds)} s, ${fig(s.events)} events, border element CPU ${pct(be.cpuUtilisation)}`,
    `  results in  ${dir}`,
  ].join('\n');
}

/** The share of a run done (0-1): its calls, or its simulated time, over every replication. */
function shareDone(p: Progress, e: LoadedExperiment['experiment']): number {
  const within =
    e.calls !== undefined ? p.finished / e.calls : e.until !== undefined ? p.simulatedSeconds / e.until : 0;
  return (p.replication + Math.min(1, within)) / p.replications;
}

function progressLine(p: Progress, total: number | undefined): string {
  const of = total === undefined ? '' : `/${total}`;
  const rep = p.replications > 1 ? `replication ${p.replication + 1}/${p.replications}: ` : '';
  return `  ${rep}${p.finished}${of} calls done, ${p.active} active, t=${p.simulatedSeconds.toFixed(0)} s simulated`;
}

/** A number option that must be a whole number >= min; names the flag when it is not. */
function wholeNumber(flag: string, min: number) {
  return (v: unknown): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new InputError(`--${flag}`, undefined, `got ${JSON.stringify(v)}; allowed: a whole number >= ${min}`);
    return n;
  };
}

/** A number option that must be > 0 (or >= 0); names the flag when it is not. */
function positiveNumber(flag: string, zeroOk = false) {
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

function formatComparison(cmp: Comparison, dir: string): string {
  const side = (l: LoadedExperiment) => `${l.configPath.split(/[\\/]/).pop()} on ${l.spec.platform.id}`;
  const n = cmp.calls[0] ?? 0;
  const first = cmp.changed.filter((c) => c.replication === 0);
  const lines = [
    `cubesim compare ${cmp.a.experiment.name}${cmp.stoppedIn !== null ? ' (PARTIAL: interrupted)' : ''}: A = ${side(cmp.a)}, B = ${side(cmp.b)}, seed ${cmp.a.experiment.seed}, ${cmp.replications} replication${cmp.replications === 1 ? '' : 's'}`,
    `  calls       ${n} ${cmp.stoppedIn?.run === 'side B' && cmp.completeReplications === 0 ? 'compared (side B was interrupted)' : 'in each run'}; ${first.length} changed fate (${n > 0 ? ((100 * first.length) / n).toFixed(1) : '0'} %)`,
  ];
  const groups = transitions(first);
  for (const t of groups.slice(0, 8)) {
    lines.push(`  ${String(t.count).padStart(6)} x  ${t.change}`);
    const d = t.example.divergence;
    if (d !== null)
      lines.push(
        `             e.g. call ${t.example.call}, first difference at ${d.at.toFixed(3)} s:`,
        `               A: ${d.a}`,
        `               B: ${d.b}`,
      );
  }
  if (groups.length > 8) lines.push(`         ... ${groups.length - 8} more kinds of change in changed-calls.csv`);
  const moved = Object.entries(cmp.deltas).filter(
    ([k, v]) =>
      v.delta !== 0 && !k.startsWith('events') && !k.startsWith('simulatedSeconds') && !k.startsWith('messages'),
  );
  if (moved.length > 0) lines.push('  figures     A -> B (delta, 95 % CI with replications)');
  for (const [k, v] of moved.slice(0, 16)) {
    const ci = v.ci95 === null ? '' : ` [${v.ci95[0]}, ${v.ci95[1]}]`;
    lines.push(`    ${k}: ${v.a} -> ${v.b} (${v.delta > 0 ? '+' : ''}${v.delta}${ci})`);
  }
  if (moved.length > 16) lines.push(`    ... ${moved.length - 16} more in compare.json`);
  lines.push(`  results in  ${dir}`);
  return lines.join('\n');
}

/** A warning: one line on stderr; the command goes on and exits 0. */
function warn(text: string): void {
  process.stderr.write(`cubesim: warning: ${text}\n`);
}

/** --seed: a whole number JavaScript holds exactly, or a word. */
function parseSeed(text: string): string | number {
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

/** The report writer, loaded only when a report is asked for (it brings esbuild and d3). */
async function writeReport(dir: string, force = false): Promise<string> {
  return (await import('../report/render.ts')).writeReport(dir, force);
}

/**
 * --report once the results are written: skipped when the command was interrupted (the user asked
 * it to stop); otherwise written with Ctrl-C back to its default, since building a report cannot
 * stop halfway and keep anything (its file appears only when complete).
 */
async function reportAfter(interruption: Interruption, dir: string): Promise<void> {
  if (interruption.interrupted) return;
  interruption.dispose();
  process.stdout.write(`  report      ${await writeReport(dir)}\n`);
}

/** `i/n` with 1 <= i <= n. */
function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m === null ? NaN : Number(m[1]),
    count = m === null ? NaN : Number(m[2]);
  if (!(index >= 1 && count >= 1 && index <= count))
    throw new InputError('--shard', undefined, `got ${JSON.stringify(text)}; allowed: i/n with 1 <= i <= n, e.g. 2/4`);
  return { index, count };
}

/** A command-line error that names no file or flag: printed as `cubesim: <message>`. */
class CommandLineError extends InputError {
  constructor(message: string) {
    super('command line', undefined, message);
    this.message = message;
  }
}

/** yargs' message when no command is given; the commands are added where it is reported. */
const NO_COMMAND = 'give a command';

/** The commands registered on the parser, in the order they were registered (as --help lists them). */
function registeredCommands(parser: unknown): string[] {
  const internal = parser as { getInternalMethods(): { getCommandInstance(): { getCommands(): string[] } } };
  return internal.getInternalMethods().getCommandInstance().getCommands();
}

/** What the parser knows of the options of the command being parsed (yargs' getOptions, not in its types). */
interface ParsedOptions {
  key: Record<string, unknown>;
  string: string[];
}

function parsedOptions(parser: unknown): ParsedOptions {
  return (parser as { getOptions(): ParsedOptions }).getOptions();
}

/** What a string option takes, for the message that refuses it given with no value. */
const OPTION_VALUES: Record<string, string> = {
  config: 'a configuration file: IOS CLI text or JSON',
  platform: 'a platform model id, e.g. isr-12.4-20T',
  listen: 'an IPv4 address:port, e.g. 127.0.0.1:5060',
  forward: 'an IPv4 address:port, e.g. 127.0.0.1:5070',
  calls: 'a whole number >= 1',
  until: 'a number of seconds > 0',
  replications: 'a whole number >= 1',
  warmup: 'a number of seconds >= 0',
  seed: 'a whole number or a word',
  set: 'path=value',
  pcap: 'a whole number of calls >= 1',
  param: 'path=v1,v2,...',
  workers: 'a whole number >= 1',
  shard: 'i/n with 1 <= i <= n, e.g. 2/4',
  a: 'a configuration file and/or path=value overrides',
  b: 'a configuration file and/or path=value overrides',
  endpoints: 'peer profile ids, comma-separated, e.g. cucm,jssip',
  call: 'a call index, a whole number >= 0',
  replication: 'a whole number >= 0',
  width: 'a whole number of columns >= 60',
};

/**
 * A string option of the command given with no value: `--platform` last or followed by another
 * option, `--platform=`, or an empty word (`--out ""`). yargs would take '' or, worse, the
 * option's default; both are refused. `strings` are the command's string options.
 */
function optionWithoutValue(
  argv: readonly string[],
  strings: ReadonlySet<string>,
): { flag: string; given: string | undefined } | undefined {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') break;
    const m = /^--([^=]+)(?:=(.*))?$/s.exec(token);
    if (m === null || !strings.has(m[1]!)) continue;
    const inline = m[2];
    const next = argv[i + 1];
    // A following word that is an option is not a value (a negative number is).
    const value = inline ?? (next === undefined || (next.startsWith('-') && !/^-\d/.test(next)) ? undefined : next);
    if (value === undefined || value.trim() === '') return { flag: m[1]!, given: value };
  }
  return undefined;
}

/**
 * The word typed where the command goes, when yargs refused it as an unknown argument (`msg`)
 * and it is not a command: the first word of the command line that is not an option.
 */
function unknownCommand(argv: readonly string[], msg: string, commands: readonly string[]): string | undefined {
  const unknown = /^Unknown arguments?: (.*)$/s.exec(msg)?.[1]?.split(', ');
  const typed = argv.find((a) => !a.startsWith('-'));
  return typed !== undefined && unknown?.includes(typed) === true && !commands.includes(typed) ? typed : undefined;
}

/**
 * The positional names of each registered command ("run <experiment>" gives experiment), which
 * are no options. Read before parsing: inside a command the parser no longer lists them.
 */
function positionalsByCommand(parser: unknown): Map<string, string[]> {
  const internal = parser as {
    getInternalMethods(): {
      getCommandInstance(): { getCommandHandlers(): Record<string, { original?: string } | undefined> };
    };
  };
  const handlers = internal.getInternalMethods().getCommandInstance().getCommandHandlers();
  return new Map(
    Object.entries(handlers).map(([name, h]) => [
      name,
      [...(h?.original ?? '').matchAll(/[<[]([^\]>.]+)(?:\.\.)?[\]>]/g)].map((m) => m[1]!),
    ]),
  );
}

/** Whether the letters of `typed` come in `word` in the same order ("ladr" in "ladder"). */
function abbreviates(typed: string, word: string): boolean {
  let i = 0;
  for (const ch of word) if (ch === typed[i]) i++;
  return i === typed.length;
}

/** The option an unknown word was meant to be: the closest by edit distance, else the only one it abbreviates. */
function guessOption(word: string, options: readonly string[]): string | undefined {
  const typed = word.replace(/^-+/, '').toLowerCase();
  const close = closestMatch(typed, options);
  if (close !== undefined) return close;
  const abbreviated = typed.length >= 3 ? options.filter((o) => abbreviates(typed, o)) : [];
  return abbreviated.length === 1 ? abbreviated[0] : undefined;
}

/**
 * For "Unknown argument(s): ladr": the option of the command being parsed that each unknown
 * word is closest to, as " (did you mean --ladder?)"; '' when none is close.
 */
function optionGuess(msg: string, parser: unknown, positionalNames: readonly string[]): string {
  const unknown = /^Unknown arguments?: (.*)$/.exec(msg)?.[1]?.split(', ');
  if (unknown === undefined) return '';
  const positionals = new Set(positionalNames);
  const options = Object.keys(parsedOptions(parser).key).filter(
    (k) => k !== 'version' && !/[A-Z]/.test(k) && !positionals.has(k),
  );
  const guesses = unknown.flatMap((u) => {
    const g = guessOption(u, options);
    return g === undefined ? [] : [{ u, g }];
  });
  if (guesses.length === 0) return '';
  if (unknown.length === 1) return ` (did you mean --${guesses[0]!.g}?)`;
  return ` (did you mean ${guesses.map(({ u, g }) => `--${g} for ${u}`).join(', ')}?)`;
}

async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const parser = yargs(argv)
    .scriptName('cubesim')
    .usage('$0 <command> [options]')
    .command(
      'run <experiment>',
      'Run an experiment file and write summary.json, calls.csv and manifest.json',
      (y) =>
        y
          .positional('experiment', { type: 'string', demandOption: true, describe: 'experiment file (JSON)' })
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
          .option('force', {
            type: 'boolean',
            default: false,
            describe: 'replace an existing results folder that cubesim wrote',
          })
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
      async (args) => {
        const seed = args.seed === undefined ? undefined : parseSeed(args.seed);
        const loaded = loadExperiment(args.experiment, {
          ...(args.set !== undefined ? { set: args.set.map(String) } : {}),
          ...(args.calls !== undefined ? { calls: wholeNumber('calls', 1)(args.calls)! } : {}),
          ...(args.until !== undefined ? { until: positiveNumber('until')(args.until) } : {}),
          ...(args.replications !== undefined
            ? { replications: wholeNumber('replications', 1)(args.replications)! }
            : {}),
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
          exitCode = result.summary.partial ? 130 : 0;
        });
      },
    )
    .command(
      'sweep <experiment>',
      'Run the grid of every combination of --param values (on worker threads); one row per point in sweep.csv',
      (y) =>
        y
          .positional('experiment', { type: 'string', demandOption: true, describe: 'experiment file (JSON)' })
          .option('param', {
            type: 'string',
            array: true,
            demandOption: true,
            describe: 'path=v1,v2,... (repeat for more dimensions)',
          })
          .option('workers', {
            type: 'string',
            describe: `worker threads (default: 1 for a sweep of fewer than ${SMALL_SWEEP_CALLS.toLocaleString('en')} calls in all, else one per core, ${availableParallelism()})`,
          })
          .option('replications', { type: 'string', describe: 'replications per point (overrides the file)' })
          .option('calls', { type: 'string', describe: 'calls per replication (overrides the file)' })
          .option('set', { type: 'string', array: true, describe: 'override any field for every point: path=value' })
          .option('shard', {
            type: 'string',
            describe: 'i/n: run only every n-th point starting at the i-th (for a job array)',
          })
          .option('out', { type: 'string', describe: 'results folder (default results/<name>-sweep)' })
          .option('force', {
            type: 'boolean',
            default: false,
            describe: 'replace an existing results folder that cubesim wrote',
          })
          .option('resume', {
            type: 'boolean',
            default: false,
            describe: 'finish an interrupted sweep in its --out folder: run only the points it is missing',
          })
          .option('report', { type: 'boolean', default: false, describe: 'also write report.html' })
          .example(
            '$0 sweep experiments/quickstart.json --param endpoints.cucm.timer.sessionExpires=90,600,1800 --param workload.arrivals.rate=0.2,0.5',
            'refresh load against Session-Expires and load',
          ),
      async (args) => {
        const set = [...(args.set ?? []).map(String)];
        if (args.calls !== undefined) set.push(`calls=${wholeNumber('calls', 1)(args.calls)}`);
        if (args.replications !== undefined)
          set.push(`replications=${wholeNumber('replications', 1)(args.replications)}`);
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
            exitCode = 130;
            return;
          }
          const resumed = result.rows.length - result.ran;
          if (result.missing.length > 0) {
            const list =
              result.missing.length > 10 ? `${result.missing.slice(0, 10).join(', ')}, ...` : result.missing.join(', ');
            interruption.report(
              `${result.rows.length} of ${total} points finished, kept in ${result.dir} ("partial": true); point${result.missing.length === 1 ? '' : 's'} ${list} missing: run the same command with --out ${result.dir} --resume to finish them`,
            );
            exitCode = 130;
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
    )
    .command(
      'compare <experiment>',
      'Run the same seeded calls through two configurations and show which calls changed fate, and why',
      (y) =>
        y
          .positional('experiment', { type: 'string', demandOption: true, describe: 'experiment file (JSON)' })
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
          .option('force', {
            type: 'boolean',
            default: false,
            describe: 'replace an existing results folder that cubesim wrote',
          })
          .option('report', { type: 'boolean', default: false, describe: 'also write report.html' })
          .example(
            '$0 compare experiments/regression-passthru-vs-none.json --a experiments/configs/passthru.ios --b experiments/configs/no-midcall.ios',
            'remove midcall-signaling passthru',
          )
          .example(
            '$0 compare experiments/quickstart.json --a platform=isr-12.4-20T --b platform=isr-12.4-11T --b experiments/configs/pre-xz.ios',
            'a release downgrade',
          ),
      async (args) => {
        const common = {
          set: (args.set ?? []).map(String),
          ...(args.calls !== undefined ? { calls: wholeNumber('calls', 1)(args.calls)! } : {}),
          ...(args.replications !== undefined
            ? { replications: wholeNumber('replications', 1)(args.replications)! }
            : {}),
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
            interruption.report(
              'side A had not finished its first run, so there is nothing to compare; nothing written',
            );
            exitCode = 130;
            return;
          }
          const written = writeComparison(cmp, sides, dir);
          if (cmp.stoppedIn !== null) {
            interruption.report(`${stoppedText(cmp)}, in ${written}, marked "partial": true`);
            exitCode = 130;
          }
          process.stdout.write(formatComparison(cmp, written) + '\n');
          if (args.report) await reportAfter(interruption, written);
        });
      },
    )
    .command(
      'lint <config>',
      'Check a border element configuration against a release and peer endpoint profiles before anything runs',
      (y) =>
        y
          .positional('config', { type: 'string', demandOption: true, describe: 'IOS CLI text or JSON configuration' })
          .option('platform', { type: 'string', default: 'isr-12.4-20T', describe: 'platform model id' })
          .option('endpoints', {
            type: 'string',
            describe: `peer profiles, comma-separated (default: all of ${endpointIds().join(', ')})`,
          })
          .option('strict', { type: 'boolean', default: false, describe: 'warnings fail too (exit 1)' })
          .option('format', {
            choices: ['text', 'json'] as const,
            default: 'text' as const,
            describe: 'findings as lines of text, or one JSON document for machines',
          })
          .example(
            '$0 lint experiments/configs/passthru.ios --endpoints cucm,jssip',
            'JsSIP offers 90 s and never retries after 422',
          )
          .example(
            '$0 lint experiments/configs/pre-xz.ios --platform isr-12.4-11T --endpoints cucm',
            'calls that outlive the interval',
          )
          .epilog(
            'Exit codes: 0 no errors (warnings and notes allowed); 1 errors found, or warnings with --strict; 2 bad input (the configuration, platform or profiles cannot be read).',
          ),
      (args) => {
        const platform = loadPlatform(args.platform, '--platform');
        const config = loadConfig(args.config, platform);
        const ids =
          args.endpoints === undefined
            ? endpointIds()
            : args.endpoints
                .split(',')
                .map((x) => x.trim())
                .filter((x) => x !== '');
        const profiles = ids.map((id) => loadEndpointProfile(id, '--endpoints'));
        const findings = lintConfiguration({
          config,
          platform,
          model: loadBorderElementModel(),
          profiles,
          defects: loadDefects(),
        });
        const output =
          args.format === 'json'
            ? JSON.stringify(
                findingsJson(findings, { config: args.config, platform: platform.id, endpoints: ids }),
                null,
                2,
              )
            : formatFindings(findings, args.config);
        process.stdout.write(output + '\n');
        exitCode = lintExitCode(findings, args.strict);
      },
    )
    .command(
      'trace <experiment>',
      'Draw the full message ladder of one call across caller, border element (both legs) and callee, with its session timers',
      (y) =>
        y
          .positional('experiment', { type: 'string', demandOption: true, describe: 'experiment file (JSON)' })
          .option('call', {
            type: 'string',
            demandOption: true,
            describe: 'call index (0 is the first call to arrive)',
          })
          .option('format', {
            choices: ['text', 'json', 'pcap'] as const,
            default: 'text' as const,
            describe: 'a ladder drawn in the terminal, JSON, or a pcap capture (Wireshark, tshark, sngrep)',
          })
          .option('out', {
            type: 'string',
            describe: 'write to this file (pcap: needed unless the output is redirected)',
          })
          .option('force', {
            type: 'boolean',
            default: false,
            describe: 'replace an existing --out file that cubesim trace wrote',
          })
          .option('replication', { type: 'string', default: '0', describe: 'which replication (seed) to trace' })
          .option('config', { type: 'string', describe: 'border element configuration (overrides the file)' })
          .option('platform', { type: 'string', describe: 'platform model id (overrides the file)' })
          .option('set', { type: 'string', array: true, describe: 'override any field: path=value' })
          .option('width', {
            type: 'string',
            describe: 'columns for the text ladder (default: the terminal width, or 110)',
          })
          .option('allow-short-session-expires', {
            type: 'boolean',
            default: false,
            describe:
              'accept Session-Expires and Min-SE below the RFC 4028 minimum of 90 s (to predict a short cubesim emulate run)',
          })
          .example('$0 trace experiments/pre-xz.json --call 3', 'a call dropped at 1768 s')
          .example('$0 trace experiments/quickstart.json --call 0 --format json', 'the same as JSON')
          .example(
            '$0 trace experiments/pre-xz.json --call 3 --format pcap --out call3.pcap',
            'its SIP messages as a capture file',
          ),
      async (args) => {
        const loaded = loadExperiment(args.experiment, {
          ...(args.set !== undefined ? { set: args.set.map(String) } : {}),
          ...(args.config !== undefined ? { config: args.config } : {}),
          ...(args.platform !== undefined ? { platform: args.platform } : {}),
          allowShortSessionExpires: args.allowShortSessionExpires,
        });
        const k = wholeNumber('call', 0)(args.call)!;
        const total = loaded.experiment.calls;
        if (total !== undefined && k >= total)
          throw new InputError(
            '--call',
            undefined,
            `got ${k}; allowed: 0-${total - 1} (the experiment offers ${total} calls)`,
          );
        const replication = wholeNumber('replication', 0)(args.replication)!;
        if (replication >= loaded.experiment.replications)
          throw new InputError(
            '--replication',
            undefined,
            `got ${replication}; allowed: 0-${loaded.experiment.replications - 1}`,
          );
        if (args.out !== undefined) checkOutFile(args.out, args.force, '--out', isTraceOutput);
        else if (args.format === 'pcap' && process.stdout.isTTY === true)
          throw new InputError(
            '--format pcap',
            undefined,
            'a capture is binary, not for the terminal; give --out FILE or redirect the output',
          );
        let traced: Call | null = null;
        const interrupted = await withInterruption(async (interruption) => {
          const steps = replicationSteps(loaded, replication, {
            traced: [k],
            stopAfterCall: k,
            onCall: (c) => {
              if (c.index === k) traced = c;
            },
          });
          const display = progressDisplay(args['progress']);
          await driveSteps(
            steps,
            () => !interruption.interrupted,
            (p) => display.show(progressLine(p, k + 1), p.finished / (k + 1)),
          );
          display.clear();
          if (interruption.interrupted && traced === null)
            interruption.report(`call ${k} was not over yet; nothing written`);
          return interruption.interrupted && traced === null;
        });
        if (interrupted) {
          exitCode = 130;
          return;
        }
        if (traced === null)
          throw new InputError(
            '--call',
            undefined,
            `call ${k} did not arrive before the experiment stopped (until ${loaded.experiment.until ?? '-'} s)`,
          );
        const call: Call = traced;
        const tty = args.out === undefined && process.stdout.isTTY === true;
        let output: string | Uint8Array;
        if (args.format === 'pcap') {
          output = callsPcap([call]);
        } else if (args.format === 'json') {
          output = JSON.stringify(traceToJson(call), null, 2) + '\n';
        } else {
          const width =
            args.width !== undefined ? wholeNumber('width', 60)(args.width)! : tty ? process.stdout.columns : 110;
          output = renderLadder(call, { width, color: tty }) + '\n';
        }
        if (args.out === undefined) {
          process.stdout.write(output);
        } else {
          writeOutFile(args.out, output, args.force, '--out', isTraceOutput);
          process.stdout.write(
            `cubesim trace: call ${k}${args.format === 'pcap' ? `, ${call.carried?.length ?? 0} SIP messages,` : ''} written to ${args.out}\n`,
          );
        }
      },
    )
    .command(
      'emulate',
      'Run the border element model in real time on UDP: callers send to --listen, each call goes on to --forward (drive it with SIPp)',
      (y) =>
        y
          .option('config', {
            type: 'string',
            demandOption: true,
            describe: 'border element configuration: IOS CLI text or JSON',
          })
          .option('platform', { type: 'string', default: 'isr-12.4-20T', describe: 'platform model id' })
          .option('listen', {
            type: 'string',
            default: '127.0.0.1:5060',
            describe: 'IPv4 address:port to receive SIP on (caller side, and the answers of the callee side)',
          })
          .option('forward', {
            type: 'string',
            demandOption: true,
            describe: 'IPv4 address:port the outbound side of each call is sent to',
          })
          .option('allow-short-session-expires', {
            type: 'boolean',
            default: false,
            describe: 'accept min-se below the RFC 4028 minimum of 90 s, so a session timer can be watched in seconds',
          })
          .option('ladder', {
            type: 'boolean',
            default: false,
            describe: 'print the ladder of each call when it is over',
          })
          .option('quiet', { type: 'boolean', default: false, describe: 'no line per message' })
          .example(
            '$0 emulate --config experiments/configs/passthru.ios --listen 127.0.0.1:5060 --forward 127.0.0.1:5070',
            'callers to port 5060, callees on 5070',
          )
          .example(
            '$0 emulate --config emulation/configs/short-passthru.ios --allow-short-session-expires --forward 127.0.0.1:5070',
            'min-se 2: refreshes every few seconds',
          ),
      async (args) => {
        const { runEmulate } = await import('../emulate/command.ts');
        exitCode = await runEmulate(args);
      },
    )
    .command(
      'check <experiment>',
      'Check an experiment without running it: the file, its models and configuration as run reads them, then lint of the configuration against its own platform and profiles',
      (y) =>
        y
          .positional('experiment', { type: 'string', demandOption: true, describe: 'experiment JSON file' })
          .option('strict', { type: 'boolean', default: false, describe: 'warnings fail too (exit 1)' })
          .example(
            '$0 check experiments/teach-f8-422-not-retried.json',
            'JsSIP offers 90 s to a border element with min-se 1800',
          )
          .epilog(
            'Exit codes as lint: 0 no errors; 1 errors found (or warnings with --strict); 2 the experiment cannot be read.',
          ),
      (args) => {
        const loaded = loadExperiment(args.experiment);
        const { spec, experiment } = loaded;
        const ids = Object.keys(spec.profiles).sort();
        const w = spec.workload;
        const pairs = w.callers.flatMap((a) => w.callees.map((b) => [a.profile, b.profile] as const));
        const findings = lintConfiguration({
          config: spec.config,
          platform: spec.platform,
          model: spec.borderElement,
          profiles: ids.map((id) => spec.profiles[id]!),
          defects: loadDefects(),
          pairs,
        });
        const size =
          experiment.calls !== undefined ? `${experiment.calls} calls` : `${experiment.until} simulated seconds`;
        process.stdout.write(
          `cubesim check ${experiment.name}: valid; ${size} on ${spec.platform.id}, config ${displayPath(loaded.configPath)}, profiles ${ids.join(', ')}\n`,
        );
        process.stdout.write(formatFindings(findings, displayPath(loaded.configPath)) + '\n');
        exitCode = lintExitCode(findings, args.strict);
      },
    )
    .command(
      'init [dir]',
      'Make a folder with the shipped experiments, their configurations and the JSON Schema, to run and edit',
      (y) =>
        y
          .positional('dir', { type: 'string', default: 'cubesim-experiments', describe: 'a new or empty folder' })
          .example('$0 init demo && $0 run demo/quickstart.json', 'from anywhere, after npm install -g'),
      (args) => {
        const n = initExperiments(args.dir);
        process.stdout.write(
          `cubesim init: ${n} experiments, their configurations and the schema in ${args.dir}\n  try  cubesim run ${join(args.dir, 'quickstart.json')}\n`,
        );
      },
    )
    .command(
      'list <what>',
      'List what an experiment can name (platforms, endpoint profiles, defects) and the shipped experiments, one line each, with what is assumed',
      (y) =>
        y
          .positional('what', { choices: LISTS, demandOption: true, describe: 'what to list' })
          .example('$0 list platforms', 'releases and hardware, and which of their figures are assumed'),
      (args) => {
        process.stdout.write(listing(args.what) + '\n');
      },
    )
    .command(
      'merge <dirs..>',
      'Join the folders of a sharded sweep (sweep --shard i/n, every i) into the results one run gives',
      (y) =>
        y
          .positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'the shard folders' })
          .option('out', { type: 'string', describe: 'results folder (default results/<name>-sweep)' })
          .option('force', {
            type: 'boolean',
            default: false,
            describe: 'replace an existing results folder that cubesim wrote',
          })
          .example(
            '$0 merge results/w1-shard1of4 results/w1-shard2of4 results/w1-shard3of4 results/w1-shard4of4',
            'after a job array',
          ),
      (args) => {
        const r = mergeSweeps(args.dirs.map(String), args.out, args.force);
        process.stdout.write(
          `cubesim merge: ${r.rows} points from ${args.dirs.length} folders\n  results in  ${r.dir}\n`,
        );
      },
    )
    .command(
      'report <dir>',
      'Write DIR/report.html for a results folder of run, sweep or compare: one self-contained file with d3 pictures',
      (y) =>
        y
          .positional('dir', { type: 'string', demandOption: true, describe: 'results folder' })
          .option('force', { type: 'boolean', default: false, describe: 'replace a report.html that cubesim wrote' })
          .example('$0 report results/quickstart', 'headline figures, time series, histograms and sample ladders'),
      async (args) => {
        process.stdout.write(`cubesim report: ${await writeReport(args.dir, args.force)}\n`);
      },
    )
    .option('check', {
      type: 'boolean',
      default: false,
      describe: 'check protocol and bookkeeping invariants while running (slower); a violation stops the run',
    })
    .option('progress', {
      choices: PROGRESS_MODES,
      default: 'auto' as const,
      describe:
        'progress on stderr: redrawn on a terminal (auto), a line per tenth of the work for a log file (lines), or none',
    })
    .middleware((a) => {
      if (a['check'] === true) process.env['CUBESIM_CHECK'] = '1';
    })
    .middleware(() => {
      const missing = optionWithoutValue(argv, new Set(parsedOptions(parser).string));
      if (missing === undefined) return;
      const command = argv.find((x) => !x.startsWith('-')) ?? '';
      const allowed =
        missing.flag === 'out'
          ? command === 'trace'
            ? 'a file name, e.g. call3.pcap'
            : 'a folder name, e.g. results/mine'
          : (OPTION_VALUES[missing.flag] ?? 'a value after the option');
      const got = missing.given === undefined ? 'got no value' : `got ${JSON.stringify(missing.given)}`;
      throw new InputError(`--${missing.flag}`, undefined, `${got}; allowed: ${allowed}`);
    })
    .demandCommand(1, NO_COMMAND)
    .strict()
    .help()
    .alias('h', 'help')
    .version('version', 'show the version', `cubesim ${CUBESIM_VERSION}`)
    .fail((msg, err) => {
      if (err) throw err;
      // Inside a command the parser no longer lists the commands: the names read before parsing stand in.
      const commands = registeredCommands(parser).length > 0 ? registeredCommands(parser) : [...positionals.keys()];
      if (msg === NO_COMMAND)
        throw new InputError('command line', undefined, `${NO_COMMAND}: ${commands.join(', ')}; see cubesim --help`);
      // Below RFC 4028's 90 s (§4, §5) only for watching a call in real time, and the trace that predicts it.
      if (/^Unknown arguments?: .*\ballow-short-session-expires\b/s.test(msg)) {
        const command = argv.find((x) => !x.startsWith('-')) ?? '';
        throw new InputError(
          '--allow-short-session-expires',
          undefined,
          `not taken by ${command}; allowed only with emulate and trace: session intervals below the RFC 4028 minimum of 90 s are for watching one call in real time, never for results`,
        );
      }
      const typed = unknownCommand(argv, msg, commands);
      if (typed !== undefined) {
        const guess = closestMatch(typed, commands);
        throw new CommandLineError(
          `unknown command ${JSON.stringify(typed)}${guess === undefined ? '' : ` (did you mean ${JSON.stringify(guess)}?)`}; commands: ${commands.join(', ')}`,
        );
      }
      // yargs writes some messages over several lines ("Invalid values:\n  Argument: ..."): one line here.
      const line = msg.replace(/\s*\n\s*/g, ' ').trim();
      const command = argv.find((x) => !x.startsWith('-')) ?? '';
      // Within a command, its own --help lists what it takes.
      const help = commands.includes(command) ? `cubesim ${command} --help` : 'cubesim --help';
      if (/^Not enough non-option arguments/.test(line) && commands.includes(command)) {
        throw new CommandLineError(
          `${command} needs ${(positionals.get(command) ?? []).map((n) => `<${n}>`).join(' ')}; see ${help}`,
        );
      }
      const missingOptions = /^Missing required arguments?: (.*)$/.exec(line)?.[1];
      if (missingOptions !== undefined && commands.includes(command)) {
        throw new CommandLineError(
          `${command} needs ${missingOptions
            .split(', ')
            .map((o) => `--${o}`)
            .join(' and ')}; see ${help}`,
        );
      }
      throw new InputError(
        'command line',
        undefined,
        `${line}${optionGuess(line, parser, positionals.get(command) ?? [])}; see ${help}`,
      );
    });
  const positionals = positionalsByCommand(parser);
  await parser.parseAsync();
  return exitCode;
}

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (isInputError(err)) {
      process.stderr.write(`cubesim: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    if (err instanceof InvariantViolation) {
      process.stderr.write(`cubesim: ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(
      `cubesim: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
