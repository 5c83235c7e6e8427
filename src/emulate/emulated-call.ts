// One call in the emulator: the model's call and border element call, exactly as in a simulated
// run, with a UDP side per leg (udp-side.ts) whose port's Wire writes SIP text to the socket
// instead of scheduling a delivery. Requests the model sends get the dialog's own Request-URI,
// From and To; datagrams of the call that come in are handed to the port of their side. Call-IDs,
// tags and CSeq numbers are the peers' own, and Via branches map to the model's numbers both
// ways (branchNumber in sip/text-to-message.ts). Record-Route is never added: in-dialog requests go straight
// to the peer's Contact.

import { Priority, type ScheduledEventTarget, type Simulator } from '../kernel/simulator.ts';
import type { BorderElement } from '../elements/border-element.ts';
import { BorderElementCall } from '../elements/border-element-call.ts';
import { Call, type CallEnvironment, type Side } from '../elements/call.ts';
import { label, type SipMessage } from '../sip/message.ts';
import { PortSite, SipPort, type Wire } from '../sip/port.ts';
import type { SipAddressing, SipParty } from '../sip/text.ts';
import type { ParsedSip } from '../sip/text-parse.ts';
import { branchNumber, toSipMessage } from '../sip/text-to-message.ts';
import { SipSyntaxError } from '../sip/header-grammar.ts';
import type { SipTimerSettings } from '../sip/transaction.ts';
import { timerHeaders } from '../results/ladder.ts';
import {
  EMULATOR_METHODS,
  formatRequest,
  formatResponse,
  hostPortOf,
  statelessReply,
  userOf,
  uriOf,
  withoutTag,
} from './sip-text.ts';
import { UdpSide, type HostPort } from './udp-side.ts';

/** After the last dialog of a call ends, how long to wait before calling it over (a retry after 422 may come). */
export const SETTLE_SECONDS = 2;
/** How long a call's state stays to absorb retransmissions after it is over (Timer D / J on UDP). */
export const LINGER_SECONDS = 32;

/** The emulator's settings that a call reads (EmulatorOptions, emulator.ts, has them all). */
export interface EmulatedCallSettings {
  /** Where SIP peers send to: the caller side, and the answers of the callee side. */
  listen: HostPort;
  /** Where the outbound side of every call goes. */
  forward: HostPort;
  /** Gets a line for every message that crosses and for every call that is over. */
  log?: (line: string) => void;
  /** Each call once it is over (its dialogs ended and nothing came for SETTLE_SECONDS). */
  onCallOver?: (call: EmulatedCall) => void;
}

/** What a call uses of the emulator that holds it (emulator.ts). */
export interface EmulatedCallHost extends CallEnvironment {
  readonly sim: Simulator;
  readonly timers: SipTimerSettings;
  readonly borderElement: BorderElement;
  readonly options: EmulatedCallSettings;
  /** A line for the log, stamped with the emulator's clock. */
  note(line: string): void;
  /** Sends SIP text from the listening socket. */
  transmit(text: string, to: HostPort): void;
  /** Drops a call that is over and whose retransmissions have stopped mattering. */
  forget(call: EmulatedCall): void;
}

/** Event kinds of a call's own timers: settle after going idle, then linger. */
const SETTLE = 1,
  LINGER = 2;

/** A call in the emulator: the model's call and border element call, and its two sides on the socket. */
export class EmulatedCall implements Wire, ScheduledEventTarget {
  readonly call: Call;
  readonly cube: BorderElementCall;
  readonly inbound: UdpSide;
  readonly outbound: UdpSide;
  /** The Call-ID the caller chose; the outbound side's is the model's (`<callId>-out`). */
  readonly callId: string;
  /** User part of the caller's From and of the Request-URI, carried to the outbound INVITE. */
  private callerUser = '';
  private dialled = '';
  /** Who sent the first BYE, and when; '' when none yet. */
  firstBye: Side | '' = '';
  firstByeAt = -1;
  /** When the call was first answered toward the caller (-1: never). */
  answeredAt = -1;
  /** Last final status sent to the caller on the initial INVITE. */
  lastSetupStatus = 0;
  private idleSince = -1;
  over = false;
  /** Messages that crossed, for the log line at the end. */
  messages = 0;
  /** Where the caller's first INVITE came from. */
  readonly source: HostPort;

  constructor(
    private readonly emu: EmulatedCallHost,
    readonly index: number,
    invite: ParsedSip,
    source: HostPort,
  ) {
    const sim = emu.sim;
    const timers = emu.timers;
    this.callId = invite.callId;
    this.source = source;
    // A real call has no plan: its length and its features are the peers' business.
    this.call = new Call(emu, index, sim.now, {
      holding: 0,
      callerProfile: 'sip-peer',
      calleeProfile: 'sip-peer',
      hangupBy: 'caller',
      h323: false,
      features: [],
    });
    this.call.enableTrace((d) => d.port.name);
    const inPort = new SipPort(new PortSite(sim, timers, 'cube-in'));
    const outPort = new SipPort(new PortSite(sim, timers, 'cube-out'));
    inPort.wire = this;
    outPort.wire = this;
    const l = emu.options.listen;
    this.inbound = new UdpSide('inbound', inPort, 'caller', source, {
      user: 'cube',
      host: l.host,
      port: l.port,
      mediaPort: 16384,
    });
    this.outbound = new UdpSide('outbound', outPort, 'callee', emu.options.forward, {
      user: 'cube',
      host: l.host,
      port: l.port,
      mediaPort: 16386,
    });
    this.cube = new BorderElementCall(emu.borderElement, this.call, inPort, outPort);
  }

  get sim(): Simulator {
    return this.emu.sim;
  }

  /** The model's Call-ID of the outbound side (BorderElementCall names it after the inbound one). */
  get outboundCallId(): string {
    return `${this.callId}-out`;
  }

  // ---- the model sends -------------------------------------------------------------------------

  carry(from: SipPort, msg: SipMessage): void {
    const leg = from === this.inbound.port ? this.inbound : this.outbound;
    const peer: SipParty = { user: leg.peerName, host: leg.peer.host, port: leg.peer.port, mediaPort: 0 };
    const a: SipAddressing = { sender: leg.self, receiver: peer };
    let text: string;
    let to: HostPort;
    if (msg.status === 0) {
      const uri = this.requestUri(leg, msg);
      leg.sent.set(msg.branch, { uri, purpose: msg.purpose });
      text = formatRequest(msg, a, leg.dialog!, uri);
      to = hostPortOf(uri) ?? leg.peer;
    } else {
      const req = leg.requests.get(msg.branch);
      if (req === undefined) {
        this.emu.note(
          `call ${this.index}: no request kept to answer with ${label(msg)} on the ${leg.name} side; not sent`,
        );
        return;
      }
      text = formatResponse(msg, a, req.parsed);
      to = req.from;
      if (
        leg === this.inbound &&
        msg.method === 'INVITE' &&
        msg.cseq === req.parsed.cseq.seq &&
        req.parsed.to.tag === '' &&
        msg.status >= 200
      ) {
        this.lastSetupStatus = msg.status;
        if (msg.status < 300 && this.answeredAt < 0) this.answeredAt = this.sim.now;
      }
    }
    if (msg.method === 'BYE' && msg.status === 0 && this.firstBye === '') {
      this.firstBye = 'border-element';
      this.firstByeAt = this.sim.now;
    }
    this.emu.transmit(text, to);
    this.crossed(leg, true, msg);
  }

  /** Where a request of the model goes (RFC 3261 §12.2.1.1; §17.1.1.3 for the ACK of a non-2xx). */
  private requestUri(leg: UdpSide, msg: SipMessage): string {
    if (leg === this.outbound && leg.dialog === null) {
      // The outbound dialog starts here: the callee side gets the number dialled, from the caller's user.
      const f = this.emu.options.forward,
        l = this.emu.options.listen;
      const target = `sip:${this.dialled === '' ? '' : `${this.dialled}@`}${f.host}:${f.port}`;
      leg.initialUri = target;
      leg.dialog = {
        remoteTarget: target,
        local: `<sip:${this.callerUser === '' ? '' : `${this.callerUser}@`}${l.host}:${l.port}>`,
        remote: `<${target}>`,
      };
    }
    if (msg.method === 'ACK') {
      const earlier = leg.sent.get(msg.branch);
      if (earlier !== undefined) return earlier.uri;
    }
    if (msg.toTag === '' && leg.initialUri !== '') return leg.initialUri;
    return leg.dialog!.remoteTarget;
  }

  // ---- a peer sends ----------------------------------------------------------------------------

  receive(leg: UdpSide, parsed: ParsedSip, from: HostPort): void {
    const top = parsed.via[0]!;
    if (parsed.isRequest && parsed.method === 'CANCEL') {
      this.cancel(leg, parsed, from);
      return;
    }
    const hint = parsed.isRequest ? undefined : leg.sent.get(branchNumber(top.branch))?.purpose;
    let msg: SipMessage;
    try {
      msg = toSipMessage(parsed, hint === undefined ? {} : { purpose: hint });
    } catch (e) {
      if (!(e instanceof SipSyntaxError)) throw e;
      this.emu.note(
        `call ${this.index}: ${parsed.isRequest ? parsed.method : parsed.status} from ${from.host}:${from.port} not taken: ${e.message}`,
      );
      if (parsed.isRequest && parsed.method !== 'ACK') {
        const known = (EMULATOR_METHODS as readonly string[]).includes(parsed.method);
        this.emu.transmit(
          known ? statelessReply(parsed, 400, 'Bad Request') : statelessReply(parsed, 501, 'Not Implemented'),
          from,
        );
      }
      return;
    }
    const contact = parsed.contact[0]?.uri;
    if (parsed.isRequest) {
      if (msg.method !== 'ACK') leg.remember(msg.branch, { parsed, from });
      if (leg === this.inbound) leg.peer = from;
      if (msg.method === 'INVITE' && msg.toTag === '' && leg === this.inbound) {
        // A new dialog toward the caller (the first INVITE, or its retry after a 422).
        leg.dialog = {
          local: parsed.get('To')!,
          remote: withoutTag(parsed.get('From')!),
          remoteTarget: contact ?? uriOf(parsed.get('From')!),
        };
        this.callerUser = userOf(parsed.from.uri);
        this.dialled = userOf(parsed.requestUri);
      } else if ((msg.method === 'INVITE' || msg.method === 'UPDATE') && contact !== undefined && leg.dialog !== null) {
        leg.dialog.remoteTarget = contact; // a target refresh (RFC 3261 §12.2.2)
      }
      if ((msg.method === 'INVITE' || msg.method === 'UPDATE') && msg.toTag !== '') {
        const d = leg === this.inbound ? this.cube.inDialog : this.cube.outDialog;
        msg.purpose = BorderElementCall.classify(msg, d?.remoteSdp ?? null);
      }
      if (msg.method === 'BYE' && this.firstBye === '') {
        this.firstBye = leg.peerName;
        this.firstByeAt = this.sim.now;
      }
    } else if (
      (msg.method === 'INVITE' || msg.method === 'UPDATE') &&
      msg.status > 100 &&
      msg.status < 300 &&
      contact !== undefined &&
      msg.toTag !== '' &&
      leg.dialog !== null
    ) {
      leg.dialog.remoteTarget = contact; // the callee's Contact, or a target refresh in a 2xx
    }
    this.crossed(leg, false, msg);
    leg.port.receive(msg);
  }

  /**
   * CANCEL (RFC 3261 §9.2), answered here since the model has no CANCEL: it matches the INVITE
   * with the same top Via branch. None: 481. The caller's initial INVITE still without a final
   * answer: 200 to the CANCEL, and the model answers the INVITE 487. An INVITE already answered
   * (or a re-INVITE, whose cancelling the model does not play): 200, and nothing changes.
   */
  private cancel(leg: UdpSide, parsed: ParsedSip, from: HostPort): void {
    const invite = leg.requests.get(branchNumber(parsed.via[0]!.branch));
    if (invite === undefined || invite.parsed.method !== 'INVITE') {
      this.emu.note(`call ${this.index}: CANCEL from ${from.host}:${from.port} matches no INVITE: 481`);
      this.emu.transmit(statelessReply(parsed, 481, 'Call/Transaction Does Not Exist'), from);
      return;
    }
    this.emu.transmit(statelessReply(parsed, 200, 'OK'), from);
    const initial = leg === this.inbound && invite.parsed.to.tag === '';
    const ended = initial && this.cube.cancelSetup();
    this.emu.note(
      `call ${this.index}: CANCEL from ${from.host}:${from.port}: 200${ended ? ', the INVITE gets 487' : ', the INVITE it names was already answered or is a re-INVITE: nothing changes'}`,
    );
  }

  /** Trace entry and log line for a message that crossed between our side and the peer. */
  private crossed(leg: UdpSide, sent: boolean, msg: SipMessage): void {
    this.messages++;
    const now = this.sim.now;
    const ours = leg.port.name;
    const from = sent ? ours : leg.peerName,
      to = sent ? leg.peerName : ours;
    this.call.traceMessage(now, from, to, msg, false, now);
    if (this.emu.options.log === undefined) return;
    const headers = timerHeaders(msg);
    const what = msg.status === 0 && msg.method !== 'ACK' ? `${label(msg)} (${msg.purpose})` : label(msg);
    this.emu.options.log(
      `${now.toFixed(3).padStart(9)}  call ${this.index}  ${from}>${to} ${what}${headers === '' ? '' : ` ${headers}`}${msg.retransmission ? ' (retransmission)' : ''}`,
    );
  }

  // ---- the end of the call ---------------------------------------------------------------------

  /** Looks whether the call went idle (every dialog over) or came back (a retry after 422). */
  check(): void {
    if (this.over) return;
    if (this.call.dialogsOpen > 0) {
      this.idleSince = -1;
      return;
    }
    if (this.idleSince >= 0) return;
    this.idleSince = this.sim.now;
    this.sim.after(SETTLE_SECONDS, this, SETTLE, Priority.timer);
  }

  onEvent(kind: number): void {
    const idleFor = this.idleSince < 0 ? -1 : this.sim.now - this.idleSince;
    if (kind === SETTLE && idleFor >= SETTLE_SECONDS - 1e-9 && !this.over) {
      this.over = true;
      this.settle();
      this.sim.after(LINGER_SECONDS - SETTLE_SECONDS, this, LINGER, Priority.timer);
    } else if (kind === LINGER && this.over) {
      this.emu.forget(this);
    }
  }

  /** Gives the model's call the outcome the wire saw (nothing in the border element sets it for normal ends). */
  private settle(): void {
    const call = this.call,
      now = this.sim.now;
    if (call.outcome === 'active') {
      if (this.answeredAt >= 0) {
        call.answeredAt = this.answeredAt;
        call.complete(this.firstByeAt >= 0 ? this.firstByeAt : now, this.firstBye === '' ? 'caller' : this.firstBye);
      } else {
        call.reject(
          now,
          this.lastSetupStatus === 0 ? 'setup-no-answer' : `setup-${this.lastSetupStatus}`,
          this.lastSetupStatus,
        );
      }
    }
    this.cube.finish();
    const how =
      this.answeredAt >= 0
        ? `answered at ${this.answeredAt.toFixed(3)} s, first BYE from ${this.firstBye === '' ? 'nobody' : this.firstBye}`
        : `not answered (last final status ${this.lastSetupStatus || 'none'})`;
    this.emu.note(`call ${this.index} over (Call-ID ${this.callId}): ${how}; ${this.messages} messages`);
    this.emu.options.onCallOver?.(this);
  }
}
