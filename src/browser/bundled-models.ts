// The models bundled into a page (imported, not read: a page has no file system), each checked
// with the same schema as the models folder is by src/experiment/load.ts. Nothing here imports
// from Node.js.

import borderElementJson from '../../models/border-element.json' with { type: 'json' };
import defectsJson from '../../models/defects.json' with { type: 'json' };
import cucmJson from '../../models/endpoints/cucm.json' with { type: 'json' };
import freeswitchJson from '../../models/endpoints/freeswitch.json' with { type: 'json' };
import itspTrunkJson from '../../models/endpoints/itsp-trunk.json' with { type: 'json' };
import jssipJson from '../../models/endpoints/jssip.json' with { type: 'json' };
import legacyPbxJson from '../../models/endpoints/legacy-pbx.json' with { type: 'json' };
import pjsipJson from '../../models/endpoints/pjsip.json' with { type: 'json' };
import asr1000Json from '../../models/platforms/asr1000-xe-2.5.json' with { type: 'json' };
import isr124_11TJson from '../../models/platforms/isr-12.4-11T.json' with { type: 'json' };
import isr124_20TJson from '../../models/platforms/isr-12.4-20T.json' with { type: 'json' };
import isr151_2TJson from '../../models/platforms/isr-15.1-2T.json' with { type: 'json' };
import isr151_3TJson from '../../models/platforms/isr-15.1-3T.json' with { type: 'json' };
import { z } from 'zod';
import { platformSchema, type Platform } from '../config/platform.ts';
import {
  borderElementModelSchema,
  defectTableSchema,
  endpointProfileSchema,
  type BorderElementModel,
  type DefectTable,
  type EndpointProfile,
} from '../elements/models.ts';
import { issueToError } from '../schema-errors.ts';

// The pages forbid eval in their Content-Security-Policy; zod's compiled fast path would probe
// for it (and the browser reports the refused probe), so it runs interpreted. Same results.
z.config({ jitless: true });

/** A shipped model is checked once, when the page loads; a failure is a build defect, not input. */
function model<S extends z.ZodType>(schema: S, value: unknown, name: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw issueToError(r.error.issues[0]!, value, `models/${name}.json`);
}

/** Platform models by id (models/platforms/). */
export const platforms: Readonly<Record<string, Platform>> = Object.fromEntries(
  [asr1000Json, isr124_11TJson, isr124_20TJson, isr151_2TJson, isr151_3TJson]
    .map((p) => model(platformSchema, p, `platforms/${p.id}`))
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((p) => [p.id, p]),
);

/** Endpoint profiles by id as shipped (models/endpoints/), before any defect is applied. */
export const profiles: Readonly<Record<string, EndpointProfile>> = Object.fromEntries(
  [cucmJson, freeswitchJson, itspTrunkJson, jssipJson, legacyPbxJson, pjsipJson]
    .map((p) => model(endpointProfileSchema, p, `endpoints/${p.id}`))
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((p) => [p.id, p]),
);

/** Switchable endpoint defects (models/defects.json). */
export const defects: DefectTable = model(defectTableSchema, defectsJson, 'defects');

/** The border element's behaviour tables (models/border-element.json). */
export const borderElement: BorderElementModel = model(borderElementModelSchema, borderElementJson, 'border-element');
