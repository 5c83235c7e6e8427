// Everything a user can get wrong, through the real command: for each case the exact one-line
// message on stderr, exit code 2, and nothing written (each case runs from its own empty folder,
// so a results/ folder or a .partial- temporary folder would show). The processes are started
// a few at a time (tsx takes most of a second to start), before the checks run.
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import type { Call } from '../src/elements/call.ts';
import { CallsCsvWriter } from '../src/output/calls-csv.ts';

const ROOT = process.cwd();
const BIN = join(ROOT, 'bin/cubesim.mjs');
/** Processes at a time: start-up is CPU-bound, so about one per core. */
const PARALLEL = Math.min(4, Math.max(2, availableParallelism()));

/** Where the test's input files live (experiments, configurations, model folders). */
const FIX = realpathSync(mkdtempSync(join(tmpdir(), 'cubesim-bad-')));
const PLATFORMS = 'asr1000-xe-2.5, isr-12.4-11T, isr-12.4-20T, isr-15.1-2T, isr-15.1-3T';
const PROFILES = 'cucm, freeswitch, itsp-trunk, jssip, legacy-pbx, pjsip';
/** The commands, as registered (and listed by --help). */
const COMMANDS = 'run, sweep, compare, lint, trace, emulate, check, init, list, merge, report';
const DEFECTS =
  'dialog-role-refresher-token, hangs-up-on-glare, ignore-min-se-without-se, never-refreshes, no-422-retry, omit-se-when-no-refresher, refuses-reinvite, skip-refresh-when-busy, update-unanswered';

/**
 * An experiment file as plain JSON, typed loosely enough that a case can give a field a wrong
 * value, a misspelt name or none at all; only the workload parts the cases reach into are named.
 */
interface ExperimentJson {
  [field: string]: unknown;
  workload: {
    arrivals: Record<string, unknown>;
    holding: Record<string, unknown>;
    callers: unknown[];
    callees: unknown[];
  };
}

/** A small valid experiment; each case changes one thing. */
function experiment(change: (e: ExperimentJson) => void = () => {}): ExperimentJson {
  const e: ExperimentJson = {
    name: 'bad',
    platform: 'isr-12.4-20T',
    config: 'configs/passthru.ios',
    calls: 20,
    workload: {
      arrivals: { rate: 1 },
      holding: { distribution: 'exponential', mean: 60 },
      callers: [{ profile: 'cucm' }],
      callees: [{ profile: 'cucm' }],
    },
  };
  change(e);
  return e;
}

/** Writes a file under FIX and returns its absolute path. */
function fixture(name: string, text: string): string {
  const path = join(FIX, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** Folders outside FIX and the project, removed at the end. */
const ELSEWHERE: string[] = [];
function elsewhere(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cubesim-elsewhere-'));
  ELSEWHERE.push(dir);
  return dir;
}

const exp = (name: string, change?: (e: ExperimentJson) => void) =>
  fixture(`${name}.json`, JSON.stringify(experiment(change), null, 2));

/** Text of IOS configuration lines under voice service voip / sip, with SIP-to-SIP allowed. */
const sipBlock = (...lines: string[]) =>
  ['voice service voip', ' allow-connections sip to sip', ' sip', ...lines.map((l) => `  ${l}`), '!', 'end', ''].join(
    '\n',
  );

/** A copy of models/ with one file replaced; returns the folder. */
function brokenModels(name: string, file: string, edit: (text: string) => string): string {
  const dir = join(FIX, `models-${name}`);
  cpSync(join(ROOT, 'models'), dir, { recursive: true });
  writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
  return dir;
}

/** Edits a JSON model file; `T` names the fields the edit reaches into. */
const jsonEdit =
  <T>(change: (v: T) => void) =>
  (text: string) => {
    const v = JSON.parse(text) as T;
    change(v);
    return JSON.stringify(v, null, 2);
  };

interface Case {
  name: string;
  args: string[];
  env?: Record<string, string>;
  message: string;
}

function cases(): Case[] {
  cpSync(join(ROOT, 'experiments/configs'), join(FIX, 'configs'), { recursive: true });
  const good = exp('good');
  const ios = (name: string, text: string) => fixture(`ios/${name}.ios`, text);
  const out: Case[] = [];
  const add = (name: string, args: string[], message: string, env?: Record<string, string>) =>
    out.push({ name, args, message, ...(env ? { env } : {}) });

  // --- experiment files ---------------------------------------------------------------------
  {
    const f = fixture('not-json.json', '{\n  "name": "bad",\n  "seed": 1,\n  platform: "isr-12.4-20T"\n}\n');
    add(
      'experiment: not JSON',
      ['run', f],
      `${f}: line 4: not valid JSON at column 3: Expected double-quoted property name`,
    );
  }
  {
    // V8 gives no position for this one, and its message carries the text, newlines included.
    const f = fixture('bad-token.json', '{\n  "name": "bad",\n  "seed": 1,\n  "platform": isr-12.4-20T\n}\n');
    add(
      'experiment: not JSON (a bare word)',
      ['run', f],
      `${f}: line 4: not valid JSON at column 15: Unexpected token 'i'`,
    );
  }
  {
    const f = fixture('list.json', '[1, 2, 3]\n');
    add(
      'experiment: not an object',
      ['run', f],
      `${f}: got a list ([1,2,3]); allowed: a JSON object with the experiment's fields (name, platform, config, workload, calls or until, ...)`,
    );
  }
  {
    const f = exp('unknown-field', (e) => {
      e['seeds'] = 2;
    });
    add(
      'experiment: unknown field',
      ['run', f],
      `${f}: field seeds: unknown field "seeds"; allowed fields: $schema, name, description, lookAt, promises, seed, platform, config, calls, until, replications, warmup, workload, network, sip, capacity, borderElement, maxGlareRetries, endpoints; did you mean "seed"?`,
    );
  }
  {
    const f = exp('unknown-nested', (e) => {
      e.workload.holding = { distribution: 'fixed', valeu: 30 };
    });
    add(
      'experiment: unknown field in holding',
      ['run', f],
      `${f}: field workload.holding.valeu: unknown field "valeu"; allowed fields: distribution, mean, sd, value; did you mean "value"?`,
    );
  }
  {
    const f = exp('distribution', (e) => {
      e.workload.holding = { distribution: 'normal', mean: 60 };
    });
    add(
      'experiment: unknown holding distribution',
      ['run', f],
      `${f}: field workload.holding.distribution: got "normal"; allowed: "exponential", "lognormal", "fixed"`,
    );
  }
  {
    const f = exp('wrong-type', (e) => {
      e.calls = 'ten';
    });
    add('experiment: wrong type', ['run', f], `${f}: field calls: got "ten" (a string); allowed: number`);
  }
  {
    const f = exp('negative-mean', (e) => {
      e.workload.holding.mean = -60;
    });
    add(
      'experiment: negative holding mean',
      ['run', f],
      `${f}: field workload.holding.mean: got -60; allowed: more than 0`,
    );
  }
  {
    const f = exp('loss', (e) => {
      e.network = { inbound: { loss: 1.5 } };
    });
    add('experiment: loss above 1', ['run', f], `${f}: field network.inbound.loss: got 1.5; allowed: at most 1`);
  }
  {
    const f = exp('se-60', (e) => {
      e.endpoints = { cucm: { timer: { sessionExpires: 60 } } };
    });
    add(
      'experiment: Session-Expires 60',
      ['run', f],
      `${f}: field endpoints.cucm.timer.sessionExpires: got 60; must be 0 (no timer) or 90-86400 seconds (RFC 4028 §4, §5)`,
    );
  }
  {
    const f = exp('se-below-own-min-se', (e) => {
      e.endpoints = { cucm: { timer: { sessionExpires: 1200 } } };
    });
    add(
      'experiment: a caller asking for less than its own Min-SE',
      ['run', f],
      `${f}: field endpoints.cucm.timer: sessionExpires 1200 is below minSe 1800; allowed: sessionExpires 0 (no interval asked for) or at least minSe, since RFC 4028 §5 and §7.1 forbid a request whose Session-Expires is below its own Min-SE`,
    );
  }
  {
    const f = exp('endpoint-field', (e) => {
      e.endpoints = { cucm: { timr: { sessionExpires: 90 } } };
    });
    add(
      'experiment: unknown field in an endpoint override',
      ['run', f],
      `${f}: field endpoints.cucm.timr: unknown field "timr"; allowed fields: defects, timer, allowUpdate, answersUpdate; did you mean "timer"?`,
    );
  }
  {
    const f = exp('no-platform', (e) => {
      delete e.platform;
    });
    add(
      'experiment: platform missing',
      ['run', f],
      `${f}: field platform: required field is missing; allowed: a platform id: ${PLATFORMS}`,
    );
  }
  {
    const f = exp('platform', (e) => {
      e.platform = 'asr1000-xe-25';
    });
    add(
      'experiment: unknown platform',
      ['run', f],
      `${f}: field platform: unknown platform "asr1000-xe-25"; allowed: ${PLATFORMS}; did you mean "asr1000-xe-2.5"?`,
    );
  }
  {
    const f = exp('profile', (e) => {
      e.workload.callees = [{ profile: 'cucm' }, { profile: 'pjsp', weight: 2 }];
    });
    add(
      'experiment: unknown profile',
      ['run', f],
      `${f}: field workload.callees.1.profile: unknown endpoint profile "pjsp"; allowed: ${PROFILES}; did you mean "pjsip"?`,
    );
  }
  {
    const f = exp('defect', (e) => {
      e.endpoints = { cucm: { defects: ['no-422-retyr'] } };
    });
    add(
      'experiment: unknown defect',
      ['run', f],
      `${f}: field endpoints.cucm.defects.0: unknown defect "no-422-retyr"; allowed: ${DEFECTS}; did you mean "no-422-retry"?`,
    );
  }
  {
    const f = exp('unused-profile', (e) => {
      e.endpoints = { jssip: { timer: { sessionExpires: 1800 } } };
    });
    add(
      'experiment: override of an unused profile',
      ['run', f],
      `${f}: field endpoints.jssip: profile "jssip" is not used by any caller or callee of this experiment; allowed: a profile of workload.callers or workload.callees (cucm)`,
    );
  }
  {
    const f = exp('no-calls', (e) => {
      delete e.calls;
    });
    add(
      'experiment: neither calls nor until',
      ['run', f],
      `${f}: field calls: required field is missing; allowed: a whole number of calls, or "until" in simulated seconds instead (or both)`,
    );
  }
  {
    const f = exp('profile-start', (e) => {
      e.workload.arrivals.profile = [
        { from: 60, rate: 1 },
        { from: 120, rate: 2 },
      ];
    });
    add(
      'experiment: arrivals profile not starting at 0',
      ['run', f],
      `${f}: field workload.arrivals.profile: got [{"from":60,"rate":1},{"from":120,"rate":2}]; the first segment must start at 0`,
    );
  }
  {
    const f = exp('escape', (e) => {
      e.config = '../../../../../../etc/passwd';
    });
    add(
      'experiment: config path leaving the folder',
      ['run', f],
      `${f}: field config: got "../../../../../../etc/passwd", which resolves to /etc/passwd and leaves the experiment's folder and the project; allowed: a path inside ${FIX} or ${ROOT}; give a configuration elsewhere explicitly with --config`,
    );
  }
  {
    const cfg = join(elsewhere(), 'c.ios');
    writeFileSync(cfg, readFileSync(join(ROOT, 'experiments/configs/passthru.ios')));
    const f = exp('absolute', (e) => {
      e.config = cfg;
    });
    add(
      'experiment: absolute config path elsewhere',
      ['run', f],
      `${f}: field config: got ${JSON.stringify(cfg)}, which resolves to ${cfg} and leaves the experiment's folder and the project; allowed: a path inside ${FIX} or ${ROOT}; give a configuration elsewhere explicitly with --config`,
    );
  }
  {
    symlinkSync('/etc/passwd', join(FIX, 'configs', 'link.ios'));
    const f = exp('symlink', (e) => {
      e.config = 'configs/link.ios';
    });
    add(
      'experiment: config symlink leaving the folder',
      ['run', f],
      `${f}: field config: got "configs/link.ios", which resolves to /etc/passwd and leaves the experiment's folder and the project; allowed: a path inside ${FIX} or ${ROOT}; give a configuration elsewhere explicitly with --config`,
    );
  }
  {
    const f = exp('missing-config', (e) => {
      e.config = 'configs/nope.ios';
    });
    add(
      'experiment: config file missing',
      ['run', f],
      `${f}: field config: got "configs/nope.ios": configuration file ${join(FIX, 'configs/nope.ios')} not found; allowed: an IOS or JSON configuration file, relative to the experiment file`,
    );
  }

  // --- IOS and JSON configurations ------------------------------------------------------------
  {
    const c = ios('typo', sipBlock('midcall-signalling passthru'));
    add(
      'ios: unknown command',
      ['run', good, '--config', c],
      `${c}: line 4: unknown command "midcall-signalling passthru" in sip mode; did you mean "midcall-signaling passthru"?`,
    );
  }
  {
    const c = ios('min-se-30', sipBlock('min-se 30'));
    add(
      'ios: min-se 30',
      ['run', good, '--config', c],
      `${c}: line 4: min-se 30 is out of range: allowed 90-86400 seconds (below 90 s only with cubesim emulate/trace --allow-short-session-expires)`,
    );
  }
  {
    const c = ios('min-se-90000', sipBlock('min-se 90000'));
    add(
      'ios: min-se 90000',
      ['run', good, '--config', c],
      `${c}: line 4: min-se 90000 is out of range: allowed 90-86400 seconds`,
    );
  }
  {
    const c = ios('options-ping', sipBlock('options-ping 30'));
    add(
      'ios: options-ping 30',
      ['run', good, '--config', c],
      `${c}: line 4: options-ping 30 is out of range: allowed 60-1200 seconds`,
    );
  }
  {
    const c = ios('no-allow', 'voice service voip\n sip\n  midcall-signaling passthru\n!\nend\n');
    add(
      'ios: midcall-signaling without allow-connections',
      ['run', good, '--config', c],
      `${c}: line 3: "midcall-signaling passthru" is configured without "allow-connections sip to sip": the Session Refresh with Reinvites feature document makes "allow-connections sip to sip" under voice service voip a prerequisite of midcall-signaling`,
    );
  }
  {
    const c = ios(
      'dial-peer',
      'voice service voip\n allow-connections sip to sip\n!\ndial-peer voice 100 voip\n session protocol sipv2\n voice-class sip midcall-signaling passthru\n!\nend\n',
    );
    add(
      'ios: dial-peer midcall-signaling passthru',
      ['run', good, '--config', c],
      `${c}: line 6: "voice-class sip midcall-signaling passthru" refused: the Session Refresh with Reinvites feature (midcall-signaling passthru) cannot be configured per dial-peer, only under voice service voip / sip (feature document: "on a dial-peer basis is not supported"); per dial-peer allowed voice-class sip midcall-signaling passthru media-change | block`,
    );
  }
  {
    const c = ios(
      'dial-peer-plain',
      'voice service voip\n allow-connections sip to sip\n!\ndial-peer voice 100 voip\n midcall-signaling passthru\n!\nend\n',
    );
    add(
      'ios: midcall-signaling typed in a dial-peer',
      ['run', good, '--config', c],
      `${c}: line 5: "midcall-signaling passthru" refused in dial-peer mode: the Session Refresh with Reinvites feature (midcall-signaling passthru) cannot be configured per dial-peer, only under voice service voip / sip (feature document: "on a dial-peer basis is not supported")`,
    );
  }
  {
    const c = join(FIX, 'configs/passthru.ios');
    add(
      'ios: midcall-signaling on 12.4(11)T',
      ['run', good, '--config', c, '--platform', 'isr-12.4-11T'],
      `${c}: line 10: "midcall-signaling passthru" is not available in Cisco IOS 12.4(11)T on an ISR 3845 (before 12.4(15)XZ) (release 12.4(11)T); it was introduced in 12.4(15)XZ / 12.4(20)T`,
    );
  }
  {
    const c = ios('session-refresh', sipBlock('session refresh'));
    add(
      'ios: session refresh on 12.4(20)T',
      ['run', good, '--config', c],
      `${c}: line 4: "session refresh" is not available in Cisco IOS 12.4(20)T on an ISR 3845 (2800/3800 series) (release 12.4(20)T); it was introduced in 15.1(2)T`,
    );
  }
  {
    const c = ios('se-below', sipBlock('min-se 1800 session-expires 900'));
    add(
      'ios: session-expires below min-se',
      ['run', good, '--config', c, '--platform', 'isr-15.1-2T'],
      `${c}: line 4: session-expires 900 is below min-se 1800: session-expires must be at least min-se`,
    );
  }
  {
    const c = fixture(
      'json-config.json',
      JSON.stringify({ allowConnections: [{ from: 'sip', to: 'sip' }], midcallSignalling: 'passthru' }),
    );
    add(
      'json configuration: unknown field',
      ['run', good, '--config', c],
      `${c}: field midcallSignalling: unknown field "midcallSignalling"; allowed fields: allowConnections, midcallSignaling, minSe, sessionExpires, sessionRefresh, optionsPing, dialPeers; did you mean "midcallSignaling"?`,
    );
  }
  {
    const c = fixture('json-config-comma.json', '{\n  "allowConnections": [],\n  "minSe": 90,\n}\n');
    add(
      'json configuration: not JSON',
      ['run', good, '--config', c],
      `${c}: line 4: not valid JSON at column 1: Expected double-quoted property name; allowed: a JSON object, or IOS configuration text not starting with "{"`,
    );
  }
  {
    // V8 gives no position for this one, and its message carries the text, newlines included.
    const c = fixture('json-config-word.json', '{\n  "allowConnections": [],\n  "midcallSignaling": passthru\n}\n');
    add(
      'json configuration: not JSON (a bare word)',
      ['run', good, '--config', c],
      `${c}: line 3: not valid JSON at column 23: Unexpected token 'p'; allowed: a JSON object, or IOS configuration text not starting with "{"`,
    );
  }
  {
    const c = fixture(
      'json-config-required.json',
      JSON.stringify({ allowConection: [{ from: 'sip', to: 'sip' }], midcallSignaling: 'passthru' }),
    );
    add(
      'json configuration: required field misspelt',
      ['run', good, '--config', c],
      `${c}: field allowConection: unknown field "allowConection"; allowed fields: allowConnections, midcallSignaling, minSe, sessionExpires, sessionRefresh, optionsPing, dialPeers; did you mean "allowConnections"?`,
    );
  }
  {
    const c = fixture(
      'json-config-tag.json',
      JSON.stringify({ allowConnections: [{ from: 'sip', to: 'sip' }], dialPeers: [{ tg: 100, kind: 'voip' }] }),
    );
    add(
      'json configuration: dial-peer tag misspelt',
      ['run', good, '--config', c],
      `${c}: field dialPeers.0.tg: unknown field "tg"; allowed fields: tag, kind, protocol, sessionTarget, destinationPattern, incomingCalledNumber, sessionRefresh, midcallSignaling; did you mean "tag"?`,
    );
  }

  // --- model files (CUBESIM_MODELS) -----------------------------------------------------------
  {
    const dir = brokenModels(
      'capacity',
      'platforms/isr-12.4-20T.json',
      jsonEdit<{ capacity: { callsPerSecond: { assumed?: string } } }>((p) => {
        delete p.capacity.callsPerSecond.assumed;
      }),
    );
    add(
      'model: capacity figure with neither source nor assumed',
      ['run', good],
      `${dir}/platforms/isr-12.4-20T.json: field capacity.callsPerSecond: got {"value":8}; give exactly one of "source" or "assumed"`,
      { CUBESIM_MODELS: dir },
    );
  }
  {
    const dir = brokenModels(
      'min-se',
      'endpoints/cucm.json',
      jsonEdit<{ timer: { minSe: number } }>((p) => {
        p.timer.minSe = 60;
      }),
    );
    add(
      'model: endpoint profile with minSe 60',
      ['run', good],
      `${dir}/endpoints/cucm.json: field timer.minSe: got 60; allowed: at least 90`,
      { CUBESIM_MODELS: dir },
    );
  }
  {
    const dir = brokenModels('be-json', 'border-element.json', (t) =>
      t.replace('"sessionTimer": {', '"sessionTimer": {,'),
    );
    add(
      'model: border-element.json not JSON',
      ['run', good],
      `${dir}/border-element.json: line 3: not valid JSON at column 20: Expected property name or '}'`,
      { CUBESIM_MODELS: dir },
    );
  }
  {
    const dir = brokenModels(
      'defects',
      'defects.json',
      jsonEdit<{ defects: { 'no-422-retry': { failuremode?: string } } }>((d) => {
        d.defects['no-422-retry'].failuremode = 'F8';
      }),
    );
    add(
      'model: defects.json with an unknown field',
      ['run', good],
      `${dir}/defects.json: field defects.no-422-retry.failuremode: unknown field "failuremode"; allowed fields: failureMode, description, set; did you mean "failureMode"?`,
      { CUBESIM_MODELS: dir },
    );
  }
  {
    // A defect's overrides name profile fields: a wrong one is found when the models are read,
    // even when no profile of the run switches the defect on (`good` uses none).
    const dir = brokenModels(
      'defect-set',
      'defects.json',
      jsonEdit<{ defects: { 'skip-refresh-when-busy': { set: Record<string, unknown> } } }>((d) => {
        d.defects['skip-refresh-when-busy'].set['nope.deep.x'] = 1;
      }),
    );
    add(
      'model: a defect overriding a field profiles do not have',
      ['run', good],
      `${dir}/defects.json: field defects.skip-refresh-when-busy.set: endpoint-profile field nope: unknown field "nope"; allowed fields: id, name, notes, timer, assumed, allowUpdate, answersUpdate, answersReinvite, media, defects`,
      { CUBESIM_MODELS: dir },
    );
  }
  {
    const dir = brokenModels(
      'defect-value',
      'defects.json',
      jsonEdit<{ defects: { 'no-422-retry': { set: Record<string, unknown> } } }>((d) => {
        d.defects['no-422-retry'].set['timer.retry422'] = 'yes';
      }),
    );
    add(
      'model: a defect setting a profile field to a value it does not take',
      ['run', good],
      `${dir}/defects.json: field defects.no-422-retry.set: endpoint-profile field timer.retry422: got "yes" (a string); allowed: boolean`,
      { CUBESIM_MODELS: dir },
    );
  }
  {
    const dir = join(FIX, 'no-such-models');
    add(
      'model: CUBESIM_MODELS not a folder',
      ['run', good],
      `${dir}/platforms: models folder cannot be read (ENOENT) (the models folder comes from CUBESIM_MODELS); allowed: a folder with platforms/, endpoints/, defects.json and border-element.json`,
      { CUBESIM_MODELS: dir },
    );
  }

  // --- flags and commands -----------------------------------------------------------------------
  add('flag: --calls 0', ['run', good, '--calls', '0'], '--calls: got "0"; allowed: a whole number >= 1');
  add('flag: --calls abc', ['run', good, '--calls', 'abc'], '--calls: got "abc"; allowed: a whole number >= 1');
  add(
    'flag: --replications 0',
    ['run', good, '--replications', '0'],
    '--replications: got "0"; allowed: a whole number >= 1',
  );
  add('flag: --warmup -1', ['run', good, '--warmup', '-1'], '--warmup: got "-1"; allowed: a number of seconds >= 0');
  add('flag: --until 0', ['run', good, '--until', '0'], '--until: got "0"; allowed: a number of seconds > 0');
  add(
    'flag: --set without =',
    ['run', good, '--set', 'calls'],
    '--set: got "calls"; allowed: path=value, e.g. workload.holding.mean=600',
  );
  add(
    'flag: --set with a bad path',
    ['run', good, '--set', 'workload..holding=3'],
    '--set: got path "workload..holding"; allowed: dotted field names, e.g. network.inbound.loss',
  );
  add(
    'flag: --set on an unknown field',
    ['run', good, '--set', 'network.inbound.lost=0.1'],
    `${good}: field network.inbound.lost: unknown field "lost"; allowed fields: latency, jitter, loss; did you mean "loss"?`,
  );
  add(
    'flag: --shard 3/2',
    ['sweep', good, '--param', 'calls=5,10', '--shard', '3/2'],
    '--shard: got "3/2"; allowed: i/n with 1 <= i <= n, e.g. 2/4',
  );
  add(
    'flag: --workers 0',
    ['sweep', good, '--param', 'calls=5,10', '--workers', '0'],
    '--workers: got "0"; allowed: a whole number >= 1',
  );
  add('command: unknown', ['simulate', good], `unknown command "simulate"; commands: ${COMMANDS}`);
  add('command: misspelt', ['rn', good], `unknown command "rn" (did you mean "run"?); commands: ${COMMANDS}`);
  add(
    'command: misspelt after an option',
    ['--check', 'comapre', good],
    `unknown command "comapre" (did you mean "compare"?); commands: ${COMMANDS}`,
  );
  add('command: none', [], `command line: give a command: ${COMMANDS}; see cubesim --help`);
  add(
    'command: unknown option of a command',
    ['run', good, '--seeds', '2'],
    'command line: Unknown argument: seeds (did you mean --seed?); see cubesim run --help',
  );
  add(
    'command: unknown option, abbreviated',
    ['emulate', '--config', join(FIX, 'configs/passthru.ios'), '--forward', '127.0.0.1:5070', '--ladr'],
    'command line: Unknown argument: ladr (did you mean --ladder?); see cubesim emulate --help',
  );
  add(
    'command: unknown option, nothing close',
    ['trace', good, '--call', '0', '--zzz'],
    'command line: Unknown argument: zzz; see cubesim trace --help',
  );
  add(
    'flag: --format not a choice',
    ['trace', good, '--call', '0', '--format', 'pcp'],
    'command line: Invalid values: Argument: format, Given: "pcp", Choices: "text", "json", "pcap"; see cubesim trace --help',
  );
  add(
    'flag: emulate --platform with no value',
    ['emulate', '--config', join(FIX, 'configs/passthru.ios'), '--forward', '127.0.0.1:5070', '--platform'],
    '--platform: got no value; allowed: a platform model id, e.g. isr-12.4-20T',
  );
  add(
    'flag: emulate --listen followed by an option',
    ['emulate', '--config', join(FIX, 'configs/passthru.ios'), '--listen', '--forward', '127.0.0.1:5070'],
    '--listen: got no value; allowed: an IPv4 address:port, e.g. 127.0.0.1:5060',
  );
  add(
    'flag: emulate --listen 0.0.0.0',
    [
      'emulate',
      '--config',
      join(FIX, 'configs/passthru.ios'),
      '--listen',
      '0.0.0.0:5060',
      '--forward',
      '127.0.0.1:5070',
    ],
    '--listen: got "0.0.0.0:5060", the unspecified address, which would go into Via, Contact and SDP; allowed: the address peers reach (callers and the callee side send to it), e.g. 127.0.0.1:5060',
  );
  add(
    'flag: trace --config with no value',
    ['trace', good, '--call', '0', '--config'],
    '--config: got no value; allowed: a configuration file: IOS CLI text or JSON',
  );
  add(
    'flag: trace --platform=',
    ['trace', good, '--call', '0', '--platform='],
    '--platform: got ""; allowed: a platform model id, e.g. isr-12.4-20T',
  );
  add(
    'flag: trace --out ""',
    ['trace', good, '--call', '0', '--out', ''],
    '--out: got ""; allowed: a file name, e.g. call3.pcap',
  );
  add('flag: run --out ""', ['run', good, '--out', ''], '--out: got ""; allowed: a folder name, e.g. results/mine');
  add(
    'flag: trace --out in a folder that cannot be written',
    ['trace', good, '--call', '0', '--format', 'pcap', '--out', '/proc/x.pcap'],
    '--out: cannot write "/proc/x.pcap" (ENOENT); allowed: a new file in a folder that exists and can be written',
  );
  add(
    'trace: --call beyond the calls',
    ['trace', good, '--call', '20'],
    '--call: got 20; allowed: 0-19 (the experiment offers 20 calls)',
  );
  add(
    'lint: unknown profile',
    ['lint', join(FIX, 'configs/passthru.ios'), '--endpoints', 'cucm,jsip'],
    `--endpoints: unknown endpoint profile "jsip"; allowed: ${PROFILES}; did you mean "jssip"?`,
  );
  {
    const dir = join(FIX, 'not-results');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'hello\n');
    add(
      'report: not a results folder',
      ['report', dir],
      `${dir}: not a results folder: expected summary.json and manifest.json (run), sweep.json (sweep) or compare.json (compare)`,
    );
  }
  {
    // Shard 1 of 2 of a two-point sweep, written as cubesim sweep --shard 1/2 writes it; shard 2 is not given.
    const dir = join(FIX, 'shard1of2');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'sweep.json'),
      JSON.stringify({
        experiment: 'bad',
        params: [{ path: 'calls', values: [5, 10] }],
        set: [],
        shard: { index: 1, count: 2 },
        points: 2,
        rows: [
          { point: 0, values: { calls: 5 }, result: { replications: [{ 'calls.offered': 5 }], fingerprints: ['x'] } },
        ],
      }),
    );
    add('merge: a shard missing', ['merge', dir], 'merge: point 1 is in none of the folders; give every shard');
  }
  {
    // Shard 1 of 3 of a three-point sweep (point 0 only); shards 2 and 3 are not given.
    const dir = join(FIX, 'shard1of3');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'sweep.json'),
      JSON.stringify({
        experiment: 'bad',
        params: [{ path: 'calls', values: [5, 10, 15] }],
        set: [],
        shard: { index: 1, count: 3 },
        points: 3,
        rows: [
          { point: 0, values: { calls: 5 }, result: { replications: [{ 'calls.offered': 5 }], fingerprints: ['x'] } },
        ],
      }),
    );
    add('merge: two points missing', ['merge', dir], 'merge: points 1, 2 are in none of the folders; give every shard');
  }
  return out;
}

interface Result {
  code: number | null;
  err: string;
  /** What the case's working folder held afterwards. */
  left: string[];
  /** What `keep` read from the working folder before it was removed. */
  kept?: string;
}

function cubesim(c: Case, keep?: (cwd: string) => string): Promise<Result> {
  const cwd = mkdtempSync(join(tmpdir(), 'cubesim-cwd-'));
  const env: NodeJS.ProcessEnv = { ...process.env, ...c.env };
  if (c.env?.['CUBESIM_MODELS'] === undefined) delete env['CUBESIM_MODELS'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...c.args], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const left = readdirSync(cwd);
      let kept: string | undefined;
      try {
        kept = keep?.(cwd);
      } catch {
        kept = undefined;
      }
      rmSync(cwd, { recursive: true, force: true });
      resolve({ code, err, left, ...(kept !== undefined ? { kept } : {}) });
    });
  });
}

const CASES = cases();
const results = new Map<string, Result>();

beforeAll(async () => {
  let next = 0;
  const worker = async () => {
    while (next < CASES.length) {
      const c = CASES[next++]!;
      results.set(c.name, await cubesim(c));
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}, 180_000);

afterAll(() => {
  for (const dir of [FIX, ...ELSEWHERE]) rmSync(dir, { recursive: true, force: true });
});

describe('bad input: one line naming what is wrong, exit 2, nothing written', () => {
  it('has at least 30 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = results.get(c.name)!;
    expect(r.err).toBe(`cubesim: ${c.message}\n`);
    expect(r.code).toBe(2);
    expect(r.left).toEqual([]);
    expect(readdirSync(FIX).filter((f) => f === 'results' || f.includes('.partial'))).toEqual([]);
  });

  it('takes a configuration outside the project when it is given with --config', async () => {
    const cfg = join(elsewhere(), 'c.ios');
    writeFileSync(cfg, readFileSync(join(ROOT, 'experiments/configs/passthru.ios')));
    const r = await cubesim({
      name: 'explicit',
      args: ['trace', join(FIX, 'good.json'), '--call', '0', '--config', cfg],
      message: '',
    });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(cfg)).toBe(true);
  });
});

describe('calls.csv cells that a spreadsheet would run as a formula', () => {
  const leg = {
    received: 0,
    relayed: 0,
    answeredLocally: 0,
    rejected: 0,
    glare: 0,
    sessionExpires: 1800,
    refresher: 'caller',
  };
  /** Just the fields callRow reads, with hostile text where text comes from outside. */
  const hostile = (index: number, caller: string, callee: string, cause: string) =>
    ({
      index,
      arrivalAt: 1,
      answeredAt: 2,
      endedAt: 3,
      holding: 1,
      callerProfile: caller,
      calleeProfile: callee,
      outcome: 'dropped',
      cause,
      leg: 'inbound',
      side: 'caller',
      status: 0,
      attempts: 1,
      features: [{ feature: 'video', status: 'failed', reason: '=488' }],
      inbound: leg,
      outbound: leg,
      counters: { refreshesSent: 0, refreshesSucceeded: 0, refreshesFailed: 0 },
      retried: 0,
    }) as unknown as Call;

  it('are escaped with a leading apostrophe', async () => {
    const path = join(FIX, 'calls.csv');
    const w = new CallsCsvWriter(path);
    w.write(hostile(0, "=cmd|' /C calc'!A0", '+cucm', '-1'));
    w.write(hostile(1, '@SUM(A1:A9)', 'cucm', '=HYPERLINK("http://x")'));
    await w.close();
    const rows = parse<Record<string, string>>(readFileSync(path, 'utf8'), { columns: true });
    expect(rows.map((r) => [r['caller_profile'], r['callee_profile'], r['cause']])).toEqual([
      ["'=cmd|' /C calc'!A0", "'+cucm", "'-1"],
      ["'@SUM(A1:A9)", 'cucm', `'=HYPERLINK("http://x")`],
    ]);
    // Ordinary cells are left as they are.
    expect(rows[0]!['outcome']).toBe('dropped');
    expect(rows[0]!['features']).toBe('video:failed:=488');
  });

  it('are escaped in a real run with an endpoint profile named "=cmd" (CUBESIM_MODELS)', async () => {
    const models = join(FIX, 'models-formula');
    cpSync(join(ROOT, 'models'), models, { recursive: true });
    writeFileSync(
      join(models, 'endpoints', '=cmd.json'),
      JSON.stringify({ ...JSON.parse(readFileSync(join(models, 'endpoints', 'cucm.json'), 'utf8')), id: '=cmd' }),
    );
    const f = exp('formula', (e) => {
      e.calls = 3;
      e.workload.callers = [{ profile: '=cmd' }];
    });
    const r = await cubesim(
      { name: 'formula', args: ['run', f, '--out', 'r'], env: { CUBESIM_MODELS: models }, message: '' },
      (cwd) => readFileSync(join(cwd, 'r', 'calls.csv'), 'utf8'),
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rows = parse<Record<string, string>>(r.kept!, { columns: true });
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row['caller_profile']).toBe("'=cmd");
  });
});
