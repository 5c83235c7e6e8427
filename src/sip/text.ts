// SIP messages as RFC 3261 text, both ways.
//
// formatSip writes a model message (message.ts) as the text a party would put on the wire over
// UDP: start line, headers, and an SDP body. parseSip reads any SIP message text, tolerantly
// (RFC 3261 §7.3: header names in any case, compact forms, several headers of one name or one
// comma-separated list, folded lines), into a generic structure; toSipMessage recovers the model
// fields from it.
//
// What does not round-trip: `purpose` and `retransmission` are the model's own knowledge, never
// on the wire, so toSipMessage guesses the first (or takes it from the caller) and sets the second
// false. Every other field of SipMessage survives format -> parse -> toSipMessage, and
// format(toSipMessage(parse(format(m)))) is the same text (test/sip-text.test.ts).
//
// Pure: no Node.js imports (TextEncoder/TextDecoder are globals in Node.js and browsers).

import {
  branchText,
  newMessage,
  REASON,
  type MediaDirection,
  type Method,
  type Purpose,
  type RefresherToken,
  type Sdp,
  type SipMessage,
} from './message.ts';

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
function fnv1a(s: string): number {
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

// ---- reading: the generic structure -----------------------------------------------------------

/** A SIP message that cannot be read, or does not make sense to the model: one line, with where. */
export class SipSyntaxError extends Error {
  constructor(
    /** Line of the message text (1 = the start line) where the problem is. */
    readonly line: number,
    what: string,
  ) {
    super(`line ${line}: ${what}`);
    this.name = 'SipSyntaxError';
  }
}

/** A header as received: its name (long form, usual spelling when known), its value unfolded. */
export interface SipHeader {
  readonly name: string;
  readonly value: string;
  /** Line of the message where it starts. */
  readonly line: number;
}

/** name-addr / addr-spec (RFC 3261 §20.10, §25.1): From, To, Contact, Refer-To, ... */
export interface NameAddr {
  /** Display name, unquoted; '' when none. */
  readonly display: string;
  /** The URI as written (without < >), or '*' for a wildcard Contact. */
  readonly uri: string;
  /** Header parameters after the URI, by lower-case name; '' for a parameter without a value. */
  readonly params: ReadonlyMap<string, string>;
  /** The tag parameter; '' when absent. */
  readonly tag: string;
}

/** One Via value (RFC 3261 §20.42). */
export interface ViaHop {
  /** "SIP/2.0/UDP" with spaces removed. */
  readonly protocol: string;
  /** "UDP", "TCP", ... upper case. */
  readonly transport: string;
  readonly host: string;
  /** 0 when the Via gives no port (then 5060 for UDP/TCP, RFC 3261 §18.2.2). */
  readonly port: number;
  /** The branch parameter; '' when absent. */
  readonly branch: string;
  readonly params: ReadonlyMap<string, string>;
  /** The value as written. */
  readonly text: string;
}

const COMPACT: Readonly<Record<string, string>> = {
  i: 'Call-ID',
  f: 'From',
  t: 'To',
  v: 'Via',
  m: 'Contact',
  l: 'Content-Length',
  c: 'Content-Type',
  k: 'Supported',
  x: 'Session-Expires',
  e: 'Content-Encoding',
  s: 'Subject',
  r: 'Refer-To',
  o: 'Event',
  u: 'Allow-Events',
  b: 'Referred-By',
  a: 'Accept-Contact',
  j: 'Reject-Contact',
  d: 'Request-Disposition',
  y: 'Identity',
  n: 'Identity-Info',
};

const KNOWN = [
  'Accept',
  'Accept-Encoding',
  'Accept-Language',
  'Alert-Info',
  'Allow',
  'Allow-Events',
  'Authentication-Info',
  'Authorization',
  'Call-ID',
  'Call-Info',
  'Contact',
  'Content-Disposition',
  'Content-Encoding',
  'Content-Language',
  'Content-Length',
  'Content-Type',
  'CSeq',
  'Date',
  'Error-Info',
  'Event',
  'Expires',
  'From',
  'In-Reply-To',
  'Max-Forwards',
  'Min-Expires',
  'Min-SE',
  'MIME-Version',
  'Organization',
  'P-Asserted-Identity',
  'Priority',
  'Proxy-Authenticate',
  'Proxy-Authorization',
  'Proxy-Require',
  'RAck',
  'Reason',
  'Record-Route',
  'Refer-To',
  'Referred-By',
  'Reply-To',
  'Require',
  'Retry-After',
  'Route',
  'RSeq',
  'Server',
  'Session-Expires',
  'Subject',
  'Supported',
  'Timestamp',
  'To',
  'Unsupported',
  'User-Agent',
  'Via',
  'Warning',
  'WWW-Authenticate',
];
const SPELLING = new Map(KNOWN.map((n) => [n.toLowerCase(), n]));

/** Headers whose value is a comma-separated list (RFC 3261 §7.3.1); others may contain commas (Date, auth). */
const LIST_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'alert-info',
  'allow',
  'allow-events',
  'call-info',
  'contact',
  'content-encoding',
  'content-language',
  'error-info',
  'in-reply-to',
  'proxy-require',
  'record-route',
  'require',
  'route',
  'supported',
  'unsupported',
  'via',
  'warning',
  'reason',
  'p-asserted-identity',
]);

/** The long, usually spelled name of a header given in any case or compact form. */
export function headerName(name: string): string {
  const long = name.length === 1 ? COMPACT[name.toLowerCase()] : undefined;
  return long ?? SPELLING.get(name.toLowerCase()) ?? name;
}

const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
/** Call-ID = word ["@" word] (RFC 3261 §25.1). */
const CALL_ID = /^[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+(@[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+)?$/;
const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\S/;

/** A piece of the input quoted for an error message: short, one line, printable. */
function quote(s: string): string {
  const cut = s.length > 60 ? `${s.slice(0, 60)}...` : s;
  return JSON.stringify(cut).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Splits `text` at `separator` where it is outside a quoted string (backslash escapes inside one)
 * and, with `angles`, outside <...>; `closed` is false when a quoted string is left open.
 */
function splitOutside(text: string, separator: string, angles: boolean): { parts: string[]; closed: boolean } {
  const parts: string[] = [];
  let depth = 0,
    quoted = false,
    start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (angles && c === '<') depth++;
    else if (angles && c === '>' && depth > 0) depth--;
    else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return { parts, closed: !quoted };
}

/**
 * Splits at commas that are not inside a quoted string or <...> (RFC 3261 §7.3.1). Empty
 * elements are dropped.
 */
export function splitList(value: string): string[] {
  return splitOutside(value, ',', true)
    .parts.map((x) => x.trim())
    .filter((x) => x !== '');
}

/** `;name=value;flag` after a URI or a Via sent-by; names lower case. */
function parseParams(text: string, line: number, what: string): Map<string, string> {
  const params = new Map<string, string>();
  const rest = text.trim();
  if (rest === '') return params;
  if (rest[0] !== ';')
    throw new SipSyntaxError(line, `${what}: unexpected ${quote(rest)} where ";parameter" or the end was expected`);
  const { parts, closed } = splitOutside(rest.slice(1), ';', false);
  if (!closed) throw new SipSyntaxError(line, `${what}: a quoted parameter value is not closed`);
  for (const p of parts) {
    const eq = p.indexOf('=');
    const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : p.slice(eq + 1).trim();
    if (!TOKEN.test(name)) throw new SipSyntaxError(line, `${what}: bad parameter name ${quote(name)}`);
    params.set(name, value);
  }
  return params;
}

/** Reads one name-addr or addr-spec with its header parameters (RFC 3261 §20.10). */
export function parseNameAddr(text: string, line = 0, what = 'address'): NameAddr {
  const s = text.trim();
  let display = '',
    uri: string,
    rest: string;
  let i = 0;
  if (s.startsWith('"')) {
    let j = 1,
      out = '';
    for (; j < s.length && s[j] !== '"'; j++) {
      if (s[j] === '\\' && j + 1 < s.length) j++;
      out += s[j];
    }
    if (j >= s.length) throw new SipSyntaxError(line, `${what}: the quoted display name is not closed`);
    display = out;
    i = j + 1;
  }
  const lt = s.indexOf('<', i);
  if (lt >= 0) {
    const before = s.slice(i, lt).trim();
    if (display !== '' && before !== '')
      throw new SipSyntaxError(line, `${what}: unexpected ${quote(before)} after the display name`);
    if (display === '') display = before;
    const gt = s.indexOf('>', lt);
    if (gt < 0) throw new SipSyntaxError(line, `${what}: "<" without ">"`);
    uri = s.slice(lt + 1, gt).trim();
    rest = s.slice(gt + 1);
  } else {
    if (display !== '') throw new SipSyntaxError(line, `${what}: a display name must be followed by <URI>`);
    const semi = s.indexOf(';');
    uri = (semi < 0 ? s : s.slice(0, semi)).trim();
    rest = semi < 0 ? '' : s.slice(semi);
  }
  if (uri !== '*' && !URI_SCHEME.test(uri))
    throw new SipSyntaxError(line, `${what}: expected a URI such as sip:user@host, got ${quote(uri)}`);
  const params = parseParams(rest, line, what);
  const tag = params.get('tag') ?? '';
  if (params.has('tag') && !TOKEN.test(tag)) throw new SipSyntaxError(line, `${what}: bad tag ${quote(tag)}`);
  return { display, uri, params, tag };
}

/** Reads one Via value (RFC 3261 §20.42): sent-protocol, sent-by, parameters. */
export function parseVia(text: string, line = 0): ViaHop {
  const m =
    /^([A-Za-z0-9\-.!%*_+`'~]+)\s*\/\s*([A-Za-z0-9\-.!%*_+`'~]+)\s*\/\s*([A-Za-z0-9\-.!%*_+`'~]+)\s+([^;\s]+)\s*(;.*)?$/.exec(
      text.trim(),
    );
  if (m === null)
    throw new SipSyntaxError(line, `Via: expected "SIP/2.0/UDP host:port;branch=...", got ${quote(text.trim())}`);
  const sentBy = m[4]!;
  const hp = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-.]+)(?::(\d{1,5}))?$/.exec(sentBy);
  if (hp === null) throw new SipSyntaxError(line, `Via: bad host or port ${quote(sentBy)}`);
  const port = hp[2] === undefined ? 0 : Number(hp[2]);
  if (port > 65535) throw new SipSyntaxError(line, `Via: port ${port} is more than 65535`);
  const params = parseParams(m[5] ?? '', line, 'Via');
  return {
    protocol: `${m[1]}/${m[2]}/${m[3]}`.toUpperCase(),
    transport: m[3]!.toUpperCase(),
    host: hp[1]!,
    port,
    branch: params.get('branch') ?? '',
    params,
    text: text.trim(),
  };
}

/** A SIP message read by parseSip: the start line, the headers in order, the body. */
export class ParsedSip {
  /** Via values in order, the topmost (the sender's) first. */
  readonly via: readonly ViaHop[];
  readonly from: NameAddr;
  readonly to: NameAddr;
  readonly callId: string;
  readonly cseq: { readonly seq: number; readonly method: string };
  /** Contact values (none when absent). */
  readonly contact: readonly NameAddr[];

  /** The request's method, or for a response the method in its CSeq. */
  readonly method: string;

  constructor(
    /** 0 for a request; the status code of a response. */
    readonly status: number,
    /** The method on the request line ('' for a response). */
    requestMethod: string,
    /** '' for a response. */
    readonly requestUri: string,
    /** '' for a request. */
    readonly reason: string,
    readonly headers: readonly SipHeader[],
    readonly body: string,
    /** Line of the text where the start line is (after any empty lines before it). */
    readonly startLine: number,
    /** Line of the text where the body starts. */
    readonly bodyLine: number,
  ) {
    const need = (name: string): SipHeader => {
      const h = this.first(name);
      if (h === undefined)
        throw new SipSyntaxError(
          headers.length > 0 ? headers[headers.length - 1]!.line : 1,
          `no ${name} header (RFC 3261 §8.1.1 requires it)`,
        );
      return h;
    };
    const via: ViaHop[] = [];
    for (const h of this.all('Via')) for (const v of splitList(h.value)) via.push(parseVia(v, h.line));
    if (via.length === 0) throw new SipSyntaxError(need('Via').line, 'Via: empty');
    this.via = via;
    const from = need('From'),
      to = need('To');
    this.from = parseNameAddr(from.value, from.line, 'From');
    this.to = parseNameAddr(to.value, to.line, 'To');
    const callId = need('Call-ID');
    if (!CALL_ID.test(callId.value))
      throw new SipSyntaxError(callId.line, `Call-ID: expected word[@word], got ${quote(callId.value)}`);
    this.callId = callId.value;
    const cseq = need('CSeq');
    const c = /^(\d{1,10})\s+(\S+)$/.exec(cseq.value);
    if (c === null || !TOKEN.test(c[2]!))
      throw new SipSyntaxError(cseq.line, `CSeq: expected "number METHOD", got ${quote(cseq.value)}`);
    const seq = Number(c[1]);
    if (seq >= 2 ** 31) throw new SipSyntaxError(cseq.line, `CSeq: ${seq} is not less than 2**31 (RFC 3261 §8.1.1.5)`);
    if (status === 0 && c[2] !== requestMethod)
      throw new SipSyntaxError(
        cseq.line,
        `CSeq method ${quote(c[2]!)} differs from the request method ${quote(requestMethod)}`,
      );
    this.cseq = { seq, method: c[2]! };
    this.method = status === 0 ? requestMethod : c[2]!;
    const contact: NameAddr[] = [];
    for (const h of this.all('Contact'))
      for (const v of splitList(h.value)) contact.push(parseNameAddr(v, h.line, 'Contact'));
    this.contact = contact;
  }

  get isRequest(): boolean {
    return this.status === 0;
  }

  /** Headers of one name (any case or compact form), in order. */
  all(name: string): SipHeader[] {
    const key = headerName(name).toLowerCase();
    return this.headers.filter((h) => h.name.toLowerCase() === key);
  }

  first(name: string): SipHeader | undefined {
    const key = headerName(name).toLowerCase();
    return this.headers.find((h) => h.name.toLowerCase() === key);
  }

  /** The value of the first header of that name; undefined when absent. */
  get(name: string): string | undefined {
    return this.first(name)?.value;
  }

  /** Values of every header of that name, each as written. */
  getAll(name: string): string[] {
    return this.all(name).map((h) => h.value);
  }

  /**
   * The elements of a list header over all its lines: "Supported: a, b" and "Supported: a" +
   * "Supported: b" both give [a, b]. For a header that is not a list, the values as written.
   */
  list(name: string): string[] {
    const values = this.getAll(name);
    return LIST_HEADERS.has(headerName(name).toLowerCase()) ? values.flatMap(splitList) : values;
  }

  /** Content-Length as given, or the body's length in bytes when absent. */
  get contentLength(): number {
    const v = this.get('Content-Length');
    return v === undefined ? encoder.encode(this.body).length : Number(v);
  }
}

const decoder = new TextDecoder();

/**
 * Reads SIP message text (RFC 3261 §7): empty lines before the start line are skipped (§7.5),
 * lines may end in CRLF or LF, header lines starting with white space continue the previous one
 * (§7.3.1), and the body is Content-Length bytes after the empty line (the rest, when absent;
 * bytes past it are dropped, §18.3). Throws SipSyntaxError, and nothing else, on bad input.
 */
export function parseSip(text: string): ParsedSip {
  const msg = text.replace(/^(\r?\n)+/, '');
  const lead = text.slice(0, text.length - msg.length).split('\n').length - 1;
  const sep = /\r?\n\r?\n/.exec(msg);
  if (msg.trim() === '') throw new SipSyntaxError(lead + 1, 'empty message');
  const head = sep === null ? msg.replace(/\r?\n$/, '') : msg.slice(0, sep.index);
  const rest = sep === null ? '' : msg.slice(sep.index + sep[0].length);
  const lines = head.split(/\r?\n/);
  const startLine = lines[0]!;
  const lineNo = (i: number) => lead + i + 1;

  // Start line: Request-Line (§7.1) or Status-Line (§7.2).
  let status = 0,
    method = '',
    requestUri = '',
    reason = '';
  const statusLine = /^SIP\/(\S+)[ \t]+(\d{1,9})(?:[ \t]+(.*))?$/i.exec(startLine);
  if (statusLine !== null) {
    if (statusLine[1] !== '2.0') throw new SipSyntaxError(lineNo(0), `SIP version ${quote(statusLine[1]!)} is not 2.0`);
    status = Number(statusLine[2]);
    if (status < 100 || status > 699) throw new SipSyntaxError(lineNo(0), `status code ${status} is outside 100-699`);
    reason = (statusLine[3] ?? '').trim();
  } else {
    const r = /^(\S+)[ \t]+(\S+)[ \t]+SIP\/(\S+)$/i.exec(startLine.trimEnd());
    if (r === null)
      throw new SipSyntaxError(
        lineNo(0),
        `expected "METHOD uri SIP/2.0" or "SIP/2.0 code reason", got ${quote(startLine)}`,
      );
    if (!TOKEN.test(r[1]!)) throw new SipSyntaxError(lineNo(0), `bad method ${quote(r[1]!)}`);
    if (r[3] !== '2.0') throw new SipSyntaxError(lineNo(0), `SIP version ${quote(r[3]!)} is not 2.0`);
    if (!URI_SCHEME.test(r[2]!))
      throw new SipSyntaxError(lineNo(0), `Request-URI: expected a URI such as sip:user@host, got ${quote(r[2]!)}`);
    method = r[1]!;
    requestUri = r[2]!;
  }

  // Headers, unfolding continuation lines.
  const headers: { name: string; value: string; line: number }[] = [];
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith(' ') || l.startsWith('\t')) {
      const last = headers[headers.length - 1];
      if (last === undefined)
        throw new SipSyntaxError(lineNo(i), 'a continuation line (starting with white space) before any header');
      last.value = `${last.value} ${l.trim()}`.trim();
      continue;
    }
    const colon = l.indexOf(':');
    const name = colon < 0 ? '' : l.slice(0, colon).trimEnd();
    if (colon < 0 || !TOKEN.test(name)) throw new SipSyntaxError(lineNo(i), `expected "Name: value", got ${quote(l)}`);
    headers.push({ name: headerName(name), value: l.slice(colon + 1).trim(), line: lineNo(i) });
  }

  // Body: Content-Length counts bytes (§20.14).
  let body = rest;
  const cl = headers.find((h) => h.name === 'Content-Length');
  if (cl !== undefined) {
    if (!/^\d{1,9}$/.test(cl.value))
      throw new SipSyntaxError(cl.line, `Content-Length: expected a number of bytes, got ${quote(cl.value)}`);
    const n = Number(cl.value);
    const ascii = !/[\u0080-\uffff]/.test(rest);
    const bytes = ascii ? null : encoder.encode(rest);
    const have = bytes === null ? rest.length : bytes.length;
    if (n > have) throw new SipSyntaxError(cl.line, `Content-Length ${n} is more than the ${have} bytes of body`);
    body = bytes === null ? rest.slice(0, n) : decoder.decode(bytes.subarray(0, n));
  }
  return new ParsedSip(status, method, requestUri, reason, headers, body, lineNo(0), lead + lines.length + 2);
}

// ---- reading: the model's fields ---------------------------------------------------------------

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
  return { version, audio: (firstDir || sessionDir || 'sendrecv') as MediaDirection, video, t38 };
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
