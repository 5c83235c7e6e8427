// What the border element passes from one leg of a call to the other, as a back-to-back user
// agent: each leg is a dialog of its own, so a request or an answer that crosses is made anew on
// the far leg, with the session-timer headers carried across (RFC 4028 §8.2, copyTimerHeaders)
// and the SDP in the o= version the border element keeps for that leg (RFC 3264 §8). For a
// mid-call request also what it is for, judged from what it carries (the release's table says by
// that whether it crosses, C1), and the border element's own answer when it does not relay it.

import type { Dialog } from '../sip/dialog.ts';
import type { Sdp, SipMessage } from '../sip/message.ts';
import type { TimerOffer } from '../sip/session-timer.ts';
import type { ServerTransaction } from '../sip/transaction.ts';
import { copyTimerHeaders } from './border-element.ts';
import type { MidcallPurpose } from './models.ts';
import { localAnswer, reversion } from './offer-answer.ts';

/** What a mid-call request is for, judged from what it carries, as the border element must. */
export function classifyMidcall(req: SipMessage, previous: Sdp | null): MidcallPurpose {
  if (req.method === 'REFER') return 'transfer';
  const s = req.sdp;
  if (s === null || previous === null) return 'refresh';
  if (s.t38 && !previous.t38) return 'fax';
  if (s.video !== previous.video) return 'video';
  if (s.audio !== previous.audio) return s.audio === 'sendrecv' ? 'resume' : 'hold';
  return s.version === previous.version ? 'refresh' : 'video';
}

/** The initial INVITE on the outbound leg `out`, with the timer headers the border element's policy gave it. */
export function setupRequest(out: Dialog, offer: TimerOffer): SipMessage {
  const m = out.request('INVITE', 'setup');
  m.sdp = out.localSdp;
  m.supportedTimer = offer.supportedTimer;
  m.sessionExpires = offer.sessionExpires;
  m.refresher = offer.refresher;
  m.minSe = offer.minSe;
  return m;
}

/** The request `req` of one leg as the border element sends it on the other leg, `other`. */
export function relayedRequest(other: Dialog, req: SipMessage, configuredMinSe: number): SipMessage {
  const m = other.request(req.method, req.purpose);
  copyTimerHeaders(req, m, configuredMinSe);
  if (req.sdp !== null) m.sdp = reversion(req.sdp, other.localSdp);
  return m;
}

/** The answer `resp` from the far leg as the border element gives it to `st`, on the leg `from`. */
export function relayedAnswer(
  st: ServerTransaction,
  resp: SipMessage,
  from: Dialog,
  configuredMinSe: number,
): SipMessage {
  const r = st.makeResponse(resp.status, from.localTag);
  copyTimerHeaders(resp, r, configuredMinSe);
  r.retryAfter = resp.retryAfter;
  if (resp.sdp !== null) r.sdp = reversion(resp.sdp, from.localSdp);
  return r;
}

/** Answers on the leg it arrived on, as a UAS with the border element's own settings (RFC 4028 §9). */
export function answerLocally(d: Dialog, req: SipMessage, txn: ServerTransaction, purpose: MidcallPurpose): void {
  if (req.method === 'REFER') {
    d.respond(txn, txn.makeResponse(202, d.localTag));
    return;
  }
  const ok = d.answerWithTimer(req, txn);
  if (ok === null) return;
  if (req.sdp !== null) ok.sdp = localAnswer(req.sdp, purpose, d.localSdp);
  d.respond(txn, ok);
}
