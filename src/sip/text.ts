// SIP messages as RFC 3261 text, both ways: writing here, reading in text-parse.ts.
//
// formatSip writes a model message (message.ts) as the text a party would put on the wire over
// UDP: start line, headers, and an SDP body. parseSip (text-parse.ts) reads any SIP message text,
// tolerantly (RFC 3261 §7.3: header names in any case, compact forms, several headers of one name
// or one comma-separated list, folded lines; the grammar of the header values is in
// header-grammar.ts), into a generic structure; toSipMessage (text-to-message.ts) recovers the
// model fields from it.
//
// What does not round-trip: `purpose` and `retransmission` are the model's own knowledge, never
// on the wire, so toSipMessage guesses the first (or takes it from the caller) and sets the second
// false. Every other field of SipMessage survives format -> parse -> toSipMessage, and
// format(toSipMessage(parse(format(m)))) is the same text (test/sip-text.test.ts).
//
// Pure: no Node.js imports (TextEncoder/TextDecoder are globals in Node.js and browsers).

import { branchText, REASON, type Sdp, type SipMessage } from './message.ts';
import type { ParsedSip } from './text-parse.ts';

// ---- addresses ---------------------------------------------------------------------------------

/** The four parties of a call as the traces name them (SipPort names). */
export type PartyName = 'caller' | 'cube-in' | 'cube-out' | 'callee';

/** Where one party sits: its SIP URI user part, IPv4 address, SIP port and RTP port. */
export interface SipParty {
  readonly user: string;
  readonly host: string;
  readonly port: number;
  /** Port of its audio (or T.38) stream in SDP; video uses the next even port. */
  readonly mediaPort: number;
}

/** The two ends of one message: who sends it, who receives it. */
export interface SipAddressing {
  readonly sender: SipParty;
  readonly receiver: SipParty;
}

/**
 * Default addresses: each party its own IP address, the border element one on each side
 * (inbound 10.0.1.0/24, outbound 10.0.2.0/24), all on port 5060.
 */
export const PARTIES: Readonly<Record<PartyName, SipParty>> = {
  caller: { user: 'caller', host: '10.0.1.10', port: 5060, mediaPort: 20000 },
  'cube-in': { user: 'cube-in', host: '10.0.1.1', port: 5060, mediaPort: 16384 },
  'cube-out': { user: 'cube-out', host: '10.0.2.1', port: 5060, mediaPort: 16386 },
  callee: { user: 'callee', host: '10.0.2.20', port: 5060, mediaPort: 30000 },
};

export function isPartyName(name: string): name is PartyName {
  return Object.hasOwn(PARTIES, name);
}

/** Addressing of a message from party `from` to party `to` (trace names), from `parties`. */
export function addressingOf(
  from: string,
  to: string,
  parties: Readonly<Record<PartyName, SipParty>> = PARTIES,
): SipAddressing {
  if (!isPartyName(from) || !isPartyName(to))
    throw new Error(`unknown party ${isPartyName(from) ? to : from}; known: ${Object.keys(parties).join(', ')}`);
  return { sender: parties[from], receiver: parties[to] };
}

// ---- writing -----------------------------------------------------------------------------------

const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REFER';
const CRLF = '\r\n';

function sipUri(p: SipParty): string {
  return `sip:${p.user}@${p.host}:${p.port}`;
}

function reasonOf(status: number): string {
  const r = REASON[status];
  if (r !== undefined) return r;
  return (
    ['Provisional', 'Success', 'Redirection', 'Client Error', 'Server Error', 'Global Failure'][
      Math.floor(status / 100) - 1
    ] ?? 'Unknown'
  );
}

/** Contact in target-refresh and dialog-creating messages (RFC 3261 §8.1.1.8, §12.1; RFC 3311 §5.1; RFC 3515 §2.4). */
function hasContact(m: SipMessage): boolean {
  if (m.method !== 'INVITE' && m.method !== 'UPDATE' && m.method !== 'REFER' && m.method !== 'OPTIONS') return false;
  return m.status === 0 || (m.status > 100 && m.status < 300);
}

/** Allow where it says something: INVITE and its 2xx (capabilities), 405 (RFC 3261 §21.4.6), or when it lists UPDATE. */
function hasAllow(m: SipMessage): boolean {
  return (
    m.allowUpdate ||
    m.status === 405 ||
    (m.method === 'INVITE' && (m.status === 0 || (m.status >= 200 && m.status < 300)))
  );
}

/** 32-bit FNV-1a of a text: a stable number made from it (never random). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A number that stays the same for one party's session descriptions in one call (RFC 4566 §5.2 sess-id). */
function sessionId(callId: string, user: string): number {
  return fnv1a(`${callId}/${user}`);
}

/**
 * The headers a response copies from its request (RFC 3261 §8.2.6.2): every Via, From, To (with
 * `toTag` added when the request's To had none and one is given), Call-ID and CSeq.
 */
export function echoedHeaders(request: ParsedSip, toTag: string): string[] {
  const h: string[] = [];
  for (const v of request.getAll('Via')) h.push(`Via: ${v}`);
  h.push(`From: ${request.get('From')}`);
  const to = request.get('To')!;
  h.push(`To: ${request.to.tag === '' && toTag !== '' ? `${to};tag=${toTag}` : to}`);
  h.push(`Call-ID: ${request.callId}`, `CSeq: ${request.get('CSeq')}`);
  return h;
}

/** The SDP body (RFC 4566, RFC 3264): audio or T.38 (RFC 3362 image/t38), optional video, one direction. */
export function formatSdp(s: Sdp, p: SipParty, callId: string): string {
  const lines = [
    'v=0',
    `o=${p.user} ${sessionId(callId, p.user)} ${s.version} IN IP4 ${p.host}`,
    's=cubesim',
    `c=IN IP4 ${p.host}`,
    't=0 0',
  ];
  if (s.t38) {
    lines.push(
      `m=image ${p.mediaPort} udptl t38`,
      'a=T38FaxVersion:0',
      'a=T38MaxBitRate:14400',
      'a=T38FaxRateManagement:transferredTCF',
      'a=T38FaxUdpEC:t38UDPRedundancy',
      `a=${s.audio}`,
    );
  } else {
    lines.push(
      `m=audio ${p.mediaPort} RTP/AVP 0 101`,
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:101 telephone-event/8000',
      `a=${s.audio}`,
    );
  }
  if (s.video) lines.push(`m=video ${p.mediaPort + 2} RTP/AVP 96`, 'a=rtpmap:96 H264/90000', `a=${s.audio}`);
  return lines.join(CRLF) + CRLF;
}

const encoder = new TextEncoder();

/** What a real peer needs written differently from a trace's made-up parties (the emulator). */
export interface SipTextOptions {
  /**
   * For a request: its Request-URI (the dialog's remote target), and the name-addrs, without
   * tags, of From and To (the dialog's local and remote URIs, RFC 3261 §12.2.1.1).
   */
  dialog?: { requestUri: string; local: string; remote: string };
  /** The methods listed in Allow before UPDATE (which follows the message's allowUpdate). */
  allow?: string;
}

/**
 * A model message as SIP text (RFC 3261 §7). Requests go to the receiver's URI and carry the
 * sender's Via; a response carries the Via of the request it answers, which is the receiver's.
 * From names the party that sent the request (so the receiver, for a response), To the other.
 *
 * `request`, when given for a response, is the parsed request it answers: Via, From, To (with
 * the response's To tag added when the request had none), Call-ID and CSeq are then copied from
 * it as RFC 3261 §8.2.6.2 says, so the reply matches a peer that used its own values.
 */
export function formatSip(m: SipMessage, a: SipAddressing, request?: ParsedSip, options: SipTextOptions = {}): string {
  const isReq = m.status === 0;
  const origin = isReq ? a.sender : a.receiver;
  const target = isReq ? a.receiver : a.sender;
  const dialog = isReq ? options.dialog : undefined;
  const h: string[] = [
    isReq
      ? `${m.method} ${dialog?.requestUri ?? sipUri(a.receiver)} SIP/2.0`
      : `SIP/2.0 ${m.status} ${reasonOf(m.status)}`,
  ];
  if (request !== undefined && !isReq) {
    h.push(...echoedHeaders(request, m.toTag));
  } else {
    h.push(`Via: SIP/2.0/UDP ${origin.host}:${origin.port};branch=${branchText(m.branch)}`);
    if (isReq) h.push('Max-Forwards: 70');
    h.push(`From: ${dialog?.local ?? `<${sipUri(origin)}>`}${m.fromTag === '' ? '' : `;tag=${m.fromTag}`}`);
    h.push(`To: ${dialog?.remote ?? `<${sipUri(target)}>`}${m.toTag === '' ? '' : `;tag=${m.toTag}`}`);
    h.push(`Call-ID: ${m.callId}`, `CSeq: ${m.cseq} ${m.method}`);
  }
  if (hasContact(m)) h.push(`Contact: <${sipUri(a.sender)}>`);
  if (hasAllow(m)) h.push(`Allow: ${options.allow ?? ALLOW}${m.allowUpdate ? ', UPDATE' : ''}`);
  if (m.supportedTimer) h.push('Supported: timer');
  if (m.requireTimer) h.push('Require: timer');
  if (m.sessionExpires > 0 || m.refresher !== '')
    h.push(`Session-Expires: ${m.sessionExpires}${m.refresher === '' ? '' : `;refresher=${m.refresher}`}`);
  if (m.minSe > 0) h.push(`Min-SE: ${m.minSe}`);
  if (m.retryAfter >= 0) h.push(`Retry-After: ${m.retryAfter}`);
  // RFC 3261 §8.2.2.3: a 420 lists what it does not support; the only extension the model requires is timer.
  if (!isReq && m.status === 420) h.push('Unsupported: timer');
  // RFC 3515 §2.4.1: a REFER has exactly one Refer-To. The transfer target is not modelled.
  if (isReq && m.method === 'REFER') h.push('Refer-To: <sip:transfer-target@example.invalid>');
  const body = m.sdp === null ? '' : formatSdp(m.sdp, a.sender, m.callId);
  if (body !== '') h.push('Content-Type: application/sdp');
  h.push(`Content-Length: ${encoder.encode(body).length}`);
  return h.join(CRLF) + CRLF + CRLF + body;
}
