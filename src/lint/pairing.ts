// The pairing of profiles: for every caller and callee that meet, the initial INVITE replayed
// through the border element the way the simulator carries it (422 at the border element, Min-SE
// insertion, 422 at the callee, the caller's retry), and what the answered call ends up with.
// The RFC 4028 arithmetic is sip/session-timer.ts's and the border element's is
// elements/border-element.ts's, not re-derived here.

import {
  borderElementMinSe,
  ownInterval,
  relayInitialOffer,
  sessionRefreshCase,
  sessionRefreshOn,
} from '../elements/border-element.ts';
import type { BorderElementConfig } from '../config/types.ts';
import type { BorderElementModel, EndpointProfile, SessionRefreshAction } from '../elements/models.ts';
import type { RefresherToken } from '../sip/message.ts';
import { intervalWhenAnswerSilent, negotiateAsUas, retryAfter422 } from '../sip/session-timer.ts';

export type Party = 'caller' | 'callee';

export interface Rejection {
  by: 'border-element' | 'callee';
  /** Min-SE carried by the 422. */
  minSe: number;
  /** Session-Expires and Min-SE of the request that was refused, as the refusing element saw it. */
  sessionExpires: number;
  requestMinSe: number;
}

/** One call setup from `caller` to `callee` through the border element, as the simulator carries it. */
export interface PairOutcome {
  caller: EndpointProfile;
  callee: EndpointProfile;
  rejections: Rejection[];
  answered: boolean;
  /** Negotiated session interval on the answered call (0: no session timer). */
  sessionExpires: number;
  /** Who the 2xx names as refresher, after the answer reached the caller. */
  refresher: Party | 'none';
  /** The named refresher runs timers and so will actually send refreshes. */
  refresherActive: boolean;
  /** With 15.1(2)T `session refresh`: what the border element does on this pair (Cisco's table); null without it. */
  cube: SessionRefreshAction | null;
}

/**
 * The outcome of a call setup for every ordered (caller, callee) pair of `profiles`, or only for
 * the pairs in `meets` (caller and callee ids) when given; with `session refresh` on, what the
 * border element then does on each answered pair.
 */
export function pairOutcomes(
  profiles: readonly EndpointProfile[],
  meets: ReadonlyArray<readonly [string, string]> | undefined,
  config: BorderElementConfig,
  model: BorderElementModel,
): PairOutcome[] {
  const pairs: PairOutcome[] = [];
  const wanted = meets === undefined ? null : new Set(meets.map(([a, b]) => `${a}\u0000${b}`));
  const takesPart = sessionRefreshOn(config);
  for (const caller of profiles) {
    for (const callee of profiles) {
      if (wanted !== null && !wanted.has(`${caller.id}\u0000${callee.id}`)) continue;
      const pair = setupThrough(caller, callee, config, model);
      if (takesPart && pair.answered) {
        // The border element answers, watches or refreshes the leg whose end does not (C9).
        pair.cube = model.sessionRefresh.cases[sessionRefreshCase(caller.timer.supported, callee.timer.supported)];
        if (pair.cube !== 'pass') {
          if (pair.sessionExpires === 0) pair.sessionExpires = ownInterval(config, model);
          pair.refresherActive = true;
        }
      }
      pairs.push(pair);
    }
  }
  return pairs;
}

export function canRetry422(p: EndpointProfile): boolean {
  return p.timer.supported && p.timer.retry422 && p.timer.max422Retries > 0;
}

/**
 * The initial INVITE from `caller` through the border element to `callee`, attempt by attempt:
 * the border element's 422 below min-se (RFC 4028 §8.1, when the model says it refuses) or its
 * raising of the interval, the Min-SE it inserts (anchors A.1), the callee's §9 decision, and the
 * caller's §7.3 retry with the largest Min-SE seen.
 */
function setupThrough(
  caller: EndpointProfile,
  callee: EndpointProfile,
  config: BorderElementConfig,
  model: BorderElementModel,
): PairOutcome {
  const ct = caller.timer;
  const st = model.sessionTimer;
  const token: RefresherToken = ct.supported && ct.requestRefresher !== 'none' ? ct.requestRefresher : '';
  let se = ct.supported ? ct.sessionExpires : 0;
  let minSe = ct.supported ? ct.minSe : 0;
  let largest = 0;
  let retries = 0;
  const rejections: Rejection[] = [];
  const fail = (): PairOutcome => ({
    caller,
    callee,
    rejections,
    answered: false,
    sessionExpires: 0,
    refresher: 'none',
    refresherActive: false,
    cube: null,
  });
  for (;;) {
    let rejected: Rejection | undefined;
    const relay = relayInitialOffer(
      { supportedTimer: ct.supported, sessionExpires: se, refresher: token, minSe },
      borderElementMinSe(config, model),
      model,
    );
    if (relay.kind === 'reject') {
      rejected = { by: 'border-element', minSe: relay.minSe, sessionExpires: se, requestMinSe: minSe };
    } else {
      const out = relay.offer;
      if (!callee.timer.supported) return answeredWithout(caller, callee, rejections, se);
      const q = callee.timer;
      const decision = negotiateAsUas(out, {
        minSe: q.minSe,
        sessionExpires: q.sessionExpires,
        preferredRefresher: q.preferredRefresher,
        omitWhenNoRefresher: q.omitSeWhenNoRefresher,
        ignoreMinSeWithoutSe: q.ignoreMinSeWithoutSe,
        maxSessionExpires: q.maxSessionExpires,
      });
      if (decision.kind === 'reject') {
        rejected = { by: 'callee', minSe: decision.minSe, sessionExpires: out.sessionExpires, requestMinSe: out.minSe };
      } else if (decision.sessionExpires === 0) {
        return answeredWithout(caller, callee, rejections, se);
      } else {
        const refresher: Party = decision.refresher === 'uas' ? 'callee' : 'caller';
        // Before `session refresh` the border element originates no refresh on a caller's behalf (C8).
        const active =
          refresher === 'callee' ? !q.neverRefreshes : ct.supported ? !ct.neverRefreshes : st.originatesRefresh.value;
        return {
          caller,
          callee,
          rejections,
          answered: true,
          sessionExpires: decision.sessionExpires,
          refresher,
          refresherActive: active,
          cube: null,
        };
      }
    }
    rejections.push(rejected);
    if (!canRetry422(caller) || retries >= ct.max422Retries) return fail();
    retries++;
    largest = Math.max(largest, rejected.minSe);
    const next = retryAfter422(ct.sessionExpires, largest, rejected.minSe);
    se = next.sessionExpires;
    minSe = next.minSe;
  }
}

/** The 2xx carries no Session-Expires: the caller runs a timer alone only if it chooses to (RFC 4028 §7.2). */
function answeredWithout(
  caller: EndpointProfile,
  callee: EndpointProfile,
  rejections: Rejection[],
  requested: number,
): PairOutcome {
  const alone = caller.timer.supported ? intervalWhenAnswerSilent(requested, caller.timer.aloneIfSilent) : 0;
  return {
    caller,
    callee,
    rejections,
    answered: true,
    sessionExpires: alone,
    refresher: alone > 0 ? 'caller' : 'none',
    refresherActive: alone > 0 && !caller.timer.neverRefreshes,
    cube: null,
  };
}

export function partyOf(pair: PairOutcome, party: Party): EndpointProfile {
  return party === 'caller' ? pair.caller : pair.callee;
}

export function otherParty(party: Party): Party {
  return party === 'caller' ? 'callee' : 'caller';
}
