// What every lint rule looks at, computed once: the configuration, its platform and model, the
// endpoint profiles that may sit on the two legs, the mid-call table of this release and mode,
// and the outcome of a call setup for every pair of profiles that meet (pairing.ts). Pure:
// everything is passed in (models are read by experiment/load.ts and the caller).

import type { Platform } from '../config/platform.ts';
import type { BorderElementConfig, GatedCommand } from '../config/types.ts';
import type { BorderElementModel, DefectTable, EndpointProfile, MidcallTable } from '../elements/models.ts';
import { compare, type Finding } from './findings.ts';
import { pairOutcomes, type PairOutcome } from './pairing.ts';
import { assumedTag } from './wording.ts';

export interface LintInput {
  config: BorderElementConfig;
  platform: Platform;
  model: BorderElementModel;
  /** Effective profiles (defects applied), the peers that may sit on either leg. */
  profiles: EndpointProfile[];
  /** models/defects.json, to describe the defects switched on in `profiles`. */
  defects?: DefectTable;
  /** The caller and callee ids that meet (an experiment's workload); every ordered pair of `profiles` when absent. */
  pairs?: ReadonlyArray<readonly [string, string]>;
}

export interface Context {
  config: BorderElementConfig;
  platform: Platform;
  model: BorderElementModel;
  profiles: EndpointProfile[];
  defects: DefectTable | undefined;
  /** What the border element does with each kind of mid-call request on this release and mode. */
  table: MidcallTable | undefined;
  /** The table's provenance, as "(assumed, Q1)" or "". */
  tableAssumed: string;
  pairs: PairOutcome[];
}

/** A lint rule: the findings of one kind for this context. */
export type Rule = (ctx: Context) => Finding[];

export function buildContext(input: LintInput): Context {
  const byId = new Map<string, EndpointProfile>();
  for (const p of input.profiles) if (!byId.has(p.id)) byId.set(p.id, p);
  const profiles = [...byId.values()].sort((a, b) => compare(a.id, b.id));
  const releaseTable = input.model.midcall[input.platform.release.midcallBehaviour] as Record<
    string,
    { requests: MidcallTable; assumed?: string | undefined } | undefined
  >;
  const mode = releaseTable[input.config.midcallSignaling];
  return {
    config: input.config,
    platform: input.platform,
    model: input.model,
    profiles,
    defects: input.defects,
    table: mode?.requests,
    tableAssumed: mode === undefined ? '' : assumedTag(mode),
    pairs: pairOutcomes(profiles, input.pairs, input.config, input.model),
  };
}

/** The configuration line that set `command`, if it was read from a file with lines. */
export function lineOf(config: BorderElementConfig, command: GatedCommand): number | undefined {
  let line: number | undefined;
  for (const use of config.uses) if (use.command === command && use.at.line !== undefined) line = use.at.line; // the last one wins, as in IOS
  return line;
}
