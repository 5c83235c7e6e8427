// SIP messages as structured records: only the fields that the session-timer and re-INVITE
// behaviour depends on, each with its RFC 3261 / RFC 4028 meaning. Absent headers use a
// sentinel value of the same type (0, '', -1) rather than undefined, so every message object
// has one shape (cheap to create, monomorphic for the engine).

import { joinedTextHash } from '../kernel/fingerprint.ts';

export type Method = 'INVITE' | 'ACK' | 'BYE' | 'UPDATE' | 'OPTIONS' | 'REFER';

/**
 * Why a request was sent. Not on the wire: it is what the model (and the ladder) knows about
 * the intent, e.g. a re-INVITE that is a session refresh versus one that adds video.
 */
export type Purpose = 'setup' | 'refresh' | 'video' | 'hold' | 'resume' | 'fax' | 'transfer' | 'teardown' | 'keepalive';

/** `refresher` parameter of Session-Expires (RFC 4028 §4); '' when absent. */
export type RefresherToken = '' | 'uac' | 'uas';

export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/**
 * What the session description says, in summary: o= version, media lines, direction. A value:
 * never changed once made (sdpValue), so one summary serves every message and dialog that
 * describes the same session.
 */
export interface Sdp {
  /** o= session version: unchanged means "no change" (RFC 3264 §8). */
  readonly version: number;
  readonly audio: MediaDirection;
  readonly video: boolean;
  /** The audio m= line replaced by m=image ... udptl t38 (fax switchover). */
  readonly t38: boolean;
}

/** A small number for an audio direction (sendrecv 0, sendonly 1, recvonly 2, inactive 3): keys and the fingerprint. */
export function directionCode(d: MediaDirection): number {
  return d === 'sendrecv' ? 0 : d === 'sendonly' ? 1 : d === 'recvonly' ? 2 : 3;
}

/** Summaries made so far, by version and media: versions stay small (one step per offer that changes the media). */
const SHARED_SDP: (Sdp | undefined)[] = [];
const SHARED_VERSIONS = 64;

/**
 * The summary with these fields. Up to version 63 each distinct summary is made once and shared
 * (four per call otherwise, 56 bytes each, most of them alike); summaries are compared by their
 * fields, never by identity, so sharing changes nothing else.
 */
export function sdpValue(version: number, audio: MediaDirection, video: boolean, t38: boolean): Sdp {
  if (!(version >= 0 && version < SHARED_VERSIONS && Number.isInteger(version))) return { version, audio, video, t38 };
  const key = (version << 4) | (directionCode(audio) << 2) | (video ? 2 : 0) | (t38 ? 1 : 0);
  return (SHARED_SDP[key] ??= Object.freeze({ version, audio, video, t38 }));
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

// The yes/no headers of a message share one integer, MessageRecord.flags (a field costs 8 bytes
// and a W1 call makes about 25 messages), each bit behind its own accessor, as DialogCore.bits.
const SUPPORTED_TIMER = 1,
  REQUIRE_TIMER = 2,
  ALLOW_UPDATE = 4,
  RETRANSMISSION = 8,
  /** Not a header: `idHash` holds the hash of the message's dialog identifiers (dialogIdHash). */
  ID_HASH_KNOWN = 16,
  HEADER_FLAGS = SUPPORTED_TIMER | REQUIRE_TIMER | ALLOW_UPDATE | RETRANSMISSION;

/**
 * The one shape every message the model makes has. A class rather than object literals: V8 gives
 * a literal's allocation site a memento and may move the site's objects to the old generation
 * when most of them survive (requests do: their transaction keeps them 32 s), which made each
 * request costlier to create than the whole of its handling; instances of a class are made in
 * the young generation like everything else. Its four yes/no fields are bits of `flags`, read
 * and written by name (a copy made by spreading a record has `flags`, not the four names).
 */
class MessageRecord implements SipMessage {
  flags = 0;
  /** joinedTextHash of callId, fromTag and toTag as a signed 32-bit value, once ID_HASH_KNOWN is set. */
  idHash = 0;
  sessionExpires = 0;
  refresher: RefresherToken = '';
  minSe = 0;
  retryAfter = -1;
  sdp: Sdp | null = null;

  // The dialog identifiers, behind accessors: whatever changes one forgets idHash.
  private callIdText: string;
  private fromTagText: string;
  private toTagText: string;

  constructor(
    public method: Method,
    public status: number,
    callId: string,
    fromTag: string,
    toTag: string,
    public cseq: number,
    public branch: number,
    public purpose: Purpose,
  ) {
    this.callIdText = callId;
    this.fromTagText = fromTag;
    this.toTagText = toTag;
  }

  get callId(): string {
    return this.callIdText;
  }

  set callId(id: string) {
    this.callIdText = id;
    this.flags &= ~ID_HASH_KNOWN;
  }

  get fromTag(): string {
    return this.fromTagText;
  }

  set fromTag(tag: string) {
    this.fromTagText = tag;
    this.flags &= ~ID_HASH_KNOWN;
  }

  get toTag(): string {
    return this.toTagText;
  }

  set toTag(tag: string) {
    this.toTagText = tag;
    this.flags &= ~ID_HASH_KNOWN;
  }

  get supportedTimer(): boolean {
    return (this.flags & SUPPORTED_TIMER) !== 0;
  }

  set supportedTimer(on: boolean) {
    this.setFlag(SUPPORTED_TIMER, on);
  }

  get requireTimer(): boolean {
    return (this.flags & REQUIRE_TIMER) !== 0;
  }

  set requireTimer(on: boolean) {
    this.setFlag(REQUIRE_TIMER, on);
  }

  get allowUpdate(): boolean {
    return (this.flags & ALLOW_UPDATE) !== 0;
  }

  set allowUpdate(on: boolean) {
    this.setFlag(ALLOW_UPDATE, on);
  }

  get retransmission(): boolean {
    return (this.flags & RETRANSMISSION) !== 0;
  }

  set retransmission(on: boolean) {
    this.setFlag(RETRANSMISSION, on);
  }

  private setFlag(bit: number, on: boolean): void {
    this.flags = on ? this.flags | bit : this.flags & ~bit;
  }
}

/**
 * The four yes/no headers of any message as MessageRecord.flags holds them, without whether the
 * hash of its identifiers is known (a linger table's row keeps no hash: copyMessage).
 */
function flagsOf(m: SipMessage): number {
  if (m instanceof MessageRecord) return m.flags & HEADER_FLAGS;
  return (
    (m.supportedTimer ? SUPPORTED_TIMER : 0) |
    (m.requireTimer ? REQUIRE_TIMER : 0) |
    (m.allowUpdate ? ALLOW_UPDATE : 0) |
    (m.retransmission ? RETRANSMISSION : 0)
  );
}

/** An `idHash` argument that says the hash is not known: the message works it out when it is asked. */
export const NO_ID_HASH = 0.5;

/**
 * The hash of a message's Call-ID, From tag and To tag (joinedTextHash, as a signed 32-bit value),
 * which the run's fingerprint folds for every message. Worked out once per message, and not even
 * once for the messages a dialog makes, which are given their dialog's own (`idHash` of newRequest,
 * newAck; a response shares its request's): the texts themselves are then not read. The link
 * used to read all three to see whether they were the ones it had last hashed, strings made
 * minutes before and long out of the caches: folding a message's words was 5.6 % of a W1 run's
 * samples under perf, and is 2.4-2.9 % since (README, Performance).
 */
export function dialogIdHash(m: SipMessage): number {
  if (!(m instanceof MessageRecord)) return idHashOf(m.callId, m.fromTag, m.toTag);
  if ((m.flags & ID_HASH_KNOWN) === 0) {
    m.idHash = idHashOf(m.callId, m.fromTag, m.toTag);
    m.flags |= ID_HASH_KNOWN;
  }
  return m.idHash;
}

/**
 * The hash of these dialog identifiers, as dialogIdHash gives it for a message that has them:
 * signed, so that it is a small integer in a field and the same bytes for Fingerprint.int.
 */
export function idHashOf(callId: string, fromTag: string, toTag: string): number {
  return joinedTextHash(callId, fromTag, toTag) | 0;
}

/** Tells `m` the hash of its dialog identifiers (dialogIdHash), known to whoever made it; NO_ID_HASH: not known. */
function knowIdHash(m: MessageRecord, idHash: number): MessageRecord {
  if (idHash !== NO_ID_HASH) {
    m.idHash = idHash;
    m.flags |= ID_HASH_KNOWN;
  }
  return m;
}

/** `idHash`: dialogIdHash of these identifiers when the caller knows it (a dialog's own), else NO_ID_HASH. */
export function newRequest(
  method: Method,
  purpose: Purpose,
  callId: string,
  fromTag: string,
  toTag: string,
  cseq: number,
  branch: number,
  idHash = NO_ID_HASH,
): SipMessage {
  return knowIdHash(new MessageRecord(method, 0, callId, fromTag, toTag, cseq, branch, purpose), idHash);
}

/**
 * Spare ACKs a run keeps at most; beyond it, they are left to the collector. The shipped
 * experiments return at most 14 at a time, except where ACKs queue behind an overloaded
 * processor (capacity-cpu-refresh-load fills the store).
 */
const MOST_SPARE_ACKS = 256;

/**
 * ACKs that have arrived, each to be made again as a later ACK. Once delivered an ACK is kept by no
 * one: the UAC core (§13.2.2.4) and the INVITE client transaction (§17.1.1.3) rebuild theirs when
 * they must send it again, a trace copies what it shows, and whoever receives one reads it and
 * lets go. A W1 call sends about eight; made new, they were the largest part of what a call
 * allocates (README, Performance). One per run, shared by every port (PortSite.spareAcks), since
 * one party sends the ACKs another receives.
 */
export class SpareAcks {
  private readonly list: MessageRecord[] = [];

  /** An ACK (§17.1.1.3, §13.2.2.4) with these fields and no optional header: a spare one made again, or a new one. */
  ack(
    purpose: Purpose,
    callId: string,
    fromTag: string,
    toTag: string,
    cseq: number,
    branch: number,
    idHash = NO_ID_HASH,
  ): SipMessage {
    const m = this.list.pop();
    if (m === undefined) return newRequest('ACK', purpose, callId, fromTag, toTag, cseq, branch, idHash);
    // Every field, as the constructor and the initialisers leave it.
    m.method = 'ACK';
    m.status = 0;
    m.callId = callId;
    m.fromTag = fromTag;
    m.toTag = toTag;
    m.cseq = cseq;
    m.branch = branch;
    m.purpose = purpose;
    m.flags = 0;
    m.sessionExpires = 0;
    m.refresher = '';
    m.minSe = 0;
    m.retryAfter = -1;
    m.sdp = null;
    return knowIdHash(m, idHash);
  }

  /** Keeps an ACK that has arrived and been handled (beyond the bound, it is left to the collector). */
  give(ack: SipMessage): void {
    if (this.list.length < MOST_SPARE_ACKS && ack instanceof MessageRecord) this.list.push(ack);
  }

  get size(): number {
    return this.list.length;
  }
}

/** An ACK from `spares` when the run keeps them, else a new one. */
export function newAck(
  spares: SpareAcks | null,
  purpose: Purpose,
  callId: string,
  fromTag: string,
  toTag: string,
  cseq: number,
  branch: number,
  idHash = NO_ID_HASH,
): SipMessage {
  return spares === null
    ? newRequest('ACK', purpose, callId, fromTag, toTag, cseq, branch, idHash)
    : spares.ack(purpose, callId, fromTag, toTag, cseq, branch, idHash);
}

/** A request (status 0) or a response, with no optional header set: what a parser fills in. */
export function newMessage(
  method: Method,
  status: number,
  purpose: Purpose,
  callId: string,
  fromTag: string,
  toTag: string,
  cseq: number,
  branch: number,
): SipMessage {
  return new MessageRecord(method, status, callId, fromTag, toTag, cseq, branch, purpose);
}

/**
 * A response to `req`: dialog identifiers, CSeq and branch come from the request (RFC 3261 §8.2.6);
 * `toTag` is the UAS's tag, given when the request has none yet. Inside a dialog the identifiers
 * are the request's own, and so is the hash of them.
 */
export function newResponse(req: SipMessage, status: number, toTag: string): SipMessage {
  const r = new MessageRecord(
    req.method,
    status,
    req.callId,
    req.fromTag,
    toTag || req.toTag,
    req.cseq,
    req.branch,
    req.purpose,
  );
  if (req instanceof MessageRecord && (req.flags & ID_HASH_KNOWN) !== 0 && r.toTag === req.toTag)
    knowIdHash(r, req.idHash);
  return r;
}

/** Every field of `m`, in a new message (a shallow copy: the SDP summary is shared). */
export function copyMessage(m: SipMessage): SipMessage {
  const c = new MessageRecord(m.method, m.status, m.callId, m.fromTag, m.toTag, m.cseq, m.branch, m.purpose);
  c.flags = flagsOf(m);
  c.sessionExpires = m.sessionExpires;
  c.refresher = m.refresher;
  c.minSe = m.minSe;
  c.retryAfter = m.retryAfter;
  c.sdp = m.sdp;
  // The same identifiers, so the same hash of them (a field set on the copy later forgets it).
  if (m instanceof MessageRecord && (m.flags & ID_HASH_KNOWN) !== 0) knowIdHash(c, m.idHash);
  return c;
}

export function retransmitted(m: SipMessage): SipMessage {
  const c = copyMessage(m);
  c.retransmission = true;
  return c;
}

// A message kept as a row of a table rather than as an object (linger-table.ts): its numbers in
// a Float64Array, its references (texts, the SDP summary, all long-lived or shared) in an array.
// An INVITE client transaction's request waits 64*T1 in the run's table of waits after its 2xx;
// as objects, about 12,000 such requests at W1 were copied by every young-generation collection,
// and many were promoted to die in the old generation (README, Performance).
/** Numbers of a message row, at `at` in its table's Float64Array. */
const ROW_STATUS = 0,
  ROW_CSEQ = 1,
  ROW_BRANCH = 2,
  ROW_SESSION_EXPIRES = 3,
  ROW_MIN_SE = 4,
  ROW_RETRY_AFTER = 5,
  /** supportedTimer, requireTimer, allowUpdate, retransmission: MessageRecord.flags. */
  ROW_FLAGS = 6;
export const MESSAGE_ROW_NUMS = 7;
/** References of a message row, at `ref` in its table's array; ROW_METHOD null: no message. */
const ROW_METHOD = 0,
  ROW_PURPOSE = 1,
  ROW_CALL_ID = 2,
  ROW_FROM_TAG = 3,
  ROW_TO_TAG = 4,
  ROW_REFRESHER = 5,
  ROW_SDP = 6;
export const MESSAGE_ROW_REFS = 7;

/** Writes every field of `m` (or, null, "no message") into a row. */
export function writeMessageRow(
  m: SipMessage | null,
  nums: Float64Array,
  at: number,
  refs: unknown[],
  ref: number,
): void {
  if (m === null) {
    for (let k = 0; k < MESSAGE_ROW_REFS; k++) refs[ref + k] = null;
    return;
  }
  nums[at + ROW_STATUS] = m.status;
  nums[at + ROW_CSEQ] = m.cseq;
  nums[at + ROW_BRANCH] = m.branch;
  nums[at + ROW_SESSION_EXPIRES] = m.sessionExpires;
  nums[at + ROW_MIN_SE] = m.minSe;
  nums[at + ROW_RETRY_AFTER] = m.retryAfter;
  nums[at + ROW_FLAGS] = flagsOf(m);
  refs[ref + ROW_METHOD] = m.method;
  refs[ref + ROW_PURPOSE] = m.purpose;
  refs[ref + ROW_CALL_ID] = m.callId;
  refs[ref + ROW_FROM_TAG] = m.fromTag;
  refs[ref + ROW_TO_TAG] = m.toTag;
  refs[ref + ROW_REFRESHER] = m.refresher;
  refs[ref + ROW_SDP] = m.sdp;
}

/** The message a row holds, as a new object with every field it had; null when the row holds none. */
export function readMessageRow(
  nums: Float64Array,
  at: number,
  refs: readonly unknown[],
  ref: number,
): SipMessage | null {
  const method = refs[ref + ROW_METHOD] as Method | null;
  if (method === null) return null;
  const m = new MessageRecord(
    method,
    nums[at + ROW_STATUS]!,
    refs[ref + ROW_CALL_ID] as string,
    refs[ref + ROW_FROM_TAG] as string,
    refs[ref + ROW_TO_TAG] as string,
    nums[at + ROW_CSEQ]!,
    nums[at + ROW_BRANCH]!,
    refs[ref + ROW_PURPOSE] as Purpose,
  );
  m.flags = nums[at + ROW_FLAGS]! | 0;
  m.sessionExpires = nums[at + ROW_SESSION_EXPIRES]!;
  m.refresher = refs[ref + ROW_REFRESHER] as RefresherToken;
  m.minSe = nums[at + ROW_MIN_SE]!;
  m.retryAfter = nums[at + ROW_RETRY_AFTER]!;
  m.sdp = refs[ref + ROW_SDP] as Sdp | null;
  return m;
}

export const REASON: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  200: 'OK',
  202: 'Accepted',
  403: 'Forbidden',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  487: 'Request Terminated',
  420: 'Bad Extension',
  422: 'Session Interval Too Small',
  481: 'Call/Transaction Does Not Exist',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/** "INVITE", "200 OK", ... : how a message is named in traces and counts. */
export function label(m: SipMessage): string {
  return m.status === 0 ? m.method : `${m.status} ${REASON[m.status] ?? ''}`.trimEnd();
}

export function branchText(branch: number): string {
  return `z9hG4bK${branch.toString(36)}`;
}
