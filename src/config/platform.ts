// A platform is a release running on a piece of hardware: which commands the release has
// (its gates), how it treats mid-call signalling, and what the box can carry. Every capacity
// figure says where it comes from (`source`) or that it is `assumed` (domain-facts §4.3, Q6).
import { z } from 'zod';
import { GATED_COMMANDS } from './types.ts';

/** A modelled figure or behaviour and where it comes from: exactly one of `source` or `assumed`. */
export const sourced = <T extends z.ZodType>(value: T) =>
  z
    .object({ value, source: z.string().min(1).optional(), assumed: z.string().min(1).optional() })
    .strict()
    .refine((v) => (v.source === undefined) !== (v.assumed === undefined), {
      message: 'give exactly one of "source" or "assumed"',
    });

const sourcedNumber = sourced(z.number().nonnegative());

export const platformSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    release: z
      .object({
        id: z.string().min(1),
        train: z.string().min(1),
        source: z.string().min(1),
        /**
         * pre-xz: releases up to 12.4(15)XZ, no midcall-signaling; refresh across the border
         * element relied on in-dialog OPTIONS (C1). post-xz: midcall-signaling exists.
         */
        midcallBehaviour: z.enum(['pre-xz', 'post-xz']),
        commands: z.array(z.enum(GATED_COMMANDS)),
        /** CUBE sends UPDATE toward a SIP leg, so a refresh UPDATE can be passed from one leg to the other. */
        sipToSipUpdate: sourced(z.boolean()),
        commandSources: z.record(z.string(), z.string()).optional(),
      })
      .strict(),
    capacity: z
      .object({
        maxSessions: sourcedNumber,
        callsPerSecond: sourcedNumber,
        cpuMsPerMessage: sourcedNumber,
        cpuAdmissionPercent: sourcedNumber,
      })
      .strict(),
  })
  .strict();

export type Platform = z.infer<typeof platformSchema>;
