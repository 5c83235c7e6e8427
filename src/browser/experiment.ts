// A page's settings to a checked experiment: the settings in the shape of an experiment file,
// the configuration as text, the models bundled (bundled-models.ts). Everything is checked with
// the same schemas and rules as src/experiment/load.ts (experiment/assemble.ts), so a page
// refuses exactly what `cubesim run` refuses, with the same one-line InputError (the page shows
// `err.message` as text).

import type { BorderElementConfig } from '../config/types.ts';
import type { SimulationSpec } from '../elements/simulation.ts';
import { assembleSpec } from '../experiment/assemble.ts';
import { experimentAllowed, unknownId } from '../experiment/spec.ts';
import { experimentSchema, type Experiment, type ExperimentInput } from '../experiment/schema.ts';
import { validate } from '../schema-errors.ts';
import { borderElement, defects, platforms, profiles } from './bundled-models.ts';

/**
 * What a page asks for: an experiment file's fields (README "Experiment files"), except that
 * the configuration is given as text rather than as a path. `name` is optional here.
 */
export type BuildOptions = Omit<ExperimentInput, '$schema' | 'config' | 'name'> & {
  name?: string;
  /** IOS CLI text (or the JSON form), as `cubesim run` would read from the configuration file. */
  configText: string;
  /** How errors in the configuration text name it (default "configuration"). */
  configName?: string;
  /** How errors in the other settings name them (default "settings"). */
  settingsName?: string;
};

/** The checked experiment with its spec: the fields of load.ts's LoadedExperiment. */
export interface BrowserExperiment {
  file: string;
  experiment: Experiment;
  configPath: string;
  configText: string;
  config: BorderElementConfig;
  spec: SimulationSpec;
}

/**
 * Checks the settings and the configuration and resolves everything they name, with the rules
 * of `cubesim run`; any problem is an InputError whose message is one line for the page.
 */
export function buildExperiment(options: BuildOptions): BrowserExperiment {
  const file = options.settingsName ?? 'settings';
  const configFile = options.configName ?? 'configuration';
  const { configText, configName: _c, settingsName: _s, ...fields } = options;
  const experiment = validate(
    experimentSchema,
    { name: 'notebook', ...structuredClone(fields), config: configFile },
    file,
    experimentAllowed({ platforms: () => Object.keys(platforms), endpoints: () => Object.keys(profiles) }),
  );

  const platformIds = Object.keys(platforms);
  const base = platforms[experiment.platform];
  if (base === undefined) throw unknownId(file, 'field platform', 'platform', experiment.platform, platformIds);
  const spec = assembleSpec(
    experiment,
    file,
    base,
    { text: configText, name: configFile },
    {
      borderElement: () => borderElement,
      endpointIds: () => Object.keys(profiles),
      endpoint: (id) => profiles[id]!,
      defects: () => defects,
    },
  );
  return { file, experiment, configPath: configFile, configText, config: spec.config, spec };
}
