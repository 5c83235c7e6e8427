// Reads an experiment file and everything it names (platform, configuration, endpoint
// profiles, behaviour tables) into one validated SimulationSpec. Every problem is an
// InputError naming the file and the field or line; nothing is run or written before all of
// it has been checked.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { loadConfigText } from '../config/json.ts';
import type { ConfigReadOptions } from '../config/ios.ts';
import { platformSchema, type Platform } from '../config/platform.ts';
import { checkAgainstPlatform } from '../config/validate.ts';
import type { BorderElementConfig } from '../config/types.ts';
import { InputError, isInputError } from '../errors.ts';
import { PROJECT_DIR } from '../package-info.ts';
import { isInside, realOrSame } from '../paths.ts';
import {
  borderElementModelSchema,
  defectTableSchema,
  effectiveProfile,
  endpointProfileSchema,
  shortEndpointProfileSchema,
  type BorderElementModel,
  type DefectTable,
  type EndpointProfile,
} from '../elements/models.ts';
import type { SimulationSpec } from '../elements/simulation.ts';
import { kindOf, parseJsonText, show, validate } from '../schema-errors.ts';
import { experimentSchema, shortExperimentSchema, type Experiment } from './schema.ts';
import { assembleSpec } from './assemble.ts';
import { checkedConfig, experimentAllowed, specFor, unknownId, withModelChoices } from './spec.ts';
import { setPath } from '../config/json-path.ts';

export { PROJECT_DIR };

// Models folder: $CUBESIM_MODELS when set (your own platform and endpoint profiles), else the project's models/.
export const MODELS_DIR = process.env['CUBESIM_MODELS']
  ? resolve(process.env['CUBESIM_MODELS'])
  : resolve(PROJECT_DIR, 'models');

/** Shown in errors: paths relative to the working directory when that is shorter. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.length > 0 && !rel.startsWith('..') ? rel : path;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      displayPath(path),
      undefined,
      code === 'ENOENT' ? `${what} not found` : `${what} cannot be read (${code ?? String(e)})`,
    );
  }
}

/** Parses JSON text; a syntax error names the line and column, on one line (shared with the configuration reader). */
export { parseJsonText };

function readModel<S extends z.ZodType>(schema: S, path: string): z.infer<S> {
  const file = displayPath(path);
  return validate(schema, parseJsonText(readText(path, 'model file'), file), file);
}

function modelIds(sub: string): string[] {
  const dir = resolve(MODELS_DIR, sub);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    const from = process.env['CUBESIM_MODELS'] ? ' (the models folder comes from CUBESIM_MODELS)' : '';
    throw new InputError(
      displayPath(dir),
      undefined,
      `models folder cannot be read (${code})${from}; allowed: a folder with platforms/, endpoints/, defects.json and border-element.json`,
    );
  }
  return names
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

export function platformIds(): string[] {
  return modelIds('platforms');
}

export function endpointIds(): string[] {
  return modelIds('endpoints');
}

/** A platform model by id; an unknown id lists the known ones. */
export function loadPlatform(id: string, file: string, field?: string): Platform {
  const ids = platformIds();
  if (!ids.includes(id)) {
    throw unknownId(file, field, 'platform', id, ids);
  }
  return readModel(platformSchema, resolve(MODELS_DIR, 'platforms', `${id}.json`));
}

export function loadBorderElementModel(): BorderElementModel {
  return readModel(borderElementModelSchema, resolve(MODELS_DIR, 'border-element.json'));
}

export function loadDefects(): DefectTable {
  const path = resolve(MODELS_DIR, 'defects.json');
  const table = readModel(defectTableSchema, path);
  checkDefectOverrides(table, displayPath(path));
  return table;
}

/**
 * Every defect's `set` must name endpoint-profile fields with values they accept. Where a field
 * goes does not depend on the profile, so each defect is tried on one profile of the folder: a
 * wrong path is caught when the models are read, not as a crash when a profile switches it on.
 */
function checkDefectOverrides(table: DefectTable, file: string): void {
  const ids = endpointIds();
  if (ids.length === 0) return;
  const probe = readModel(endpointProfileSchema, resolve(MODELS_DIR, 'endpoints', `${ids[0]}.json`));
  for (const [id, defect] of Object.entries(table.defects)) {
    const copy: Record<string, unknown> = structuredClone(probe);
    for (const [path, value] of Object.entries(defect.set)) setPath(copy, path, value);
    try {
      validate(endpointProfileSchema, copy, file);
    } catch (e) {
      if (!isInputError(e)) throw e;
      const what = e.where === undefined ? e.reason : `${e.where}: ${e.reason}`;
      throw new InputError(file, `field defects.${id}.set`, `endpoint-profile ${what}`);
    }
  }
}

/** An endpoint profile by id with its own defects applied; an unknown id lists the known ones. */
export function loadEndpointProfile(id: string, file: string, field?: string): EndpointProfile {
  const known = endpointIds();
  if (!known.includes(id)) {
    throw unknownId(file, field, 'endpoint profile', id, known);
  }
  return effectiveProfile(
    readModel(endpointProfileSchema, resolve(MODELS_DIR, 'endpoints', `${id}.json`)),
    loadDefects(),
  );
}

/** Commands a release may accept whose behaviour the model does not carry yet. */
/** Reads a configuration (IOS text or JSON) and checks it against the platform's release. */
export function loadConfig(path: string, platform: Platform, options: ConfigReadOptions = {}): BorderElementConfig {
  return checkedConfig(readText(path, 'configuration file'), platform, displayPath(path), options);
}

/** `path=value` from the command line: the value is JSON when it parses as JSON, else a string. */
export function parseAssignment(text: string): { path: string; value: unknown } {
  const eq = text.indexOf('=');
  if (eq <= 0)
    throw new InputError('--set', undefined, `got ${show(text)}; allowed: path=value, e.g. workload.holding.mean=600`);
  const path = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1);
  if (!/^[A-Za-z_$][\w$]*(\.[\w$-]+)*$/.test(path))
    throw new InputError(
      '--set',
      undefined,
      `got path ${show(path)}; allowed: dotted field names, e.g. network.inbound.loss`,
    );
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // not JSON: the text itself
  }
  return { path, value };
}

export interface ExperimentOverrides {
  /** `path=value` assignments applied to the experiment before validation. */
  set?: string[];
  calls?: number;
  until?: number;
  replications?: number;
  warmup?: number;
  seed?: string | number;
  platform?: string;
  /** Configuration file given on the command line (relative to the working directory). */
  config?: string;
  /**
   * Session-Expires and Min-SE below RFC 4028's 90 s in the experiment, its profiles and its
   * configuration (--allow-short-session-expires: `cubesim trace` predicting a short emulation).
   */
  allowShortSessionExpires?: boolean;
}

export interface LoadedExperiment {
  file: string;
  experiment: Experiment;
  /** Absolute path of the configuration used. */
  configPath: string;
  /** The configuration text as read (kept in the manifest). */
  configText: string;
  spec: SimulationSpec;
}

/**
 * The run a results folder came from, rebuilt from its manifest.json (the resolved experiment,
 * the platform, the configuration text, the profiles): replaying it gives the same calls.
 */
export function loadFromManifest(dir: string): LoadedExperiment {
  const path = resolve(dir, 'manifest.json');
  const file = displayPath(path);
  const m = parseJsonText(readText(path, 'manifest'), file) as Record<string, unknown>;
  const experiment = validate(experimentSchema, m['experiment'], file);
  const platform = validate(platformSchema, m['platform'], file);
  const configFile = typeof m['configFile'] === 'string' ? m['configFile'] : 'config';
  const configText = typeof m['configText'] === 'string' ? m['configText'] : '';
  const config = loadConfigText(configText, `${file} (configText)`);
  checkAgainstPlatform(config, platform, `${file} (configText)`);
  const profiles: Record<string, EndpointProfile> = {};
  for (const [id, p] of Object.entries((m['profiles'] ?? {}) as Record<string, unknown>))
    profiles[id] = validate(endpointProfileSchema, p, file);
  const spec = specFor(
    experiment,
    platform,
    config,
    withModelChoices(loadBorderElementModel(), experiment, file),
    profiles,
  );
  return { file, experiment, configPath: resolve(dir, configFile), configText, spec };
}

/**
 * The experiment's `config` path, resolved relative to the experiment file. It must stay inside
 * the experiment's folder or the project (symlinks followed), so that an experiment file from
 * elsewhere cannot make cubesim read (and echo lines of) any file on the machine; a file
 * elsewhere is given explicitly with --config.
 */
function confinedConfigPath(experimentPath: string, config: string, file: string): string {
  const resolved = resolve(dirname(experimentPath), config);
  const real = realOrSame(resolved);
  const roots = [realOrSame(dirname(experimentPath)), realOrSame(PROJECT_DIR)];
  if (roots.some((root) => isInside(real, root))) {
    if (!existsSync(resolved)) {
      throw new InputError(
        file,
        'field config',
        `got ${show(config)}: configuration file ${displayPath(resolved)} not found; allowed: an IOS or JSON configuration file, relative to the experiment file`,
      );
    }
    return resolved;
  }
  const inside = isInside(roots[0]!, roots[1]!) ? roots[1]! : `${roots[0]!} or ${roots[1]!}`;
  throw new InputError(
    file,
    'field config',
    `got ${show(config)}, which resolves to ${real} and leaves the experiment's folder and the project; allowed: a path inside ${inside}; give a configuration elsewhere explicitly with --config`,
  );
}

/** Reads the experiment with its overrides and resolves everything it refers to. */
export function loadExperiment(path: string, overrides: ExperimentOverrides = {}): LoadedExperiment {
  const abs = resolve(path);
  const file = displayPath(abs);
  const raw = parseJsonText(readText(abs, 'experiment file'), file);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError(
      file,
      undefined,
      `got ${kindOf(raw)} (${show(raw)}); allowed: a JSON object with the experiment's fields (name, platform, config, workload, calls or until, ...)`,
    );
  }
  const obj = structuredClone(raw) as Record<string, unknown>;
  for (const s of overrides.set ?? []) {
    const { path: p, value } = parseAssignment(s);
    setPath(obj, p, value);
  }
  if (overrides.calls !== undefined) obj['calls'] = overrides.calls;
  if (overrides.until !== undefined) obj['until'] = overrides.until;
  if (overrides.replications !== undefined) obj['replications'] = overrides.replications;
  if (overrides.warmup !== undefined) obj['warmup'] = overrides.warmup;
  if (overrides.seed !== undefined) obj['seed'] = overrides.seed;
  if (overrides.platform !== undefined) obj['platform'] = overrides.platform;
  const short = overrides.allowShortSessionExpires === true;
  const experiment = validate(
    short ? shortExperimentSchema : experimentSchema,
    obj,
    file,
    experimentAllowed({ platforms: platformIds, endpoints: endpointIds }),
  );

  const platform = loadPlatform(experiment.platform, file, 'field platform');
  const configPath =
    overrides.config !== undefined ? resolve(overrides.config) : confinedConfigPath(abs, experiment.config, file);
  const configText = readText(configPath, 'configuration file');
  const spec = assembleSpec(
    experiment,
    file,
    platform,
    { text: configText, name: displayPath(configPath), options: { allowShortSessionExpires: short } },
    {
      borderElement: loadBorderElementModel,
      endpointIds,
      endpoint: (id) => readModel(endpointProfileSchema, resolve(MODELS_DIR, 'endpoints', `${id}.json`)),
      defects: loadDefects,
    },
    short ? shortEndpointProfileSchema : endpointProfileSchema,
  );
  return { file, experiment, configPath, configText, spec };
}
