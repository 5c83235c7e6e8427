// What the emulator adds to src/sip/text.ts to talk to real SIP peers: requests written with a
// dialog's own Request-URI, From and To (RFC 3261 §12.2.1.1: remote target, local URI with our
// tag, remote URI with theirs) rather than the made-up party addresses of a trace, and replies
// made without any state (481, 501) to messages that belong to no call. CANCEL is answered here,
// not by the model (RFC 3261 §9.2: see EmulatedCall.cancel).

import type { SipMessage } from '../sip/message.ts';
import { echoedHeaders, formatSip, type SipAddressing } from '../sip/text.ts';
import { headerName, parseNameAddr } from '../sip/header-grammar.ts';
import type { ParsedSip } from '../sip/text-parse.ts';

/** The methods the emulator takes (those of the model, src/sip/text-to-message.ts, and CANCEL); any other gets 501. */
export const EMULATOR_METHODS = ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'REFER', 'UPDATE'] as const;

/** Allow of the emulator's own replies (OPTIONS, 501): what it takes. */
export const EMULATOR_ALLOW = EMULATOR_METHODS.join(', ');

/**
 * Allow of the messages the model sends through the emulator (RFC 3261 §20.5): what it takes,
 * with UPDATE following the message as in a trace.
 */
const MODEL_ALLOW = EMULATOR_METHODS.filter((m) => m !== 'UPDATE').join(', ');

/** A dialog as one side sees it, for the requests it sends (RFC 3261 §12.1). */
export interface DialogView {
  /** Request-URI of requests inside the dialog: the peer's Contact (the remote target). */
  remoteTarget: string;
  /** name-addr of our side, without tag (From of our requests). */
  local: string;
  /** name-addr of the peer, without tag (To of our requests). */
  remote: string;
}

/** A name-addr header value without its tag parameter (RFC 3261 §19.3), anything else kept as written. */
export function withoutTag(value: string): string {
  const gt = value.lastIndexOf('>');
  const head = gt < 0 ? '' : value.slice(0, gt + 1);
  const params = gt < 0 ? value : value.slice(gt + 1);
  return head + params.replace(/;\s*tag\s*=\s*[^;]*/i, '');
}

/** The user part of a SIP URI ('' when none), e.g. "service" of sip:service@127.0.0.1:5060. */
export function userOf(uri: string): string {
  const m = /^sips?:([^@;?>]+)@/i.exec(uri.trim());
  return m === null ? '' : decodeURIComponent(m[1]!);
}

/** The URI inside a name-addr or addr-spec. */
export function uriOf(nameAddr: string): string {
  return parseNameAddr(nameAddr).uri;
}

/** IPv4 host and port of a SIP URI, when it names them literally (as SIPp's Contact does). */
export function hostPortOf(uri: string): { host: string; port: number } | null {
  const m = /^sips?:(?:[^@;?]*@)?(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?(?:[;?].*)?$/i.exec(uri.trim());
  if (m === null) return null;
  return { host: m[1]!, port: m[2] === undefined ? 5060 : Number(m[2]) };
}

/**
 * A request of the model as text, inside a dialog (or the initial INVITE of one): everything from
 * formatSip (Via with our address and the model's branch, CSeq, Contact, the session-timer
 * headers, SDP), with the Request-URI, From and To taken from the dialog.
 */
export function formatRequest(m: SipMessage, a: SipAddressing, dialog: DialogView, requestUri: string): string {
  return formatSip(m, a, undefined, {
    dialog: { requestUri, local: dialog.local, remote: dialog.remote },
    allow: MODEL_ALLOW,
  });
}

/** A response of the model to a request received as text: Via, From, To, Call-ID and CSeq copied from it (RFC 3261 §8.2.6.2). */
export function formatResponse(m: SipMessage, a: SipAddressing, request: ParsedSip): string {
  return formatSip(m, a, request, { allow: MODEL_ALLOW });
}

/**
 * 400 Bad Request to a request that cannot be parsed (RFC 3261 §8.2.2, §21.4.1), built from its
 * raw header lines: only when its start line is a request's (never to ACK) and it has the Via,
 * From, To, Call-ID and CSeq a response must copy (§8.2.6.2); null otherwise (it is dropped).
 * The parser's complaint goes in a Warning (399, miscellaneous, §20.43).
 */
export function badRequestReply(text: string, why: string): string | null {
  const head = text.replace(/^(\r?\n)+/, '').split(/\r?\n\r?\n/)[0]!;
  const lines = head.split(/\r?\n/);
  const start = /^([A-Za-z]+) \S+ SIP\/2\.0$/.exec(lines[0]!.trim());
  if (start === null || start[1]!.toUpperCase() === 'ACK') return null;
  const found: Record<string, string[]> = { Via: [], From: [], To: [], 'Call-ID': [], CSeq: [] };
  for (const line of lines.slice(1)) {
    const m = /^([A-Za-z-]+)\s*:\s*(.*)$/.exec(line);
    if (m !== null) found[headerName(m[1]!)]?.push(m[2]!.trim()); // any case or compact form
  }
  if (Object.values(found).some((v) => v.length === 0)) return null;
  const to = found['To']![0]!;
  const warning = why.replace(/"/g, "'").replace(/[\\\r\n]/g, ' ');
  const out = [
    'SIP/2.0 400 Bad Request',
    ...found['Via']!.map((v) => `Via: ${v}`),
    `From: ${found['From']![0]!}`,
    `To: ${/;\s*tag\s*=/i.test(to) ? to : `${to};tag=cube-stateless`}`,
    `Call-ID: ${found['Call-ID']![0]!}`,
    `CSeq: ${found['CSeq']![0]!}`,
    `Warning: 399 cubesim "${warning}"`,
    'Content-Length: 0',
  ];
  return out.join('\r\n') + '\r\n\r\n';
}

/**
 * A reply made without a transaction, to a request that belongs to no call or that the model
 * cannot take (RFC 3261 §8.2.6: copied Via, From, To with a tag, Call-ID, CSeq).
 */
export function statelessReply(
  request: ParsedSip,
  status: number,
  reason: string,
  extra: readonly string[] = [],
): string {
  const lines = [
    `SIP/2.0 ${status} ${reason}`,
    ...echoedHeaders(request, 'cube-stateless'),
    ...extra,
    'Content-Length: 0',
  ];
  return lines.join('\r\n') + '\r\n\r\n';
}
