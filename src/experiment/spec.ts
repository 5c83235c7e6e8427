// The simulation spec of a validated experiment: pure (no files), shared by the CLI's loader and
// the browser notebooks so both build exactly the same model from the same experiment.
import type { Platform } from '../config/platform.ts';
import type { BorderElementConfig } from '../config/types.ts';
import type { ConfigReadOptions } from '../config/ios.ts';
import { loadConfigText } from '../config/json.ts';
import { checkAgainstPlatform } from '../config/validate.ts';
import { InputError } from '../errors.ts';
import type { z } from 'zod';
import {
  effectiveProfile,
  endpointProfileSchema,
  withOverrides,
  type BorderElementModel,
  type DefectTable,
  type EndpointProfile,
} from '../elements/models.ts';
import type { SimulationSpec } from '../elements/simulation.ts';
import { closestMatch, show } from '../schema-errors.ts';
import type { Experiment } from './schema.ts';

/** Calls one run of an experiment simulates: its `calls`, or its base arrival rate times `until`. */
export function callsPerRun(e: Experiment): number {
  return e.calls ?? Math.ceil(e.workload.arrivals.rate * (e.until ?? 0));
}

/**
 * Reads a configuration's text (IOS CLI or JSON) and checks it against the platform's release.
 * Pure: the CLI reads the file, the browser pages have the text.
 */
export function checkedConfig(
  text: string,
  platform: Platform,
  file: string,
  options: ConfigReadOptions = {},
): BorderElementConfig {
  const config = loadConfigText(text, file, options);
  checkAgainstPlatform(config, platform, file);
  return config;
}

/** An id that names nothing known: the known ones, and the closest as a suggestion. */
export function unknownId(
  file: string,
  field: string | undefined,
  what: string,
  id: string,
  known: readonly string[],
): InputError {
  const guess = closestMatch(id, known);
  return new InputError(
    file,
    field,
    `unknown ${what} ${show(id)}; allowed: ${known.join(', ')}${guess === undefined ? '' : `; did you mean "${guess}"?`}`,
  );
}

/** The platform with the experiment's capacity figures in place of the model's. */
export function withCapacity(platform: Platform, capacity: Experiment['capacity'], file: string): Platform {
  const cap = { ...platform.capacity };
  for (const [k, v] of Object.entries(capacity) as Array<[keyof Platform['capacity'], number | undefined]>) {
    if (v !== undefined) cap[k] = { value: v, assumed: `set by the experiment ${file}` };
  }
  return { ...platform, capacity: cap };
}

/** The border element's behaviour table must have the configured midcall mode for this release. */
export function checkMidcallModelled(
  model: BorderElementModel,
  platform: Platform,
  config: BorderElementConfig,
  configFile: string,
): void {
  const mode = (model.midcall[platform.release.midcallBehaviour] as Record<string, unknown>)[config.midcallSignaling];
  if (mode === undefined)
    throw new InputError(
      configFile,
      undefined,
      `midcall-signaling ${config.midcallSignaling} is not modelled for ${platform.name}`,
    );
}

/**
 * The endpoint profiles an experiment uses (its callers and callees), each with the experiment's
 * overrides and its defects applied. `read` gives a profile by id from wherever the models are.
 */
export function resolveProfiles(
  experiment: Experiment,
  file: string,
  known: readonly string[],
  read: (id: string) => EndpointProfile,
  defects: DefectTable,
  /** The profile schema overrides are checked against (a lower Min-SE floor only for short-interval emulation). */
  schema: z.ZodType<EndpointProfile> = endpointProfileSchema,
): Record<string, EndpointProfile> {
  const profiles: Record<string, EndpointProfile> = {};
  const w = experiment.workload;
  const wanted = [
    ...w.callers.map((c, i) => ({ id: c.profile, field: `workload.callers.${i}.profile` })),
    ...w.callees.map((c, i) => ({ id: c.profile, field: `workload.callees.${i}.profile` })),
  ];
  for (const { id, field } of wanted) {
    if (profiles[id] !== undefined) continue;
    if (!known.includes(id)) throw unknownId(file, `field ${field}`, 'endpoint profile', id, known);
    let p = read(id);
    const o = experiment.endpoints[id];
    if (o !== undefined) {
      const set: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(o.timer)) if (v !== undefined) set[`timer.${k}`] = v;
      if (o.allowUpdate !== undefined) set['allowUpdate'] = o.allowUpdate;
      if (o.answersUpdate !== undefined) set['answersUpdate'] = o.answersUpdate;
      p = withOverrides(p, set, schema);
      p = { ...p, defects: [...p.defects, ...o.defects] };
    }
    for (const [i, d] of p.defects.entries()) {
      if (defects.defects[d] === undefined)
        throw unknownId(file, `field endpoints.${id}.defects.${i}`, 'defect', d, Object.keys(defects.defects).sort());
    }
    const t = p.timer;
    // RFC 4028 §5, §7.1: the INVITE a caller sends never asks for a Session-Expires below its own
    // Min-SE (as a callee the profile's interval is only what it asks for when a request has none,
    // and never below its minimum: RFC 4028 §9, negotiateAsUas).
    const caller = w.callers.some((c) => c.profile === id);
    if (caller && t.supported && t.sessionExpires > 0 && t.sessionExpires < t.minSe) {
      throw new InputError(
        file,
        `field endpoints.${id}.timer`,
        `sessionExpires ${t.sessionExpires} is below minSe ${t.minSe}; allowed: sessionExpires 0 (no interval asked for) or at least minSe, since RFC 4028 §5 and §7.1 forbid a request whose Session-Expires is below its own Min-SE`,
      );
    }
    profiles[id] = effectiveProfile(p, defects, schema);
  }
  for (const id of Object.keys(experiment.endpoints)) {
    if (profiles[id] === undefined) {
      throw new InputError(
        file,
        `field endpoints.${id}`,
        `profile ${show(id)} is not used by any caller or callee of this experiment; allowed: a profile of workload.callers or workload.callees (${Object.keys(profiles).join(', ')})`,
      );
    }
  }
  return profiles;
}

/** The simulation spec of a validated experiment and the models it resolved to. */
export function specFor(
  experiment: Experiment,
  platform: Platform,
  config: BorderElementConfig,
  borderElement: BorderElementModel,
  profiles: Record<string, EndpointProfile>,
): SimulationSpec {
  const w = experiment.workload;
  return {
    seed: experiment.seed,
    platform,
    config,
    borderElement,
    profiles,
    workload: {
      arrivals: {
        rate: w.arrivals.rate,
        ...(w.arrivals.profile ? { profile: w.arrivals.profile } : {}),
        ...(w.arrivals.periodSeconds ? { periodSeconds: w.arrivals.periodSeconds } : {}),
      },
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

/**
 * What an experiment's fields allow, where the schema alone would say only "string"; the ids come
 * from whoever knows them (the models folder for the CLI, the bundled models for a page).
 */
export function experimentAllowed(ids: {
  platforms: () => readonly string[];
  endpoints: () => readonly string[];
}): (pattern: string) => string | undefined {
  return (pattern) => {
    switch (pattern) {
      case 'name':
        return 'a name of letters, digits, ".", "_" and "-"';
      case 'platform':
        return `a platform id: ${ids.platforms().join(', ')}`;
      case 'config':
        return 'a path to an IOS or JSON configuration file, relative to the experiment file';
      case 'workload.callers.*.profile':
      case 'workload.callees.*.profile':
        return `an endpoint profile id: ${ids.endpoints().join(', ')}`;
      case 'workload.holding':
        return '{"distribution": "exponential", "mean": S}, {"distribution": "lognormal", "mean": S, "sd": S} or {"distribution": "fixed", "value": S}';
      default:
        return undefined;
    }
  };
}

/**
 * The border element model with the assumed choices an experiment makes otherwise (its field
 * borderElement.sessionTimer); each one it changes says so in its `assumed` text.
 */
export function withModelChoices(model: BorderElementModel, experiment: Experiment, file: string): BorderElementModel {
  const chosen = experiment.borderElement.sessionTimer;
  const keys = (Object.keys(chosen) as Array<keyof typeof chosen>).filter((k) => chosen[k] !== undefined).sort();
  const defects = experiment.borderElement.defects;
  if (keys.length === 0 && defects.length === 0) return model;
  const m = structuredClone(model);
  defects.forEach((id, i) => {
    const d = m.defects[id];
    const known = Object.keys(m.defects).sort();
    if (d === undefined)
      throw new InputError(
        file,
        `field borderElement.defects[${i}]`,
        `unknown border element defect ${JSON.stringify(id)}; allowed: ${known.length === 0 ? 'none (models/border-element.json lists none)' : known.join(', ')}`,
      );
    d.enabled = true;
  });
  const st = m.sessionTimer as Record<string, { value: unknown; source?: string; assumed?: string }>;
  for (const k of keys) {
    const was = st[k]!;
    st[k] = {
      value: chosen[k],
      assumed: `set by the experiment (borderElement.sessionTimer.${k}); the model file's reading is ${JSON.stringify(was.value)}: ${was.assumed ?? was.source ?? ''}`,
    };
  }
  return m;
}
