// The model assembled without a file system, for pages that run in a browser. The JSON models
// are bundled into the page (imported, not read), and a page gives its settings in the shape of
// an experiment file plus the configuration as text. Everything is checked with the same
// schemas and rules as src/experiment/load.ts, so a page refuses exactly what `cubesim run`
// refuses, with the same one-line InputError (the page shows `err.message` as text).
//
// It also drives a run the way src/experiment/run.ts does (time series rows every `interval`
// simulated seconds, a summary at the end), because run.ts reads package.json and writes files
// when it is loaded and so cannot be bundled for a browser. Nothing here imports from Node.js.

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
import type { BorderElementConfig } from '../config/types.ts';
import type { Call } from '../elements/call.ts';
import {
  borderElementModelSchema,
  defectTableSchema,
  endpointProfileSchema,
  type BorderElementModel,
  type DefectTable,
  type EndpointProfile,
} from '../elements/models.ts';
import type { SimulationSpec } from '../elements/simulation.ts';
import { runReplicationSync } from '../experiment/replication.ts';
import {
  checkedConfig,
  checkMidcallModelled,
  experimentAllowed,
  resolveProfiles,
  specFor,
  unknownId,
  withCapacity,
  withModelChoices,
} from '../experiment/spec.ts';
import { experimentSchema, type Experiment, type ExperimentInput } from '../experiment/schema.ts';
import type { Summary } from '../results/summary.ts';
import type { LadderSample } from '../report/data.ts';
import type { TimeseriesPoint } from '../results/series.ts';
import { traceToJson } from '../output/ladder-text.ts';
import { issueToError, validate } from '../schema-errors.ts';

// The pages forbid eval in their Content-Security-Policy; zod's compiled fast path would probe
// for it (and the browser reports the refused probe), so it runs interpreted. Same results.
z.config({ jitless: true });

// ---- the bundled models --------------------------------------------------------------------

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

// ---- settings to a checked SimulationSpec --------------------------------------------------

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
  const platform = withCapacity(base, experiment.capacity, file);

  const config = checkedConfig(configText, platform, configFile);
  const model = withModelChoices(borderElement, experiment, file);
  checkMidcallModelled(model, platform, config, configFile);
  const resolved = resolveProfiles(experiment, file, Object.keys(profiles), (id) => profiles[id]!, defects);

  const spec = specFor(experiment, platform, config, model, resolved);
  return { file, experiment, configPath: configFile, configText, config, spec };
}

// ---- running in the page ---------------------------------------------------------------------

export interface BrowserRunOptions {
  /** Simulated seconds between time-series points (default 60). */
  interval?: number;
  onCall?: (call: Call) => void;
  onSample?: (point: TimeseriesPoint) => void;
  /** Calls whose message ladder is recorded. */
  traced?: readonly number[];
  /** Stop as soon as this call is over. */
  stopAfterCall?: number;
}

export interface BrowserRunResult {
  summary: Summary;
  fingerprint: string;
  /** Ladders of the traced calls, by call index (LadderSample-shaped, see report/data.ts). */
  ladders: Map<number, LadderSample>;
  /** Wall-clock milliseconds the run took. */
  elapsedMs: number;
}

/** Runs the first replication of a checked experiment in memory, with the same code as the CLI. */
export function simulate(loaded: BrowserExperiment, opts: BrowserRunOptions = {}): BrowserRunResult {
  const t0 = Date.now();
  const ladders = new Map<number, LadderSample>();
  const r = runReplicationSync(loaded, 0, {
    ...(opts.interval !== undefined ? { interval: opts.interval } : {}),
    ...(opts.traced !== undefined ? { traced: opts.traced } : {}),
    ...(opts.stopAfterCall !== undefined ? { stopAfterCall: opts.stopAfterCall } : {}),
    check: false,
    onCall: (c) => {
      if (c.trace !== null) ladders.set(c.index, traceToJson(c) as LadderSample);
      opts.onCall?.(c);
    },
    onSample: ({ replication: _r, ...point }) => opts.onSample?.(point),
  });
  return { summary: r.summary, fingerprint: r.fingerprint, ladders, elapsedMs: Date.now() - t0 };
}

// ---- configuration text for the pages ----------------------------------------------------------

export interface IosTextOptions {
  /** `midcall-signaling passthru` under voice service voip / sip, or nothing (the default mode). */
  midcallSignaling: 'passthru' | 'none';
  /** Written as `min-se <value>` when given (as typed: the parser checks it). */
  minSe?: string | number;
  /** Written as `options-ping <value>` when given. */
  optionsPing?: number;
  /** Comment lines at the top. */
  comment?: readonly string[];
}

/** A small CUBE configuration in IOS CLI form: SIP to SIP with one inbound and one outbound dial-peer. */
export function iosConfigText(o: IosTextOptions): string {
  const lines: string[] = [...(o.comment ?? []).map((c) => `! ${c}`.trimEnd()), ...(o.comment?.length ? ['!'] : [])];
  lines.push('voice service voip', ' allow-connections sip to sip');
  const sip: string[] = [];
  if (o.midcallSignaling === 'passthru') sip.push('  midcall-signaling passthru');
  if (o.minSe !== undefined) sip.push(`  min-se ${String(o.minSe).trim()}`.trimEnd());
  if (o.optionsPing !== undefined) sip.push(`  options-ping ${o.optionsPing}`);
  if (sip.length > 0) lines.push(' sip', ...sip);
  lines.push(
    '!',
    'dial-peer voice 100 voip',
    ' description inbound, from the caller',
    ' session protocol sipv2',
    ' incoming called-number .',
    ' codec g711ulaw',
    '!',
    'dial-peer voice 200 voip',
    ' description outbound, to the callee',
    ' session protocol sipv2',
    ' destination-pattern .T',
    ' session target ipv4:192.0.2.20',
    ' codec g711ulaw',
    '!',
    'end',
  );
  return `${lines.join('\n')}\n`;
}

// ---- a traced call in words ---------------------------------------------------------------------

type MessageEntry = Extract<LadderSample['entries'][number], { kind: 'message' }>;

const PARTY: Record<string, string> = {
  caller: 'the caller',
  callee: 'the callee',
  'border-element': 'the border element',
};
const minutes = (s: number): string => `${(s / 60).toFixed(s % 60 === 0 ? 0 : 1)} min`;
const sec = (s: number): string => `${Number.isInteger(Math.round(s * 10) / 10) ? Math.round(s) : s.toFixed(1)} s`;

/** Why a call ended, in plain words, from its cause (README "drops.byCause" / "rejects.byCause"). */
export function causeText(cause: string, side: string): string {
  const who = PARTY[side] ?? 'one side';
  switch (cause) {
    case 'normal-clearing':
      return `${who} hung up at the end of the conversation`;
    case 'session-expired':
      return `${who} hung up because its session timer ran out with no refresh received`;
    case 'refresh-timeout':
      return `${who} hung up because its refresh got no answer at all (the transaction timed out; RFC 4028 §10)`;
    case 'refresh-408':
      return `${who} hung up because its refresh was answered 408 Request Timeout`;
    case 'refresh-481':
      return `${who} hung up because its refresh was answered 481: the far end no longer knew the dialog`;
    case 'refresh-glare':
      return `${who} hung up on a 491 Request Pending to its refresh (glare) instead of trying again`;
    case 'refresh-rejected':
      return `${who} hung up because its refresh was refused`;
    case 'ack-timeout':
      return `${who} hung up because its 200 OK was never acknowledged`;
    case 'midcall-failure':
      return `${who} hung up because a mid-call re-INVITE failed`;
    case 'options-ping-failed':
      return 'the border element hung up because its in-dialog OPTIONS went unanswered';
    case '422-unresolved':
      return 'the caller gave up after 422 Session Interval Too Small';
    case 'setup-timeout':
      return 'the INVITE was never answered';
    case 'sip-to-sip-not-allowed':
      return 'the border element refused it: SIP to SIP calls are not allowed by the configuration';
    default:
      if (cause.startsWith('admission-'))
        return `the border element refused it (503, call admission: ${cause.slice('admission-'.length)})`;
      if (cause.startsWith('setup-')) return `the INVITE was refused with ${cause.slice('setup-'.length)}`;
      return cause;
  }
}

export interface CallAccount {
  /** One sentence: how the call ended and when. */
  headline: string;
  /** Sentences on setup, the negotiated timers, the refreshes and the network. */
  details: string[];
  /** Seconds from answer to the end (-1 when never answered). */
  lengthFromAnswer: number;
}

/** The story of one traced call: outcome, cause, when, and what the session timers did. */
export function describeCall(sample: LadderSample): CallAccount {
  const c = sample.call;
  const messages = sample.entries.filter((e): e is MessageEntry => e.kind === 'message');
  const firsts = messages.filter((m) => !m.retransmission);
  const answered = c.answeredAt >= 0;
  const length = answered && c.endedAt >= 0 ? c.endedAt - c.answeredAt : -1;
  const details: string[] = [];

  // Setup: 422s from the callee and from the border element itself (those it only relays are not counted twice).
  const from = (party: string, status: number): MessageEntry[] =>
    firsts.filter((m) => m.from === party && m.status === status && m.purpose === 'setup');
  const callee422 = from('callee', 422);
  const cube422 = Math.max(0, from('cube-in', 422).length - callee422.length);
  const invites = firsts.filter((m) => m.from === 'caller' && m.method === 'INVITE' && m.purpose === 'setup');
  if (cube422 > 0 || callee422.length > 0) {
    const parts: string[] = [];
    if (cube422 > 0)
      parts.push(
        `the border element answered ${cube422 === 1 ? 'an INVITE' : `${cube422} INVITEs`} with 422 Session Interval Too Small (its min-se is above the Session-Expires offered)`,
      );
    if (callee422.length > 0)
      parts.push(
        `the callee answered ${callee422.length === 1 ? 'an INVITE' : `${callee422.length} INVITEs`} with 422 (its own Min-SE is ${callee422[0]!.minSe} s)`,
      );
    const last = invites[invites.length - 1];
    details.push(
      `Setup took ${invites.length} INVITE${invites.length === 1 ? '' : 's'}: ${parts.join(', and ')}${last !== undefined && invites.length > 1 ? `; the caller tried again with Session-Expires ${last.sessionExpires} s` : ''}.`,
    );
  }

  // What each leg agreed: the last 2xx to a setup INVITE on it.
  const agreed = (sender: string): MessageEntry | undefined =>
    [...firsts]
      .reverse()
      .find(
        (m) => m.from === sender && m.method === 'INVITE' && m.purpose === 'setup' && m.status >= 200 && m.status < 300,
      );
  const who = (token: string, leg: 'inbound' | 'outbound'): string =>
    token === 'uac'
      ? leg === 'inbound'
        ? 'the caller'
        : 'the border element, for the caller'
      : token === 'uas'
        ? leg === 'inbound'
          ? 'the border element, for the callee'
          : 'the callee'
        : 'nobody named';
  const legs = (['inbound', 'outbound'] as const).map((leg) => ({
    leg,
    ok: agreed(leg === 'inbound' ? 'cube-in' : 'callee'),
  }));
  if (answered) {
    const words = legs.map(({ leg, ok }) =>
      ok === undefined || ok.sessionExpires === 0
        ? `no session timer on the ${leg} leg`
        : `Session-Expires ${ok.sessionExpires} s on the ${leg} leg, refresher ${who(ok.refresher, leg)}`,
    );
    details.push(`Agreed at answer: ${words.join('; ')}.`);
  }

  // Refreshes: who sent them, and whether they crossed the border element.
  const refreshes = firsts.filter(
    (m) => m.purpose === 'refresh' && m.status === 0 && (m.method === 'INVITE' || m.method === 'UPDATE'),
  );
  const byCaller = refreshes.filter((m) => m.from === 'caller');
  const byCallee = refreshes.filter((m) => m.from === 'callee');
  const toCallee = refreshes.filter((m) => m.from === 'cube-out');
  const toCaller = refreshes.filter((m) => m.from === 'cube-in');
  const when = (ms: MessageEntry[]): string =>
    ms
      .slice(0, 4)
      .map((m) => sec(m.t - c.answeredAt))
      .join(', ') + (ms.length > 4 ? ', ...' : '');
  const method = (ms: MessageEntry[]): string =>
    ms.every((m) => m.method === 'UPDATE')
      ? 'UPDATE'
      : ms.every((m) => m.method === 'INVITE')
        ? 're-INVITE'
        : 're-INVITE or UPDATE';
  if (byCaller.length > 0) {
    const fate =
      toCallee.length >= byCaller.length
        ? `the border element passed ${byCaller.length === 1 ? 'it' : 'each one'} on to the callee`
        : toCallee.length === 0
          ? `the border element answered ${byCaller.length === 1 ? 'it itself: it never reached' : 'them itself: none reached'} the callee`
          : `only ${toCallee.length} reached the callee`;
    details.push(
      `The caller sent ${byCaller.length} refresh${byCaller.length === 1 ? '' : 'es'} by ${method(byCaller)} (${when(byCaller)} after answer); ${fate}.`,
    );
  }
  if (byCallee.length > 0) {
    const fate =
      toCaller.length >= byCallee.length
        ? `the border element passed ${byCallee.length === 1 ? 'it' : 'each one'} on to the caller`
        : toCaller.length === 0
          ? `the border element answered ${byCallee.length === 1 ? 'it itself: it never reached' : 'them itself: none reached'} the caller`
          : `only ${toCaller.length} reached the caller`;
    details.push(
      `The callee sent ${byCallee.length} refresh${byCallee.length === 1 ? '' : 'es'} by ${method(byCallee)} (${when(byCallee)} after answer); ${fate}.`,
    );
  }
  if (answered && refreshes.length === 0 && legs.some(({ ok }) => ok !== undefined && ok.sessionExpires > 0)) {
    details.push('Nobody sent a refresh during the call.');
  }

  const lost = messages.filter((m) => m.lost).length;
  const retx = messages.filter((m) => m.retransmission).length;
  if (lost > 0 || retx > 0) {
    const lostText =
      lost === 0 ? 'No message was lost on the network' : `The network lost ${lost} message${lost === 1 ? '' : 's'}`;
    details.push(
      `${lostText}; ${retx} retransmission${retx === 1 ? ' was' : 's were'} sent (a request is sent again while no answer comes, a 200 OK while no ACK comes).`,
    );
  }

  const side = c.side;
  let headline: string;
  switch (c.outcome) {
    case 'completed':
      headline = `Completed normally: ${causeText(c.cause, side)} ${sec(length)} after answer, as planned (holding time ${sec(c.holding)}).`;
      break;
    case 'dropped':
      headline = `Dropped ${sec(length)} (${minutes(length)}) after answer, before the planned ${sec(c.holding)}: ${causeText(c.cause, side)}${c.leg !== '' ? ` (${c.leg} leg)` : ''}.`;
      break;
    case 'rejected':
      headline = `Never set up: ${causeText(c.cause, side)}${c.status > 0 ? ` (status ${c.status})` : ''}.`;
      break;
    default:
      headline = 'Still in progress when the run stopped.';
  }
  return { headline, details, lengthFromAnswer: length };
}
