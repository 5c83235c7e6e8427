// The grammar of SIP header values that the reader needs (RFC 3261 §7.3, §20, §25.1): header
// names in any case or compact form, comma-separated lists, parameters, name-addr (From, To,
// Contact), Via, and the one error every reader throws, with the line where the problem is.
// Used by text-parse.ts (the message) and text-to-message.ts (the model's fields).

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

/** The header (any case or compact form) is a comma-separated list (RFC 3261 §7.3.1). */
export function isListHeader(name: string): boolean {
  return LIST_HEADERS.has(headerName(name).toLowerCase());
}

export const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
/** Call-ID = word ["@" word] (RFC 3261 §25.1). */
export const CALL_ID = /^[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+(@[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+)?$/;
export const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\S/;

/** A piece of the input quoted for an error message: short, one line, printable. */
export function quote(s: string): string {
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
export function parseParams(text: string, line: number, what: string): Map<string, string> {
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
