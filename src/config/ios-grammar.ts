// The command grammar: in each mode, the commands cubesim knows by their keywords, the forms
// shown in suggestions, and what running each one does (ios-commands.ts). A line is matched
// against its mode's table by the longest run of keywords.

import type { IosCommands } from './ios-commands.ts';
import type { LineContext, ModeKind } from './ios-modes.ts';

export interface CommandSpec {
  /** Lower-case keywords that select the command; the longest match wins. */
  keywords: readonly string[];
  /** Forms offered in suggestions and "allowed" lists; empty for forms refused on purpose. */
  shown: readonly string[];
  run(commands: IosCommands, line: LineContext): void;
}

function spec(keywords: string, run: CommandSpec['run'], shown?: readonly string[]): CommandSpec {
  return { keywords: keywords.split(' '), shown: shown ?? [keywords], run };
}

/** Accepted with any arguments and dropped: has no bearing on session refresh. */
function ignored(keywords: string): CommandSpec {
  return spec(keywords, () => undefined, [`${keywords} ...`]);
}

export const COMMANDS: Record<ModeKind, readonly CommandSpec[]> = {
  global: [
    spec('voice service voip', (c, l) => c.enterVoiceService(l)),
    spec('dial-peer voice', (c, l) => c.enterDialPeer(l), ['dial-peer voice <tag> voip', 'dial-peer voice <tag> pots']),
    spec('sip-ua', (c, l) => c.enterSipUa(l)),
  ],
  voip: [
    spec('allow-connections', (c, l) => c.allowConnections(l), ['allow-connections sip to sip']),
    spec('sip', (c, l) => c.enterSip(l)),
    spec('mode border-element', () => undefined),
  ],
  sip: [
    spec('midcall-signaling', (c, l) => c.midcallSignaling(l), [
      'midcall-signaling passthru',
      'midcall-signaling passthru media-change',
      'midcall-signaling block',
    ]),
    spec('min-se', (c, l) => c.minSe(l)),
    spec('session refresh', (c, l) => c.sessionRefresh(l)),
    spec('options-ping', (c, l) => c.optionsPing(l)),
    ignored('bind'),
    spec('early-offer', (c, l) => c.earlyOffer(l), ['early-offer forced']),
  ],
  'dial-peer-voip': [
    spec('session protocol', (c, l) => c.sessionProtocol(l), ['session protocol sipv2']),
    spec('session target', (c, l) => c.dialPeerText(l, 'sessionTarget')),
    spec('destination-pattern', (c, l) => c.dialPeerText(l, 'destinationPattern')),
    spec('incoming called-number', (c, l) => c.dialPeerText(l, 'incomingCalledNumber')),
    spec('voice-class sip session refresh', (c, l) => c.dialPeerSessionRefresh(l)),
    spec('voice-class sip midcall-signaling', (c, l) => c.dialPeerMidcall(l), [
      'voice-class sip midcall-signaling passthru media-change',
      'voice-class sip midcall-signaling block',
    ]),
    ignored('codec'),
    ignored('dtmf-relay'),
    ignored('description'),
    // Typed here by mistake often enough to deserve their own explanation.
    spec('midcall-signaling', (c, l) => c.midcallUnderDialPeer(l), []),
    spec('options-ping', (c, l) => c.optionsPingUnderDialPeer(l), []),
  ],
  'dial-peer-pots': [
    spec('destination-pattern', (c, l) => c.dialPeerText(l, 'destinationPattern')),
    spec('incoming called-number', (c, l) => c.dialPeerText(l, 'incomingCalledNumber')),
    ignored('description'),
    ignored('port'),
    ignored('forward-digits'),
    ignored('prefix'),
    ignored('direct-inward-dial'),
  ],
  'sip-ua': [ignored('timers'), ignored('retry')],
};

export function findCommand(kind: ModeKind, words: readonly string[]): CommandSpec | undefined {
  let best: CommandSpec | undefined;
  for (const candidate of COMMANDS[kind]) {
    const matches = candidate.keywords.every((k, i) => words[i] === k);
    if (matches && (best === undefined || candidate.keywords.length > best.keywords.length)) best = candidate;
  }
  return best;
}
