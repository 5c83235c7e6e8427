// The objects one call is made of in a run, kept after it for a later call. A call has its border
// element's half, a caller and a callee, up to four ports, one or two links, and its dialogs (four,
// more after a 422 retry). Made new for every call, they lived as long as the call, minutes of
// simulated time, so each was promoted to the old generation and died there, and calls end in
// random order, which left the old generation's pages partly empty (README, Performance).
//
// Instead a finished call's parts rest in a queue (CallPartsQueue) until nothing of the call can
// happen any more (CallParts.idle: no timer of any of its transactions, dialogs, endpoints or its
// border element's half still set, no message on its links); usually by the next arrival. A new
// call then takes them, each reset to what its constructor makes, and, when the run's receiver of
// calls copies what it keeps, the record of the call they served too unless that call was traced
// (Call.reuse). Which parts a call gets decides nothing: the model computes the same, event for
// event (the golden fingerprints hold).

import type { RandomStream } from '../kernel/random.ts';
import { Dialog, type DialogContext, type DialogOwner, type DialogSupply, type TimerBehaviour } from '../sip/dialog.ts';
import type { Sdp } from '../sip/message.ts';
import { SipPort, type PortSite } from '../sip/port.ts';
import type { BorderElement } from './border-element.ts';
import { BorderElementCall } from './border-element-call.ts';
import { NO_CALL_PLAN, type Call, type CallPlan } from './call.ts';
import type { EndpointParty } from './endpoint-party.ts';
import { Endpoint } from './endpoint.ts';
import { Link, type LegNetwork } from './network.ts';

/** What every call's parts share in a run: the sites of its four ports, the two legs, the border element. */
export interface CallPartsSite {
  readonly borderElement: BorderElement;
  readonly callerSite: PortSite;
  readonly cubeInSite: PortSite;
  readonly cubeOutSite: PortSite;
  readonly calleeSite: PortSite;
  readonly inboundLeg: LegNetwork;
  readonly outboundLeg: LegNetwork;
}

/** Who takes part in one call, and how its messages are drawn lost or late. */
export interface CallCast {
  call: Call;
  callee: EndpointParty;
  /** The SIP caller, or with an H.323 caller the border element's own SIP user agent (gateway). */
  caller: EndpointParty;
  /** The caller speaks H.323: no SIP on the inbound leg; the border element calls from its outbound port. */
  h323: boolean;
  /** Draws for loss and jitter on both legs; null when neither has any. */
  random: RandomStream | null;
}

export class CallParts implements DialogSupply {
  readonly callerPort: SipPort;
  readonly cubeIn: SipPort;
  readonly cubeOut: SipPort;
  readonly calleePort: SipPort;
  /** Caller to the border element (unused with an H.323 caller). */
  readonly inLink: Link;
  /** Border element to callee. */
  readonly outLink: Link;
  readonly cube: BorderElementCall;
  readonly caller: Endpoint;
  readonly callee: Endpoint;
  /** Dialogs made for the calls these parts served (room for the usual four); the first `opened` are the present call's. */
  private readonly dialogs: (Dialog | null)[] = [null, null, null, null];
  private opened = 0;
  /** The record of the call the parts last served, cleared, for the next call's (null after a traced call). */
  private spareCall: Call | null = null;
  /** How often they were looked at for reuse and found not yet idle. */
  looks = 0;

  constructor(site: CallPartsSite, cast: CallCast) {
    this.callerPort = new SipPort(site.callerSite);
    this.cubeIn = new SipPort(site.cubeInSite);
    this.cubeOut = new SipPort(site.cubeOutSite);
    this.calleePort = new SipPort(site.calleeSite);
    this.outLink = new Link(site.outboundLeg, this.cubeOut, this.calleePort, null);
    this.inLink = new Link(site.inboundLeg, this.callerPort, this.cubeIn, null);
    this.cube = new BorderElementCall(site.borderElement, cast.call, this.cubeIn, this.cubeOut, this);
    this.callee = new Endpoint(cast.callee, this.calleePort, cast.call, this);
    this.caller = new Endpoint(cast.caller, this.callerPort, cast.call, this);
    // As released parts are: no port wired (the constructors wired some), then fitted.
    this.letGo(cast.call);
    this.fit(cast);
  }

  /**
   * Sets released parts up for `cast.call` as new ones would be, in the order a new call wires
   * them: the outbound link, the border element's two ports, the callee, then the caller (which,
   * from H.323, is the border element itself on the outbound port; the inbound link then stays
   * unused and wired to no port).
   */
  fit(cast: CallCast): void {
    const call = cast.call;
    this.outLink.reuse(cast.random, call.index);
    this.outLink.attach();
    this.cube.reuse(call);
    this.callee.reuse(cast.callee, this.calleePort, call);
    if (cast.h323) {
      this.caller.reuse(cast.caller, this.cubeOut, call);
      this.cube.gateway = this.caller;
    } else {
      this.inLink.reuse(cast.random, call.index);
      this.inLink.attach();
      this.caller.reuse(cast.caller, this.callerPort, call);
    }
  }

  /**
   * What may be the target of an event of the call (for the check, under --check, that `idle`
   * missed nothing: CubeSimulation counts pending events by them, a transaction by its port).
   */
  forEachTarget(visit: (target: unknown) => void): void {
    visit(this.cube);
    visit(this.caller);
    visit(this.callee);
    visit(this.inLink);
    visit(this.outLink);
    visit(this.callerPort);
    visit(this.cubeIn);
    visit(this.cubeOut);
    visit(this.calleePort);
    for (const d of this.dialogs) if (d !== null) visit(d);
  }

  /**
   * Once idle, lets go of everything of the call the parts served, so that while they rest the
   * parts keep nothing of it alive: its call (`resting` stands in for it), transactions, messages,
   * rows in the table of waits, and the dialogs' names and descriptions. (The run's table and the
   * party's spare transactions may still: an ended row's references until its place in the ring
   * is written again, a spare's request and TU until it is taken up again; both a bounded few.)
   * `fit` then sets them up for a new call.
   * With `keepRecord`, an untraced call's record is cleared and kept for the next call (reuseCall).
   */
  release(resting: Call, keepRecord: boolean): void {
    const served = this.cube.call;
    if (keepRecord && served.trace === null) {
      served.reuse(-1, 0, NO_CALL_PLAN);
      this.spareCall = served;
    }
    this.letGo(resting);
  }

  /** The record of the call these parts last served, made that of call `index` (see Call.reuse); null when there is none. */
  reuseCall(index: number, arrivalAt: number, plan: CallPlan): Call | null {
    const call = this.spareCall;
    if (call === null) return null;
    this.spareCall = null;
    call.reuse(index, arrivalAt, plan);
    return call;
  }

  private letGo(resting: Call): void {
    this.callerPort.reset();
    this.cubeIn.reset();
    this.cubeOut.reset();
    this.calleePort.reset();
    this.outLink.reuse(null, -1);
    this.inLink.reuse(null, -1);
    this.cube.reuse(resting);
    this.callee.reuse(this.callee.party, this.calleePort, resting);
    this.caller.reuse(this.caller.party, this.callerPort, resting);
    for (const d of this.dialogs) d?.retire(resting);
    this.opened = 0;
    this.looks = 0;
  }

  open(
    port: SipPort,
    ctx: DialogContext,
    owner: DialogOwner,
    behaviour: TimerBehaviour,
    callId: string,
    localTag: string,
    createdByUs: boolean,
    sdp: Sdp,
  ): Dialog {
    const i = this.opened++;
    const kept = i < this.dialogs.length ? this.dialogs[i]! : null;
    if (kept !== null) {
      kept.reopen(port, ctx, owner, behaviour, callId, localTag, createdByUs, sdp);
      return kept;
    }
    const d = new Dialog(port, ctx, owner, behaviour, callId, localTag, createdByUs, sdp);
    if (i < this.dialogs.length) this.dialogs[i] = d;
    else this.dialogs.push(d);
    return d;
  }

  /**
   * Nothing of the call can happen any more, so another call may have the parts: no transaction
   * at any of the ports has a timer set, no message is on either link, and none of the dialogs,
   * endpoints or the border element's half has an event still to fire. Messages travel only
   * between a call's own ports, so with nothing left to fire or to arrive, no one will send again;
   * the transactions that still wait out their time (Timers J, K, L, M) would only answer.
   */
  get idle(): boolean {
    if (!this.callerPort.idle || !this.cubeIn.idle || !this.cubeOut.idle || !this.calleePort.idle) return false;
    if (this.inLink.inFlight !== 0 || this.outLink.inFlight !== 0) return false;
    if (!this.cube.idle || !this.caller.idle || !this.callee.idle) return false;
    for (let i = 0; i < this.opened; i++) if (!this.dialogs[i]!.idle) return false;
    return true;
  }
}

/**
 * Finished calls' parts until a new call takes them. They wait, oldest first, until they are idle
 * (looked at as each call ends and as each new one arrives); parts still busy (a BYE being
 * retransmitted, say) join a second line to be looked at again a while later, and are left to the
 * collector after a few looks. Idle parts let go of their call and are ready, the last ready
 * first (its objects are the likeliest to be in the processor's caches).
 */
export class CallPartsQueue {
  /** Finished, not yet looked at; and found busy, to be looked at again. */
  private readonly finished = new PartsLine();
  private readonly busy = new PartsLine();
  private readonly ready: CallParts[] = [];
  /** Released parts keep their untraced call's record for the next call (CubeSimulation.reuseCallRecords). */
  keepsRecords = false;

  constructor(
    /** How long parts found busy wait before the next look: the longest a transaction's timers run (64*T1). */
    private readonly relook: number,
    /** What ready parts refer to in place of the call they served (never run). */
    private readonly restingCall: Call,
    /** Under --check: told of parts found idle before they let go of their call (it checks the event queue). */
    private readonly onIdle: ((parts: CallParts) => void) | null = null,
  ) {}

  /** Parts whose call is over (every dialog closed; its last messages may still be on their way). */
  add(parts: CallParts, now: number): void {
    this.finished.push(parts, now);
    this.lookAtOldest(now);
  }

  /** Parts that may serve a new call at `now`, or null when none may yet. */
  take(now: number): CallParts | null {
    this.lookAtOldest(now);
    return this.ready.pop() ?? null;
  }

  /** The oldest parts of each line whose time has come: ready when idle, else (again) busy. */
  private lookAtOldest(now: number): void {
    this.look(this.busy.next(now), now);
    this.look(this.finished.next(now), now);
  }

  private look(parts: CallParts | null, now: number): void {
    if (parts === null) return;
    if (parts.idle) {
      this.onIdle?.(parts);
      parts.release(this.restingCall, this.keepsRecords);
      this.ready.push(parts);
    } else if (++parts.looks < MAX_LOOKS) this.busy.push(parts, now + this.relook);
  }

  /** Parts resting: finished, busy or ready. */
  get size(): number {
    return this.finished.size + this.busy.size + this.ready.length;
  }

  /** Parts not yet seen idle: each still keeps its call. */
  get waitingCount(): number {
    return this.finished.size + this.busy.size;
  }
}

/** Looks at parts that stay busy before they are left to the collector. */
const MAX_LOOKS = 4;

/** Parts in the order they joined, each with the time from which it may be looked at (never earlier than those before it). */
class PartsLine {
  private readonly parts: (CallParts | null)[] = [];
  /** A list of plain numbers: V8 keeps them unboxed. */
  private readonly times: number[] = [];
  private head = 0;

  push(parts: CallParts, time: number): void {
    this.parts.push(parts);
    this.times.push(time);
  }

  /**
   * The first parts if their time is before `now` (taken out of the line), else null. Strictly
   * before: parts are never looked at in the event that finished their call, which may not be
   * done with them yet.
   */
  next(now: number): CallParts | null {
    const head = this.head;
    if (head === this.parts.length || this.times[head]! >= now) return null;
    const parts = this.parts[head]!;
    this.parts[head] = null;
    this.head = head + 1;
    if (this.head > 1024 && this.head * 2 > this.parts.length) {
      this.parts.copyWithin(0, this.head);
      this.parts.length -= this.head;
      this.times.copyWithin(0, this.head);
      this.times.length -= this.head;
      this.head = 0;
    }
    return parts;
  }

  get size(): number {
    return this.parts.length - this.head;
  }
}
