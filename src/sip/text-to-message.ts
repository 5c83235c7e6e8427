// The model's view of a parsed SIP message (text-parse.ts): the fields of SipMessage
// (message.ts), each from its header: the session-timer headers (RFC 4028 §4), Retry-After, Allow,
// the top Via's branch, and a summary of the SDP body. `purpose` is not on the wire: it is given
// or guessed.

import {
  branchText,
  newMessage,
  sdpValue,
  type MediaDirection,
  type Method,
  type Purpose,
  type RefresherToken,
  type Sdp,
  type SipMessage,
} from './message.ts';
import { parseParams, quote, SipSyntaxError, type SipHeader } from './header-grammar.ts';
import { fnv1a } from './text.ts';
import type { ParsedSip } from './text-parse.ts';

const METHODS: readonly Method[] = ['INVITE', 'ACK', 'BYE', 'UPDATE', 'OPTIONS', 'REFER'];

/**
 * The branch number of a Via branch: z9hG4bK<base36> as branchText writes it gives that number
 * back; any other branch (another implementation's) becomes a negative number derived from its
 * text, so it cannot collide with the model's (positive) branches and maps to itself again.
 */
export function branchNumber(branch: string): number {
  const m = /^z9hG4bK(-?[0-9a-z]{1,10})$/.exec(branch);
  if (m !== null) {
    const n = parseInt(m[1]!, 36);
    if (Number.isSafeInteger(n) && branchText(n) === branch) return n;
  }
  return -1 - fnv1a(branch);
}

function deltaSeconds(h: SipHeader, text: string): number {
  if (!/^\d{1,10}$/.test(text))
    throw new SipSyntaxError(h.line, `${h.name}: expected delta-seconds, got ${quote(text)}`);
  return Number(text);
}

const DIRECTIONS: readonly string[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

/**
 * The summary the model keeps of an SDP body: o= session version, the direction of the first
 * audio (or T.38 image) stream (its own attribute, else the session's, else sendrecv, RFC 4566
 * §6), whether a video stream is active, and whether audio became image/t38.
 */
export function sdpSummary(body: string, firstLine = 0): Sdp {
  const lines = body.split(/\r?\n/);
  let version = -1,
    sessionDir = '',
    firstDir = '',
    video = false,
    t38 = false;
  /** Which part the a= lines belong to: the session, the first audio/image stream, or another stream. */
  let part: 'session' | 'first' | 'other' = 'session';
  let seenFirst = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l === '') continue;
    const line = firstLine + i;
    if (!/^[a-z]=/.test(l)) throw new SipSyntaxError(line, `SDP: expected "x=value", got ${quote(l)}`);
    const v = l.slice(2);
    if (l[0] === 'o') {
      const f = v.split(/\s+/);
      if (f.length !== 6 || !/^\d{1,15}$/.test(f[2]!))
        throw new SipSyntaxError(line, `SDP: expected "o=user sess-id version IN IP4 address", got ${quote(l)}`);
      version = Number(f[2]);
    } else if (l[0] === 'm') {
      const f = v.split(/\s+/);
      if (f.length < 4 || !/^\d{1,5}(\/\d+)?$/.test(f[1]!))
        throw new SipSyntaxError(line, `SDP: expected "m=media port proto fmt", got ${quote(l)}`);
      const media = f[0]!,
        active = Number(f[1]!.split('/')[0]) !== 0;
      if (media === 'video' && active) video = true;
      if (media === 'image' && f.slice(3).includes('t38')) t38 = true;
      const main = media === 'audio' || media === 'image';
      part = main && !seenFirst ? 'first' : 'other';
      if (main) seenFirst = true;
    } else if (l[0] === 'a' && DIRECTIONS.includes(v)) {
      if (part === 'session') sessionDir = v;
      else if (part === 'first' && firstDir === '') firstDir = v;
    }
  }
  if (version < 0) throw new SipSyntaxError(firstLine, 'SDP: no o= line, so no session version');
  return sdpValue(version, (firstDir || sessionDir || 'sendrecv') as MediaDirection, video, t38);
}

/** What the model assumes about intent when the wire says nothing: a guess from method and To tag. */
function guessPurpose(method: Method, toTag: string): Purpose {
  switch (method) {
    case 'BYE':
      return 'teardown';
    case 'OPTIONS':
      return 'keepalive';
    case 'REFER':
      return 'transfer';
    default:
      return toTag === '' ? 'setup' : 'refresh';
  }
}

/**
 * The model's view of a parsed message. `purpose` is not on the wire: give it when known (for
 * a response, the request's), else it is guessed (BYE teardown, OPTIONS keepalive, REFER
 * transfer, other methods setup without a To tag and refresh with one). `retransmission` is
 * false unless given. Throws SipSyntaxError for a method the model does not know, or a
 * session-timer header or SDP body it cannot read.
 */
export function toSipMessage(p: ParsedSip, hints: { purpose?: Purpose; retransmission?: boolean } = {}): SipMessage {
  const method = p.method as Method;
  if (!METHODS.includes(method)) {
    throw new SipSyntaxError(
      p.isRequest ? p.startLine : p.first('CSeq')!.line,
      `method ${quote(p.method)} is not one the model knows (${METHODS.join(', ')})`,
    );
  }
  const top = p.via[0]!;
  if (top.branch === '') throw new SipSyntaxError(p.first('Via')!.line, 'Via: the top Via has no branch parameter');
  const has = (name: string, token: string) => p.list(name).some((v) => v.toLowerCase() === token);

  let sessionExpires = 0,
    refresher: RefresherToken = '';
  const se = p.first('Session-Expires');
  if (se !== undefined) {
    const semi = se.value.indexOf(';');
    sessionExpires = deltaSeconds(se, (semi < 0 ? se.value : se.value.slice(0, semi)).trim());
    const r = parseParams(semi < 0 ? '' : se.value.slice(semi), se.line, 'Session-Expires').get('refresher');
    if (r !== undefined) {
      const lower = r.toLowerCase();
      if (lower !== 'uac' && lower !== 'uas')
        throw new SipSyntaxError(
          se.line,
          `Session-Expires: refresher must be uac or uas, got ${quote(r)} (RFC 4028 §4)`,
        );
      refresher = lower;
    }
  }
  let minSe = 0;
  const ms = p.first('Min-SE');
  if (ms !== undefined) minSe = deltaSeconds(ms, ms.value.split(';')[0]!.trim());
  let retryAfter = -1;
  const ra = p.first('Retry-After');
  if (ra !== undefined) {
    // RFC 3261 §20.33: delta-seconds [ comment ] *( SEMI retry-param )
    const m = /^(\S+?)\s*(?:\(.*\))?\s*(?:;.*)?$/.exec(ra.value);
    retryAfter = deltaSeconds(ra, m === null ? ra.value : m[1]!);
  }

  let sdp: Sdp | null = null;
  if (p.body.trim() !== '') {
    const type = (p.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type === 'application/sdp' || (type === '' && /^\s*v=/.test(p.body))) sdp = sdpSummary(p.body, p.bodyLine);
  }
  const msg = newMessage(
    method,
    p.status,
    hints.purpose ?? guessPurpose(method, p.to.tag),
    p.callId,
    p.from.tag,
    p.to.tag,
    p.cseq.seq,
    branchNumber(top.branch),
  );
  msg.supportedTimer = has('Supported', 'timer');
  msg.requireTimer = has('Require', 'timer');
  msg.sessionExpires = sessionExpires;
  msg.refresher = refresher;
  msg.minSe = minSe;
  msg.allowUpdate = p.list('Allow').some((v) => v.toUpperCase() === 'UPDATE');
  msg.retryAfter = retryAfter;
  msg.sdp = sdp;
  msg.retransmission = hints.retransmission ?? false;
  return msg;
}
