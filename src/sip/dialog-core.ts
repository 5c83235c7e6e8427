// What every dialog shares (RFC 3261 §12-§14), whatever its party does with it: its tags and
// CSeq in each direction, the requests it makes (§12.2.1.1), the INVITE transactions in progress
// that forbid an overlapping one (§14.1) and the back-off after a 491, the UAC's ACK for a 2xx
// (§13.2.2.4), and the UAS core's 2xx retransmission until the ACK comes (§13.3.1.4).
//
// The RFC 4028 session timer is built on this in session-timer-dialog.ts; what the dialog's
// owner hears, and the in-dialog requests it receives, in dialog.ts.

import { NO_EVENT, type ScheduledEventTarget } from '../kernel/simulator.ts';
import type { Invariants } from '../kernel/invariants.ts';
import type { RandomStream } from '../kernel/random.ts';
import {
  idHashOf,
  newAck,
  newRequest,
  retransmitted,
  type Method,
  type Purpose,
  type Sdp,
  type SipMessage,
} from './message.ts';
import { Pending2xx } from './pending-2xx.ts';
import type { SipPort } from './port.ts';
import type { TimerBehaviour } from './session-timer.ts';
import type { InviteClientTransaction, InviteServerTransaction } from './transaction.ts';

/**
 * RFC 3261 §14.1: after a 491 the UAC waits a random time before it tries again: 2.1-4.0 s when it
 * owns the Call-ID (it sent the dialog's initial INVITE), 0-2.0 s otherwise, so that the two
 * sides of a glare do not collide again.
 */
export function glareBackoffWindow(ownsCallId: boolean): readonly [number, number] {
  return ownsCallId ? [2.1, 4.0] : [0, 2.0];
}

/** Counters the dialog feeds while it runs (one instance per run, shared). */
export interface DialogCounters {
  refreshesSent: number;
  refreshesSucceeded: number;
  refreshesFailed: number;
  refreshesSkipped: number;
  refreshesPostponed: number;
  retriesAfterGlare: number;
}

/** Timer moments a dialog reports, for traces and ladders. */
export type TimerNote =
  | { what: 'timer-armed'; sessionExpires: number; refresherLocal: boolean; refreshAt: number; expiryAt: number }
  | { what: 'timer-off' }
  | { what: 'refresh-due' }
  | { what: 'expired' };

/** What a dialog needs from the call it belongs to. */
export interface DialogContext {
  /** Index of the call, for invariant reports. */
  readonly index: number;
  readonly invariants: Invariants;
  newBranch(): number;
  /** Per-call stream for back-off and Retry-After draws. */
  backoff(): RandomStream;
  readonly counters: DialogCounters;
  /** Called for each timer moment when the call is traced; null otherwise. */
  note: ((d: DialogCore, n: TimerNote) => void) | null;
  dialogOpened(): void;
  /** The dialog has terminated; the context may release what it holds for it. */
  dialogClosed(): void;
  /** A refresh this party sent was answered with a 2xx, `delay` seconds after it fell due. */
  refreshAnswered(delay: number): void;
}

export type DialogState = 'early' | 'confirmed' | 'terminating' | 'terminated';

// The dialog's own timers (event kinds on the dialog): the session timer's two
// (session-timer-dialog.ts) and the UAS core's two here; dialog.ts dispatches them.
export const REFRESH_DUE = 1,
  EXPIRY = 2,
  RETX_2XX = 3,
  ACK_TIMEOUT = 4;

// A dialog's yes/no facts and small states share one integer, DialogCore.bits (a field of an
// object costs 8 bytes and a call has four dialogs); each has a named accessor, so the protocol
// code reads `this.state`, `this.refresherLocal`. The layout, lowest bits first:
const STATE_BITS = 0b11, // DialogState: early 0, confirmed 1, terminating 2, terminated 3
  CREATED_BY_US = 1 << 2,
  REMOTE_ALLOWS_UPDATE = 1 << 3,
  BYE_WHEN_ACKED = 1 << 4,
  /** `requestIdHash` holds the hash of the identifiers as they are now (cleared when one changes). */
  REQUEST_ID_HASH = 1 << 5;
// The session timer's own bits (session-timer-dialog.ts), from bit 8 up.
export const REFRESHER_LOCAL = 1 << 8,
  RUNS_TIMERS = 1 << 9,
  RUNS_ALONE = 1 << 10,
  REFRESH_IN_FLIGHT = 1 << 11;

const DIALOG_STATES: readonly DialogState[] = ['early', 'confirmed', 'terminating', 'terminated'];

/** A new dialog is early; the session timer runs its own timers from the start when the behaviour says so. */
function initialBits(createdByUs: boolean, behaviour: TimerBehaviour): number {
  return (createdByUs ? CREATED_BY_US : 0) | (behaviour.runsTimers ? RUNS_TIMERS : 0);
}

function stateCode(s: DialogState): number {
  switch (s) {
    case 'early':
      return 0;
    case 'confirmed':
      return 1;
    case 'terminating':
      return 2;
    case 'terminated':
      return 3;
  }
}

export abstract class DialogCore implements ScheduledEventTarget {
  /** The facts and small states of the layout above. */
  protected bits: number;
  // The dialog's identifiers (§12): set through their accessors, which forget requestIdHash.
  private callIdText: string;
  private localTagText: string;
  private remoteTagText = '';
  /**
   * dialogIdHash (message.ts) of Call-ID, local tag and remote tag, the identifiers of every
   * request this dialog sends, while REQUEST_ID_HASH is set: worked out once, not per message.
   */
  private requestIdHash = 0;
  private localCseq = 0;
  protected remoteCseq = -1;
  /** The client INVITE in progress, if any (for §14.1); whoever asked for it is not the core's business. */
  ict: InviteClientTransaction<unknown, unknown> | null = null;
  /** The server INVITE being answered, if any. */
  ist: InviteServerTransaction | null = null;
  localSdp: Sdp;
  remoteSdp: Sdp | null = null;

  /** Our 2xx waiting for its ACK, with its retransmission timers; null when none. */
  private uas2xx: Pending2xx | null = null;
  /** CSeq and branch of the last ACK we sent for a 2xx: enough to send it again (-1: none). */
  protected ackedCseq = -1;
  private ackBranch = 0;

  constructor(
    // Not readonly: a finished call's dialog may be reopened for another call (resetCore).
    public port: SipPort,
    public ctx: DialogContext,
    public behaviour: TimerBehaviour,
    callId: string,
    localTag: string,
    /** This party sent the initial INVITE (and so owns the Call-ID, RFC 3261 §14.1). */
    createdByUs: boolean,
    sdp: Sdp,
  ) {
    this.callIdText = callId;
    this.localTagText = localTag;
    this.localSdp = sdp;
    this.bits = initialBits(createdByUs, behaviour);
  }

  /**
   * Every field as the constructor and the initialisers above leave it, for a dialog reopened for
   * another call once nothing can reach it (call-parts.ts). A field added above belongs here too
   * (test/call-parts.test.ts compares a reopened dialog with a new one, field by field).
   */
  protected resetCore(
    port: SipPort,
    ctx: DialogContext,
    behaviour: TimerBehaviour,
    callId: string,
    localTag: string,
    createdByUs: boolean,
    sdp: Sdp,
  ): void {
    this.bits = initialBits(createdByUs, behaviour);
    this.remoteTagText = '';
    this.requestIdHash = 0;
    this.localCseq = 0;
    this.remoteCseq = -1;
    this.ict = null;
    this.ist = null;
    this.localSdp = sdp;
    this.remoteSdp = null;
    this.uas2xx = null;
    this.ackedCseq = -1;
    this.ackBranch = 0;
    this.port = port;
    this.ctx = ctx;
    this.behaviour = behaviour;
    this.callIdText = callId;
    this.localTagText = localTag;
  }

  /**
   * Kept unused while its parts serve another call (call-parts.ts): lets go of what it held of the
   * call it served (its transactions, messages, names), pointing at `ctx`, until it is reopened.
   */
  retire(ctx: DialogContext): void {
    this.ctx = ctx;
    this.ict = null;
    this.ist = null;
    this.remoteSdp = null;
    this.uas2xx = null;
    this.remoteTag = '';
    this.callId = '';
    this.localTag = '';
  }

  get callId(): string {
    return this.callIdText;
  }

  set callId(id: string) {
    this.callIdText = id;
    this.bits &= ~REQUEST_ID_HASH;
  }

  get localTag(): string {
    return this.localTagText;
  }

  set localTag(tag: string) {
    this.localTagText = tag;
    this.bits &= ~REQUEST_ID_HASH;
  }

  /** '' until the peer's tag is known (§12.1). */
  get remoteTag(): string {
    return this.remoteTagText;
  }

  set remoteTag(tag: string) {
    this.remoteTagText = tag;
    this.bits &= ~REQUEST_ID_HASH;
  }

  /** dialogIdHash of the identifiers of the requests this dialog sends, as they are now. */
  private requestIdentity(): number {
    if (!this.hasBit(REQUEST_ID_HASH)) {
      this.requestIdHash = idHashOf(this.callIdText, this.localTagText, this.remoteTagText);
      this.bits |= REQUEST_ID_HASH;
    }
    return this.requestIdHash;
  }

  /** None of the core's own events is still to fire (the 2xx retransmission and its ACK wait). */
  get idle(): boolean {
    return this.uas2xx === null;
  }

  get state(): DialogState {
    return DIALOG_STATES[this.bits & STATE_BITS]!;
  }

  set state(s: DialogState) {
    this.bits = (this.bits & ~STATE_BITS) | stateCode(s);
  }

  /** This party sent the initial INVITE (and so owns the Call-ID, RFC 3261 §14.1). */
  get createdByUs(): boolean {
    return this.hasBit(CREATED_BY_US);
  }

  /** The peer listed UPDATE in Allow. */
  get remoteAllowsUpdate(): boolean {
    return this.hasBit(REMOTE_ALLOWS_UPDATE);
  }

  set remoteAllowsUpdate(on: boolean) {
    this.setBit(REMOTE_ALLOWS_UPDATE, on);
  }

  /** A BYE is waiting for the ACK of our 2xx (RFC 3261 §15). */
  protected get byeWhenAcked(): boolean {
    return this.hasBit(BYE_WHEN_ACKED);
  }

  protected set byeWhenAcked(on: boolean) {
    this.setBit(BYE_WHEN_ACKED, on);
  }

  protected hasBit(bit: number): boolean {
    return (this.bits & bit) !== 0;
  }

  protected setBit(bit: number, on: boolean): void {
    this.bits = on ? this.bits | bit : this.bits & ~bit;
  }

  /** Our 2xx still waiting for its ACK (§13.3.1.4), or null. */
  protected get pending2xx(): SipMessage | null {
    return this.uas2xx === null ? null : this.uas2xx.resp;
  }

  get sim() {
    return this.port.sim;
  }

  get confirmed(): boolean {
    return this.state === 'confirmed';
  }

  /** An INVITE transaction is in progress in either direction (RFC 3261 §14.1). */
  get inviteBusy(): boolean {
    return (this.ict !== null && this.ict.pending) || (this.ist !== null && this.ist.blocksInvite);
  }

  /**
   * A new request in this dialog (next CSeq, a new branch) for the sender to fill in with headers
   * and body, then hand to `start`. Two steps rather than a callback: nothing is made per request
   * beyond the message and its transaction.
   */
  request(method: Method, purpose: Purpose): SipMessage {
    const inv = this.ctx.invariants;
    if (inv.enabled) {
      if (this.state === 'terminated')
        inv.fail(
          this.ctx.index,
          this.sim.now,
          `${method} (${purpose}) sent on the terminated dialog ${this.port.name}`,
        );
      if (method === 'INVITE' && this.inviteBusy)
        inv.fail(
          this.ctx.index,
          this.sim.now,
          `a second INVITE transaction started on the dialog ${this.port.name} while one is in progress (RFC 3261 §14.1)`,
        );
    }
    const msg = newRequest(
      method,
      purpose,
      this.callIdText,
      this.localTagText,
      this.remoteTagText,
      ++this.localCseq,
      this.ctx.newBranch(),
      this.requestIdentity(),
    );
    msg.supportedTimer = this.behaviour.supportsTimer; // U1: in every request but ACK
    msg.allowUpdate = this.behaviour.allowUpdate;
    return msg;
  }

  /** A random wait after a 491 (§14.1, see glareBackoffWindow), in 10 ms steps. */
  glareBackoff(): number {
    const [low, high] = glareBackoffWindow(this.createdByUs);
    return this.ctx.backoff().steps(low, high, 0.01);
  }

  // ---- UAC core: the ACK for a 2xx ---------------------------------------------------------

  /** §13.2.2.4: the UAC core sends the ACK for a 2xx, a new transaction-less request. */
  protected sendAck(resp: SipMessage): void {
    const ack = this.ackFor(resp, this.ctx.newBranch());
    this.ackedCseq = ack.cseq;
    this.ackBranch = ack.branch;
    this.port.transmit(ack);
  }

  /**
   * A retransmission of the 2xx acknowledged last gets the same ACK again (§13.2.2.4), rebuilt
   * rather than kept. False when `resp` is not one.
   */
  protected resendAck(resp: SipMessage): boolean {
    if (this.ackedCseq !== resp.cseq) return false;
    const ack = this.ackFor(resp, this.ackBranch);
    ack.retransmission = true;
    this.port.transmit(ack);
    return true;
  }

  private ackFor(resp: SipMessage, branch: number): SipMessage {
    return newAck(
      this.port.spareAcks,
      resp.purpose,
      this.callIdText,
      this.localTagText,
      this.remoteTagText,
      resp.cseq,
      branch,
      this.requestIdentity(),
    );
  }

  // ---- UAS core: 2xx retransmission until the ACK (§13.3.1.4) ---------------------------------

  protected start2xxRetransmission(resp: SipMessage): void {
    this.stop2xxRetransmission();
    const t = this.port.timers;
    const p = this.port.site.spare2xxWaits.pop() ?? new Pending2xx();
    p.resp = resp;
    p.retxInterval = t.T1;
    p.giveUpAt = this.sim.now + 64 * t.T1;
    this.uas2xx = p;
    p.retxHandle = this.sim.after(t.T1, this, RETX_2XX); // T1 < 64*T1
    p.giveUpPlace = this.sim.takePlace();
  }

  /** The next retransmission of the 2xx, or the end of the wait for its ACK when that comes first (or at the same instant). */
  private next2xxTimer(p: Pending2xx): void {
    if (this.sim.now + p.retxInterval < p.giveUpAt) p.retxHandle = this.sim.after(p.retxInterval, this, RETX_2XX);
    else p.ackTimeoutHandle = this.sim.atPlace(p.giveUpAt, p.giveUpPlace, this, ACK_TIMEOUT);
  }

  /** Ends the 2xx's retransmission and the wait for its ACK; its record goes back to the party's spares. */
  protected stop2xxRetransmission(): void {
    const p = this.uas2xx;
    if (p === null) return;
    this.sim.cancel(p.retxHandle);
    this.sim.cancel(p.ackTimeoutHandle);
    this.uas2xx = null;
    p.resp = null;
    p.retxHandle = NO_EVENT;
    p.ackTimeoutHandle = NO_EVENT;
    this.port.site.spare2xxWaits.push(p);
  }

  /** RETX_2XX: the 2xx again, at intervals doubling from T1 up to T2. */
  protected retransmit2xx(): void {
    const p = this.uas2xx;
    if (p === null) return;
    p.retxHandle = NO_EVENT;
    this.port.transmit(retransmitted(p.resp!));
    p.retxInterval = Math.min(2 * p.retxInterval, this.port.timers.T2);
    this.next2xxTimer(p);
  }

  /** ACK_TIMEOUT: 64*T1 without the ACK. True when a 2xx was still waiting for it (now given up). */
  protected ackWaitOver(): boolean {
    const p = this.uas2xx;
    if (p === null) return false;
    p.ackTimeoutHandle = NO_EVENT;
    this.stop2xxRetransmission();
    return true;
  }

  /** Every event of the dialog comes here; dialog.ts says what each one does. */
  abstract onEvent(kind: number): void;
}
