// The experiment file: everything a run needs, by name (platform, profiles) or by path
// (configuration, relative to the experiment file). Validated strictly: an unknown field is
// an error, and every number has the range the RFCs or the release allow.
import { z } from 'zod';

const seconds = z.number().finite().nonnegative();
const positive = z.number().finite().positive();

const link = z
  .object({
    latency: seconds.max(10).default(0.02),
    jitter: seconds.max(10).default(0),
    loss: z.number().min(0).max(1).default(0),
  })
  .strict();

const holding = z.discriminatedUnion('distribution', [
  z.object({ distribution: z.literal('exponential'), mean: positive }).strict(),
  z.object({ distribution: z.literal('lognormal'), mean: positive, sd: positive }).strict(),
  z.object({ distribution: z.literal('fixed'), value: positive }).strict(),
]);

const weighted = z.array(z.object({ profile: z.string().min(1), weight: positive.default(1) }).strict()).min(1);

const feature = z
  .object({ probability: z.number().min(0).max(1).default(0) })
  .strict()
  .default({ probability: 0 });

/**
 * Session-Expires values: 0 (none) or at least the RFC 4028 floor of 90 s (§4, §5); `floor` is
 * lower only with --allow-short-session-expires (emulate and trace).
 */
const sessionIntervalFrom = (floor: number, zeroMeans = 'no timer') =>
  z
    .number()
    .int()
    .refine((v) => v === 0 || (v >= floor && v <= 86400), {
      message:
        floor === 90
          ? `must be 0 (${zeroMeans}) or 90-86400 seconds (RFC 4028 §4, §5)`
          : `must be 0 (${zeroMeans}) or ${floor}-86400 seconds`,
    });

const endpointOverrideFrom = (floor: number) =>
  z
    .object({
      /** Defect ids from models/defects.json switched on for this profile. */
      defects: z.array(z.string()).default([]),
      timer: z
        .object({
          sessionExpires: sessionIntervalFrom(floor).optional(),
          minSe: z.number().int().min(floor).max(86400).optional(),
          requestRefresher: z.enum(['none', 'uac', 'uas']).optional(),
          preferredRefresher: z.enum(['uac', 'uas']).optional(),
          /** As UAS, lower a larger offered interval to this (RFC 4028 §9); 0 = never. */
          maxSessionExpires: sessionIntervalFrom(floor, 'never lowers').optional(),
          refreshMethod: z.enum(['invite', 'update', 'update-if-allowed', 'update-fallback-invite']).optional(),
          expiryRule: z.enum(['rfc', 'factor-1.1', 'se', 'se-plus-32']).optional(),
          retry422: z.boolean().optional(),
          max422Retries: z.number().int().min(0).max(10).optional(),
        })
        .strict()
        .default({}),
      allowUpdate: z.boolean().optional(),
      answersUpdate: z.enum(['ok', '405', '501', 'never']).optional(),
    })
    .strict();

// ---- promises: the figures an experiment's lookAt quotes, as data a test checks exactly ----

const cell = z.union([z.string(), z.number()]);

/** Facts of calls.csv: the rows matching `where` (column = value). */
const callsPromise = z
  .object({
    where: z.record(z.string(), cell).default({}),
    /** How many rows match. */
    count: z.number().int().nonnegative().optional(),
    /** ended_s - answered_s of every matching row: one value, or [lowest, highest]. */
    lifetime: z.union([z.number(), z.tuple([z.number(), z.number()])]).optional(),
    /** Decimals the lifetime is compared at (default: as many as it is written with). */
    decimals: z.number().int().min(0).max(6).optional(),
    /** Columns every matching row has. */
    columns: z.record(z.string(), cell).optional(),
  })
  .strict();

/** Facts of timeseries.csv: a column over the rows with from <= t_start_s < to, to the decimals written. */
const seriesPromise = z
  .object({
    column: z.string().min(1),
    from: z.number().nonnegative().default(0),
    to: z.number().positive().optional(),
    /** The column's mean over those rows. */
    mean: z.number().optional(),
    /** Its lowest and highest value there. */
    range: z.tuple([z.number(), z.number()]).optional(),
    /** The values themselves, row by row. */
    values: z.array(z.number()).optional(),
  })
  .strict();

/** A run of the experiment (as it is, or changed as `set`, `config`, `platform` say) and what its first replication gives. */
const runPromise = z
  .object({
    set: z.array(z.string()).default([]),
    config: z.string().optional(),
    platform: z.string().optional(),
    /** summary.json figures by dotted path, to the decimals written. */
    summary: z.record(z.string(), z.number()).default({}),
    calls: z.array(callsPromise).default([]),
    timeseries: z.array(seriesPromise).default([]),
  })
  .strict();

/** `cubesim compare` of the experiment: sides as --a and --b take them, and what changes. */
const comparePromise = z
  .object({
    a: z.array(z.string()).min(1),
    b: z.array(z.string()).min(1),
    /** Calls whose fate changed (first replication). */
    changed: z.number().int().nonnegative(),
    /** Figures as [A, B]. */
    figures: z.record(z.string(), z.tuple([z.number(), z.number()])).default({}),
  })
  .strict();

export const promisesSchema = z
  .object({
    runs: z.array(runPromise).default([]),
    compare: comparePromise.optional(),
  })
  .strict();
export type Promises = z.infer<typeof promisesSchema>;

/** The experiment schema with Session-Expires and Min-SE allowed down to `floor` seconds. */
const experimentSchemaFrom = (floor: number) =>
  z
    .object({
      $schema: z.string().optional(),
      name: z
        .string()
        .min(1)
        .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only'),
      description: z.string().default(''),
      /** What to look at in the results (teaching experiments). */
      lookAt: z.string().optional(),
      /** The figures lookAt quotes, checked exactly by the tests on the full run (seed as given). */
      promises: promisesSchema.optional(),
      seed: z.union([z.number().int(), z.string().min(1)]).default(1),
      platform: z.string().min(1),
      /** Path to IOS CLI text or JSON configuration, relative to this file. */
      config: z.string().min(1),
      calls: z.number().int().positive().optional(),
      until: positive.optional(),
      /** Independent replications, seeds derived from `seed`; summary figures get 95 % intervals. */
      replications: z.number().int().min(1).max(1000).default(1),
      /** Statistics start after this much simulated time. */
      warmup: seconds.default(0),
      workload: z
        .object({
          arrivals: z
            .object({
              rate: positive,
              profile: z
                .array(z.object({ from: seconds, rate: z.number().finite().nonnegative() }).strict())
                .min(1)
                .refine((p) => p[0]!.from === 0, { message: 'the first segment must start at 0' })
                .refine((p) => p.every((s, i) => i === 0 || s.from > p[i - 1]!.from), {
                  message: 'segments must be in increasing "from" order',
                })
                .optional(),
              periodSeconds: positive.optional(),
            })
            .strict(),
          holding,
          callers: weighted,
          callees: weighted,
          features: z
            .object({ video: feature, hold: feature, fax: feature, transfer: feature })
            .strict()
            .default({
              video: { probability: 0 },
              hold: { probability: 0 },
              fax: { probability: 0 },
              transfer: { probability: 0 },
            }),
          hangup: z.enum(['caller', 'callee', 'either']).default('either'),
          ringSeconds: seconds.max(300).default(0),
          /** Share of calls arriving over H.323 (interworked to SIP by the border element). */
          h323Share: z.number().min(0).max(1).default(0),
          holdSeconds: positive.max(3600).default(30),
        })
        .strict(),
      network: z
        .object({
          inbound: link.default({ latency: 0.02, jitter: 0, loss: 0 }),
          outbound: link.default({ latency: 0.02, jitter: 0, loss: 0 }),
        })
        .strict()
        .default({ inbound: { latency: 0.02, jitter: 0, loss: 0 }, outbound: { latency: 0.02, jitter: 0, loss: 0 } }),
      sip: z
        .object({ T1: positive.max(10).default(0.5), T2: positive.max(60).default(4), T4: positive.max(60).default(5) })
        .strict()
        .default({ T1: 0.5, T2: 4, T4: 5 }),
      /**
       * Replaces the platform model's capacity figures for this experiment (what-if sizing); the
       * manifest records them as set by the experiment.
       */
      capacity: z
        .object({
          maxSessions: z.number().int().positive().optional(),
          callsPerSecond: positive.optional(),
          cpuMsPerMessage: seconds.max(1000).optional(),
          cpuAdmissionPercent: z.number().min(1).max(100).optional(),
        })
        .strict()
        .default({}),
      /**
       * The other reading of an assumed border-element behaviour (models/border-element.json), for
       * this experiment: what a disputed choice changes, next to the shipped reading.
       */
      borderElement: z
        .object({
          sessionTimer: z
            .object({
              rejectBelowMinSe: z.boolean().optional(),
              answerBelowRequestMinSe: z.enum(['raise', 'end-call']).optional(),
              whenMinSeNotConfigured: z.enum(['enforce-default', 'accept-any']).optional(),
              updateWithoutRelay: z.enum(['answer-locally', 'reject']).optional(),
            })
            .strict()
            .default({}),
          /** The border element's own defects to switch on (ids of models/border-element.json "defects"). */
          defects: z.array(z.string()).default([]),
        })
        .strict()
        .default({ sessionTimer: {}, defects: [] }),
      /** Attempts for a feature re-INVITE that meets 491/500 before it is given up. */
      maxGlareRetries: z.number().int().min(0).max(20).default(3),
      /** Per-profile changes for this experiment: defects switched on, timer settings. */
      endpoints: z.record(z.string(), endpointOverrideFrom(floor)).default({}),
    })
    .strict()
    .refine((e) => e.calls !== undefined || e.until !== undefined, {
      message: 'a whole number of calls, or "until" in simulated seconds instead (or both)',
      path: ['calls'],
    });

export const experimentSchema = experimentSchemaFrom(90);
/**
 * Session intervals below RFC 4028's 90 s: only for `cubesim emulate` and the `cubesim trace`
 * that predicts it, behind --allow-short-session-expires, so that a real-time run stays short.
 */
export const shortExperimentSchema = experimentSchemaFrom(1);

export type Experiment = z.infer<typeof experimentSchema>;
export type ExperimentInput = z.input<typeof experimentSchema>;
