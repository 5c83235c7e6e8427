// An endpoint at either end of a call (the caller on the inbound leg, the callee on the
// outbound leg), behaving as its profile says: how it negotiates session timers, refreshes,
// answers re-INVITEs and UPDATEs, and which mid-call features it starts.

import { NO_EVENT, type EventHandle, type ScheduledEventTarget } from '../kernel/simulator.ts';
import {
  NEW_DIALOGS,
  type Dialog,
  type DialogOwner,
  type DialogSupply,
  type DialogRequest,
  type RefreshFailure,
  type RequestOwner,
  type TimerBehaviour,
} from '../sip/dialog.ts';
import { sdpValue, type SipMessage } from '../sip/message.ts';
import type { PortCore, SipPort } from '../sip/port.ts';
import { retryAfter422 } from '../sip/session-timer.ts';
import type { InviteServerTransaction, ServerTransaction } from '../sip/transaction.ts';
import type { Call, Cause, Feature, Leg, Side } from './call.ts';
import type { EndpointProfile } from './models.ts';
import type { EndpointParty, FeatureSettings } from './endpoint-party.ts';
import { endpointAnswer, featureDeclined, featureOffer, initialOffer } from './offer-answer.ts';

const RING_DONE = 1,
  HANGUP = 2,
  FEATURE_BASE = 16;

/** A feature in progress: its step, its tries after glare, its place in the call's results, its next event. */
type Pending = { feature: Feature; step: 'start' | 'resume'; tries: number; record: number; handle: EventHandle };

/** A caller or callee on one call; each request it sends keeps the slot of the feature it is for (none for the setup). */
export class Endpoint implements PortCore, DialogOwner, RequestOwner<number>, ScheduledEventTarget {
  dialog: Dialog | null = null;
  private setupTxn: InviteServerTransaction | null = null;
  private pendingAnswer: SipMessage | null = null;
  private hangupHandle: EventHandle = NO_EVENT;
  private attempt422 = 0;
  /** Features in progress, by event kind slot (the caller's, made when the call has any). */
  private pending: Pending[] | null = null;
  private tagCounter = 0;
  /**
   * Its events still to fire (hang-up, ring time, feature steps), counted as they are scheduled,
   * fire and are cancelled rather than read from the handles: an answer to the setup passed on a
   * second time (a late 2xx retransmission, Dialog.onResponse) arms a second hang-up over the first.
   */
  private eventsPending = 0;

  constructor(
    // Set again when a finished call's parts serve a new call (reuse, call-parts.ts).
    public party: EndpointParty,
    public port: SipPort,
    public call: Call,
    /** Where its dialogs come from (new objects, or a finished call's: call-parts.ts). */
    private readonly dialogs: DialogSupply = NEW_DIALOGS,
  ) {
    port.core = this;
  }

  /** As new, for another call (call-parts.ts); only once `idle`. */
  reuse(party: EndpointParty, port: SipPort, call: Call): void {
    this.party = party;
    this.port = port;
    this.call = call;
    this.dialog = null;
    this.setupTxn = null;
    this.pendingAnswer = null;
    this.hangupHandle = NO_EVENT;
    this.attempt422 = 0;
    this.pending = null;
    this.tagCounter = 0;
    this.eventsPending = 0;
    port.core = this;
  }

  /** None of its events is still to fire (hang-up, ring time, feature steps). */
  get idle(): boolean {
    return this.eventsPending === 0;
  }

  private at(time: number, kind: number): EventHandle {
    this.eventsPending++;
    return this.sim.at(time, this, kind);
  }

  private after(delay: number, kind: number): EventHandle {
    this.eventsPending++;
    return this.sim.after(delay, this, kind);
  }

  private cancel(handle: EventHandle): void {
    if (this.sim.cancel(handle)) this.eventsPending--;
  }

  get role(): 'caller' | 'callee' {
    return this.party.role;
  }

  get side(): Side {
    return this.party.side;
  }

  get leg(): Leg {
    return this.party.leg;
  }

  get peerSide(): Side {
    return this.party.peerSide;
  }

  get profile(): EndpointProfile {
    return this.party.profile;
  }

  get behaviour(): TimerBehaviour {
    return this.party.behaviour;
  }

  get features(): FeatureSettings {
    return this.party.features;
  }

  get ringSeconds(): number {
    return this.party.ringSeconds;
  }

  get sim() {
    return this.port.sim;
  }

  private newTag(): string {
    return `${this.role === 'caller' ? 'a' : 'b'}${this.call.index.toString(36)}.${++this.tagCounter}`;
  }

  // ---- caller: setup -------------------------------------------------------------------

  /** Sends the initial INVITE (RFC 4028 §7.1 headers from the profile). */
  start(): void {
    const sdp = sdpValue(1, 'sendrecv', false, false);
    const d = this.dialogs.open(this.port, this.call, this, this.behaviour, this.call.callId, this.newTag(), true, sdp);
    this.dialog = d;
    this.sendInitialInvite(this.behaviour.sessionExpires, this.behaviour.minSe);
  }

  private sendInitialInvite(sessionExpires: number, minSe: number): void {
    const d = this.dialog!;
    const b = this.behaviour;
    this.call.attempts++;
    const m = d.request('INVITE', 'setup');
    m.sdp = d.localSdp;
    if (b.supportsTimer) {
      m.minSe = minSe;
      if (sessionExpires > 0) {
        m.sessionExpires = sessionExpires;
        m.refresher = b.requestRefresher;
      }
    }
    d.start(m, this);
  }

  private onSetupFinal(resp: SipMessage): void {
    const call = this.call;
    const now = this.sim.now;
    const st = resp.status;
    if (st < 300) {
      if (call.answeredAt < 0) call.answeredAt = now;
      this.established();
      return;
    }
    const b = this.behaviour;
    const d = this.dialog!;
    if (st === 422 && b.supportsTimer && b.retry422 && this.attempt422 < b.max422Retries) {
      this.attempt422++;
      const next = retryAfter422(b.sessionExpires, d.largestMinSe, resp.minSe);
      d.restartAttempt(this.newTag());
      this.sendInitialInvite(next.sessionExpires, next.minSe);
      return;
    }
    d.terminate();
    const cause: Cause = call.setupRefusal !== '' ? call.setupRefusal : st === 422 ? '422-unresolved' : `setup-${st}`;
    call.reject(now, cause, st);
  }

  // ---- both: the established call -----------------------------------------------------

  /** Called by the simulation when the call is answered: hang-up and features. */
  established(): void {
    const call = this.call;
    if (call.hangupBy === this.role) {
      // The caller learns of the answer one trip after the callee: a very short call may be due already.
      this.hangupHandle = this.at(Math.max(this.sim.now, call.answeredAt + call.holding), HANGUP);
    }
    if (this.role !== 'caller') return;
    const now = this.sim.now;
    for (const f of call.plannedFeatures) {
      const pending = (this.pending ??= []);
      pending.push({ feature: f.feature, step: 'start', tries: 0, record: -1, handle: NO_EVENT });
      this.schedule(Math.max(now, call.answeredAt + f.offset) - now, pending.length - 1);
    }
  }

  /** Schedules the next step of the feature in `slot` (one pending step per feature at a time). */
  private schedule(delay: number, slot: number): void {
    this.pending![slot]!.handle = this.after(delay, FEATURE_BASE + slot);
  }

  /** The call is over for this endpoint: its planned hang-up and features will not come. */
  private stopPlans(): void {
    this.cancel(this.hangupHandle);
    this.hangupHandle = NO_EVENT;
    const pending = this.pending;
    if (pending === null) return;
    for (const p of pending) {
      this.cancel(p.handle);
      p.handle = NO_EVENT;
    }
  }

  hangup(): void {
    const d = this.dialog;
    if (d === null) return;
    this.stopPlans();
    if (d.confirmed) this.call.complete(this.sim.now, this.side);
    d.bye();
  }

  private runFeature(slot: number): void {
    const p = this.pending![slot]!;
    const d = this.dialog;
    if (d === null || !d.confirmed) return;
    const isInvite = p.feature !== 'transfer';
    if (isInvite && d.inviteBusy) {
      // §14.1: no second INVITE transaction; look again shortly.
      this.schedule(0.5, slot);
      return;
    }
    const purpose = p.feature === 'hold' ? (p.step === 'start' ? 'hold' : 'resume') : p.feature;
    const m = d.request(isInvite ? 'INVITE' : 'REFER', purpose);
    if (isInvite) {
      m.sdp = featureOffer(p.feature, p.step, d.localSdp);
      d.addTimerHeaders(m);
    }
    const txn = d.start(m, this);
    txn.requesterData = slot;
  }

  private onFeatureFinal(slot: number, resp: SipMessage | null): void {
    const p = this.pending![slot]!;
    const call = this.call;
    const d = this.dialog!;
    const st = resp === null ? 408 : resp.status;
    if (
      (st === 491 || (st === 500 && resp !== null && resp.retryAfter >= 0)) &&
      p.tries < this.features.maxGlareRetries &&
      d.confirmed
    ) {
      p.tries++;
      call.retried++;
      const delay = st === 491 ? d.glareBackoff() : resp!.retryAfter;
      this.schedule(delay, slot);
      return;
    }
    const purpose = p.feature === 'hold' ? (p.step === 'start' ? 'hold' : 'resume') : p.feature;
    // This party hung up first: the 487 its re-INVITE then got (RFC 3261 §15.1.2) says nothing of
    // the feature, which is recorded as if no answer had come (a hold that worked stays so).
    if (st === 487 && !d.confirmed) return;
    if (st >= 300 || resp === null) {
      this.result(p, false, `${p.step === 'resume' ? 'resume ' : ''}${resp === null ? 'timeout' : String(st)}`);
      if ((st === 408 || st === 481) && d.confirmed) this.endOnFailure('midcall-failure', st);
      return;
    }
    const unfulfilled = call.unfulfilled(purpose);
    if (unfulfilled !== undefined) {
      this.result(p, false, unfulfilled);
      return;
    }
    const declined = featureDeclined(p.feature, p.step, resp.sdp);
    if (declined !== '') {
      this.result(p, false, declined);
      return;
    }
    // A resume that worked leaves the hold's success as it was.
    if (p.step === 'resume') return;
    this.result(p, true, '');
    if (p.feature === 'hold') {
      // Hold worked; it stays a success unless the resume then fails.
      p.step = 'resume';
      p.tries = 0;
      this.schedule(this.features.holdSeconds, slot);
    }
  }

  /** Records a feature's result once; a failed resume turns the recorded hold into a failure. */
  private result(p: Pending, ok: boolean, reason: string): void {
    const call = this.call;
    if (p.record < 0) p.record = call.recordFeature(p.feature, ok, reason);
    else if (!ok) call.recordFeatureFailed(p.record, p.feature, reason);
  }

  // ---- RequestOwner ------------------------------------------------------------------------

  onRequestFinal(_d: Dialog, txn: DialogRequest<number>, resp: SipMessage): void {
    if (txn.request.purpose === 'setup') {
      this.onSetupFinal(resp);
      return;
    }
    const slot = txn.takeRequesterData(); // the feature slot it was sent for
    if (slot !== null) {
      this.onFeatureFinal(slot, resp);
    }
  }

  onRequestTimeout(_d: Dialog, txn: DialogRequest<number>): void {
    if (txn.request.purpose === 'setup') {
      this.dialog?.terminate();
      this.call.reject(this.sim.now, 'setup-timeout', 408);
      return;
    }
    const slot = txn.takeRequesterData(); // the feature slot it was sent for
    if (slot !== null) {
      this.onFeatureFinal(slot, null);
    }
  }

  // ---- PortCore: requests that arrive -------------------------------------------------------

  onRequest(_port: SipPort, req: SipMessage, txn: ServerTransaction): void {
    const d = this.dialog;
    if (req.method === 'INVITE' && req.toTag === '') {
      this.onInitialInvite(req, txn as InviteServerTransaction);
      return;
    }
    if (d === null || req.callId !== d.callId) {
      txn.respond(txn.makeResponse(481, ''));
      return;
    }
    if (!d.receive(req, txn)) return;
    switch (req.method) {
      case 'INVITE':
        this.answerReinvite(d, req, txn);
        return;
      case 'UPDATE':
        this.answerUpdate(d, req, txn);
        return;
      case 'REFER': {
        const r = txn.makeResponse(this.profile.media.refer ? 202 : 501, d.localTag);
        d.respond(txn, r);
        return;
      }
      default:
        d.respond(txn, txn.makeResponse(200, d.localTag));
    }
  }

  onAck(_port: SipPort, ack: SipMessage): void {
    this.dialog?.receiveAck(ack);
  }

  /** Callee: RFC 4028 §9 on the initial INVITE, then ringing and the answer. */
  private onInitialInvite(req: SipMessage, txn: InviteServerTransaction): void {
    if (this.dialog !== null && this.dialog.state !== 'terminated' && this.dialog.callId === req.callId) {
      // A second attempt while the first is still alive: not expected from a well-behaved UAC.
      txn.respond(txn.makeResponse(491, ''));
      return;
    }
    const offer = initialOffer(req);
    const d = this.dialogs.open(
      this.port,
      this.call,
      this,
      this.behaviour,
      req.callId,
      this.newTag(),
      false,
      endpointAnswer(this.profile.media, offer, sdpValue(0, 'sendrecv', false, false)),
    );
    this.dialog = d;
    d.acceptInitial(req, txn);
    if (req.requireTimer && !this.behaviour.supportsTimer) {
      d.respond(txn, txn.makeResponse(420, d.localTag)); // RFC 3261 §8.2.2.3: Require names an unknown extension
      return;
    }
    const ok = d.answerWithTimer(req, txn);
    if (ok === null) return;
    ok.sdp = d.localSdp;
    if (this.ringSeconds > 0) {
      d.respond(txn, txn.makeResponse(180, d.localTag));
      this.setupTxn = txn;
      this.pendingAnswer = ok;
      this.after(this.ringSeconds, RING_DONE);
      return;
    }
    this.answer(d, txn, ok);
  }

  private answer(d: Dialog, txn: InviteServerTransaction, ok: SipMessage): void {
    d.respond(txn, ok);
    if (this.call.answeredAt < 0) this.call.answeredAt = this.sim.now;
    this.established();
  }

  private answerReinvite(d: Dialog, req: SipMessage, txn: ServerTransaction): void {
    if (!this.profile.answersReinvite) {
      d.respond(txn, txn.makeResponse(488, d.localTag));
      return;
    }
    const ok = d.answerWithTimer(req, txn);
    if (ok === null) return;
    if (req.sdp !== null && req.sdp.t38 && !this.profile.media.t38) {
      d.respond(txn, txn.makeResponse(488, d.localTag));
      return;
    }
    ok.sdp = req.sdp === null ? d.localSdp : endpointAnswer(this.profile.media, req.sdp, d.localSdp);
    d.respond(txn, ok);
  }

  private answerUpdate(d: Dialog, req: SipMessage, txn: ServerTransaction): void {
    switch (this.profile.answersUpdate) {
      case 'never':
        return; // defect F7: the UPDATE is left unanswered
      case '405':
        d.respond(txn, txn.makeResponse(405, d.localTag));
        return;
      case '501':
        d.respond(txn, txn.makeResponse(501, d.localTag));
        return;
      case 'ok': {
        const ok = d.answerWithTimer(req, txn);
        if (ok === null) return;
        if (req.sdp !== null) ok.sdp = endpointAnswer(this.profile.media, req.sdp, d.localSdp);
        d.respond(txn, ok);
      }
    }
  }

  // ---- DialogOwner ---------------------------------------------------------------------------

  onSessionExpired(d: Dialog): void {
    this.stopPlans();
    this.call.drop(this.sim.now, 'session-expired', this.leg, this.side);
    d.bye();
  }

  onRefreshFailed(d: Dialog, cause: RefreshFailure, status: number): void {
    this.stopPlans();
    this.call.drop(this.sim.now, `refresh-${cause}`, this.leg, this.side, status);
    d.bye();
  }

  onAckMissing(d: Dialog): void {
    this.stopPlans();
    this.call.drop(this.sim.now, 'ack-timeout', this.leg, this.side);
    d.bye();
  }

  onByeReceived(_d: Dialog): void {
    this.stopPlans();
    // The peer ended the call; if nothing was recorded yet, it was a normal clearing by the far end.
    this.call.complete(this.sim.now, this.peerSide);
  }

  private endOnFailure(cause: Cause, status: number): void {
    this.stopPlans();
    this.call.drop(this.sim.now, cause, this.leg, this.side, status);
    this.dialog?.bye();
  }

  // ---- ScheduledEventTarget ---------------------------------------------------------------------

  onEvent(kind: number): void {
    this.eventsPending--;
    if (kind === RING_DONE) {
      const txn = this.setupTxn,
        ok = this.pendingAnswer;
      this.setupTxn = null;
      this.pendingAnswer = null;
      if (txn !== null && ok !== null && this.dialog !== null && this.dialog.state === 'early')
        this.answer(this.dialog, txn, ok);
      return;
    }
    if (kind === HANGUP) {
      this.hangupHandle = NO_EVENT;
      this.hangup();
      return;
    }
    if (kind >= FEATURE_BASE) {
      this.pending![kind - FEATURE_BASE]!.handle = NO_EVENT;
      this.runFeature(kind - FEATURE_BASE);
    }
  }
}
