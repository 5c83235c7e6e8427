// Reading SIP message text (RFC 3261 §7) into a generic structure: the start line, the headers
// in order (unfolded, names in their long form), the body; the headers every message must have
// (Via, From, To, Call-ID, CSeq) read and checked. The model's fields are taken from it in
// text-to-message.ts; the grammar of header values is header-grammar.ts. Pure, as text.ts:
// TextEncoder and TextDecoder are globals in Node.js and browsers.

import {
  CALL_ID,
  headerName,
  isListHeader,
  parseNameAddr,
  parseVia,
  quote,
  SipSyntaxError,
  splitList,
  TOKEN,
  URI_SCHEME,
  type NameAddr,
  type SipHeader,
  type ViaHop,
} from './header-grammar.ts';

const encoder = new TextEncoder();

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
    return isListHeader(name) ? values.flatMap(splitList) : values;
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
