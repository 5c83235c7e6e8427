// The UDP path of one call leg, and the border element's processor. A message crosses a leg
// after the one-way latency plus jitter, or is lost; a message reaching the border element
// then waits for its route processor, a single FIFO server with a fixed cost per message
// (platform model), which is where queueing delay and CPU utilisation come from.

import { Priority, type ScheduledEventTarget, type Simulator } from '../kernel/simulator.ts';
import type { RandomStream } from '../kernel/random.ts';
import type { Fingerprint } from '../kernel/fingerprint.ts';
import type { LegTimerChecks } from './timer-checks.ts';
import { NO_CHECKS, type Invariants } from '../kernel/invariants.ts';
import {
  dialogIdHash,
  directionCode,
  idHashOf,
  type Method,
  type RefresherToken,
  type SipMessage,
} from '../sip/message.ts';
import type { SipPort, Wire } from '../sip/port.ts';

export interface LinkSettings {
  /** One-way latency, seconds. */
  latency: number;
  /** Extra delay drawn uniformly in [0, jitter] per message, seconds (so UDP may reorder). */
  jitter: number;
  /** Probability that a message is lost. */
  loss: number;
}

/** Shared by all calls: the border element's route processor (domain-facts §4.4). */
export class Processor {
  private busyUntil = 0;
  /** Busy seconds since the start of the run (all work admitted, done or queued). */
  busySeconds = 0;
  /**
   * Busy seconds done by each whole second s, B(s), for the last `window` + 1 seconds (a ring):
   * the CPU average over the last `window` seconds is (B(now) - B(now - window)) / window. The
   * FIFO server is busy without a pause from any instant until `busyUntil`, so work queued for
   * later counts when it is done, not when it arrives.
   */
  private readonly busyBy: Float64Array;
  private recordedSecond = 0;
  messages = 0;
  /** Longest wait a message had before being processed, seconds. */
  maxQueueDelay = 0;
  totalQueueDelay = 0;

  constructor(
    readonly sim: Simulator,
    /** Seconds of CPU per SIP message handled. */
    readonly costPerMessage: number,
    /** New calls are refused at or above this CPU average, percent (call admission control). */
    readonly admissionPercent = 100,
    readonly window = 5,
  ) {
    this.busyBy = new Float64Array(window + 1);
  }

  /** Takes a message that arrived now; returns when its processing completes. */
  admit(now: number): number {
    this.record(now);
    const start = this.busyUntil > now ? this.busyUntil : now;
    const done = start + this.costPerMessage;
    const wait = start - now;
    this.totalQueueDelay += wait;
    if (wait > this.maxQueueDelay) this.maxQueueDelay = wait;
    this.busyUntil = done;
    this.busySeconds += this.costPerMessage;
    this.messages++;
    return done;
  }

  /** CPU seconds done by `now` (work admitted and still queued is not yet done). */
  busyDoneBy(now: number): number {
    return this.busySeconds - Math.max(0, this.busyUntil - now);
  }

  /** Records B(s) for each whole second s up to now (nothing was admitted since the last record). */
  private record(now: number): void {
    const sec = Math.floor(now);
    if (sec <= this.recordedSecond) return;
    const ring = this.window + 1;
    for (let s = Math.max(this.recordedSecond + 1, sec - this.window); s <= sec; s++) {
      this.busyBy[s % ring] = this.busyDoneBy(s);
    }
    this.recordedSecond = sec;
  }

  /** Average utilisation (0..1) over the last `window` whole seconds before now (fewer at the start). */
  utilisation(now: number): number {
    this.record(now);
    const sec = Math.floor(now);
    const n = Math.min(this.window, sec);
    if (n === 0) return 0;
    const ring = this.window + 1;
    return (this.busyBy[sec % ring]! - this.busyBy[(sec - n) % ring]!) / n;
  }

  /** The CPU average is at or above the admission threshold: new calls are refused (503). */
  refusesNewCalls(now: number): boolean {
    return 100 * this.utilisation(now) >= this.admissionPercent;
  }
}

/** Anything that wants to see the messages of a call crossing its legs (traces). */
export interface LinkObserver {
  onCarry(t: number, from: SipPort, to: SipPort, msg: SipMessage, lost: boolean, arrivesAt: number): void;
}

export interface NetworkCounters {
  messagesSent: number;
  messagesLost: number;
  retransmissions: number;
  /** Session refresh requests (first transmissions) that crossed each leg. */
  refreshRequestsInbound: number;
  refreshRequestsOutbound: number;
}

/** What every call's link on one leg reports to and shares: given once per run and leg. */
export interface LegNetworkOptions {
  readonly sim: Simulator;
  readonly settings: LinkSettings;
  readonly counters: NetworkCounters;
  /** The border element's route processor; null when messages reach every end at once. */
  readonly processor: Processor | null;
  /** The border element's end of the leg: messages arriving there pass through the processor first. */
  readonly processedEnd: 'a' | 'b';
  readonly leg: 'inbound' | 'outbound';
  /** Folds every message carried into the run's trajectory hash. */
  readonly fingerprint: Fingerprint;
  /** The checks of --check (none when absent). */
  readonly invariants?: Invariants;
}

/**
 * One leg of the network (inbound or outbound) as every call's link on it sees it: kept once
 * per run rather than in each link, since a call in progress holds two links for minutes.
 */
export class LegNetwork {
  readonly sim: Simulator;
  readonly settings: LinkSettings;
  readonly counters: NetworkCounters;
  readonly processor: Processor | null;
  /** Messages arriving at a link's `a` end (else its `b` end) pass through the processor first. */
  readonly processedAtA: boolean;
  readonly leg: 'inbound' | 'outbound';
  readonly fingerprint: Fingerprint;
  readonly invariants: Invariants;

  constructor(o: LegNetworkOptions) {
    this.sim = o.sim;
    this.settings = o.settings;
    this.counters = o.counters;
    this.processor = o.processor;
    this.processedAtA = o.processedEnd === 'a';
    this.leg = o.leg;
    this.fingerprint = o.fingerprint;
    this.invariants = o.invariants ?? NO_CHECKS;
  }
}

// Small codes for the fingerprint. Switches rather than tables keyed by string: a keyed load
// with six different keys at one site is a megamorphic lookup, on every message carried.
function methodCode(m: Method): number {
  switch (m) {
    case 'INVITE':
      return 1;
    case 'ACK':
      return 2;
    case 'BYE':
      return 3;
    case 'UPDATE':
      return 4;
    case 'OPTIONS':
      return 5;
    case 'REFER':
      return 6;
  }
}

function refresherCode(r: RefresherToken): number {
  return r === '' ? 0 : r === 'uac' ? 1 : 2;
}

// A message in flight is an event on its link carrying the message as data; the kind says which
// way it goes and whether it has already waited for the processor, so nothing is made per message.
const TOWARD_A = 1,
  PROCESSED = 2;

export class Link implements Wire, ScheduledEventTarget {
  private checkCseq(from: SipPort, msg: SipMessage): void {
    const key = `${from === this.a ? 'a' : 'b'} ${msg.callId}`;
    const last = (this.lastCseq ??= new Map<string, number>()).get(key);
    if (last !== undefined && msg.cseq <= last) {
      this.net.invariants.fail(
        this.call,
        this.net.sim.now,
        `CSeq went from ${last} to ${msg.cseq} on ${msg.method} from ${from.name} (${msg.callId}); it must increase per dialog and direction`,
      );
    }
    this.lastCseq.set(key, msg.cseq);
  }

  /** The hash a message was given for its dialog identifiers is theirs (whoever made it knew them). */
  private checkIdHash(from: SipPort, msg: SipMessage): void {
    const h = dialogIdHash(msg);
    if (h !== idHashOf(msg.callId, msg.fromTag, msg.toTag))
      this.net.invariants.fail(
        this.call,
        this.net.sim.now,
        `${msg.method} ${msg.status || ''} from ${from.name} carries the hash of other dialog identifiers than its own (${msg.callId})`,
      );
  }

  observer: LinkObserver | null = null;
  /** RFC 4028 rules checked on this leg's wire (--check). */
  timerChecks: LegTimerChecks | null = null;

  constructor(
    /** The leg this link is on, shared by every call's link on it. */
    readonly net: LegNetwork,
    /** The two ends, `a` the one toward the caller (the fingerprint tells the ways apart by it). */
    readonly a: SipPort,
    readonly b: SipPort,
    /** Draws for loss and jitter; null when the leg has neither. */
    private random: RandomStream | null,
    /** Index of the call, for invariant reports (-1 when none). */
    private call = -1,
  ) {
    this.attach();
  }

  /** Messages on their way (or waiting for the processor) on this link: none before it serves another call. */
  inFlight = 0;

  /**
   * The link as new, between the same two ports, for another call (call-parts.ts): only once
   * nothing is in flight. `attach` then makes it the ports' way out, as the constructor does.
   */
  reuse(random: RandomStream | null, call: number): void {
    this.random = random;
    this.call = call;
    this.observer = null;
    this.timerChecks = null;
    this.lastCseq = null;
  }

  attach(): void {
    this.a.wire = this;
    this.b.wire = this;
  }

  /**
   * Folds a message put on the wire into the run's fingerprint: when, which way, whether lost or
   * a retransmission, and every field the message carries on the wire (start line, Call-ID, tags,
   * CSeq, Via branch, Supported/Require timer, Session-Expires with its refresher, Min-SE, Allow
   * UPDATE, Retry-After, the SDP summary). Purpose is the model's own and stays out. It reads the
   * clock itself: a time handed to a call the engine does not inline is boxed, a 16-byte object
   * per message (about 0.9 kB of garbage per W1 call when `carry` passed it).
   */
  private foldIntoFingerprint(from: SipPort, msg: SipMessage, lost: boolean): void {
    const f = this.net.fingerprint;
    f.time(this.net.sim.now);
    f.int(
      (methodCode(msg.method) << 24) |
        (msg.status << 8) |
        (from === this.a ? 1 : 0) |
        (lost ? 2 : 0) |
        (msg.retransmission ? 4 : 0) |
        (this.net.leg === 'inbound' ? 8 : 0),
    );
    f.int(msg.cseq);
    f.int(msg.branch);
    f.int(dialogIdHash(msg));
    // Session-Expires is at most 86400 (< 2^17); Retry-After (-1 when absent) sits above it.
    f.int(msg.sessionExpires | ((msg.retryAfter + 1) << 17));
    const sdp = msg.sdp;
    // Min-SE is at most 86400 (< 2^17); the flags sit above it.
    f.int(
      msg.minSe |
        (refresherCode(msg.refresher) << 18) |
        (msg.supportedTimer ? 1 << 20 : 0) |
        (msg.requireTimer ? 1 << 21 : 0) |
        (msg.allowUpdate ? 1 << 22 : 0) |
        (sdp === null
          ? 0
          : (1 << 23) | (sdp.video ? 1 << 24 : 0) | (sdp.t38 ? 1 << 25 : 0) | (directionCode(sdp.audio) << 26)),
    );
    if (sdp !== null) f.int(sdp.version);
  }

  /** Last CSeq of a new request from each end, per Call-ID (for the invariant check). */
  private lastCseq: Map<string, number> | null = null;

  carry(from: SipPort, msg: SipMessage): void {
    const net = this.net;
    const to = from === this.a ? this.b : this.a;
    if (net.invariants.enabled) {
      if (msg.status === 0 && !msg.retransmission && msg.method !== 'ACK') this.checkCseq(from, msg);
      this.checkIdHash(from, msg);
    }
    const s = net.settings;
    const c = net.counters;
    c.messagesSent++;
    if (msg.retransmission) c.retransmissions++;
    let lost = false;
    let delay = s.latency;
    if (this.random !== null) {
      if (s.loss > 0 && this.random.uniform() < s.loss) lost = true;
      if (s.jitter > 0) delay += this.random.uniform() * s.jitter;
    }
    const now = net.sim.now;
    if (msg.purpose === 'refresh' && msg.status === 0 && !msg.retransmission && msg.method !== 'ACK') {
      if (net.leg === 'inbound') c.refreshRequestsInbound++;
      else c.refreshRequestsOutbound++;
    }
    this.foldIntoFingerprint(from, msg, lost);
    this.observer?.onCarry(now, from, to, msg, lost, now + delay);
    this.timerChecks?.onCarry(now, from, msg);
    if (lost) {
      c.messagesLost++;
      return;
    }
    this.inFlight++;
    net.sim.after(delay, this, to === this.a ? TOWARD_A : 0, Priority.delivery, msg);
  }

  /** A message arrives; at the border element's side it first waits for the processor. */
  onEvent(kind: number, data: unknown): void {
    const net = this.net;
    const towardA = (kind & TOWARD_A) !== 0;
    const to = towardA ? this.a : this.b;
    const p = net.processor;
    if ((kind & PROCESSED) === 0 && p !== null && towardA === net.processedAtA && p.costPerMessage > 0) {
      const msg = data as SipMessage;
      // Call admission control refuses a new call as it arrives, not after the backlog that
      // overloads the processor: the refusal takes the fast path (its CPU is not modelled).
      const newCall = msg.status === 0 && msg.method === 'INVITE' && msg.toTag === '';
      const now = net.sim.now;
      if (!newCall || !p.refusesNewCalls(now)) {
        net.sim.at(p.admit(now), this, kind | PROCESSED, Priority.delivery, data);
        return;
      }
    }
    this.inFlight--;
    to.receive(data as SipMessage);
  }
}
