// The golden grid (test/golden-grid/*.json): session-timer scenarios laid out like the Asterisk
// test suite's grid (anchors A.4), each with the ladder expected from the RFC rules, the
// experiment that makes the model play it, and the SIPp scenarios that play it for real against
// `cubesim emulate`. Shared by golden-grid.test.ts (the simulator) and emulate.test.ts (SIPp).

import { readdirSync, readFileSync } from 'node:fs';
import type { Call, TraceEntry } from '../src/elements/call.ts';
import { loadExperiment, type LoadedExperiment } from '../src/experiment/load.ts';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** A pause for SIPp given as the predicted time between two messages (a moment the model draws). */
export interface PredictedGap {
  predictedGap: [string, string];
}

export interface SippSide {
  /** File in emulation/sipp/. */
  scenario: string;
  key?: Record<string, string | number>;
  set?: Record<string, number | PredictedGap>;
}

export interface ExpectedMessage {
  /** "caller>cube-in INVITE SE=4;uac Min-SE=2": route, label, session-timer headers. */
  key: string;
  purpose: string | undefined;
  /** Seconds after the caller's first INVITE, when the rules fix it. */
  at: number | undefined;
  text: string;
}

export interface GridCase {
  /** file name, and the case within it. */
  id: string;
  title: string;
  rules: string[];
  scenario: string;
  set: string[];
  allowShortSessionExpires: boolean;
  ladder: ExpectedMessage[];
  sipp: { caller: SippSide; callee: SippSide | null } | null;
}

const DIR = new URL('./golden-grid/', import.meta.url);

const LINE = /^(\S+>\S+) (.+?)(?: \((\w+)\))?(?: (SE=\d+(?:;ua[cs])?))?(?: (Min-SE=\d+))?(?: @([\d.]+))?$/;

export function parseExpected(text: string): ExpectedMessage {
  const m = LINE.exec(text);
  if (m === null) throw new Error(`golden grid: cannot read ${JSON.stringify(text)}`);
  const key = [`${m[1]} ${m[2]}`, m[4], m[5]].filter((x) => x !== undefined).join(' ');
  return { key, purpose: m[3], at: m[6] === undefined ? undefined : Number(m[6]), text };
}

type Raw = Record<string, unknown>;

export function gridCases(): GridCase[] {
  const out: GridCase[] = [];
  for (const f of readdirSync(DIR)
    .filter((x) => x.endsWith('.json'))
    .sort()) {
    const file = JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as Raw;
    const cases = (file['cases'] as Raw[] | undefined) ?? [file];
    for (const c of cases) {
      const get = <T>(k: string, d: T): T => (c[k] ?? file[k] ?? d) as T;
      out.push({
        id: c === file ? f.replace(/\.json$/, '') : `${f.replace(/\.json$/, '')}/${String(c['name'])}`,
        title: String(file['title']),
        rules: [
          ...((file['rules'] as string[] | undefined) ?? []),
          ...(c === file ? [] : ((c['rules'] as string[] | undefined) ?? [])),
        ],
        scenario: get<string>('scenario', ''),
        set: get<string[]>('set', []),
        allowShortSessionExpires: get<boolean>('allowShortSessionExpires', false),
        ladder: (c['ladder'] as string[]).map(parseExpected),
        sipp: get<GridCase['sipp']>('sipp', null),
      });
    }
  }
  return out;
}

/** The scenario loaded as `cubesim trace <scenario> --set ... [--allow-short-session-expires]` loads it. */
export function loadCase(c: GridCase): LoadedExperiment {
  return loadExperiment(c.scenario, { set: c.set, allowShortSessionExpires: c.allowShortSessionExpires });
}

/** A call as `cubesim trace --format json` writes it: its ladder entries. */
export interface TracedCall {
  trace: TraceEntry[];
}

/** What `cubesim trace <scenario> --call 0` predicts: the command itself is run, as a user would. */
export function predict(c: GridCase): TracedCall {
  const args = [
    'trace',
    c.scenario,
    '--call',
    '0',
    '--format',
    'json',
    ...c.set.flatMap((x) => ['--set', x]),
    ...(c.allowShortSessionExpires ? ['--allow-short-session-expires'] : []),
  ];
  const r = spawnSync(process.execPath, [join(process.cwd(), 'bin/cubesim.mjs'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cubesim ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { trace: (JSON.parse(r.stdout) as { entries: TraceEntry[] }).entries };
}

export type MessageEntry = Extract<TraceEntry, { kind: 'message' }>;

/** The key a message is compared by: route, label, Session-Expires with refresher, Min-SE. */
export function keyOf(
  from: string,
  to: string,
  e: { label: string; sessionExpires: number; refresher: string; minSe: number },
): string {
  const se = e.sessionExpires > 0 ? ` SE=${e.sessionExpires}${e.refresher === '' ? '' : `;${e.refresher}`}` : '';
  const mse = e.minSe > 0 ? ` Min-SE=${e.minSe}` : '';
  return `${from}>${to} ${e.label}${se}${mse}`;
}

/** The messages of a traced call, first transmissions only. */
export function messagesOf(call: Pick<Call, 'trace'> | TracedCall): MessageEntry[] {
  return (call.trace ?? []).filter((e): e is MessageEntry => e.kind === 'message' && !e.retransmission && !e.lost);
}
