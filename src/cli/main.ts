// The `cubesim` command. Exit codes: 0 success, 2 bad input (one line naming the file and the
// field or line), 1 internal error, 130 interrupted (partial results kept and marked).
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { InputError, isInputError } from '../errors.ts';
import { loadExperiment } from '../experiment/load.ts';
import { runExperiment, type Progress } from '../experiment/run.ts';
import { FEATURES } from '../elements/call.ts';

/** The figure as printed: a number, or "mean ±half-width" over replications. */
function fig(v: unknown): string {
  if (typeof v === 'number') return String(+v.toFixed(6));
  const e = v as { mean: number; ci95: [number, number] | null };
  const m = +e.mean.toFixed(2);
  return e.ci95 === null ? String(m) : `${m} ±${+((e.ci95[1] - e.ci95[0]) / 2).toFixed(2)}`;
}

/** A fraction as a percentage, for a number or a mean with its interval. */
function pct(v: unknown): string {
  if (typeof v === 'number') return `${(100 * v).toFixed(1)} %`;
  const e = v as { mean: number; ci95: [number, number] | null };
  return e.ci95 === null ? `${(100 * e.mean).toFixed(1)} %` : `${(100 * e.mean).toFixed(1)} ±${((100 * (e.ci95[1] - e.ci95[0])) / 2).toFixed(1)} %`;
}

function formatSummary(summary: Record<string, unknown>, dir: string): string {
  const s = summary as unknown as Record<string, any>;
  const causes = (m: Record<string, unknown>) => Object.entries(m).map(([k, v]) => `${k} ${fig(v)}`).join(', ') || 'none';
  const c = s.calls, r = s.reinvites, f = s.refreshes, be = s.borderElement;
  const feats = FEATURES.map((x) => `${x} ${fig(s.features[x].succeeded)}/${fig(s.features[x].attempted)}`).join(', ');
  const reps = typeof s.replications === 'number' ? `, ${s.replications} replications (mean ±95 % CI half-width)` : `, seed ${s.seed}`;
  const warm = s.warmupSeconds > 0 ? `, statistics after ${s.warmupSeconds} s warm-up` : '';
  return [
    `cubesim run ${s.experiment}${s.partial ? ' (PARTIAL: interrupted)' : ''}: ${fig(c.offered)} calls on ${s.platform}, config ${s.config}${reps}${warm}`,
    `  calls       completed ${fig(c.completed)}, rejected ${fig(c.rejected)}, dropped ${fig(c.dropped)}${c.active !== 0 && (typeof c.active === 'number' || c.active.mean !== 0) ? `, still active ${fig(c.active)}` : ''}`,
    `  rejected    ${causes(s.rejects.byCause)}`,
    `  dropped     ${causes(s.drops.byCause)}`,
    `  re-INVITEs  received ${fig(r.received)}, relayed ${fig(r.relayed)}, answered locally ${fig(r.answeredLocally)}, rejected ${fig(r.rejected)}, glare ${fig(r.glare)}, retried ${fig(r.retried)}`,
    `  refreshes   sent ${fig(f.sent)}, succeeded ${fig(f.succeeded)}, failed ${fig(f.failed)}; per second inbound ${fig(be.refreshTransactionsPerSecond.inbound)}, outbound ${fig(be.refreshTransactionsPerSecond.outbound)}`,
    `  features    succeeded/attempted: ${feats}`,
    `  simulated   ${fig(typeof s.simulatedSeconds === 'number' ? Math.round(s.simulatedSeconds) : s.simulatedSeconds)} s, ${fig(s.events)} events, border element CPU ${pct(be.cpuUtilisation)}`,
    `  results in  ${dir}`,
  ].join('\n');
}

function progressLine(p: Progress, total: number | undefined): string {
  const of = total === undefined ? '' : `/${total}`;
  const rep = p.replications > 1 ? `replication ${p.replication + 1}/${p.replications}: ` : '';
  return `\r\x1b[K  ${rep}${p.finished}${of} calls done, ${p.active} active, t=${p.simulatedSeconds.toFixed(0)} s simulated`;
}

/** A number option that must be a whole number >= min; names the flag when it is not. */
function wholeNumber(flag: string, min: number) {
  return (v: unknown): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InputError(`--${flag}`, undefined, `got ${JSON.stringify(v)}; allowed: a whole number >= ${min}`);
    return n;
  };
}

/** A number option that must be > 0 (or >= 0); names the flag when it is not. */
function positiveNumber(flag: string, zeroOk = false) {
  return (v: unknown): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || (!zeroOk && n === 0)) throw new InputError(`--${flag}`, undefined, `got ${JSON.stringify(v)}; allowed: a number of seconds ${zeroOk ? '>= 0' : '> 0'}`);
    return n;
  };
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
          .option('replications', { type: 'string', describe: 'independent replications; figures get 95 % confidence intervals' })
          .option('warmup', { type: 'string', describe: 'statistics start after this many simulated seconds' })
          .option('seed', { type: 'string', describe: 'master seed (overrides the file)' })
          .option('config', { type: 'string', describe: 'border element configuration: IOS CLI text or JSON (overrides the file)' })
          .option('platform', { type: 'string', describe: 'platform model id, e.g. isr-12.4-20T (overrides the file)' })
          .option('out', { type: 'string', describe: 'results folder (default results/<experiment name>)' })
          .option('force', { type: 'boolean', default: false, describe: 'replace an existing results folder' })
          .option('set', { type: 'string', array: true, describe: 'override any field: path=value (JSON value or text)' })
          .example('$0 run experiments/quickstart.json', 'the default experiment')
          .example('$0 run experiments/quickstart.json --config experiments/configs/no-midcall.ios --out results/no-midcall', 'the same calls without midcall-signaling')
          .example('$0 run experiments/quickstart.json --set workload.holding.mean=1200 --calls 2000', 'longer calls'),
      async (args) => {
        const seed = args.seed === undefined ? undefined : /^-?\d+$/.test(args.seed) ? Number(args.seed) : args.seed;
        const loaded = loadExperiment(args.experiment, {
          ...(args.set !== undefined ? { set: args.set.map(String) } : {}),
          ...(args.calls !== undefined ? { calls: wholeNumber('calls', 1)(args.calls)! } : {}),
          ...(args.until !== undefined ? { until: positiveNumber('until')(args.until) } : {}),
          ...(args.replications !== undefined ? { replications: wholeNumber('replications', 1)(args.replications)! } : {}),
          ...(args.warmup !== undefined ? { warmup: positiveNumber('warmup', true)(args.warmup) } : {}),
          ...(seed !== undefined ? { seed } : {}),
          ...(args.config !== undefined ? { config: args.config } : {}),
          ...(args.platform !== undefined ? { platform: args.platform } : {}),
        });
        let interrupted = false;
        const onSignal = () => {
          interrupted = true;
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        const tty = process.stderr.isTTY === true;
        let lastDraw = 0;
        try {
          const result = await runExperiment(loaded, {
            ...(args.out !== undefined ? { out: args.out } : {}),
            force: args.force,
            interrupted: () => interrupted,
            progress: (p) => {
              if (!tty) return;
              const now = performance.now();
              if (now - lastDraw < 200) return;
              lastDraw = now;
              process.stderr.write(progressLine(p, loaded.experiment.calls));
            },
          });
          if (tty) process.stderr.write('\r\x1b[K');
          process.stdout.write(formatSummary(result.summary, result.dir) + '\n');
          exitCode = result.summary['partial'] === true ? 130 : 0;
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      },
    )
    .demandCommand(1, 'give a command: run')
    .strict()
    .help()
    .alias('h', 'help')
    .version(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw new InputError('command line', undefined, `${msg}; see cubesim --help`);
    });
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
    process.stderr.write(`cubesim: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
