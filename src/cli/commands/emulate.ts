// `cubesim emulate`: the border element model in real time on UDP (loaded only for this command).
import { defineCommand } from '../define-command.ts';
import { DEFAULT_PLATFORM } from '../options.ts';

export const emulateCommand = defineCommand({
  command: 'emulate',
  describe:
    'Run the border element model in real time on UDP: callers send to --listen, each call goes on to --forward (drive it with SIPp)',
  builder: (y) =>
    y
      .option('config', {
        type: 'string',
        demandOption: true,
        describe: 'border element configuration: IOS CLI text or JSON',
      })
      .option('platform', DEFAULT_PLATFORM)
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
  handler: async (args) => {
    const { runEmulate } = await import('../../emulate/command.ts');
    process.exitCode = await runEmulate(args);
  },
});
