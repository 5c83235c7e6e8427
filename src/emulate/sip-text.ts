// What the emulator adds to src/sip/text.ts to talk to real SIP peers: requests written with a
// dialog's own Request-URI, From and To (RFC 3261 §12.2.1.1: remote target, local URI with our
// tag, remote URI with theirs) rather than the made-up party addresses of a trace, and replies
// made without any state (481, 501) to messages that belong to no call. CANCEL is not modelled
// (the emulator answers it 501), so no Allow the emulator writes lists it.

import type { SipMessage } from '../sip/message.ts';
import { echoedHeaders, formatSip, parseNameAddr, type ParsedSip, type SipAddressing } from '../sip/text.ts';

/** The methods the emulator takes (those of the model, src/sip/text.ts); any other gets 501. */
export const EMULATOR_METHODS = ['INVITE', 'ACK', 'BYE', 'OPTIONS', 'REFER', 'UPDATE'] as const;

/** Allow of the emulator's own replies (OPTIONS, 501): what it takes, CANCEL not among them. */
export const EMULATOR_ALLOW = EMULATOR_METHODS.join(', ');

/**
 * The Allow header of a message written by formatSip without CANCEL, which the emulator answers
 * 501 (the model's Allow, RFC 3261 §20.5, lists it for a trace); UPDATE stays as the model put it.
 */
function withoutCancelInAllow(text: string): string {
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const fixed = head.replace(/^Allow: (.*)$/gm, (_, list: string) => `Allow: ${list.split(/\s*,\s*/).filter((m) => m.toUpperCase() !== 'CANCEL').join(', ')}`);
  return end < 0 ? fixed : fixed + text.slice(end);
}

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

function withTag(nameAddr: string, tag: string): string {
  return tag === '' ? nameAddr : `${nameAddr};tag=${tag}`;
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
 * headers, SDP), with the start line, From and To taken from the dialog.
 */
export function formatRequest(m: SipMessage, a: SipAddressing, dialog: DialogView, requestUri: string): string {
  const text = withoutCancelInAllow(formatSip(m, a));
  const end = text.indexOf('\r\n\r\n');
  const lines = text.slice(0, end).split('\r\n');
  lines[0] = `${m.method} ${requestUri} SIP/2.0`;
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.startsWith('From: ')) lines[i] = `From: ${withTag(dialog.local, m.fromTag)}`;
    else if (lines[i]!.startsWith('To: ')) lines[i] = `To: ${withTag(dialog.remote, m.toTag)}`;
  }
  return lines.join('\r\n') + text.slice(end);
}

/** A response of the model to a request received as text: Via, From, To, Call-ID and CSeq copied from it (RFC 3261 §8.2.6.2). */
export function formatResponse(m: SipMessage, a: SipAddressing, request: ParsedSip): string {
  return withoutCancelInAllow(formatSip(m, a, request));
}

/**
 * A reply made without a transaction, to a request that belongs to no call or that the model
 * cannot take (RFC 3261 §8.2.6: copied Via, From, To with a tag, Call-ID, CSeq).
 */
export function statelessReply(request: ParsedSip, status: number, reason: string, extra: readonly string[] = []): string {
  const lines = [`SIP/2.0 ${status} ${reason}`, ...echoedHeaders(request, 'cube-stateless'), ...extra, 'Content-Length: 0'];
  return lines.join('\r\n') + '\r\n\r\n';
}

