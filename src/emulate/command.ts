// The `cubesim emulate` command: reads the configuration and the platform as `run` does, starts
// the emulator on the socket, prints what crosses, and stops cleanly on SIGINT or SIGTERM.

import { isIP } from 'node:net';
import { InputError } from '../errors.ts';
import { checkMidcallModelled } from '../experiment/spec.ts';
import { displayPath, loadBorderElementModel, loadConfig, loadPlatform } from '../experiment/load.ts';
import { renderLadder } from '../output/ladder-text.ts';
import type { EmulatedCall } from './emulated-call.ts';
import { Emulator } from './emulator.ts';
import type { HostPort } from './udp-side.ts';

export interface EmulateArgs {
  config: string;
  platform: string;
  listen: string;
  forward: string;
  allowShortSessionExpires: boolean;
  ladder: boolean;
  quiet: boolean;
}

/** Why 0.0.0.0 will not do for each address flag, and what to give instead. */
const UNSPECIFIED: Record<string, { why: string; give: string }> = {
  '--listen': {
    why: 'which would go into Via, Contact and SDP',
    give: 'the address peers reach (callers and the callee side send to it), e.g. 127.0.0.1:5060',
  },
  '--forward': {
    why: 'which is no destination',
    give: 'the address peers reach: where the callee side listens, e.g. 127.0.0.1:5070',
  },
};

/**
 * `address:port` with an IPv4 address (the emulator speaks UDP over IPv4). Not the unspecified
 * address 0.0.0.0: the emulator writes its --listen address into Via, Contact and SDP, where a
 * peer must find an address it can reach, and 0.0.0.0 is no destination for --forward.
 */
export function parseHostPort(flag: string, text: string): HostPort {
  const m = /^([^:]+):(\d{1,5})$/.exec(text.trim());
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || isIP(m[1]!) !== 4 || !(port >= 1 && port <= 65535)) {
    throw new InputError(
      flag,
      undefined,
      `got ${JSON.stringify(text)}; allowed: an IPv4 address and a port 1-65535, e.g. 127.0.0.1:5060`,
    );
  }
  if (m[1] === '0.0.0.0') {
    const u = UNSPECIFIED[flag] ?? {
      why: 'which no peer can send to',
      give: 'the address peers reach, e.g. 127.0.0.1:5060',
    };
    throw new InputError(
      flag,
      undefined,
      `got ${JSON.stringify(text)}, the unspecified address, ${u.why}; allowed: ${u.give}`,
    );
  }
  return { host: m[1]!, port };
}

/** The ladder of a call that is over, headed by who took part (the model's planned holding time means nothing here). */
function ladderOf(c: EmulatedCall, forward: HostPort): string {
  const lines = renderLadder(c.call, { width: 110 }).split('\n');
  lines[0] = `call ${c.index}: ${c.source.host}:${c.source.port} -> CUBE -> ${forward.host}:${forward.port}, arrived ${c.call.arrivalAt.toFixed(3)} s, Call-ID ${c.callId} / ${c.outboundCallId}`;
  return lines.join('\n');
}

/** Runs until SIGINT or SIGTERM; resolves with the exit code (0, or 1 when the model broke an invariant). */
export async function runEmulate(args: EmulateArgs): Promise<number> {
  const listen = parseHostPort('--listen', args.listen);
  const forward = parseHostPort('--forward', args.forward);
  // Compared as parsed (address and port number), so that 127.0.0.1:05060 is 127.0.0.1:5060.
  if (listen.host === forward.host && listen.port === forward.port) {
    throw new InputError(
      '--forward',
      undefined,
      `got ${JSON.stringify(args.forward)}, the same address and port as --listen ${JSON.stringify(args.listen)}; allowed: the address of the callee side, e.g. 127.0.0.1:5070`,
    );
  }
  const platform = loadPlatform(args.platform, '--platform');
  const config = loadConfig(args.config, platform, { allowShortSessionExpires: args.allowShortSessionExpires });
  const model = loadBorderElementModel();
  checkMidcallModelled(model, platform, config, displayPath(args.config));
  const out = (line: string) => process.stdout.write(line + '\n');
  let failure: unknown = null;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  const emu = new Emulator({
    config,
    platform,
    model,
    listen,
    forward,
    check: process.env['CUBESIM_CHECK'] === '1',
    ...(args.quiet ? {} : { log: out }),
    ...(args.ladder ? { onCallOver: (c) => out(ladderOf(c, forward)) } : {}),
    onFatal: (e) => {
      failure = e;
      done();
    },
  });
  try {
    await emu.start();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new InputError(
      '--listen',
      undefined,
      `cannot receive on ${args.listen} (${code}); allowed: a local address and a free UDP port`,
    );
  }
  const short = args.allowShortSessionExpires
    ? ', short session intervals allowed (below the RFC 4028 90 s minimum)'
    : '';
  out(
    `cubesim emulate: ${platform.name}, config ${displayPath(args.config)} (min-se ${config.minSe}, midcall-signaling ${config.midcallSignaling})${short}`,
  );
  out(
    `  listening on ${listen.host}:${listen.port} (UDP), outbound side to ${forward.host}:${forward.port}; Ctrl-C or SIGTERM stops`,
  );
  const onSignal = () => done();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await finished;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await emu.stop();
  }
  if (failure !== null)
    throw failure instanceof Error ? failure : new Error('the emulator stopped', { cause: failure });
  out(
    `cubesim emulate: stopped; ${emu.callsStarted} call${emu.callsStarted === 1 ? '' : 's'} started, ${emu.callsInProgress} not over`,
  );
  return 0;
}
