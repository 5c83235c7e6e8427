// `cubesim trace`: the message ladder of one call, as text for the terminal, JSON, or a capture.
import type { Call } from '../../elements/call.ts';
import { InputError } from '../../errors.ts';
import { loadExperiment } from '../../experiment/load.ts';
import { driveSteps, replicationSteps } from '../../experiment/run.ts';
import { renderLadder } from '../../output/ladder-text.ts';
import { checkOutFile, writeOutFile } from '../../output/out-file.ts';
import { callsPcap } from '../../output/pcap.ts';
import { isTraceOutput } from '../../output/trace-file.ts';
import { traceToJson } from '../../results/ladder.ts';
import { defineCommand } from '../define-command.ts';
import { withInterruption } from '../interruption.ts';
import { EXPERIMENT_FILE, wholeNumber } from '../options.ts';
import { progressDisplay, progressLine } from '../progress.ts';

export const traceCommand = defineCommand({
  command: 'trace <experiment>',
  describe:
    'Draw the full message ladder of one call across caller, border element (both legs) and callee, with its session timers',
  builder: (y) =>
    y
      .positional('experiment', EXPERIMENT_FILE)
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
  handler: async (args) => {
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
      process.exitCode = 130;
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
});
