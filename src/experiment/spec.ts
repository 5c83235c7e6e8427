// The simulation spec of a validated experiment: pure (no files), shared by the CLI's loader and
// the browser notebooks so both build exactly the same model from the same experiment.
import type { Platform } from '../config/platform.ts';
import type { BorderElementConfig } from '../config/types.ts';
import type { BorderElementModel, EndpointProfile } from '../elements/models.ts';
import type { SimulationSpec } from '../elements/simulation.ts';
import type { Experiment } from './schema.ts';

/** The simulation spec of a validated experiment and the models it resolved to. */
export function specFor(experiment: Experiment, platform: Platform, config: BorderElementConfig, borderElement: BorderElementModel, profiles: Record<string, EndpointProfile>): SimulationSpec {
  const w = experiment.workload;
  return {
    seed: experiment.seed,
    platform,
    config,
    borderElement,
    profiles,
    workload: {
      arrivals: { rate: w.arrivals.rate, ...(w.arrivals.profile ? { profile: w.arrivals.profile } : {}), ...(w.arrivals.periodSeconds ? { periodSeconds: w.arrivals.periodSeconds } : {}) },
      holding: w.holding,
      callers: w.callers,
      callees: w.callees,
      features: w.features,
      hangup: w.hangup,
      ringSeconds: w.ringSeconds,
      h323Share: w.h323Share,
    },
    network: experiment.network,
    sip: experiment.sip,
    features: { holdSeconds: w.holdSeconds, maxGlareRetries: experiment.maxGlareRetries },
  };
}

