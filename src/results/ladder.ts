// The ladder of a traced call as every picture of it tells it: the terminal ladder
// (output/ladder-text.ts), the SVG ladder of the report and the notebooks (report/ladder-svg.ts),
// `cubesim trace --format json` and the emulator's log lines. Lanes, the words of a message, a
// timer moment and an outcome, and what kind of ink each gets are decided here once; each
// picture only chooses its own palette and geometry. Type-only imports from the model, so the
// browser bundles take this file as it is.

import type { Call, Cause, FeatureResult, Leg, Outcome, Side, TraceEntry } from '../elements/call.ts';
import type { TimerNote } from '../sip/dialog.ts';

// ---- lanes ---------------------------------------------------------------------------------------

/** The four lanes, left to right: caller, the border element's inbound and outbound sides, callee. */
export const LADDER_PARTIES = ['caller', 'cube-in', 'cube-out', 'callee'] as const;

/** How each lane is titled. */
export const LANE_TITLES = ['caller', 'CUBE in', 'CUBE out', 'callee'] as const;

/** Lane of a party, 0-3 in LADDER_PARTIES order; -1 for a name that is none of them. */
export function laneOf(party: string): number {
  return (LADDER_PARTIES as readonly string[]).indexOf(party);
}

/** A party as its lane is titled ("CUBE in"); a name that is no lane, as it is. */
export function partyTitle(party: string): string {
  const lane = laneOf(party);
  return lane < 0 ? party : LANE_TITLES[lane]!;
}

/** The first Call-ID seen on each leg ('' when that leg carried nothing). */
export function legCallIds(entries: readonly LadderEntry[]): { inbound: string; outbound: string } {
  let inbound = '',
    outbound = '';
  for (const e of entries) {
    if (e.kind !== 'message') continue;
    const lane = Math.min(laneOf(e.from), laneOf(e.to));
    if (lane === 0 && inbound === '') inbound = e.callId;
    if (lane === 2 && outbound === '') outbound = e.callId;
  }
  return { inbound, outbound };
}

// ---- the traced call as data ---------------------------------------------------------------------

/** One row of a ladder: a message on the wire, a session-timer moment, or the call's outcome. */
export type LadderEntry = TraceEntry;
export type MessageEntry = Extract<LadderEntry, { kind: 'message' }>;
export type TimerEntry = Extract<LadderEntry, { kind: 'timer' }>;
export type OutcomeEntry = Extract<LadderEntry, { kind: 'outcome' }>;

/** The record of a traced call, as `cubesim trace --format json` writes it. */
export interface TracedCallRecord {
  index: number;
  callId: string;
  arrivalAt: number;
  answeredAt: number;
  endedAt: number;
  holding: number;
  callerProfile: string;
  calleeProfile: string;
  h323: boolean;
  outcome: Outcome;
  cause: Cause;
  leg: '' | Leg;
  side: '' | Side;
  status: number;
  features: FeatureResult[];
}

/** A traced call as plain data: its record and its ladder. */
export interface TracedCall {
  call: TracedCallRecord;
  entries: LadderEntry[];
}

/** The call's record and its trace as plain data (copies), ready for JSON.stringify or a page. */
export function traceToJson(call: Call): TracedCall {
  const entries: LadderEntry[] = (call.trace ?? []).map((e) =>
    e.kind === 'timer' ? { ...e, note: { ...e.note } } : { ...e },
  );
  return {
    call: {
      index: call.index,
      callId: call.callId,
      arrivalAt: call.arrivalAt,
      answeredAt: call.answeredAt,
      endedAt: call.endedAt,
      holding: call.holding,
      callerProfile: call.callerProfile,
      calleeProfile: call.calleeProfile,
      h323: call.h323,
      outcome: call.outcome,
      cause: call.cause,
      leg: call.leg,
      side: call.side,
      status: call.status,
      features: call.features.map((f) => ({ ...f })),
    },
    entries,
  };
}

// ---- what each row says --------------------------------------------------------------------------

/** Seconds as the ladders print a moment: three decimals, no "-0.000". */
export const ladderSeconds = (t: number): string => (Math.abs(t) < 5e-4 ? 0 : t).toFixed(3);
const at2 = (t: number): string => t.toFixed(2);

/**
 * "INVITE (refresh)", "UPDATE (hold)", "BYE", "200 OK": requests that change the session say
 * why they were sent; responses are labelled by their status line alone.
 */
export function messageLabel(e: MessageEntry): string {
  if (e.status === 0 && (e.method === 'INVITE' || e.method === 'UPDATE')) return `${e.label} (${e.purpose})`;
  return e.label;
}

/** The four inks of a message: requests, and responses by class. */
export type MessageInk = 'request' | 'provisional' | 'success' | 'failure';

export function messageInk(e: MessageEntry): MessageInk {
  if (e.status === 0) return 'request';
  if (e.status < 200) return 'provisional';
  if (e.status < 300) return 'success';
  return 'failure';
}

/**
 * The session-timer headers of a message, shortened as every ladder and log line writes them:
 * "SE=1800;uac Min-SE=1800" (Session-Expires with its refresher, Min-SE; each only when present).
 */
export function timerHeaders(e: { readonly sessionExpires: number; readonly refresher: string; readonly minSe: number }): string {
  const parts: string[] = [];
  if (e.sessionExpires > 0) parts.push(`SE=${e.sessionExpires}${e.refresher === '' ? '' : `;${e.refresher}`}`);
  if (e.minSe > 0) parts.push(`Min-SE=${e.minSe}`);
  return parts.join(' ');
}

/**
 * The border element's lanes on a SIP-to-SIP call carry the endpoints' timer without running one
 * of their own (docs/facts.md C8): their expiry is a deadline, not a BYE they will send. On an
 * H.323 call the outbound side is a user agent and does act on it.
 */
export function actsOnExpiry(h323: boolean, party: string): boolean {
  return party === 'caller' || party === 'callee' || (h323 && party === 'cube-out');
}

/**
 * What a timer armed on a lane points at: its refresh moment, or its deadline (a BYE where the
 * party acts on expiry, a refresh expected from the other side where it does not).
 */
export function timerMomentText(kind: 'refresh' | 'expiry', actsOnIt: boolean, t: number): string {
  if (kind === 'refresh') return `this side refreshes at ${at2(t)}`;
  return actsOnIt ? `BYE at ${at2(t)} unless refreshed` : `other side refreshes by ${at2(t)}`;
}

/** The words beside a session-timer moment on its lane. */
export function timerText(h323: boolean, party: string, n: TimerNote): string {
  switch (n.what) {
    case 'timer-armed':
      if (n.refresherLocal)
        return n.refreshAt >= 0
          ? `timer ${n.sessionExpires} s, ${timerMomentText('refresh', true, n.refreshAt)}`
          : `timer ${n.sessionExpires} s, this side refreshes`;
      if (n.expiryAt < 0) return `timer ${n.sessionExpires} s, other side refreshes`;
      return `timer ${n.sessionExpires} s, ${timerMomentText('expiry', actsOnExpiry(h323, party), n.expiryAt)}`;
    case 'timer-off':
      return 'timer off';
    case 'refresh-due':
      return 'refresh due';
    case 'expired':
      return actsOnExpiry(h323, party) ? 'expired: hanging up' : 'expired';
  }
}

/** "dropped: session-expired (outbound leg, BYE by callee, status 408) at 1768.000 s". */
export function outcomeText(o: OutcomeEntry, status: number): string {
  const why: string[] = [];
  if (o.leg !== '') why.push(`${o.leg} leg`);
  if (o.side !== '') why.push(`BYE by ${o.side === 'border-element' ? 'CUBE' : o.side}`);
  if (status > 0) why.push(`status ${status}`);
  return `${o.outcome}: ${o.cause}${why.length > 0 ? ` (${why.join(', ')})` : ''} at ${ladderSeconds(o.t)} s`;
}

/** What a ladder says of a call without an outcome row (it was not over when the run stopped). */
export function missingOutcomeText(outcome: Outcome): string {
  return outcome === 'active' ? 'still active when the run stopped' : outcome;
}

/** The ink of an outcome banner. */
export type OutcomeInk = 'completed' | 'active' | 'ended';

export function outcomeInk(outcome: string): OutcomeInk {
  if (outcome === 'completed') return 'completed';
  if (outcome === 'active') return 'active';
  return 'ended';
}
