// `cubesim list`: what a user can name in an experiment (platforms, endpoint profiles, defects)
// and the experiments shipped with cubesim, one line each, with what in each is assumed rather
// than sourced. Read from the models folder (CUBESIM_MODELS when set) and experiments/.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  endpointIds,
  loadBorderElementModel,
  loadDefects,
  loadEndpointProfile,
  loadPlatform,
  platformIds,
} from '../experiment/load.ts';
import { PROJECT_DIR } from '../package-info.ts';

export const LISTS = ['platforms', 'profiles', 'defects', 'experiments'] as const;
export type ListName = (typeof LISTS)[number];

/** Pads the first column so that the second lines up. */
function table(rows: Array<[string, string]>): string {
  const width = Math.max(0, ...rows.map(([id]) => id.length));
  return rows.map(([id, text]) => `${id.padEnd(width)}  ${text}`).join('\n');
}

function assumedWords(names: readonly string[]): string {
  return names.length === 0 ? 'nothing assumed' : `assumed: ${names.join(', ')}`;
}

function platforms(): string {
  return table(
    platformIds().map((id) => {
      const p = loadPlatform(id, 'models/platforms');
      const assumed = Object.entries(p.capacity)
        .filter(([, v]) => v.assumed !== undefined)
        .map(([k]) => k);
      if (p.release.sipToSipUpdate.assumed !== undefined) assumed.push('sipToSipUpdate');
      return [id, `${p.name}; release ${p.release.id}; ${assumedWords(assumed)}`];
    }),
  );
}

function profiles(): string {
  return table(
    endpointIds().map((id) => {
      const p = loadEndpointProfile(id, 'models/endpoints');
      const t = p.timer;
      const timer = t.supported
        ? `Session-Expires ${t.sessionExpires || 'none'}, Min-SE ${t.minSe}, refresh by ${t.refreshMethod}`
        : 'no session timer';
      return [
        id,
        `${p.name}; ${timer}; ${p.assumed.length === 0 ? 'nothing assumed' : `assumed: ${p.assumed.length} item${p.assumed.length === 1 ? '' : 's'} (see the profile)`}`,
      ];
    }),
  );
}

function defects(): string {
  const endpoint = loadDefects().defects;
  const rows: Array<[string, string]> = Object.keys(endpoint)
    .sort()
    .map((id) => {
      const d = endpoint[id]!;
      return [id, `endpoint defect (${d.failureMode}): ${d.description}`];
    });
  const own = loadBorderElementModel().defects;
  for (const id of Object.keys(own).sort()) {
    const d = own[id]!;
    rows.push([
      id,
      `border element defect (Cisco bug ${d.bug}, borderElement.defects): ${d.description}${d.assumed === undefined ? '' : '; assumed: how often'}`,
    ]);
  }
  return table(rows);
}

function experiments(): string {
  const dir = join(PROJECT_DIR, 'experiments');
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
  return table(
    names.map((name) => {
      const e = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { description?: string };
      const first = (e.description ?? '').split(/(?<=\.)\s/)[0] ?? '';
      return [`experiments/${name}.json`, first];
    }),
  );
}

/** The lines `cubesim list <what>` prints. */
export function listing(what: ListName): string {
  switch (what) {
    case 'platforms':
      return platforms();
    case 'profiles':
      return profiles();
    case 'defects':
      return defects();
    case 'experiments':
      return experiments();
  }
}
