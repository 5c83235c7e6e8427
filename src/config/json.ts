// The same configuration as ios.ts reads, written as JSON. The shape is checked with zod (every
// object strict, so a misspelt field is an error rather than silently ignored); the rules zod
// cannot express field by field (session-expires not below min-se, the midcall-signaling
// prerequisite, dial-peer consistency) are checked afterwards. Errors name the field path, the
// value given and what is allowed.

import { z } from 'zod';
import { InputError } from '../errors.ts';
import { parseIosConfig } from './ios.ts';
import {
  DIAL_PEER_TAG_RANGE,
  MIN_SE_RANGE,
  OPTIONS_PING_RANGE,
  SHORT_MIN_SE_RANGE,
  type ConfigReadOptions,
} from './ranges.ts';
import { ALLOW_CONNECTIONS_PREREQUISITE, PER_DIAL_PEER_REFUSAL, shortIntervalHint } from './refusals.ts';
import { issueToError as sharedIssueToError, mainIssue, parseJsonText, show, valueAt } from '../schema-errors.ts';
import {
  allowsSipToSip,
  defaultBorderElementConfig,
  type BorderElementConfig,
  type CommandUse,
  type DialPeerConfig,
  type GatedCommand,
  type MidcallMode,
} from './types.ts';

const protocolSchema = z.enum(['sip', 'h323']);

function secondsSchema(range: { min: number; max: number }) {
  return z.number().int().min(range.min).max(range.max);
}

const allowConnectionSchema = z.strictObject({ from: protocolSchema, to: protocolSchema });

const dialPeerSchema = z.strictObject({
  tag: z.number().int().min(DIAL_PEER_TAG_RANGE.min).max(DIAL_PEER_TAG_RANGE.max),
  kind: z.enum(['voip', 'pots']).optional(),
  protocol: protocolSchema.optional(),
  sessionTarget: z.string().min(1).optional(),
  destinationPattern: z.string().min(1).optional(),
  incomingCalledNumber: z.string().min(1).optional(),
  sessionRefresh: z.boolean().optional(),
  // 'passthru' is accepted by the schema only so that it can be refused with the reason.
  midcallSignaling: z.enum(['passthru', 'passthru-media-change', 'block']).optional(),
});

const configSchema = z.strictObject({
  allowConnections: z.array(allowConnectionSchema),
  midcallSignaling: z.enum(['none', 'passthru', 'passthru-media-change', 'block']).optional(),
  minSe: secondsSchema(MIN_SE_RANGE).optional(),
  sessionExpires: secondsSchema(MIN_SE_RANGE).nullable().optional(),
  sessionRefresh: z.boolean().optional(),
  optionsPing: secondsSchema(OPTIONS_PING_RANGE).nullable().optional(),
  dialPeers: z.array(dialPeerSchema).optional(),
});

type JsonConfig = z.infer<typeof configSchema>;

/** Field lists of each object, by path pattern (array indices written as `*`). */
const OBJECT_FIELDS: Record<string, readonly string[]> = {
  '': Object.keys(configSchema.shape),
  'allowConnections.*': Object.keys(allowConnectionSchema.shape),
  'dialPeers.*': Object.keys(dialPeerSchema.shape),
};

const seconds = (range: { min: number; max: number }) => `a whole number of seconds ${range.min}-${range.max}`;
const PROTOCOL = '"sip" or "h323"';
const TEXT = 'a non-empty string';

/** What each field accepts, by path pattern, for the error messages. */
const ALLOWED: Record<string, string> = {
  '': `an object with the fields ${OBJECT_FIELDS['']?.join(', ')} (only allowConnections is required)`,
  allowConnections: 'a list of {"from": "sip"|"h323", "to": "sip"|"h323"} (may be empty)',
  'allowConnections.*': '{"from": "sip"|"h323", "to": "sip"|"h323"}',
  'allowConnections.*.from': PROTOCOL,
  'allowConnections.*.to': PROTOCOL,
  midcallSignaling: '"none", "passthru", "passthru-media-change" or "block"',
  minSe: seconds(MIN_SE_RANGE),
  sessionExpires: `null or ${seconds(MIN_SE_RANGE)}, not below minSe`,
  sessionRefresh: 'true or false',
  optionsPing: `null or ${seconds(OPTIONS_PING_RANGE)}`,
  dialPeers: 'a list of dial-peer objects',
  'dialPeers.*': `an object with the fields ${OBJECT_FIELDS['dialPeers.*']?.join(', ')} (only tag is required)`,
  'dialPeers.*.tag': `a whole number ${DIAL_PEER_TAG_RANGE.min}-${DIAL_PEER_TAG_RANGE.max}`,
  'dialPeers.*.kind': '"voip" or "pots" (default "voip")',
  'dialPeers.*.protocol': `${PROTOCOL} (default "h323", as on IOS without "session protocol sipv2")`,
  'dialPeers.*.sessionTarget': TEXT,
  'dialPeers.*.destinationPattern': TEXT,
  'dialPeers.*.incomingCalledNumber': TEXT,
  'dialPeers.*.sessionRefresh': 'true or false',
  'dialPeers.*.midcallSignaling': '"passthru-media-change" or "block"',
};

/** The fields whose range --allow-short-session-expires widens. */
const SESSION_INTERVAL_FIELDS = new Set(['minSe', 'sessionExpires']);

function issueToError(issue: z.core.$ZodIssue, root: unknown, file: string, short: boolean): InputError {
  const given = valueAt(root, issue.path);
  const interval = issue.path.length === 1 && SESSION_INTERVAL_FIELDS.has(String(issue.path[0]));
  // A short interval is refused here but taken by emulate and trace with the flag: say so.
  const hint = interval && !short && Number.isInteger(given) ? shortIntervalHint(given as number) : '';
  return sharedIssueToError(issue, root, file, {
    fields: (pattern) => OBJECT_FIELDS[pattern],
    allowed: (pattern) => {
      if (short && pattern === 'minSe') return seconds(SHORT_MIN_SE_RANGE);
      if (short && pattern === 'sessionExpires') return `null or ${seconds(SHORT_MIN_SE_RANGE)}, not below minSe`;
      return (ALLOWED[pattern] ?? 'see the documented configuration shape') + hint;
    },
  });
}

const GLOBAL_MIDCALL_COMMAND: Record<Exclude<MidcallMode, 'none'>, GatedCommand> = {
  passthru: 'midcall-signaling passthru',
  'passthru-media-change': 'midcall-signaling passthru media-change',
  block: 'midcall-signaling block',
};

const VOIP_ONLY_FIELDS = ['protocol', 'sessionTarget', 'sessionRefresh', 'midcallSignaling'] as const;

/**
 * Validates a parsed JSON value as a border element configuration. `file` names the source in
 * errors and in the `at` references (which carry field paths instead of lines).
 */
export function parseJsonConfig(value: unknown, file: string, options: ConfigReadOptions = {}): BorderElementConfig {
  // --allow-short-session-expires (emulate, trace): intervals below RFC 4028's 90 s floor.
  const schema =
    options.allowShortSessionExpires === true
      ? configSchema.extend({
          minSe: secondsSchema(SHORT_MIN_SE_RANGE).optional(),
          sessionExpires: secondsSchema(SHORT_MIN_SE_RANGE).nullable().optional(),
        })
      : configSchema;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    // The first issue, or the unknown field behind a missing one (a misspelt required field).
    const issue = mainIssue(parsed.error.issues, value);
    if (issue === undefined) throw new InputError(file, undefined, 'configuration is not valid');
    throw issueToError(issue, value, file, options.allowShortSessionExpires === true);
  }
  return buildConfig(parsed.data, file);
}

function buildConfig(json: JsonConfig, file: string): BorderElementConfig {
  const config = defaultBorderElementConfig();
  const uses: CommandUse[] = config.uses;
  const use = (command: GatedCommand, path: string) => uses.push({ command, at: { file, path } });
  const fail = (path: string, message: string): never => {
    throw new InputError(file, `field ${path}`, message);
  };

  json.allowConnections.forEach((entry, i) => {
    use('allow-connections', `allowConnections.${i}`);
    if (!config.allowConnections.some((c) => c.from === entry.from && c.to === entry.to)) {
      config.allowConnections.push({ from: entry.from, to: entry.to });
    }
  });

  if (json.midcallSignaling !== undefined) {
    config.midcallSignaling = json.midcallSignaling;
    if (json.midcallSignaling !== 'none') use(GLOBAL_MIDCALL_COMMAND[json.midcallSignaling], 'midcallSignaling');
  }

  // `session-expires` only exists as a keyword of `min-se`, so it uses the min-se command too.
  if (json.minSe !== undefined) {
    config.minSe = json.minSe;
    config.minSeConfigured = true;
    use('min-se', 'minSe');
  } else if (json.sessionExpires !== undefined && json.sessionExpires !== null) {
    use('min-se', 'sessionExpires');
  }
  if (json.sessionExpires !== undefined && json.sessionExpires !== null) {
    if (json.sessionExpires < config.minSe) {
      const origin = json.minSe === undefined ? ' (the default)' : '';
      fail(
        'sessionExpires',
        `sessionExpires ${json.sessionExpires} is below minSe ${config.minSe}${origin}: sessionExpires must be at least minSe`,
      );
    }
    config.sessionExpires = json.sessionExpires;
    use('min-se session-expires', 'sessionExpires');
  }

  if (json.sessionRefresh !== undefined) {
    config.sessionRefresh = json.sessionRefresh;
    if (json.sessionRefresh) use('session refresh', 'sessionRefresh');
  }

  if (json.optionsPing !== undefined && json.optionsPing !== null) {
    config.optionsPing = json.optionsPing;
    use('options-ping', 'optionsPing');
  }

  const seenTags = new Map<number, number>();
  (json.dialPeers ?? []).forEach((entry, i) => {
    const base = `dialPeers.${i}`;
    const earlier = seenTags.get(entry.tag);
    if (earlier !== undefined)
      fail(`${base}.tag`, `dial-peer tag ${entry.tag} is already used by dialPeers.${earlier}`);
    seenTags.set(entry.tag, i);

    const kind = entry.kind ?? 'voip';
    if (kind === 'pots') {
      for (const field of VOIP_ONLY_FIELDS) {
        if (entry[field] !== undefined) {
          fail(
            `${base}.${field}`,
            `got ${show(entry[field])}; allowed: nothing, ${field} applies to voip dial-peers only and this one is pots`,
          );
        }
      }
    }
    const peer: DialPeerConfig = { tag: entry.tag, kind, protocol: entry.protocol ?? 'h323', at: { file, path: base } };
    if (entry.sessionTarget !== undefined) peer.sessionTarget = entry.sessionTarget;
    if (entry.destinationPattern !== undefined) peer.destinationPattern = entry.destinationPattern;
    if (entry.incomingCalledNumber !== undefined) peer.incomingCalledNumber = entry.incomingCalledNumber;
    if (entry.sessionRefresh !== undefined) {
      peer.sessionRefresh = entry.sessionRefresh;
      use('voice-class sip session refresh', `${base}.sessionRefresh`);
    }
    if (entry.midcallSignaling !== undefined) {
      if (entry.midcallSignaling === 'passthru') {
        fail(
          `${base}.midcallSignaling`,
          `got "passthru"; refused: ${PER_DIAL_PEER_REFUSAL}; per dial-peer allowed: "passthru-media-change" or "block"`,
        );
      }
      peer.midcallSignaling = entry.midcallSignaling === 'block' ? 'block' : 'passthru-media-change';
      use('voice-class sip midcall-signaling', `${base}.midcallSignaling`);
    }
    config.dialPeers.push(peer);
  });

  if (!allowsSipToSip(config)) {
    const peerIndex = config.dialPeers.findIndex((p) => p.midcallSignaling !== undefined);
    const path =
      config.midcallSignaling !== 'none'
        ? 'midcallSignaling'
        : peerIndex >= 0
          ? `dialPeers.${peerIndex}.midcallSignaling`
          : undefined;
    if (path !== undefined) {
      const setting =
        path === 'midcallSignaling' ? config.midcallSignaling : config.dialPeers[peerIndex]?.midcallSignaling;
      fail(
        path,
        `midcallSignaling "${setting ?? ''}" is set but allowConnections has no {"from": "sip", "to": "sip"}: ${ALLOW_CONNECTIONS_PREREQUISITE}`,
      );
    }
  }
  return config;
}

/**
 * Reads a configuration file's text: JSON when it starts with `{` (after leading whitespace),
 * IOS CLI text otherwise.
 */
export function loadConfigText(text: string, file: string, options: ConfigReadOptions = {}): BorderElementConfig {
  if (!text.trimStart().startsWith('{')) return parseIosConfig(text, file, options);
  const value = parseJsonText(text, file, 'a JSON object, or IOS configuration text not starting with "{"');
  return parseJsonConfig(value, file, options);
}
