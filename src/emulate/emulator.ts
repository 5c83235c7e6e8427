// `cubesim emulate`: the border element model on real UDP sockets, in real time. Each INVITE
// that arrives on the listening socket with a new Call-ID starts a call (emulated-call.ts): a
// BorderElementCall with its two ports, exactly as in a simulated run, whose outbound side sends
// to the forward address. Only the edges differ from a run: the clock is the wall clock
// (clock.ts) and datagrams that come in are parsed (src/sip/text-parse.ts, text-to-message.ts)
// and handed to the call they belong to; what belongs to no call is answered here without state.

import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { Simulator } from '../kernel/simulator.ts';
import { Invariants } from '../kernel/invariants.ts';
import { RandomStream, Streams } from '../kernel/random.ts';
import type { BorderElementConfig } from '../config/types.ts';
import type { Platform } from '../config/platform.ts';
import { BorderElement, type BorderElementCounters } from '../elements/border-element.ts';
import { newBorderElementCounters } from '../elements/border-element-counters.ts';
import type { Call } from '../elements/call.ts';
import type { BorderElementModel } from '../elements/models.ts';
import { Processor } from '../elements/network.ts';
import { parseSip, type ParsedSip } from '../sip/text-parse.ts';
import { SipSyntaxError } from '../sip/header-grammar.ts';
import { RFC3261_TIMERS, type SipTimerSettings } from '../sip/transaction.ts';
import { RealTimeDriver } from './clock.ts';
import { EmulatedCall, type EmulatedCallHost, type EmulatedCallSettings } from './emulated-call.ts';
import { badRequestReply, EMULATOR_ALLOW, EMULATOR_METHODS, statelessReply } from './sip-text.ts';
import type { HostPort } from './udp-side.ts';

export interface EmulatorOptions extends EmulatedCallSettings {
  config: BorderElementConfig;
  platform: Platform;
  model: BorderElementModel;
  sip?: SipTimerSettings;
  /** Check the model's invariants while running (--check). */
  check?: boolean;
  /** Something broke inside the model (an invariant violation): the emulator has stopped. */
  onFatal?: (e: unknown) => void;
}

/** The border element on a UDP socket. */
export class Emulator implements EmulatedCallHost {
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
