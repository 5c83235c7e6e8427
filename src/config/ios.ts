// Reads the IOS CLI text an engineer would type (or paste from `show running-config`) into a
// BorderElementConfig. Only the commands that matter for SIP session refresh on CUBE are
// understood; a few harmless ones are accepted and dropped; anything else is an InputError that
// points at the line and says what would have been accepted there.
//
// Modes: IOS keeps a stack of configuration modes (global -> voice service voip -> sip, global ->
// dial-peer, global -> sip-ua). The stack is driven by the mode-entering commands, by `exit` /
// `end`, and by indentation: once a mode's body is indented, a line indented no deeper than the
// mode's opening line has left that mode. A mode whose body is written flat (as typed at a
// prompt) is left the IOS way: a command the mode does not know is tried in the enclosing modes.

import { closestMatch, editDistance } from '../schema-errors.ts';
import { InputError } from '../errors.ts';
import {
  allowsSipToSip,
  defaultBorderElementConfig,
  DEFAULT_MIN_SE,
  type BorderElementConfig,
  type CallProtocol,
  type DialPeerConfig,
  type GatedCommand,
} from './types.ts';

export const MIN_SE_RANGE = { min: 90, max: 86400 } as const;
/**
 * `min-se` values allowed with --allow-short-session-expires (cubesim emulate and trace only):
 * below RFC 4028's 90 s floor (§4, §5), so that a session interval of a few seconds can be
 * watched in real time. Nothing else accepts them.
 */
export const SHORT_MIN_SE_RANGE = { min: 1, max: 86400 } as const;
/** Added to the refusal of a min-se or session-expires of 1-89 s: where such a value is taken. */
export const SHORT_SESSION_EXPIRES_HINT = '(below 90 s only with cubesim emulate/trace --allow-short-session-expires)';

/** The hint for an interval the short-interval flag would accept but RFC 4028 does not (' ' + hint), or ''. */
export function shortIntervalHint(value: number): string {
  return value >= SHORT_MIN_SE_RANGE.min && value < MIN_SE_RANGE.min ? ` ${SHORT_SESSION_EXPIRES_HINT}` : '';
}

/** How a configuration is read. */
export interface ConfigReadOptions {
  /** Accept min-se / session-expires below 90 s (see SHORT_MIN_SE_RANGE). */
  allowShortSessionExpires?: boolean;
}
export const OPTIONS_PING_RANGE = { min: 60, max: 1200 } as const;
export const DIAL_PEER_TAG_RANGE = { min: 1, max: 2147483647 } as const;

/** Why plain `midcall-signaling passthru` is refused per dial-peer (feature document, C1). */
export const PER_DIAL_PEER_REFUSAL =
  'the Session Refresh with Reinvites feature (midcall-signaling passthru) cannot be configured per dial-peer, ' +
  'only under voice service voip / sip (feature document: "on a dial-peer basis is not supported")';

/** The prerequisite sentence shared by the IOS and JSON readers. */
export const ALLOW_CONNECTIONS_PREREQUISITE =
  'the Session Refresh with Reinvites feature document makes "allow-connections sip to sip" under voice service voip a prerequisite of midcall-signaling';

// ---------------------------------------------------------------------------------------------
// Modes and command tables

type ModeKind = 'global' | 'voip' | 'sip' | 'dial-peer-voip' | 'dial-peer-pots' | 'sip-ua';

interface Frame {
  kind: ModeKind;
  /** Indentation of the line that opened the mode (-1 for global configuration). */
  indent: number;
  /** Decided by the first body line: true when it is indented deeper than the opener. */
  bodyIndented: boolean | undefined;
  peer?: DialPeerConfig;
}

/** Where a mode is entered, used in "belongs under ..." hints. */
const MODE_PLACE: Record<ModeKind, string> = {
  global: 'global configuration (not indented)',
  voip: 'voice service voip',
  sip: 'voice service voip / sip',
  'dial-peer-voip': 'a dial-peer voice N voip',
  'dial-peer-pots': 'a dial-peer voice N pots',
  'sip-ua': 'sip-ua',
};

interface LineContext {
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

interface CommandSpec {
  /** Lower-case keywords that select the command; the longest match wins. */
  keywords: readonly string[];
  /** Forms offered in suggestions and "allowed" lists; empty for forms refused on purpose. */
  shown: readonly string[];
  run(parser: IosParser, line: LineContext): void;
}

function spec(keywords: string, run: CommandSpec['run'], shown?: readonly string[]): CommandSpec {
  return { keywords: keywords.split(' '), shown: shown ?? [keywords], run };
}

/** Accepted with any arguments and dropped: has no bearing on session refresh. */
function ignored(keywords: string): CommandSpec {
  return spec(keywords, () => undefined, [`${keywords} ...`]);
}

const COMMANDS: Record<ModeKind, readonly CommandSpec[]> = {
  global: [
    spec('voice service voip', (p, l) => p.enterVoiceService(l)),
    spec('dial-peer voice', (p, l) => p.enterDialPeer(l), ['dial-peer voice <tag> voip', 'dial-peer voice <tag> pots']),
    spec('sip-ua', (p, l) => p.enterSipUa(l)),
  ],
  voip: [
    spec('allow-connections', (p, l) => p.allowConnections(l), ['allow-connections sip to sip']),
    spec('sip', (p, l) => p.enterSip(l)),
    spec('mode border-element', () => undefined),
  ],
  sip: [
    spec('midcall-signaling', (p, l) => p.midcallSignaling(l), [
      'midcall-signaling passthru',
      'midcall-signaling passthru media-change',
      'midcall-signaling block',
    ]),
    spec('min-se', (p, l) => p.minSe(l)),
    spec('session refresh', (p, l) => p.sessionRefresh(l)),
    spec('options-ping', (p, l) => p.optionsPing(l)),
    ignored('bind'),
    spec('early-offer', (p, l) => p.earlyOffer(l), ['early-offer forced']),
  ],
  'dial-peer-voip': [
    spec('session protocol', (p, l) => p.sessionProtocol(l), ['session protocol sipv2']),
    spec('session target', (p, l) => p.dialPeerText(l, 'sessionTarget')),
    spec('destination-pattern', (p, l) => p.dialPeerText(l, 'destinationPattern')),
    spec('incoming called-number', (p, l) => p.dialPeerText(l, 'incomingCalledNumber')),
    spec('voice-class sip session refresh', (p, l) => p.dialPeerSessionRefresh(l)),
    spec('voice-class sip midcall-signaling', (p, l) => p.dialPeerMidcall(l), [
      'voice-class sip midcall-signaling passthru media-change',
      'voice-class sip midcall-signaling block',
    ]),
    ignored('codec'),
    ignored('dtmf-relay'),
    ignored('description'),
    // Typed here by mistake often enough to deserve their own explanation.
    spec('midcall-signaling', (p, l) => p.midcallUnderDialPeer(l), []),
    spec('options-ping', (p, l) => p.optionsPingUnderDialPeer(l), []),
  ],
  'dial-peer-pots': [
    spec('destination-pattern', (p, l) => p.dialPeerText(l, 'destinationPattern')),
    spec('incoming called-number', (p, l) => p.dialPeerText(l, 'incomingCalledNumber')),
    ignored('description'),
    ignored('port'),
    ignored('forward-digits'),
    ignored('prefix'),
    ignored('direct-inward-dial'),
  ],
  'sip-ua': [ignored('timers'), ignored('retry')],
};

function findCommand(kind: ModeKind, words: readonly string[]): CommandSpec | undefined {
  let best: CommandSpec | undefined;
  for (const candidate of COMMANDS[kind]) {
    const matches = candidate.keywords.every((k, i) => words[i] === k);
    if (matches && (best === undefined || candidate.keywords.length > best.keywords.length)) best = candidate;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Lines

/** `Router>`, `Router#`, `Router(config)#`, `cube1(conf-serv-sip)# ` and the like. */
const PROMPT = /^\s*[A-Za-z][\w.-]*(\([A-Za-z0-9-]+\))?[#>]\s*/;

const CONFIGURE_TERMINAL = new Set(['configure terminal', 'conf t', 'config t', 'configure t', 'conf terminal']);

class IosParser {
  readonly config: BorderElementConfig = defaultBorderElementConfig();
  private readonly stack: Frame[] = [{ kind: 'global', indent: -1, bodyIndented: true }];
  /** The global midcall-signaling line currently in force, for the prerequisite check. */
  private midcallLine: { n: number; text: string } | undefined;
  private readonly peerMidcallLines = new Map<DialPeerConfig, { n: number; text: string }>();

  /** Indentation of the line being read (0 when it was typed at a prompt). */
  private openerIndent = 0;

  /** Range of min-se and session-expires values: RFC 4028's, unless short intervals were allowed. */
  private readonly minSeRange: { min: number; max: number };

  constructor(
    private readonly file: string,
    options: ConfigReadOptions = {},
  ) {
    this.minSeRange = options.allowShortSessionExpires === true ? SHORT_MIN_SE_RANGE : MIN_SE_RANGE;
  }

  fail(n: number, message: string): never {
    throw new InputError(this.file, `line ${n}`, message);
  }

  private use(command: GatedCommand, n: number): void {
    this.config.uses.push({ command, at: { file: this.file, line: n } });
  }

  private get top(): Frame {
    const frame = this.stack[this.stack.length - 1];
    if (frame === undefined) throw new Error('mode stack is empty');
    return frame;
  }

  private label(frame: Frame): string {
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

  readLine(raw: string, n: number): void {
    let body = raw.replace(/\s+$/, '');
    let indent: number | null = (/^\s*/.exec(body)?.[0] ?? '').length;
    const prompt = PROMPT.exec(body);
    if (prompt !== null) {
      body = body.slice(prompt[0].length);
      indent = null; // typed at a prompt: indentation says nothing
    }
    this.openerIndent = indent ?? 0;
    const text = body.trim();
    if (text === '' || text.startsWith('!')) return;

    if (indent !== null) this.applyIndentation(indent);
    const words = text.split(/\s+/);
    const lower = words.map((w) => w.toLowerCase());
    const joined = lower.join(' ');

    if (joined === 'exit') {
      if (this.stack.length > 1) this.stack.pop();
      return;
    }
    if (joined === 'end' || joined === 'enable' || CONFIGURE_TERMINAL.has(joined)) {
      this.stack.length = 1;
      return;
    }

    const negated = lower[0] === 'no';
    const commandWords = negated ? lower.slice(1) : lower;
    const originalWords = negated ? words.slice(1) : words;
    if (commandWords.length === 0) this.fail(n, `"no" needs a command after it`);

    // Try the current mode, then (where indentation does not forbid it) the enclosing ones.
    for (let depth = this.stack.length - 1; depth >= 0; depth--) {
      const frame = this.stack[depth];
      if (frame === undefined) break;
      const found = findCommand(frame.kind, commandWords);
      if (found !== undefined) {
        this.stack.length = depth + 1;
        found.run(this, {
          n,
          text,
          negated,
          command: found.keywords.join(' '),
          args: originalWords.slice(found.keywords.length),
          frame,
        });
        return;
      }
      if (!this.mayLeave(frame, indent)) break;
    }
    this.unknown(n, text, commandWords);
  }

  /** Leaves every mode whose indented body this line is not part of. */
  private applyIndentation(indent: number): void {
    for (let i = 1; i < this.stack.length; i++) {
      const frame = this.stack[i];
      if (frame !== undefined && frame.bodyIndented === true && indent <= frame.indent) {
        this.stack.length = i;
        break;
      }
    }
    const top = this.top;
    if (top.bodyIndented === undefined) top.bodyIndented = indent > top.indent;
  }

  /** A line indented inside a mode's indented body cannot fall back to an enclosing mode. */
  private mayLeave(frame: Frame, indent: number | null): boolean {
    if (frame.kind === 'global') return false;
    return !(frame.bodyIndented === true && indent !== null && indent > frame.indent);
  }

  private unknown(n: number, text: string, words: readonly string[]): never {
    const frame = this.top;
    const here = `unknown command "${text}" in ${this.label(frame)} mode`;
    // Known somewhere else? Then say where it goes rather than guessing a spelling.
    // Plain midcall-signaling is known in dial-peer mode only to be refused there (see
    // midcallUnderDialPeer): never point to it; name the voice-class form where one exists.
    const lower = words.map((w) => w.toLowerCase());
    const midcall = lower[0] === 'midcall-signaling';
    // The dial-peer form of passthru is refused too: the feature is global only.
    const voiceClassPassthru =
      lower.slice(0, 3).join(' ') === 'voice-class sip midcall-signaling' && lower.slice(3).join(' ') === 'passthru';
    if (voiceClassPassthru)
      this.fail(n, `${here}; ${PER_DIAL_PEER_REFUSAL}; the form here is "midcall-signaling passthru"`);
    const homes = (Object.keys(COMMANDS) as ModeKind[]).filter(
      (kind) =>
        kind !== frame.kind && findCommand(kind, words) !== undefined && !(midcall && kind === 'dial-peer-voip'),
    );
    if (homes.length > 0) {
      const where = homes.map((k) => MODE_PLACE[k]).join(' or ');
      let hint = '';
      if (words[0] === 'session' && words[1] === 'refresh' && frame.kind === 'dial-peer-voip') {
        hint = '; per dial-peer use "voice-class sip session refresh"';
      }
      const form = words.slice(1).join(' ').toLowerCase();
      if (midcall && (form === 'block' || form === 'passthru media-change')) {
        hint = `; per dial-peer the form is "voice-class sip midcall-signaling ${form}"`;
      }
      this.fail(n, `${here}; it belongs under ${where}${hint}`);
    }
    const shown = COMMANDS[frame.kind].flatMap((c) => c.shown);
    // Compare each known form with as many typed words as the form has.
    const typedWords = text.split(/\s+/);
    const negated = typedWords[0]?.toLowerCase() === 'no';
    const plain = negated ? typedWords.slice(1) : typedWords;
    let best: { suggestion: string; distance: number } | undefined;
    for (const form of shown) {
      // Only the keywords before the first placeholder can be compared with what was typed.
      const formWords = form.split(' ');
      const firstPlaceholder = formWords.findIndex((w) => w.startsWith('<') || w === '...');
      const fixed = firstPlaceholder < 0 ? formWords : formWords.slice(0, firstPlaceholder);
      const typedHead = plain.slice(0, fixed.length).join(' ');
      const fixedText = fixed.join(' ');
      if (closestMatch(typedHead, [fixedText]) === undefined) continue;
      const distance = editDistance(typedHead.toLowerCase(), fixedText);
      if (best === undefined || distance < best.distance) {
        const rest = plain.slice(fixed.length);
        best = { suggestion: [...(negated ? ['no'] : []), fixedText, ...rest].join(' '), distance };
      }
    }
    if (best !== undefined) this.fail(n, `${here}; did you mean "${best.suggestion}"?`);
    this.fail(n, `${here}; allowed here: ${shown.join(', ')}`);
  }

  // --- argument helpers --------------------------------------------------------------------

  private noMoreArgs(line: LineContext, after: string, allowed: string): void {
    if (line.args.length > 0 && !line.negated) {
      this.fail(line.n, `unexpected "${line.args.join(' ')}" after "${after}": allowed ${allowed}`);
    }
  }

  private seconds(n: number, name: string, token: string | undefined, range: { min: number; max: number }): number {
    const allowed = `allowed ${range.min}-${range.max} seconds`;
    if (token === undefined) this.fail(n, `${name} needs a number of seconds: ${allowed}`);
    if (!/^\d+$/.test(token)) this.fail(n, `${name} "${token}" is not a whole number: ${allowed}`);
    const value = Number(token);
    // A short interval is refused here but taken by emulate and trace with the flag: say so.
    const hint = range === MIN_SE_RANGE ? shortIntervalHint(value) : '';
    if (value < range.min || value > range.max) this.fail(n, `${name} ${token} is out of range: ${allowed}${hint}`);
    return value;
  }

  private refuseNo(line: LineContext, what: string): void {
    if (line.negated) {
      this.fail(line.n, `"${line.text}" would remove all of ${what}, which is not supported: delete its lines instead`);
    }
  }

  private currentPeer(line: LineContext): DialPeerConfig {
    const peer = line.frame.peer;
    if (peer === undefined) throw new Error('dial-peer mode without a dial-peer');
    return peer;
  }

  // --- global configuration ----------------------------------------------------------------

  enterVoiceService(line: LineContext): void {
    this.refuseNo(line, 'voice service voip');
    this.stack.push({ kind: 'voip', indent: this.openerIndent, bodyIndented: undefined });
  }

  enterSipUa(line: LineContext): void {
    this.refuseNo(line, 'sip-ua');
    this.noMoreArgs(line, 'sip-ua', 'nothing');
    this.stack.push({ kind: 'sip-ua', indent: this.openerIndent, bodyIndented: undefined });
  }

  enterDialPeer(line: LineContext): void {
    this.refuseNo(line, 'a dial-peer');
    const [tagText, kindText, ...rest] = line.args;
    const usage = 'dial-peer voice <1-2147483647> voip|pots';
    if (tagText === undefined || !/^\d+$/.test(tagText)) {
      this.fail(line.n, `dial-peer tag "${tagText ?? ''}" is not a whole number: allowed ${usage}`);
    }
    const tag = Number(tagText);
    if (tag < DIAL_PEER_TAG_RANGE.min || tag > DIAL_PEER_TAG_RANGE.max) {
      this.fail(line.n, `dial-peer tag ${tagText} is out of range: allowed ${usage}`);
    }
    const kind = kindText?.toLowerCase();
    if (kind !== 'voip' && kind !== 'pots') {
      this.fail(line.n, `dial-peer type "${kindText ?? ''}" is not supported: allowed ${usage}`);
    }
    if (rest.length > 0)
      this.fail(line.n, `unexpected "${rest.join(' ')}" after "dial-peer voice ${tag} ${kind}": allowed ${usage}`);
    let peer = this.config.dialPeers.find((p) => p.tag === tag);
    if (peer === undefined) {
      peer = { tag, kind, protocol: 'h323', at: { file: this.file, line: line.n } };
      this.config.dialPeers.push(peer);
    } else if (peer.kind !== kind) {
      this.fail(
        line.n,
        `dial-peer voice ${tag} was created as ${peer.kind} on line ${peer.at.line ?? '?'} and cannot be re-entered as ${kind}`,
      );
    }
    this.stack.push({
      kind: kind === 'voip' ? 'dial-peer-voip' : 'dial-peer-pots',
      indent: this.openerIndent,
      bodyIndented: undefined,
      peer,
    });
  }

  // --- voice service voip ------------------------------------------------------------------

  allowConnections(line: LineContext): void {
    const usage = 'allow-connections {sip|h323} to {sip|h323}';
    const [fromText, toWord, toText, ...rest] = line.args.map((a) => a.toLowerCase());
    const isProtocol = (v: string | undefined): v is CallProtocol => v === 'sip' || v === 'h323';
    if (!isProtocol(fromText) || toWord !== 'to' || !isProtocol(toText) || rest.length > 0) {
      this.fail(line.n, `"${line.text}" is not a valid allow-connections line: allowed ${usage}`);
    }
    this.use('allow-connections', line.n);
    const list = this.config.allowConnections;
    const index = list.findIndex((c) => c.from === fromText && c.to === toText);
    if (line.negated) {
      if (index >= 0) list.splice(index, 1);
    } else if (index < 0) {
      list.push({ from: fromText, to: toText });
    }
  }

  enterSip(line: LineContext): void {
    this.refuseNo(line, 'the sip settings of voice service voip');
    this.noMoreArgs(line, 'sip', 'nothing');
    this.stack.push({ kind: 'sip', indent: this.openerIndent, bodyIndented: undefined });
  }

  // --- voice service voip / sip ------------------------------------------------------------

  midcallSignaling(line: LineContext): void {
    const allowed = 'allowed midcall-signaling passthru | passthru media-change | block';
    const form = line.args.map((a) => a.toLowerCase()).join(' ');
    if (form === 'preserve-codec') {
      this.fail(
        line.n,
        `"midcall-signaling preserve-codec" needs 15.3(1)T or later and is not modelled by this simulator: ${allowed}`,
      );
    }
    const variants = {
      passthru: { mode: 'passthru', command: 'midcall-signaling passthru' },
      'passthru media-change': { mode: 'passthru-media-change', command: 'midcall-signaling passthru media-change' },
      block: { mode: 'block', command: 'midcall-signaling block' },
    } as const;
    if (line.negated) {
      const variant = form in variants ? variants[form as keyof typeof variants] : variants.passthru;
      this.use(variant.command, line.n);
      this.config.midcallSignaling = 'none';
      this.midcallLine = undefined;
      return;
    }
    if (!(form in variants)) {
      this.fail(line.n, `"${line.text}" is not a midcall-signaling form this simulator knows: ${allowed}`);
    }
    const variant = variants[form as keyof typeof variants];
    this.use(variant.command, line.n);
    this.config.midcallSignaling = variant.mode;
    this.midcallLine = { n: line.n, text: line.text };
  }

  minSe(line: LineContext): void {
    if (line.negated) {
      this.use('min-se', line.n);
      this.config.minSe = DEFAULT_MIN_SE;
      this.config.minSeConfigured = false;
      this.config.sessionExpires = null;
      return;
    }
    const [minText, keyword, expiresText, ...rest] = line.args;
    const range = this.minSeRange;
    const usage = `min-se <${range.min}-${range.max}> [session-expires <${range.min}-${range.max}>]`;
    const minSe = this.seconds(line.n, 'min-se', minText, range);
    this.use('min-se', line.n);
    let sessionExpires: number | null = null;
    if (keyword !== undefined) {
      if (keyword.toLowerCase() !== 'session-expires' || rest.length > 0) {
        const extra = [keyword, expiresText, ...rest].filter((w) => w !== undefined).join(' ');
        this.fail(line.n, `unexpected "${extra}" after "min-se ${minText ?? ''}": allowed ${usage}`);
      }
      sessionExpires = this.seconds(line.n, 'session-expires', expiresText, range);
      if (sessionExpires < minSe) {
        this.fail(
          line.n,
          `session-expires ${sessionExpires} is below min-se ${minSe}: session-expires must be at least min-se`,
        );
      }
      this.use('min-se session-expires', line.n);
    }
    this.config.minSe = minSe;
    this.config.minSeConfigured = true;
    this.config.sessionExpires = sessionExpires;
  }

  sessionRefresh(line: LineContext): void {
    this.noMoreArgs(line, 'session refresh', '"session refresh" with nothing after it');
    this.use('session refresh', line.n);
    this.config.sessionRefresh = !line.negated;
  }

  optionsPing(line: LineContext): void {
    this.use('options-ping', line.n);
    if (line.negated) {
      this.config.optionsPing = null;
      return;
    }
    const [secondsText, ...rest] = line.args;
    const value = this.seconds(line.n, 'options-ping', secondsText, OPTIONS_PING_RANGE);
    if (rest.length > 0) {
      this.fail(line.n, `unexpected "${rest.join(' ')}" after "options-ping ${value}": allowed options-ping <60-1200>`);
    }
    this.config.optionsPing = value;
  }

  earlyOffer(line: LineContext): void {
    const form = line.args.map((a) => a.toLowerCase()).join(' ');
    if (!line.negated && form !== 'forced') {
      this.fail(line.n, `"${line.text}" is not accepted: allowed early-offer forced`);
    }
  }

  // --- dial-peer -----------------------------------------------------------------------------

  sessionProtocol(line: LineContext): void {
    const peer = this.currentPeer(line);
    if (line.negated) {
      peer.protocol = 'h323';
      return;
    }
    const form = line.args.map((a) => a.toLowerCase()).join(' ');
    if (form !== 'sipv2') {
      this.fail(
        line.n,
        `session protocol "${line.args.join(' ')}" is not supported: allowed session protocol sipv2 (without it the dial-peer is H.323)`,
      );
    }
    peer.protocol = 'sip';
  }

  dialPeerText(line: LineContext, field: 'sessionTarget' | 'destinationPattern' | 'incomingCalledNumber'): void {
    const peer = this.currentPeer(line);
    if (line.negated) {
      delete peer[field];
      return;
    }
    if (line.args.length !== 1) {
      const found = line.args.length === 0 ? 'nothing' : `"${line.args.join(' ')}"`;
      this.fail(line.n, `${line.command} needs exactly one value (one word, no spaces), found ${found}`);
    }
    peer[field] = line.args[0];
  }

  dialPeerSessionRefresh(line: LineContext): void {
    this.noMoreArgs(line, 'voice-class sip session refresh', '"voice-class sip session refresh" with nothing after it');
    this.use('voice-class sip session refresh', line.n);
    this.currentPeer(line).sessionRefresh = !line.negated;
  }

  dialPeerMidcall(line: LineContext): void {
    const peer = this.currentPeer(line);
    const allowed = 'allowed voice-class sip midcall-signaling passthru media-change | block';
    const form = line.args.map((a) => a.toLowerCase()).join(' ');
    this.use('voice-class sip midcall-signaling', line.n);
    if (line.negated) {
      delete peer.midcallSignaling;
      this.peerMidcallLines.delete(peer);
      return;
    }
    if (form === 'passthru') {
      this.fail(line.n, `"${line.text}" refused: ${PER_DIAL_PEER_REFUSAL}; per dial-peer ${allowed}`);
    }
    if (form === 'preserve-codec') {
      this.fail(line.n, `"${line.text}" needs 15.3(1)T or later and is not modelled by this simulator: ${allowed}`);
    }
    if (form === 'passthru media-change') peer.midcallSignaling = 'passthru-media-change';
    else if (form === 'block') peer.midcallSignaling = 'block';
    else this.fail(line.n, `"${line.text}" is not a dial-peer midcall-signaling form: ${allowed}`);
    this.peerMidcallLines.set(peer, { n: line.n, text: line.text });
  }

  midcallUnderDialPeer(line: LineContext): void {
    const form = line.args.map((a) => a.toLowerCase()).join(' ');
    if (form === 'passthru' || form === '') {
      this.fail(line.n, `"${line.text}" refused in dial-peer mode: ${PER_DIAL_PEER_REFUSAL}`);
    }
    this.fail(
      line.n,
      `"${line.text}" is a voice service voip / sip command; per dial-peer the form is "voice-class sip midcall-signaling ${form}"`,
    );
  }

  optionsPingUnderDialPeer(line: LineContext): void {
    this.fail(
      line.n,
      `"${line.text}" per dial-peer is not modelled by this simulator: configure options-ping under voice service voip / sip`,
    );
  }

  // --- end of text ---------------------------------------------------------------------------

  finish(): BorderElementConfig {
    const config = this.config;
    if (!allowsSipToSip(config)) {
      const line = this.midcallLine ?? this.firstPeerMidcallLine();
      if (line !== undefined) {
        this.fail(
          line.n,
          `"${line.text}" is configured without "allow-connections sip to sip": ${ALLOW_CONNECTIONS_PREREQUISITE}`,
        );
      }
    }
    return config;
  }

  private firstPeerMidcallLine(): { n: number; text: string } | undefined {
    let first: { n: number; text: string } | undefined;
    for (const line of this.peerMidcallLines.values()) {
      if (first === undefined || line.n < first.n) first = line;
    }
    return first;
  }
}

/**
 * Parses IOS configuration text. `file` is only used to name the source in errors and in the
 * `at` references of the result.
 */
export function parseIosConfig(text: string, file: string, options: ConfigReadOptions = {}): BorderElementConfig {
  const parser = new IosParser(file, options);
  text.split(/\r\n|\r|\n/).forEach((raw, index) => parser.readLine(raw, index + 1));
  return parser.finish();
}
