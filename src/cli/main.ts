// The `cubesim` command: the parser built from the command modules, and what an error becomes.
// Exit codes: 0 success, 2 bad input (one line naming the file and the field or line), 1 internal
// error, 130 interrupted (partial results kept and marked); a command sets process.exitCode.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { isInputError } from '../errors.ts';
import { useSimulationHeapPolicy } from '../experiment/heap-policy.ts';
import { InvariantViolation } from '../kernel/invariants.ts';
import { CUBESIM_VERSION } from '../package-info.ts';
import { failureError, NO_COMMAND, positionalsByCommand, refuseOptionWithoutValue } from './command-line-errors.ts';
import { CHECK, PROGRESS } from './options.ts';
import { checkCommand } from './commands/check.ts';
import { compareCommand } from './commands/compare.ts';
import { emulateCommand } from './commands/emulate.ts';
import { initCommand } from './commands/init.ts';
import { lintCommand } from './commands/lint.ts';
import { listCommand } from './commands/list.ts';
import { mergeCommand } from './commands/merge.ts';
import { reportCommand } from './commands/report.ts';
import { runCommand } from './commands/run.ts';
import { sweepCommand } from './commands/sweep.ts';
import { traceCommand } from './commands/trace.ts';

async function main(argv: string[]): Promise<void> {
  // In this order in --help, and in the list of commands of an error.
  const parser = yargs(argv)
    .scriptName('cubesim')
    .usage('$0 <command> [options]')
    .command(runCommand)
    .command(sweepCommand)
    .command(compareCommand)
    .command(lintCommand)
    .command(traceCommand)
    .command(emulateCommand)
    .command(checkCommand)
    .command(initCommand)
    .command(listCommand)
    .command(mergeCommand)
    .command(reportCommand)
    .option('check', CHECK)
    .option('progress', PROGRESS)
    .middleware((a) => {
      if (a['check'] === true) process.env['CUBESIM_CHECK'] = '1';
    })
    .middleware(() => {
      refuseOptionWithoutValue(argv, parser);
    })
    .demandCommand(1, NO_COMMAND)
    .strict()
    .help()
    .alias('h', 'help')
    .version('version', 'show the version', `cubesim ${CUBESIM_VERSION}`)
    .fail((msg, err) => {
      if (err) throw err;
      throw failureError(msg, argv, parser, positionals);
    });
  const positionals = positionalsByCommand(parser);
  await parser.parseAsync();
}

useSimulationHeapPolicy();
main(hideBin(process.argv)).catch((err: unknown) => {
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
  process.stderr.write(`cubesim: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
