// Refusals the IOS and JSON readers share word for word, so that the same mistake gets the same
// explanation in either form of the configuration.

import { MIN_SE_RANGE, SHORT_MIN_SE_RANGE } from './ranges.ts';

/** Added to the refusal of a min-se or session-expires of 1-89 s: where such a value is taken. */
export const SHORT_SESSION_EXPIRES_HINT = '(below 90 s only with cubesim emulate/trace --allow-short-session-expires)';

/** The hint for an interval the short-interval flag would accept but RFC 4028 does not (' ' + hint), or ''. */
export function shortIntervalHint(value: number): string {
  return value >= SHORT_MIN_SE_RANGE.min && value < MIN_SE_RANGE.min ? ` ${SHORT_SESSION_EXPIRES_HINT}` : '';
}

/** Why plain `midcall-signaling passthru` is refused per dial-peer (feature document, C1). */
export const PER_DIAL_PEER_REFUSAL =
  'the Session Refresh with Reinvites feature (midcall-signaling passthru) cannot be configured per dial-peer, ' +
  'only under voice service voip / sip (feature document: "on a dial-peer basis is not supported")';

/** The prerequisite sentence shared by the IOS and JSON readers. */
export const ALLOW_CONNECTIONS_PREREQUISITE =
  'the Session Refresh with Reinvites feature document makes "allow-connections sip to sip" under voice service voip a prerequisite of midcall-signaling';
