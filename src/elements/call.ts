// One call from arrival to its single outcome, with everything recorded about it. The call is
// also the context its dialogs run in: it hands out branches, its own random stream for
// back-off draws, and it notices when the last of its dialogs has ended.

import type { Invariants } from '../kernel/invariants.ts';
import type { RandomStream } from '../kernel/random.ts';
import type { DialogContext, DialogCore, DialogCounters, TimerNote } from '../sip/dialog-core.ts';
import type { RefreshFailure } from '../sip/session-timer-dialog.ts';
import { copyMessage, label, type SipMessage } from '../sip/message.ts';
import type { MidcallPurpose } from './models.ts';

export function newDialogCounters(): DialogCounters {
  return {
    refreshesSent: 0,
    refreshesSucceeded: 0,
    refreshesFailed: 0,
    refreshesSkipped: 0,
    refreshesPostponed: 0,
    retriesAfterGlare: 0,
  };
}

export function addDialogCounters(into: DialogCounters, from: DialogCounters): void {
  into.refreshesSent += from.refreshesSent;
  into.refreshesSucceeded += from.refreshesSucceeded;
  into.refreshesFailed += from.refreshesFailed;
  into.refreshesSkipped += from.refreshesSkipped;
  into.refreshesPostponed += from.refreshesPostponed;
  into.retriesAfterGlare += from.retriesAfterGlare;
}

export type Outcome = 'completed' | 'rejected' | 'dropped' | 'active';

/** Why the border element refused a new call (call admission control, or the configuration). */
export type SetupRefusal =
  | 'admission-sessions'
  | 'admission-cps'
  | 'admission-cpu'
  | 'sip-to-sip-not-allowed'
  | 'h323-to-sip-not-allowed'
  | 'answer-below-min-se'
  | 'cancelled';

/**
 * Why a call ended as it did: the keys of summary.json's byCause maps and calls.csv's cause column
 * (README "drops.byCause"). '' while the call is active.
 */
export type Cause =
  | ''
  | 'normal-clearing'
  | 'session-expired'
  | `refresh-${RefreshFailure}`
  | 'ack-timeout'
  | 'midcall-failure'
  | 'options-ping-failed'
  | '422-unresolved'
  | 'setup-timeout'
  | `setup-${number}`
  /** cubesim emulate: the real callee never answered the INVITE at all. */
  | 'setup-no-answer'
  | SetupRefusal;
export type Leg = 'inbound' | 'outbound';
export type Side = 'caller' | 'callee' | 'border-element';
export type Feature = 'video' | 'hold' | 'fax' | 'transfer';
export const FEATURES: readonly Feature[] = ['video', 'hold', 'fax', 'transfer'];

export interface FeatureResult {
  feature: Feature;
  status: 'succeeded' | 'failed';
  /** Why it failed: a status code, "timeout", or the border element's reason. */
  reason: string;
}

const NO_FEATURE_RESULTS: readonly FeatureResult[] = Object.freeze([]);

/** What the border element did with mid-call requests on one leg. */
export interface LegCounts {
  received: number;
  relayed: number;
  answeredLocally: number;
  rejected: number;
  glare: number;
  /** Session interval and refresher side last negotiated on this leg (0 / '' if none). */
  sessionExpires: number;
  refresher: '' | Side;
}

/** A leg with nothing counted: what a new record's legs start from, and a reused one's are set back to. */
const NO_LEG_COUNTS: Readonly<LegCounts> = Object.freeze({
  received: 0,
  relayed: 0,
  answeredLocally: 0,
  rejected: 0,
  glare: 0,
  sessionExpires: 0,
  refresher: '',
});

export function newLegCounts(): LegCounts {
  return { ...NO_LEG_COUNTS };
}

/**
 * Sets a reused record's leg back to NO_LEG_COUNTS, field by field: Object.assign from the frozen
 * object took the engine's generic copy, about 0.5 % of a W1 run (perf). test/call-parts.test.ts
 * compares a reused record's legs with a new record's, field by field.
 */
function clearLegCounts(c: LegCounts): void {
  c.received = 0;
  c.relayed = 0;
  c.answeredLocally = 0;
  c.rejected = 0;
  c.glare = 0;
  c.sessionExpires = 0;
  c.refresher = '';
}

export type TraceEntry =
  | {
      t: number;
      kind: 'message';
      from: string;
      to: string;
      label: string;
      purpose: string;
      method: string;
      status: number;
      cseq: number;
      callId: string;
      sessionExpires: number;
      refresher: string;
      minSe: number;
      sdpVersion: number;
      retransmission: boolean;
      lost: boolean;
      arrivesAt: number;
    }
  | { t: number; kind: 'timer'; party: string; note: TimerNote }
  | { t: number; kind: 'outcome'; outcome: Outcome; cause: Cause; leg: '' | Leg; side: '' | Side };

/**
 * A message as it crossed a leg of a traced call, with its sender and receiver (party names)
 * and every wire field: a copy, so the model may reuse its own objects afterwards.
 */
export interface CarriedMessage {
  t: number;
  from: string;
  to: string;
  msg: SipMessage;
  lost: boolean;
  arrivesAt: number;
}

/** What is drawn for a call at its arrival (workload.ts CallDraw), before anything happens to it. */
export interface CallPlan {
  readonly holding: number;
  readonly callerProfile: string;
  readonly calleeProfile: string;
  readonly hangupBy: 'caller' | 'callee';
  readonly h323: boolean;
  readonly features: ReadonlyArray<{ feature: Feature; offset: number }>;
}

/** The plan of no call: what a record waiting to serve another call holds (Call.reuse). */
export const NO_CALL_PLAN: CallPlan = Object.freeze({
  holding: 0,
  callerProfile: '',
  calleeProfile: '',
  hangupBy: 'caller',
  h323: false,
  features: Object.freeze([]),
});

/** Run-wide pieces a call needs from its simulation. */
export interface CallEnvironment {
  readonly invariants: Invariants;
  newBranch(): number;
  backoffStream(call: number): RandomStream;
  /** Per-call stream for defects that fire with a probability. */
  defectStream(call: number): RandomStream;
  /** The call has ended and all its dialogs are over. */
  onCallFinished(call: Call): void;
  /** The call's outcome is known (it may still be tearing down). */
  onOutcome(call: Call): void;
  /** A refresh was answered `delay` seconds after it fell due. */
  onRefreshAnswered(delay: number): void;
}

export class Call implements DialogContext, DialogCounters {
  outcome: Outcome = 'active';
  cause: Cause = '';
  leg: '' | Leg = '';
  side: '' | Side = '';
  /** Final status of the failed setup, or of the refresh that failed. */
  status = 0;
  answeredAt = -1;
  endedAt = -1;
  /** Attempts at setup (1 + retries after 422). */
  attempts = 0;
  /** Why the border element refused the setup, when it did (admission, policy). */
  setupRefusal: '' | SetupRefusal = '';
  /** Results of the features tried, in the order first recorded; null until one is (most calls have none). */
  private featureResults: FeatureResult[] | null = null;
  readonly inbound = newLegCounts();
  readonly outbound = newLegCounts();
  /** Requests re-sent after a 491 or 500 back-off, by the endpoints. */
  retried = 0;
  /** Set by the border element when it answered a feature itself without fulfilling it (rare: made on first use). */
  private unfulfilledFeatures: Map<MidcallPurpose, string> | null = null;

  markUnfulfilled(purpose: MidcallPurpose, reason: string): void {
    (this.unfulfilledFeatures ??= new Map()).set(purpose, reason);
  }

  unfulfilled(purpose: MidcallPurpose): string | undefined {
    return this.unfulfilledFeatures?.get(purpose);
  }
  trace: TraceEntry[] | null = null;
  /** Traced calls: every message carried, in order (for pcap export). */
  carried: CarriedMessage[] | null = null;
  note: ((d: DialogCore, n: TimerNote) => void) | null = null;

  private openDialogs = 0;
  private backoffStream: RandomStream | null = null;
  private defectStream: RandomStream | null = null;
  private finished = false;

  // Who the call is and what was drawn for it at arrival. Not readonly only because an untraced
  // call's record serves a later call once this one is over and its parts let go of it (reuse).
  // Set by identify, from the constructor and from reuse.
  index = -1;
  arrivalAt = 0;
  holding = 0;
  callerProfile = '';
  calleeProfile = '';
  hangupBy: 'caller' | 'callee' = 'caller';
  /** The caller is on H.323: only the outbound leg is SIP. */
  h323 = false;
  /** Feature, and its offset from answer (s); drawn at arrival so policy cannot change them. */
  plannedFeatures: ReadonlyArray<{ feature: Feature; offset: number }> = NO_CALL_PLAN.features;

  constructor(
    readonly env: CallEnvironment,
    index: number,
    arrivalAt: number,
    plan: CallPlan,
  ) {
    this.identify(index, arrivalAt, plan);
  }

  private identify(index: number, arrivalAt: number, plan: CallPlan): void {
    this.index = index;
    this.arrivalAt = arrivalAt;
    this.holding = plan.holding;
    this.callerProfile = plan.callerProfile;
    this.calleeProfile = plan.calleeProfile;
    this.hangupBy = plan.hangupBy;
    this.h323 = plan.h323;
    this.plannedFeatures = plan.features;
  }

  /**
   * Makes this record another call's, every field as the constructor sets it: the call it was is
   * over, was not traced, and nothing of the run refers to it any more (call-parts.ts). Those who
   * receive calls (CubeSimulation.onCall) copy what they keep, as calls.csv, the summary and the
   * comparison do; a traced call's record is never reused.
   */
  reuse(index: number, arrivalAt: number, plan: CallPlan): void {
    this.outcome = 'active';
    this.cause = '';
    this.leg = '';
    this.side = '';
    this.status = 0;
    this.answeredAt = -1;
    this.endedAt = -1;
    this.attempts = 0;
    this.setupRefusal = '';
    this.featureResults = null;
    clearLegCounts(this.inbound);
    clearLegCounts(this.outbound);
    this.retried = 0;
    this.unfulfilledFeatures = null;
    this.trace = null;
    this.carried = null;
    this.note = null;
    this.openDialogs = 0;
    this.backoffStream = null;
    this.defectStream = null;
    this.finished = false;
    this.identify(index, arrivalAt, plan);
    this.refreshesSent = 0;
    this.refreshesSucceeded = 0;
    this.refreshesFailed = 0;
    this.refreshesSkipped = 0;
    this.refreshesPostponed = 0;
    this.retriesAfterGlare = 0;
  }

  // This call's refresh counts (DialogCounters), kept on the call itself rather than in an
  // object of their own (one fewer object per call); the run adds them up when the call is over.
  refreshesSent = 0;
  refreshesSucceeded = 0;
  refreshesFailed = 0;
  refreshesSkipped = 0;
  refreshesPostponed = 0;
  retriesAfterGlare = 0;

  /** This call's refresh counts. */
  get counters(): DialogCounters {
    return this;
  }

  newBranch(): number {
    return this.env.newBranch();
  }

  backoff(): RandomStream {
    return (this.backoffStream ??= this.env.backoffStream(this.index));
  }

  /** Per-call stream for defects that fire with a probability (made when first needed). */
  defects(): RandomStream {
    return (this.defectStream ??= this.env.defectStream(this.index));
  }

  get invariants(): Invariants {
    return this.env.invariants;
  }

  get callId(): string {
    return `call-${this.index}`;
  }

  get ended(): boolean {
    return this.outcome !== 'active';
  }

  enableTrace(party: (d: DialogCore) => string): void {
    const trace: TraceEntry[] = [];
    this.trace = trace;
    this.carried = [];
    this.note = (d, n) => trace.push({ t: d.sim.now, kind: 'timer', party: party(d), note: n });
  }

  traceMessage(t: number, from: string, to: string, m: SipMessage, lost: boolean, arrivesAt: number): void {
    this.trace!.push({
      t,
      kind: 'message',
      from,
      to,
      label: label(m),
      purpose: m.purpose,
      method: m.method,
      status: m.status,
      cseq: m.cseq,
      callId: m.callId,
      sessionExpires: m.sessionExpires,
      refresher: m.refresher,
      minSe: m.minSe,
      sdpVersion: m.sdp === null ? -1 : m.sdp.version,
      retransmission: m.retransmission,
      lost,
      arrivesAt,
    });
    const msg = copyMessage(m);
    if (m.sdp !== null) msg.sdp = { ...m.sdp };
    this.carried!.push({ t, from, to, msg, lost, arrivesAt });
  }

  // ---- the single outcome ----------------------------------------------------------------

  private settle(
    now: number,
    outcome: Exclude<Outcome, 'active'>,
    cause: Cause,
    leg: '' | Leg,
    side: '' | Side,
    status: number,
  ): boolean {
    if (this.outcome !== 'active') return false;
    this.outcome = outcome;
    this.cause = cause;
    this.leg = leg;
    this.side = side;
    this.status = status;
    this.endedAt = now;
    this.trace?.push({ t: now, kind: 'outcome', outcome, cause, leg, side });
    this.env.onOutcome(this);
    this.maybeFinish();
    return true;
  }

  complete(now: number, side: Side): boolean {
    return this.settle(now, 'completed', 'normal-clearing', '', side, 0);
  }

  reject(now: number, cause: Cause, status: number): boolean {
    return this.settle(now, 'rejected', cause, '', '', status);
  }

  drop(now: number, cause: Cause, leg: Leg, side: Side, status = 0): boolean {
    return this.settle(now, 'dropped', cause, leg, side, status);
  }

  get features(): readonly FeatureResult[] {
    return this.featureResults ?? NO_FEATURE_RESULTS;
  }

  /** Records a feature's result; returns its place, for a later failure to replace it (recordFeatureFailed). */
  recordFeature(feature: Feature, ok: boolean, reason: string): number {
    const results = (this.featureResults ??= []);
    results.push({ feature, status: ok ? 'succeeded' : 'failed', reason });
    return results.length - 1;
  }

  /** The feature recorded at `place` failed after all (a hold whose resume failed). */
  recordFeatureFailed(place: number, feature: Feature, reason: string): void {
    this.featureResults![place] = { feature, status: 'failed', reason };
  }

  // ---- DialogContext: lifetime of dialogs -------------------------------------------------

  dialogOpened(): void {
    this.openDialogs++;
  }

  dialogClosed(): void {
    this.openDialogs--;
    this.maybeFinish();
  }

  refreshAnswered(delay: number): void {
    this.env.onRefreshAnswered(delay);
  }

  /** Dialogs of this call not yet over (for the end-of-run check). */
  get dialogsOpen(): number {
    return this.openDialogs;
  }

  private maybeFinish(): void {
    if (this.openDialogs < 0 && this.env.invariants.enabled)
      this.env.invariants.fail(this.index, this.endedAt, 'a dialog of the call ended twice');
    if (this.finished || this.outcome === 'active' || this.openDialogs > 0) return;
    this.finished = true;
    this.env.onCallFinished(this);
  }
}
