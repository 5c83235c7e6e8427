// SIP messages as structured records: only the fields that the session-timer and re-INVITE
// behaviour depends on, each with its RFC 3261 / RFC 4028 meaning. Absent headers use a
// sentinel value of the same type (0, '', -1) rather than undefined, so every message object
// has one shape (cheap to create, monomorphic for the engine).

export type Method = 'INVITE' | 'ACK' | 'BYE' | 'UPDATE' | 'OPTIONS' | 'REFER';

/**
 * Why a request was sent. Not on the wire: it is what the model (and the ladder) knows about
 * the intent, e.g. a re-INVITE that is a session refresh versus one that adds video.
 */
export type Purpose =
  | 'setup'
  | 'refresh'
  | 'video'
  | 'hold'
  | 'resume'
  | 'fax'
  | 'transfer'
  | 'teardown'
  | 'keepalive';

/** `refresher` parameter of Session-Expires (RFC 4028 §4); '' when absent. */
export type RefresherToken = '' | 'uac' | 'uas';

export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** What the session description says, in summary: o= version, media lines, direction. */
export interface Sdp {
  /** o= session version: unchanged means "no change" (RFC 3264 §8). */
  version: number;
  audio: MediaDirection;
  video: boolean;
  /** The audio m= line replaced by m=image ... udptl t38 (fax switchover). */
  t38: boolean;
}

export interface SipMessage {
  method: Method;
  /** 0 for a request; the status code for a response. */
  status: number;
  callId: string;
  fromTag: string;
  /** '' until the UAS has tagged the dialog. */
  toTag: string;
  cseq: number;
  /** Top Via branch, as a number (written as z9hG4bK<n>); a new one per transaction. */
  branch: number;
  /** `timer` in Supported. */
  supportedTimer: boolean;
  /** `timer` in Require. */
  requireTimer: boolean;
  /** Session-Expires delta-seconds; 0 when absent. */
  sessionExpires: number;
  refresher: RefresherToken;
  /** Min-SE delta-seconds; 0 when absent. */
  minSe: number;
  /** UPDATE listed in Allow. */
  allowUpdate: boolean;
  /** Retry-After seconds; -1 when absent. */
  retryAfter: number;
  sdp: Sdp | null;
  purpose: Purpose;
  /** Set on the copy that a transaction retransmits (for traces and counts). */
  retransmission: boolean;
}

export function isRequest(m: SipMessage): boolean {
  return m.status === 0;
}

export function newRequest(method: Method, purpose: Purpose, callId: string, fromTag: string, toTag: string, cseq: number, branch: number): SipMessage {
  return {
    method, status: 0, callId, fromTag, toTag, cseq, branch,
    supportedTimer: false, requireTimer: false, sessionExpires: 0, refresher: '', minSe: 0,
    allowUpdate: false, retryAfter: -1, sdp: null, purpose, retransmission: false,
  };
}

/** A response to `req`: dialog identifiers, CSeq and branch come from the request (RFC 3261 §8.2.6). */
export function newResponse(req: SipMessage, status: number, toTag: string): SipMessage {
  return {
    method: req.method, status, callId: req.callId, fromTag: req.fromTag, toTag: toTag || req.toTag,
    cseq: req.cseq, branch: req.branch,
    supportedTimer: false, requireTimer: false, sessionExpires: 0, refresher: '', minSe: 0,
    allowUpdate: false, retryAfter: -1, sdp: null, purpose: req.purpose, retransmission: false,
  };
}

export function retransmitted(m: SipMessage): SipMessage {
  return { ...m, retransmission: true };
}

export const REASON: Readonly<Record<number, string>> = {
  100: 'Trying', 180: 'Ringing', 200: 'OK', 202: 'Accepted', 403: 'Forbidden', 405: 'Method Not Allowed',
  408: 'Request Timeout', 420: 'Bad Extension', 422: 'Session Interval Too Small',
  481: 'Call/Transaction Does Not Exist', 488: 'Not Acceptable Here', 491: 'Request Pending',
  500: 'Server Internal Error', 501: 'Not Implemented', 503: 'Service Unavailable',
};

/** "INVITE", "200 OK", ... : how a message is named in traces and counts. */
export function label(m: SipMessage): string {
  return m.status === 0 ? m.method : `${m.status} ${REASON[m.status] ?? ''}`.trimEnd();
}

export function branchText(branch: number): string {
  return `z9hG4bK${branch.toString(36)}`;
}
