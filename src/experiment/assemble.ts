// The one way a validated experiment becomes a SimulationSpec, wherever its models are kept: the
// CLI's loader (load.ts) reads them from the models folder, a browser page has them bundled
// (browser/bundled-models.ts). Both give their sources here and the checks run in one order, so
// that both refuse the same experiment with the same message. Pure: the configuration comes as
// text.

import type { z } from 'zod';
import type { ConfigReadOptions } from '../config/ranges.ts';
import type { Platform } from '../config/platform.ts';
import type { BorderElementModel, DefectTable, EndpointProfile } from '../elements/models.ts';
import type { SimulationSpec } from '../elements/simulation.ts';
import type { Experiment } from './schema.ts';
import {
  checkedConfig,
  checkMidcallModelled,
  resolveProfiles,
  specFor,
  withCapacity,
  withModelChoices,
} from './spec.ts';

/**
 * Where the models an experiment names come from. Each is fetched only when its turn comes, so
 * that a model file that cannot be read is reported only once the configuration has passed.
 */
export interface ModelSource {
  /** The border element's behaviour tables, before the experiment's choices. */
  borderElement: () => BorderElementModel;
  /** Ids of the endpoint profiles there are. */
  endpointIds: () => readonly string[];
  /** An endpoint profile by id, as kept (before the experiment's overrides and defects). */
  endpoint: (id: string) => EndpointProfile;
  defects: () => DefectTable;
}

/** The configuration of an experiment, as text, with the name errors give it. */
export interface ConfigSource {
  text: string;
  name: string;
  options?: ConfigReadOptions;
}

/**
 * The spec of a validated experiment on `platform` (its capacity replaced by the experiment's):
 * the configuration checked against the release, the border element's model with the
 * experiment's choices (which must carry the configured midcall mode), and the profiles of its
 * callers and callees resolved, checked against `profileSchema` when given.
 */
export function assembleSpec(
  experiment: Experiment,
  file: string,
  platform: Platform,
  config: ConfigSource,
  models: ModelSource,
  profileSchema?: z.ZodType<EndpointProfile>,
): SimulationSpec {
  const sized = withCapacity(platform, experiment.capacity, file);
  const checked = checkedConfig(config.text, sized, config.name, config.options);
  const borderElement = withModelChoices(models.borderElement(), experiment, file);
  checkMidcallModelled(borderElement, sized, checked, config.name);
  const profiles = resolveProfiles(
    experiment,
    file,
    models.endpointIds(),
    models.endpoint,
    models.defects(),
    profileSchema,
  );
  return specFor(experiment, sized, checked, borderElement, profiles);
}
