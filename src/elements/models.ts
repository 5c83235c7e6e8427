// Schemas of the behaviour data under models/: endpoint profiles, switchable defects, and the
// border element's treatment of session-timer headers and mid-call requests. Pure: files are
// read elsewhere (experiment/), so the same models load in a browser.
import { z } from 'zod';
import { sourced } from '../config/platform.ts';
import type { TimerBehaviour } from '../sip/dialog.ts';
import { setPath } from '../config/json-path.ts';

/**
 * An endpoint profile; `minSeFloor` is RFC 4028's 90 s (§5), lowered only for short-interval
 * emulation and its predictions (--allow-short-session-expires).
 */
function endpointProfileSchemaWith(minSeFloor: number) {
  return z
    .object({
      id: z.string().min(1),
      name: z.string().min(1),
      notes: z.string(),
      timer: z
        .object({
          supported: z.boolean(),
          sessionExpires: z.number().int().min(0).max(86400),
          minSe: z.number().int().min(minSeFloor).max(86400),
          requestRefresher: z.enum(['none', 'uac', 'uas']),
          preferredRefresher: z.enum(['uac', 'uas']),
          refreshMethod: z.enum(['invite', 'update', 'update-if-allowed', 'update-fallback-invite']),
          expiryRule: z.enum(['rfc', 'factor-1.1', 'se', 'se-plus-32']),
          reading: z.enum(['transaction', 'dialog']),
          retry422: z.boolean(),
          max422Retries: z.number().int().min(0).max(10),
          byeOnRefreshRejected: z.boolean(),
          aloneIfSilent: z.boolean(),
          skipRefreshWhenBusy: z.boolean().default(false),
          omitSeWhenNoRefresher: z.boolean().default(false),
          ignoreMinSeWithoutSe: z.boolean().default(false),
          neverRefreshes: z.boolean().default(false),
          hangUpOnGlare: z.boolean().default(false),
          /** Largest interval it accepts as UAS: a larger offer is lowered in the 2xx (RFC 4028 §9); 0 = any. */
          maxSessionExpires: z.number().int().min(0).max(86400).default(0),
        })
        .strict(),
      assumed: z.array(z.string()),
      allowUpdate: z.boolean(),
      /** What it answers to an UPDATE: 200, 405, 501, or nothing at all (defect F7). */
      answersUpdate: z.enum(['ok', '405', '501', 'never']),
      answersReinvite: z.boolean(),
      media: z.object({ video: z.boolean(), t38: z.boolean(), refer: z.boolean() }).strict(),
      defects: z.array(z.string()),
    })
    .strict();
}

export const endpointProfileSchema = endpointProfileSchemaWith(90);
/** The same with Min-SE allowed below 90 s (--allow-short-session-expires only). */
export const shortEndpointProfileSchema = endpointProfileSchemaWith(1);

export type EndpointProfile = z.infer<typeof endpointProfileSchema>;

export const defectTableSchema = z
  .object({
    description: z.string(),
    defects: z.record(
      z.string(),
      z.object({ failureMode: z.string(), description: z.string(), set: z.record(z.string(), z.unknown()) }).strict(),
    ),
  })
  .strict();

export type DefectTable = z.infer<typeof defectTableSchema>;

export const MIDCALL_PURPOSES = ['refresh', 'video', 'hold', 'resume', 'fax', 'transfer'] as const;

/** Who supports session timers, for 15.1(2)T `session refresh`: both ends, the UAC only, the UAS only, neither. */
export const SESSION_REFRESH_CASES = ['both', 'uac-only', 'uas-only', 'neither'] as const;
export type SessionRefreshCase = (typeof SESSION_REFRESH_CASES)[number];
/**
 * pass: the ends refresh, the border element passes refreshes across (as without the command).
 * uac-refreshes-or-cube: the UAC refreshes when the INVITE names no refresher or uac, the border
 * element answering it with an interval and running the expiry on that leg; with refresher=uas
 * the border element refreshes that leg itself. uas-refreshes-or-cube: the same toward the UAS.
 * cube-refreshes: the border element refreshes, running the interval alone toward the UAS.
 */
export const SESSION_REFRESH_ACTIONS = [
  'pass',
  'uac-refreshes-or-cube',
  'uas-refreshes-or-cube',
  'cube-refreshes',
] as const;
export type SessionRefreshAction = (typeof SESSION_REFRESH_ACTIONS)[number];
export type MidcallPurpose = (typeof MIDCALL_PURPOSES)[number];

const midcallRule = z.discriminatedUnion('action', [
  z.object({ action: z.literal('relay') }).strict(),
  z.object({ action: z.literal('reject'), status: z.number().int().min(400).max(699) }).strict(),
  z.object({ action: z.literal('answer-locally'), fulfils: z.boolean(), reason: z.string().optional() }).strict(),
]);
export type MidcallRule = z.infer<typeof midcallRule>;

const midcallMode = z
  .object({
    source: z.string().min(1).optional(),
    assumed: z.string().min(1).optional(),
    requests: z
      .object(
        Object.fromEntries(MIDCALL_PURPOSES.map((p) => [p, midcallRule])) as Record<MidcallPurpose, typeof midcallRule>,
      )
      .strict(),
  })
  .strict()
  .refine((v) => (v.source === undefined) !== (v.assumed === undefined), {
    message: 'give exactly one of "source" or "assumed"',
  });

export const borderElementModelSchema = z
  .object({
    description: z.string(),
    sessionTimer: z
      .object({
        rejectBelowMinSe: sourced(z.boolean()),
        insertMinSe: sourced(z.boolean()),
        originatesRefresh: sourced(z.boolean()),
        gatewayHonoursTimers: sourced(z.boolean()),
        allowUpdate: sourced(z.boolean()),
        answerBelowRequestMinSe: sourced(z.enum(['raise', 'end-call'])),
        whenMinSeNotConfigured: sourced(z.enum(['enforce-default', 'accept-any'])),
        updateWithoutRelay: sourced(z.enum(['answer-locally', 'reject'])),
      })
      .strict(),
    optionsPing: z.object({ failureEndsCall: sourced(z.boolean()) }).strict(),
    tryingAtOnce: sourced(z.boolean()),
    /**
     * 15.1(2)T `session refresh` (global or per dial-peer, on at least one leg): what the border
     * element does, by whether the UAC and the UAS support session timers (Cisco's 16-row table).
     */
    sessionRefresh: z
      .object({
        source: z.string().min(1),
        assumed: z.string().min(1),
        cases: z
          .object(
            Object.fromEntries(SESSION_REFRESH_CASES.map((c) => [c, z.enum(SESSION_REFRESH_ACTIONS)])) as Record<
              SessionRefreshCase,
              z.ZodEnum<{ [K in SessionRefreshAction]: K }>
            >,
          )
          .strict(),
      })
      .strict(),
    /**
     * The border element's own defects (Cisco bugs), off unless an experiment switches them on
     * (its field borderElement.defects): each with the probability it fires.
     */
    defects: z
      .record(
        z.string(),
        z
          .object({
            bug: z.string().min(1),
            description: z.string().min(1),
            source: z.string().min(1).optional(),
            assumed: z.string().min(1).optional(),
            /** Probability that a refresh re-INVITE it should relay is ignored: no answer at all. */
            ignoresRefreshProbability: z.number().min(0).max(1),
            enabled: z.boolean().default(false),
          })
          .strict()
          .refine((v) => v.source !== undefined || v.assumed !== undefined, { message: 'give "source" or "assumed"' }),
      )
      .default({}),
    midcall: z
      .object({
        'post-xz': z.partialRecord(z.enum(['none', 'passthru', 'passthru-media-change', 'block']), midcallMode),
        'pre-xz': z.partialRecord(z.enum(['none']), midcallMode),
      })
      .strict(),
  })
  .strict();

export type BorderElementModel = z.infer<typeof borderElementModelSchema>;
export type MidcallTable = Record<MidcallPurpose, MidcallRule>;

/** Applies dotted-path overrides ("timer.reading": "dialog") to a copy of a profile. */
export function withOverrides(
  profile: EndpointProfile,
  set: Record<string, unknown>,
  schema: z.ZodType<EndpointProfile> = endpointProfileSchema,
): EndpointProfile {
  const copy: Record<string, unknown> = structuredClone(profile);
  for (const [path, value] of Object.entries(set).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    setPath(copy, path, value);
  return schema.parse(copy);
}

/** The profile with its switched-on defects applied. */
export function effectiveProfile(
  profile: EndpointProfile,
  defects: DefectTable,
  schema: z.ZodType<EndpointProfile> = endpointProfileSchema,
): EndpointProfile {
  let p = profile;
  for (const id of profile.defects) {
    const d = defects.defects[id];
    if (d === undefined) throw new Error(`unknown defect "${id}"`);
    p = withOverrides(p, d.set, schema);
  }
  return p;
}

export function timerBehaviourOf(p: EndpointProfile): TimerBehaviour {
  const t = p.timer;
  return {
    supportsTimer: t.supported,
    runsTimers: t.supported,
    sessionExpires: t.sessionExpires,
    minSe: t.minSe,
    requestRefresher: t.requestRefresher === 'none' ? '' : t.requestRefresher,
    preferredRefresher: t.preferredRefresher,
    refreshMethod: t.refreshMethod,
    expiryRule: t.expiryRule,
    reading: t.reading,
    retry422: t.retry422,
    max422Retries: t.max422Retries,
    skipRefreshWhenBusy: t.skipRefreshWhenBusy,
    byeOnRefreshRejected: t.byeOnRefreshRejected,
    aloneIfSilent: t.aloneIfSilent,
    omitSeWhenNoRefresher: t.omitSeWhenNoRefresher,
    ignoreMinSeWithoutSe: t.ignoreMinSeWithoutSe,
    neverRefreshes: t.neverRefreshes,
    hangUpOnGlare: t.hangUpOnGlare,
    maxSessionExpires: t.maxSessionExpires,
    allowUpdate: p.allowUpdate,
  };
}
