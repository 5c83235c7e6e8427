// Who an endpoint is, apart from any one call: its role, its profile, its timer behaviour and
// how it carries out mid-call features. Every call's endpoint of one role and profile shares one.
import type { TimerBehaviour } from '../sip/session-timer.ts';
import type { Leg, Side } from './call.ts';
import type { EndpointProfile } from './models.ts';

/** How a mid-call feature is carried out; timings in seconds. */
export interface FeatureSettings {
  /** How long a call stays on hold before the resume re-INVITE. */
  holdSeconds: number;
  /** Attempts for a feature re-INVITE that meets glare (491/500) before giving up. */
  maxGlareRetries: number;
}

/**
 * Who an endpoint is and how it behaves: its role, its profile and what follows from them. The
 * same for every call's endpoint of one role and profile, so a run makes it once.
 */
export class EndpointParty {
  /** Who the endpoint is in outcomes: the caller, the callee, or the border element as gateway. */
  readonly side: Side;
  readonly leg: Leg;
  /** The party at the other end, named in outcomes when it hangs up. */
  readonly peerSide: Side;

  constructor(
    readonly role: 'caller' | 'callee',
    readonly profile: EndpointProfile,
    readonly behaviour: TimerBehaviour,
    readonly features: FeatureSettings,
    /** How long a callee rings before it answers (s). */
    readonly ringSeconds: number,
    /** Where it sits: by default the caller on the inbound leg, the callee on the outbound leg. */
    placement?: { side: Side; leg: Leg },
  ) {
    this.side = placement?.side ?? role;
    this.leg = placement?.leg ?? (role === 'caller' ? 'inbound' : 'outbound');
    this.peerSide = role === 'caller' ? 'callee' : 'caller';
  }
}
