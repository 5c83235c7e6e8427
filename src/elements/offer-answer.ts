// SDP offers and answers as the model's parties make them (RFC 3264), on the summary of a
// session description that message.ts keeps (o= version, audio direction, video, T.38): the
// endpoints' answers and the offers of their mid-call features, and the border element's own
// description toward each leg when it relays an offer or answers one itself.

import { sdpValue, type MediaDirection, type Sdp, type SipMessage } from '../sip/message.ts';
import type { Feature } from './call.ts';
import type { EndpointProfile, MidcallPurpose } from './models.ts';

/** The direction of an answer to an offered one (RFC 3264 §6.1): sendonly and recvonly mirrored. */
function answeringDirection(offered: MediaDirection): MediaDirection {
  return offered === 'sendonly' ? 'recvonly' : offered === 'recvonly' ? 'sendonly' : offered;
}

/** The offer of an initial INVITE: its SDP, or plain two-way audio when it has none. */
export function initialOffer(invite: SipMessage): Sdp {
  return invite.sdp ?? sdpValue(1, 'sendrecv', false, false);
}

/**
 * The border element's own description toward a leg: the same media as `content`, with the
 * o= version it keeps for that leg, raised only when the media changed (RFC 3264 §8).
 */
export function reversion(content: Sdp, current: Sdp): Sdp {
  const same = content.audio === current.audio && content.video === current.video && content.t38 === current.t38;
  return same ? current : sdpValue(current.version + 1, content.audio, content.video, content.t38);
}

/**
 * The border element's answer to an offer it answers itself instead of relaying: it keeps the
 * media the other leg has, so no video, and hold only mirrored.
 */
export function localAnswer(offer: Sdp, purpose: MidcallPurpose, current: Sdp): Sdp {
  const audio = answeringDirection(offer.audio);
  return reversion(sdpValue(0, audio, purpose === 'video' ? false : offer.video, offer.t38), current);
}

/** An endpoint's answer to an offer: what its media allow of it (RFC 3264). */
export function endpointAnswer(media: EndpointProfile['media'], offer: Sdp, current: Sdp): Sdp {
  const audio = answeringDirection(offer.audio);
  const video = offer.video && media.video,
    t38 = offer.t38 && media.t38;
  const changed = audio !== current.audio || video !== current.video || t38 !== current.t38;
  return changed || current.version === 0 ? sdpValue(current.version + 1, audio, video, t38) : current;
}

/** The offer of a feature's re-INVITE, from the caller's current description (a new o= version). */
export function featureOffer(feature: Feature, step: 'start' | 'resume', s: Sdp): Sdp {
  switch (feature) {
    case 'video':
      return sdpValue(s.version + 1, s.audio, true, s.t38);
    case 'fax':
      return sdpValue(s.version + 1, s.audio, s.video, true);
    case 'hold':
      return sdpValue(s.version + 1, step === 'start' ? 'sendonly' : 'sendrecv', s.video, s.t38);
    case 'transfer':
      return s;
  }
}

/**
 * What the answer to a feature's re-INVITE says of it: '' when it took the feature (or, for
 * `resume`, the audio back), else why not. REFER carries no SDP: a 2xx is enough.
 */
export function featureDeclined(feature: Feature, step: 'start' | 'resume', answer: Sdp | null): string {
  if (step === 'resume') return answer === null || answer.audio !== 'sendrecv' ? 'resume not accepted' : '';
  switch (feature) {
    case 'video':
      return answer === null || !answer.video ? 'video declined' : '';
    case 'fax':
      return answer === null || !answer.t38 ? 't38 declined' : '';
    case 'hold':
      return answer === null || (answer.audio !== 'recvonly' && answer.audio !== 'inactive') ? 'hold not accepted' : '';
    case 'transfer':
      return '';
  }
}
