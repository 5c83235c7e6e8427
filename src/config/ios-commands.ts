// What each IOS command cubesim knows does: checks its arguments, then sets its part of the
// BorderElementConfig (and records the use of a command the release must have, for
// validate.ts). Entering a mode is left to the line reader (ios.ts), which keeps the mode stack;
// which command a line is, is ios-grammar.ts's business.

import { InputError } from '../errors.ts';
import type { LineContext, ModeKind } from './ios-modes.ts';
import {
  DIAL_PEER_TAG_RANGE,
  MIN_SE_RANGE,
  OPTIONS_PING_RANGE,
  SHORT_MIN_SE_RANGE,
  type ConfigReadOptions,
} from './ranges.ts';
import { ALLOW_CONNECTIONS_PREREQUISITE, PER_DIAL_PEER_REFUSAL, shortIntervalHint } from './refusals.ts';
import {
  allowsSipToSip,
  defaultBorderElementConfig,
  DEFAULT_MIN_SE,
  type BorderElementConfig,
  type CallProtocol,
  type DialPeerConfig,
  type GatedCommand,
} from './types.ts';

/** The commands of one configuration text, run in order into one BorderElementConfig. */
export class IosCommands {
  readonly config: BorderElementConfig = defaultBorderElementConfig();
  /** The global midcall-signaling line currently in force, for the prerequisite check. */
  private midcallLine: { n: number; text: string } | undefined;
  private readonly peerMidcallLines = new Map<DialPeerConfig, { n: number; text: string }>();

  /** Range of min-se and session-expires values: RFC 4028's, unless short intervals were allowed. */
  private readonly minSeRange: { min: number; max: number };

  constructor(
    private readonly file: string,
    options: ConfigReadOptions,
    /** Opens a mode on the reader's stack, at the indentation of the line being read. */
    private readonly enter: (kind: ModeKind, peer?: DialPeerConfig) => void,
  ) {
    this.minSeRange = options.allowShortSessionExpires === true ? SHORT_MIN_SE_RANGE : MIN_SE_RANGE;
  }

  fail(n: number, message: string): never {
    throw new InputError(this.file, `line ${n}`, message);
  }

  private use(command: GatedCommand, n: number): void {
    this.config.uses.push({ command, at: { file: this.file, line: n } });
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
    this.enter('voip');
  }

  enterSipUa(line: LineContext): void {
    this.refuseNo(line, 'sip-ua');
    this.noMoreArgs(line, 'sip-ua', 'nothing');
    this.enter('sip-ua');
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
    this.enter(kind === 'voip' ? 'dial-peer-voip' : 'dial-peer-pots', peer);
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
    this.enter('sip');
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
