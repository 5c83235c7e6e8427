// One side of one emulated call on the UDP socket: the model's SIP port on that leg, and what
// the model does not keep but a real peer needs (RFC 3261): the text of each request received,
// to answer it with its own Via, From, To, Call-ID and CSeq (§8.2.6.2), the Request-URI of each
// request sent, the dialog's URIs and remote target (§12.2.1.1), and where the peer is.

import type { Leg } from '../elements/call.ts';
import type { Purpose } from '../sip/message.ts';
import type { SipPort } from '../sip/port.ts';
import type { SipParty } from '../sip/text.ts';
import type { ParsedSip } from '../sip/text-parse.ts';
import type { DialogView } from './sip-text.ts';

/** An IPv4 address and UDP port. */
export interface HostPort {
  host: string;
  port: number;
}

/** What was kept of a request received: its text, to answer it, and where it came from. */
export interface Received {
  parsed: ParsedSip;
  from: HostPort;
}

/** Requests kept per side for answering them (and repeating answers); older ones are forgotten. */
const KEEP_REQUESTS = 64;

/** One side of one call on the socket: the model's port, and what the wire needs to talk to the real peer. */
export class UdpSide {
  /** Requests received (server transactions), by the model's branch number. */
  readonly requests = new Map<number, Received>();
  /** Request-URI and purpose of each request the model sent (client transactions), by branch. */
  readonly sent = new Map<number, { uri: string; purpose: Purpose }>();
  /** The dialog as our side sees it; null until the initial INVITE. */
  dialog: DialogView | null = null;
  /** Request-URI of the initial INVITE (repeated in its retries and in the ACK of a non-2xx). */
  initialUri = '';

  constructor(
    readonly name: Leg,
    readonly port: SipPort,
    /** The trace name of the peer on this side. */
    readonly peerName: 'caller' | 'callee',
    /** Where the peer is: last source address of its requests (inbound), the forward address (outbound). */
    public peer: HostPort,
    /** Our own address on this side, for Via, Contact and SDP. */
    readonly self: SipParty,
  ) {}

  /** Keeps a request received to answer it, as the newest. */
  remember(branch: number, r: Received): void {
    this.requests.delete(branch);
    this.requests.set(branch, r);
    if (this.requests.size > KEEP_REQUESTS) this.requests.delete(this.requests.keys().next().value!);
  }
}
