// `cubesim emulate`: the border element model on real UDP sockets, in real time. Each INVITE
// that arrives on the listening socket with a new Call-ID starts a call: a BorderElementCall with
// its two ports, exactly as in a simulated run, whose outbound side sends to the forward address.
// Only the edges differ from a run: the clock is the wall clock (clock.ts) and each port's Wire
// writes SIP text to the socket instead of scheduling a delivery; datagrams that come in are
// parsed (src/sip/text.ts) and handed to the port of their call and side.
//
// What the model does not keep but a real peer needs is kept here, per call and side: the text of
// each request received (its Via, From, To, Call-ID and CSeq go back in the responses, RFC 3261
// §8.2.6.2), the dialog's URIs and remote target for the requests the border element sends
// (§12.2.1.1), and where each peer is. Record-Route is never added: in-dialog requests go
// straight to the peer's Contact. Call-IDs, tags and CSeq numbers are the peers' own, and Via
// branches map to the model's numbers both ways (branchNumber in text.ts).

import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { Priority, Simulator, type EventTarget } from '../kernel/simulator.ts';
import { Invariants } from '../kernel/invariants.ts';
import { RandomStream, Streams } from '../kernel/random.ts';
import type { BorderElementConfig } from '../config/types.ts';
import type { Platform } from '../config/platform.ts';
import { BorderElement, BorderElementCall, type BorderElementCounters } from '../elements/border-element.ts';
import { newBorderElementCounters } from '../elements/border-element-counters.ts';
import { Call, type CallEnvironment, type Side } from '../elements/call.ts';
import type { BorderElementModel } from '../elements/models.ts';
import { Processor } from '../elements/network.ts';
import { label, type Purpose, type SipMessage } from '../sip/message.ts';
import { SipPort, type Wire } from '../sip/port.ts';
import {
  branchNumber,
  parseSip,
  SipSyntaxError,
  toSipMessage,
  type ParsedSip,
  type SipAddressing,
  type SipParty,
} from '../sip/text.ts';
import { RFC3261_TIMERS, type SipTimerSettings } from '../sip/transaction.ts';
import { timerHeaders } from '../output/timer-headers.ts';
import { RealTimeDriver } from './clock.ts';
import {
  badRequestReply,
  EMULATOR_ALLOW,
  EMULATOR_METHODS,
  formatRequest,
  formatResponse,
  hostPortOf,
  statelessReply,
  userOf,
  uriOf,
  withoutTag,
  type DialogView,
} from './sip-text.ts';

export interface HostPort {
  host: string;
  port: number;
}

export interface EmulatorOptions {
  config: BorderElementConfig;
  platform: Platform;
  model: BorderElementModel;
  /** Where SIP peers send to: the caller side, and the answers of the callee side. */
  listen: HostPort;
  /** Where the outbound side of every call goes. */
  forward: HostPort;
  sip?: SipTimerSettings;
  /** Check the model's invariants while running (--check). */
  check?: boolean;
  /** Gets a line for every message that crosses and for every call that is over. */
  log?: (line: string) => void;
  /** Each call once it is over (its dialogs ended and nothing came for SETTLE_SECONDS). */
  onCallOver?: (call: EmulatedCall) => void;
  /** Something broke inside the model (an invariant violation): the emulator has stopped. */
  onFatal?: (e: unknown) => void;
}

/** After the last dialog of a call ends, how long to wait before calling it over (a retry after 422 may come). */
export const SETTLE_SECONDS = 2;
/** How long a call's state stays to absorb retransmissions after it is over (Timer D / J on UDP). */
export const LINGER_SECONDS = 32;

/** What was kept of a request received: its text, to answer it, and where it came from. */
interface Received {
  parsed: ParsedSip;
  from: HostPort;
}

/** Requests kept per side for answering them (and repeating answers); older ones are forgotten. */
const KEEP_REQUESTS = 64;

/** One side of one call: the model's port, and what the wire needs to talk to the real peer. */
export class Leg {
  /** Requests received (server transactions), by the model's branch number. */
  readonly requests = new Map<number, Received>();
  /** Request-URI and purpose of each request the model sent (client transactions), by branch. */
  readonly sent = new Map<number, { uri: string; purpose: Purpose }>();
  /** The dialog as our side sees it; null until the initial INVITE. */
  dialog: DialogView | null = null;
  /** Request-URI of the initial INVITE (repeated in its retries and in the ACK of a non-2xx). */
  initialUri = '';

  constructor(
    readonly name: 'inbound' | 'outbound',
    readonly port: SipPort,
    /** The trace name of the peer on this side. */
    readonly peerName: 'caller' | 'callee',
    /** Where the peer is: last source address of its requests (inbound), the forward address (outbound). */
    public peer: HostPort,
    /** Our own address on this side, for Via, Contact and SDP. */
    readonly self: SipParty,
  ) {}

  remember(branch: number, r: Received): void {
    this.requests.delete(branch);
    this.requests.set(branch, r);
    if (this.requests.size > KEEP_REQUESTS) this.requests.delete(this.requests.keys().next().value!);
  }
}

const SETTLE = 1,
  LINGER = 2;

/** A call in the emulator: the model's call and border element call, and its two legs on the socket. */
export class EmulatedCall implements Wire, EventTarget {
  readonly call: Call;
  readonly cube: BorderElementCall;
  readonly inbound: Leg;
  readonly outbound: Leg;
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
    private readonly emu: Emulator,
    readonly index: number,
    invite: ParsedSip,
    source: HostPort,
  ) {
    const sim = emu.sim;
    const timers = emu.timers;
    this.callId = invite.callId;
    this.source = source;
    this.call = new Call(emu, index, sim.now, 0, 'sip-peer', 'sip-peer', 'caller', false, []);
    this.call.enableTrace((d) => d.port.name);
    const inPort = new SipPort(sim, timers, 'cube-in');
    const outPort = new SipPort(sim, timers, 'cube-out');
    inPort.wire = this;
    outPort.wire = this;
    const l = emu.options.listen;
    this.inbound = new Leg('inbound', inPort, 'caller', source, {
      user: 'cube',
      host: l.host,
      port: l.port,
      mediaPort: 16384,
    });
    this.outbound = new Leg('outbound', outPort, 'callee', emu.options.forward, {
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
  private requestUri(leg: Leg, msg: SipMessage): string {
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

  receive(leg: Leg, parsed: ParsedSip, from: HostPort): void {
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
  private cancel(leg: Leg, parsed: ParsedSip, from: HostPort): void {
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
  private crossed(leg: Leg, sent: boolean, msg: SipMessage): void {
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

/** The border element on a UDP socket. */
export class Emulator implements CallEnvironment {
  readonly sim = new Simulator();
  readonly invariants: Invariants;
  readonly timers: SipTimerSettings;
  readonly borderElement: BorderElement;
  readonly counters: BorderElementCounters = newBorderElementCounters();
  private readonly driver: RealTimeDriver;
  private socket: Socket | null = null;
  /** Live calls by Call-ID: the caller's (inbound side) and the model's outbound one. */
  private readonly byCallId = new Map<string, { call: EmulatedCall; leg: 'inbound' | 'outbound' }>();
  private readonly live = new Set<EmulatedCall>();
  private branch = 0;
  private calls = 0;
  private stopped = false;

  constructor(readonly options: EmulatorOptions) {
    // The listen address goes into Via, Contact and SDP: it must be one the peers can send to.
    if (options.listen.host === '0.0.0.0')
      throw new Error('Emulator: listen on the address the peers reach, not the unspecified address 0.0.0.0');
    this.invariants = new Invariants(options.check === true);
    this.timers = options.sip ?? RFC3261_TIMERS;
    // The real processor is this process: no simulated queueing delay (cost 0).
    const processor = new Processor(this.sim, 0);
    this.borderElement = new BorderElement(
      this.sim,
      options.config,
      options.platform,
      options.model,
      processor,
      this.counters,
    );
    this.driver = new RealTimeDriver(
      this.sim,
      () => this.afterStep(),
      (e) => this.fatal(e),
    );
  }

  /** Calls started so far. */
  get callsStarted(): number {
    return this.calls;
  }

  /** Calls not over yet. */
  get callsInProgress(): number {
    let n = 0;
    for (const c of this.live) if (!c.over) n++;
    return n;
  }

  /** Binds the socket and starts the clock; resolves when datagrams can come. */
  start(): Promise<void> {
    const socket = createSocket('udp4');
    this.socket = socket;
    socket.on('message', (buf, rinfo) => this.driver.deliver(() => this.datagram(buf, rinfo)));
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.options.listen.port, this.options.listen.host, () => {
        socket.off('error', reject);
        socket.on('error', (e) => this.note(`socket error: ${e.message}`));
        this.driver.start();
        resolve();
      });
    });
  }

  /** Stops the clock and closes the socket; calls in progress are left as they are. */
  stop(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.stopped = true;
    this.driver.stop();
    const s = this.socket;
    this.socket = null;
    if (s === null) return Promise.resolve();
    return new Promise((resolve) => s.close(() => resolve()));
  }

  note(line: string): void {
    this.options.log?.(`${this.sim.now.toFixed(3).padStart(9)}  ${line}`);
  }

  transmit(text: string, to: HostPort): void {
    this.socket?.send(text, to.port, to.host);
  }

  // ---- CallEnvironment -----------------------------------------------------------------------

  newBranch(): number {
    return ++this.branch;
  }

  backoffStream(call: number): RandomStream {
    return new RandomStream(1, Streams.backoff(call));
  }

  defectStream(call: number): RandomStream {
    return new RandomStream(1, Streams.defects(call));
  }

  onCallFinished(_call: Call): void {}
  onOutcome(_call: Call): void {}
  onRefreshAnswered(_delay: number): void {}

  // ---- datagrams ---------------------------------------------------------------------------------

  private datagram(buf: Buffer, rinfo: RemoteInfo): void {
    const from = { host: rinfo.address, port: rinfo.port };
    let parsed: ParsedSip;
    try {
      parsed = parseSip(buf.toString('utf8'));
    } catch (e) {
      if (!(e instanceof SipSyntaxError)) throw e;
      const text = buf.toString('utf8');
      // Keep-alives (CRLF) are not worth a line.
      if (text.trim() === '') return;
      // A request that can be answered gets 400 (RFC 3261 §8.2.2, §21.4.1); anything else is dropped.
      const reply = badRequestReply(text, e.message);
      if (reply !== null) this.transmit(reply, from);
      this.note(
        `${reply === null ? 'dropped' : 'answered 400 Bad Request to'} a datagram from ${from.host}:${from.port}: ${e.message}`,
      );
      return;
    }
    const entry = this.byCallId.get(parsed.callId);
    if (entry !== undefined) {
      entry.call.receive(entry.leg === 'inbound' ? entry.call.inbound : entry.call.outbound, parsed, from);
      return;
    }
    if (parsed.isRequest && parsed.method === 'INVITE' && parsed.to.tag === '') {
      const call = new EmulatedCall(this, this.calls++, parsed, from);
      this.live.add(call);
      this.byCallId.set(call.callId, { call, leg: 'inbound' });
      this.byCallId.set(call.outboundCallId, { call, leg: 'outbound' });
      this.note(
        `call ${call.index} from ${from.host}:${from.port} (Call-ID ${call.callId}), outbound side to ${this.options.forward.host}:${this.options.forward.port}`,
      );
      call.receive(call.inbound, parsed, from);
      return;
    }
    if (!parsed.isRequest || parsed.method === 'ACK') return; // silence to a stray response or ACK
    // OPTIONS outside a dialog (a peer checking that we are there): 200 with what we allow (RFC 3261 §11.2).
    if (parsed.method === 'OPTIONS' && parsed.to.tag === '') {
      this.transmit(statelessReply(parsed, 200, 'OK', [`Allow: ${EMULATOR_ALLOW}`, 'Supported: timer']), from);
      return;
    }
    // A request with a To tag names a dialog we do not have (RFC 3261 §12.2.2): 481; so does a
    // CANCEL that matches no INVITE (§9.2).
    if (parsed.to.tag !== '' || parsed.method === 'CANCEL') {
      this.transmit(statelessReply(parsed, 481, 'Call/Transaction Does Not Exist'), from);
      return;
    }
    // Outside any dialog: a method the emulator does not take (REGISTER, SUBSCRIBE, CANCEL, ...)
    // is not implemented (§8.2.1, §21.5.2); one it takes but only inside a dialog (BYE, UPDATE,
    // REFER) finds no call to belong to (§12.2.2): 481.
    if (!(EMULATOR_METHODS as readonly string[]).includes(parsed.method))
      this.transmit(statelessReply(parsed, 501, 'Not Implemented', [`Allow: ${EMULATOR_ALLOW}`]), from);
    else this.transmit(statelessReply(parsed, 481, 'Call/Transaction Does Not Exist'), from);
  }

  private afterStep(): void {
    for (const c of this.live) c.check();
  }

  forget(call: EmulatedCall): void {
    this.live.delete(call);
    this.byCallId.delete(call.callId);
    this.byCallId.delete(call.outboundCallId);
  }

  private fatal(e: unknown): void {
    void this.stop();
    if (this.options.onFatal !== undefined) this.options.onFatal(e);
    else throw e;
  }
}
