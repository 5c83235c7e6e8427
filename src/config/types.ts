// The border element's configuration as typed data: what the IOS CLI lines (or the JSON form)
// say, independent of which release runs it. Release gates are checked separately
// (validate.ts) against the platform model, so the same text can be tried on several releases.

/** Global `midcall-signaling` setting under `voice service voip` / `sip` (domain-facts §3.2). */
export type MidcallMode = 'none' | 'passthru' | 'passthru-media-change' | 'block';

export type CallProtocol = 'sip' | 'h323';

/**
 * Identifiers of the commands whose presence depends on the release. A platform model lists
 * the ones its release has; using any other is a configuration error naming the release.
 */
export const GATED_COMMANDS = [
  'allow-connections',
  'midcall-signaling passthru',
  'midcall-signaling passthru media-change',
  'midcall-signaling block',
  'min-se',
  'min-se session-expires',
  'session refresh',
  'options-ping',
  'voice-class sip session refresh',
  'voice-class sip midcall-signaling',
] as const;
export type GatedCommand = (typeof GATED_COMMANDS)[number];

/** Where a setting came from, so later errors can point at the line the engineer typed. */
export interface SourceRef {
  file: string;
  /** 1-based line in IOS text; for JSON the field path is given instead. */
  line?: number;
  path?: string;
}

export interface CommandUse {
  command: GatedCommand;
  at: SourceRef;
}

export interface DialPeerConfig {
  tag: number;
  kind: 'voip' | 'pots';
  /** `session protocol sipv2` => 'sip'; a voip dial-peer without it is H.323 (IOS default). */
  protocol: CallProtocol;
  sessionTarget?: string;
  destinationPattern?: string;
  incomingCalledNumber?: string;
  /** `voice-class sip session refresh` (true) / `no voice-class sip session refresh` (false). */
  sessionRefresh?: boolean;
  /** `voice-class sip midcall-signaling ...` (15.2(1)T and later only). */
  midcallSignaling?: Exclude<MidcallMode, 'none' | 'passthru'>;
  at: SourceRef;
}

export interface BorderElementConfig {
  /** `allow-connections <from> to <to>` lines under `voice service voip`. */
  allowConnections: Array<{ from: CallProtocol; to: CallProtocol }>;
  midcallSignaling: MidcallMode;
  /** `min-se <seconds>`: default 1800, range 90-86400 (domain-facts §3.4, C3). */
  minSe: number;
  /**
   * A `min-se` line is in the configuration (false: the default applies). What CUBE does below
   * an unconfigured min-se is disputed (models/border-element.json, whenMinSeNotConfigured).
   */
  minSeConfigured: boolean;
  /** `min-se <n> session-expires <m>` (15.1(2)T): the interval CUBE offers; null when unset. */
  sessionExpires: number | null;
  /** `session refresh` under `sip` (15.1(2)T): CUBE originates refreshes. */
  sessionRefresh: boolean;
  /** `options-ping <seconds>` under `sip` (12.4(11)T), range 60-1200; null when off. */
  optionsPing: number | null;
  dialPeers: DialPeerConfig[];
  /** Every release-gated command used, with where, for validate.ts. */
  uses: CommandUse[];
}

export const DEFAULT_MIN_SE = 1800;

export function defaultBorderElementConfig(): BorderElementConfig {
  return {
    allowConnections: [],
    midcallSignaling: 'none',
    minSe: DEFAULT_MIN_SE,
    minSeConfigured: false,
    sessionExpires: null,
    sessionRefresh: false,
    optionsPing: null,
    dialPeers: [],
    uses: [],
  };
}

export function allowsSipToSip(config: BorderElementConfig): boolean {
  return config.allowConnections.some((c) => c.from === 'sip' && c.to === 'sip');
}
