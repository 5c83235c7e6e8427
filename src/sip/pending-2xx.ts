// The UAS core's record of one 2xx to an INVITE that waits for its ACK (RFC 3261 §13.3.1.4), with
// its two timers; dialog-core.ts runs it. Apart so that a party's ports can keep spare ones
// (PortSite.spare2xxWaits) without port.ts and dialog-core.ts depending on each other.
import { NO_EVENT, type EventHandle } from '../kernel/simulator.ts';
import type { SipMessage } from './message.ts';

/**
 * The UAS core's 2xx retransmission for one 2xx (§13.3.1.4): taken when the 2xx is sent, given
 * back when its ACK comes, time runs out, the dialog ends or a newer 2xx replaces it. A W1 call
 * answers about eight INVITEs; made new for each, these records (and the boxes of their two
 * times) were 100 bytes of garbage apiece, stored into an old dialog, so a party's ports keep the
 * ones given back for their next 2xx (PortSite.spare2xxWaits). Its times start at 0.5, not 0, so
 * that their fields hold doubles from the first record on (a field that first held a small
 * integer changes its representation, and the engine its code, when a fraction comes).
 */
export class Pending2xx {
  resp: SipMessage | null = null;
  retxInterval = 0.5;
  retxHandle: EventHandle = NO_EVENT;
  ackTimeoutHandle: EventHandle = NO_EVENT;
  /**
   * When the wait for the ACK ends (64*T1 after the 2xx), and its place among events due then.
   * Put in the event queue only once no retransmission comes before it (the ACK nearly always
   * arrives first), at the instant and in the place it had when the 2xx was sent.
   */
  giveUpAt = 0.5;
  giveUpPlace = 0;
}
