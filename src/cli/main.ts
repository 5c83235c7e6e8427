// The `cubesim` command. Exit codes: 0 success, 2 bad input (one line naming the file and the
// field or line), 1 internal error, 130 interrupted (partial results kept and marked).
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { InputError, isInputError } from '../errors.ts';
import { loadExperiment } from '../experiment/load.ts';
import { runExperiment, type Progress } from '../experiment/run.ts';
import type { Summary } from '../experiment/summary.ts';
import { FEATURES } from '../elements/call.ts';

function formatSummary(s: Summary, dir: string): string {
  const c = s.calls;
  const causes = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const r = s.reinvites;
  const f = FEATURES.map((x) => `${x} ${s.features[x].succeeded}/${s.features[x].attempted}`).join(', ');
  return [
    `cubesim run ${s.experiment}${s.partial ? ' (PARTIAL: interrupted)' : ''}: ${c.offered} calls on ${s.platform}, config ${s.config}, seed ${s.seed}`,
    `  calls       completed ${c.completed}, rejected ${c.rejected}, dropped ${c.dropped}${c.active > 0 ? `, still active ${c.active}` : ''}`,
    `  rejected    ${causes(s.rejects.byCause)}`,
    `  dropped     ${causes(s.drops.byCause)}`,
    `  re-INVITEs  received ${r.received}, relayed ${r.relayed}, answered locally ${r.answeredLocally}, rejected ${r.rejected}, glare ${r.glare}, retried ${r.retried}`,
    `  refreshes   sent ${s.refreshes.sent}, succeeded ${s.refreshes.succeeded}, failed ${s.refreshes.failed}`,
    `  features    succeeded/attempted: ${f}`,
    `  simulated   ${s.simulatedSeconds.toFixed(0)} s, ${s.events} events, border element CPU ${(100 * s.borderElement.cpuUtilisation).toFixed(1)} %`,
    `  results in  ${dir}`,
  ].join('\n');
}

function progressLine(p: Progress, total: number | undefined): string {
  const of = total === undefined ? '' : `/${total}`;
  return `\r  ${p.finished}${of} calls done, ${p.active} active, t=${p.simulatedSeconds.toFixed(0)} s simulated   `;
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
          exitCode = result.summary.partial ? 130 : 0;
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
