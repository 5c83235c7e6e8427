// The values the configuration readers (IOS text and JSON) accept for the numbers of the
// commands they know, and the one option that widens them.

export const MIN_SE_RANGE = { min: 90, max: 86400 } as const;
/**
 * `min-se` values allowed with --allow-short-session-expires (cubesim emulate and trace only):
 * below RFC 4028's 90 s floor (§4, §5), so that a session interval of a few seconds can be
 * watched in real time. Nothing else accepts them.
 */
export const SHORT_MIN_SE_RANGE = { min: 1, max: 86400 } as const;
export const OPTIONS_PING_RANGE = { min: 60, max: 1200 } as const;
export const DIAL_PEER_TAG_RANGE = { min: 1, max: 2147483647 } as const;

/** How a configuration is read. */
export interface ConfigReadOptions {
  /** Accept min-se / session-expires below 90 s (see SHORT_MIN_SE_RANGE). */
  allowShortSessionExpires?: boolean;
}
