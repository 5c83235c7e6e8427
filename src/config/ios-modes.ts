// The configuration modes of IOS that cubesim reads (global -> voice service voip -> sip,
// global -> dial-peer, global -> sip-ua), an open mode as the reader keeps it on its stack, and a
// line of configuration once its command has been recognised in one of them.

import type { DialPeerConfig } from './types.ts';

export type ModeKind = 'global' | 'voip' | 'sip' | 'dial-peer-voip' | 'dial-peer-pots' | 'sip-ua';

export interface Frame {
  kind: ModeKind;
  /** Indentation of the line that opened the mode (-1 for global configuration). */
  indent: number;
  /** Decided by the first body line: true when it is indented deeper than the opener. */
  bodyIndented: boolean | undefined;
  peer?: DialPeerConfig;
}

/** Where a mode is entered, used in "belongs under ..." hints. */
export const MODE_PLACE: Record<ModeKind, string> = {
  global: 'global configuration (not indented)',
  voip: 'voice service voip',
  sip: 'voice service voip / sip',
  'dial-peer-voip': 'a dial-peer voice N voip',
  'dial-peer-pots': 'a dial-peer voice N pots',
  'sip-ua': 'sip-ua',
};

export interface LineContext {
  n: number;
  /** The command as typed (prompt and indentation removed, `no` kept). */
  text: string;
  negated: boolean;
  /** The matched keywords, e.g. `session target`. */
  command: string;
  /** Tokens after the matched keywords, original case. */
  args: string[];
  frame: Frame;
}

/** How the mode is named in "unknown command ... in <mode> mode". */
export function modeLabel(frame: Frame): string {
  switch (frame.kind) {
    case 'global':
      return 'global configuration';
    case 'voip':
      return 'voice service voip';
    case 'sip':
      return 'sip';
    case 'dial-peer-voip':
    case 'dial-peer-pots':
      return `dial-peer voice ${frame.peer?.tag ?? '?'} ${frame.peer?.kind ?? ''}`.trimEnd();
    case 'sip-ua':
      return 'sip-ua';
  }
}
