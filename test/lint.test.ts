// The configuration lint against the real models on disk: shipped configurations, platforms and
// endpoint profiles, with the failure it should predict before anything runs.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Platform } from '../src/config/platform.ts';
import type { BorderElementConfig } from '../src/config/types.ts';
import {
  borderElementModelSchema,
  defectTableSchema,
  effectiveProfile,
  endpointProfileSchema,
  withOverrides,
  type BorderElementModel,
  type DefectTable,
  type EndpointProfile,
} from '../src/elements/models.ts';
import type { LintInput } from '../src/lint/context.ts';
import type { Finding } from '../src/lint/findings.ts';
import { formatFindings } from '../src/lint/findings-output.ts';
import { lintConfiguration } from '../src/lint/rules.ts';
import { endpointIds, loadConfig, loadPlatform, MODELS_DIR } from '../src/experiment/load.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

const model: BorderElementModel = borderElementModelSchema.parse(readJson(join(MODELS_DIR, 'border-element.json')));
const defectTable: DefectTable = defectTableSchema.parse(readJson(join(MODELS_DIR, 'defects.json')));

/** An endpoint profile from models/endpoints, with extra defects switched on and applied. */
function profile(id: string, defects: string[] = []): EndpointProfile {
  const p = endpointProfileSchema.parse(readJson(join(MODELS_DIR, 'endpoints', `${id}.json`)));
  return effectiveProfile({ ...p, defects: [...p.defects, ...defects] }, defectTable);
}

function platform(id: string): Platform {
  return loadPlatform(id, 'test', 'platform');
}

function config(name: string, on: Platform): BorderElementConfig {
  return loadConfig(join(root, 'experiments', 'configs', name), on);
}

function input(configName: string, platformId: string, profiles: EndpointProfile[]): LintInput {
  const p = platform(platformId);
  return { config: config(configName, p), platform: p, model, profiles, defects: defectTable };
}

function lint(configName: string, platformId: string, profiles: EndpointProfile[]): Finding[] {
  return lintConfiguration(input(configName, platformId, profiles));
}

const ofRule = (findings: Finding[], rule: string) => findings.filter((f) => f.rule === rule);

describe('min-se-422: the border element refuses an offer below min-se (RFC 4028 §8.1, Q3)', () => {
  it('passthru.ios on 12.4(20)T with JsSIP: every call fails setup, said exactly', () => {
    expect(lint('passthru.ios', 'isr-12.4-20T', [profile('jssip')])).toEqual([
      {
        severity: 'error',
        rule: 'min-se-422',
        message:
          'Min-SE 1800 toward jssip, which offers Session-Expires 90 and never retries after 422: every call from jssip fails setup with 422 (assumed, Q3); ' +
          'min-se is not configured, so the default 1800 applies (whenMinSeNotConfigured enforce-default (assumed))',
      },
    ]);
  });

  it('a caller that retries after 422 costs only an extra round trip (note)', () => {
    const short = withOverrides(profile('pjsip'), { 'timer.sessionExpires': 90 });
    const found = ofRule(lint('passthru.ios', 'isr-12.4-20T', [short]), 'min-se-422');
    expect(found).toHaveLength(1);
    expect(found[0]!.severity).toBe('note');
    expect(found[0]!.message).toContain(
      'each call from pjsip takes an extra 422 round trip and is retried with Session-Expires 1800',
    );
  });

  it('nothing to say once min-se is lowered to the floor', () => {
    expect(ofRule(lint('min-se-90.ios', 'isr-12.4-20T', [profile('jssip')]), 'min-se-422')).toEqual([]);
  });
});

describe('a clean setup', () => {
  it('passthru.ios on 12.4(20)T with CUCM on both legs: no findings at all', () => {
    expect(lint('passthru.ios', 'isr-12.4-20T', [profile('cucm')])).toEqual([]);
  });
});

describe('callee-min-se: the callee 422s what the border element let through (RFC 4028 §9)', () => {
  it("min-se-90.ios lets JsSIP's 90 s reach CUCM, which wants 1800; points at the min-se line", () => {
    const found = ofRule(lint('min-se-90.ios', 'isr-12.4-20T', [profile('jssip'), profile('cucm')]), 'callee-min-se');
    expect(found).toEqual([
      {
        severity: 'error',
        rule: 'callee-min-se',
        line: 9,
        message:
          'cucm asks Min-SE 1800 but calls from jssip to cucm reach it with Session-Expires 90 and Min-SE 90 (border element min-se 90): ' +
          'cucm answers 422 and jssip never retries after 422, so every call from jssip to cucm fails setup',
      },
    ]);
  });
});

describe('pre-xz-refresh: refreshes answered on their own leg before 12.4(15)XZ (C1)', () => {
  it('pre-xz.ios on 12.4(11)T with CUCM: calls longer than 1768 s are dropped', () => {
    const found = lint('pre-xz.ios', 'isr-12.4-11T', [profile('cucm')]);
    const errors = found.filter((f) => f.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.rule).toBe('pre-xz-refresh');
    // SE − min(32, SE/3) for Session-Expires 1800 (RFC 4028 §10), as the simulator drops them.
    expect(errors[0]!.message).toContain(
      'gives up at 1768 s for Session-Expires 1800: calls longer than 1768 s are dropped',
    );
    expect(errors[0]!.message).toContain('(assumed, C1)');
    // The in-dialog OPTIONS of pre-xz.ios do not help: a timer is negotiated (C6).
    expect(ofRule(found, 'options-ping-unused')).toEqual([expect.objectContaining({ severity: 'note', line: 8 })]);
  });

  it('the same configuration on a post-XZ release does not predict the drop', () => {
    expect(ofRule(lint('pre-xz.ios', 'isr-12.4-20T', [profile('cucm')]), 'pre-xz-refresh')).toEqual([]);
  });
});

describe('midcall-none: what is lost without midcall-signaling (C1, C3; Q1)', () => {
  it('no-midcall.ios on 12.4(20)T: video and hold fail with 488, refresh, fax and REFER work', () => {
    const found = lint('no-midcall.ios', 'isr-12.4-20T', [profile('cucm')]);
    expect(found).toEqual([
      {
        severity: 'warning',
        rule: 'midcall-none',
        message:
          'without midcall-signaling on 12.4(20)T, video escalation, hold and resume re-INVITEs are rejected with 488, so those features fail; ' +
          'session refresh, T.38 fax and REFER transfer are relayed and work (assumed, Q1)',
      },
    ]);
  });

  it('the lists come from the table in models/border-element.json', () => {
    const changed = structuredClone(model);
    changed.midcall['post-xz'].none!.requests.fax = { action: 'reject', status: 415 };
    const p = platform('isr-12.4-20T');
    const [f] = lintConfiguration({
      config: config('no-midcall.ios', p),
      platform: p,
      model: changed,
      profiles: [profile('cucm')],
    });
    expect(f!.message).toContain(
      'T.38 fax re-INVITEs are rejected with 415; video escalation, hold and resume re-INVITEs are rejected with 488',
    );
    expect(f!.message).toContain('session refresh and REFER transfer are relayed and work');
  });

  it('passthru relays everything: nothing to warn about', () => {
    expect(ofRule(lint('passthru.ios', 'isr-12.4-20T', [profile('cucm')]), 'midcall-none')).toEqual([]);
  });
});

describe('update-refresh: an UPDATE refresh toward a peer that does not answer it (F7), on a release that relays UPDATE', () => {
  const profiles = () => [profile('jssip'), profile('pjsip', ['update-unanswered'])];

  it('min-se-90.ios, JsSIP calling pjsip with update-unanswered: the callee gives up first at 60 s', () => {
    const found = ofRule(lint('min-se-90.ios', 'isr-15.1-3T', profiles()), 'update-refresh');
    const fromJssip = found.find((f) => f.message.startsWith('jssip (caller)'));
    expect(fromJssip).toEqual({
      severity: 'error',
      rule: 'update-refresh',
      message:
        'jssip (caller) refreshes by UPDATE toward pjsip (callee), which never answers UPDATE: on calls from jssip to pjsip (Session-Expires 90) ' +
        'the refresh sent at 45 s times out at 77 s (Timer F, 64·T1 = 32 s), and pjsip (callee) gives up first at 60 s: calls longer than 60 s are dropped (F7)',
    });
    // pjsip calling pjsip: the refresher's own timeout comes first, at 900 + 32 s.
    const pjsipToPjsip = found.find((f) => f.message.startsWith('pjsip (caller)'));
    expect(pjsipToPjsip?.severity).toBe('error');
    expect(pjsipToPjsip?.message).toContain('calls longer than 932 s are dropped');
    expect(pjsipToPjsip?.message).toContain('(assumed, Q5)');
  });

  it('the defect itself is named with its failure mode', () => {
    const found = ofRule(lint('min-se-90.ios', 'isr-12.4-20T', profiles()), 'defects');
    expect(found).toEqual([
      expect.objectContaining({
        severity: 'note',
        // The matcher stands in for the message (vitest types it `any`).
        message: expect.stringContaining(
          'pjsip runs with defect update-unanswered (F7): never answers an UPDATE',
        ) as unknown,
      }),
    ]);
  });

  it('a re-INVITE fallback after 501 is only a note', () => {
    const found = ofRule(
      lint('passthru.ios', 'isr-15.1-3T', [profile('itsp-trunk'), profile('legacy-pbx')]),
      'update-refresh',
    );
    expect(found).toHaveLength(1);
    expect(found[0]!.severity).toBe('note');
    expect(found[0]!.message).toContain('which answers UPDATE with 501');
    expect(found[0]!.message).toContain('falls back to a re-INVITE');
  });

  it('not relevant before 12.4(15)XZ, where the border element answers the refresh itself', () => {
    const p = platform('isr-12.4-11T');
    const cfg = config('pre-xz.ios', p);
    const found = lintConfiguration({ config: cfg, platform: p, model, profiles: profiles(), defects: defectTable });
    expect(ofRule(found, 'update-refresh')).toEqual([]);
  });
});

describe('update-not-relayed: a refresh UPDATE on a release that passes no UPDATE between SIP legs', () => {
  it('12.4(20)T: the border element answers it itself, the peer is never refreshed, and the workaround is named', () => {
    const found = ofRule(
      lint('min-se-90.ios', 'isr-12.4-20T', [profile('jssip'), profile('pjsip')]),
      'update-not-relayed',
    );
    expect(found.find((f) => f.message.includes('on calls from jssip to pjsip'))).toEqual({
      severity: 'warning',
      rule: 'update-not-relayed',
      message:
        'jssip (caller) refreshes by UPDATE, which 12.4(20)T does not pass from one SIP leg to the other (platform release.sipToSipUpdate): on calls from jssip to pjsip (Session-Expires 90) ' +
        'the border element answers it itself at 45 s (updateWithoutRelay answer-locally (assumed, Q5)) and pjsip (callee) is never refreshed and gives up at 60 s: calls longer than 60 s are dropped; ' +
        'workaround (Cisco TAC 213843): make jssip refresh by re-INVITE, or keep UPDATE out of the Allow toward it',
    });
    expect(
      ofRule(lint('min-se-90.ios', 'isr-12.4-20T', [profile('jssip'), profile('pjsip')]), 'update-refresh'),
    ).toEqual([]);
  });

  it('silent on a release that relays UPDATE, and for peers that refresh by re-INVITE', () => {
    expect(
      ofRule(lint('min-se-90.ios', 'isr-15.1-3T', [profile('jssip'), profile('pjsip')]), 'update-not-relayed'),
    ).toEqual([]);
    expect(
      ofRule(lint('min-se-90.ios', 'isr-12.4-20T', [profile('cucm'), profile('freeswitch')]), 'update-not-relayed'),
    ).toEqual([]);
  });
});

describe('the notes', () => {
  it('short intervals: refresh transactions per second per 1000 calls through passthru', () => {
    const found = ofRule(lint('min-se-90.ios', 'isr-12.4-20T', [profile('jssip')]), 'short-interval-load');
    expect(found).toHaveLength(1);
    // 1000 calls × 2 transactions / 45 s.
    expect(found[0]!.message).toContain('1000 concurrent calls from jssip cost 44.4 refresh transactions per second');
  });

  it('expiry rules that differ between the profiles (F18)', () => {
    const [f] = ofRule(
      lint('min-se-90.ios', 'isr-12.4-20T', [profile('jssip'), profile('freeswitch'), profile('cucm')]),
      'expiry-rules',
    );
    expect(f!.message).toContain('cucm 1768 s');
    expect(f!.message).toContain('freeswitch 1832 s');
    expect(f!.message).toContain('jssip 99 s');
  });

  it('no liveness check for calls without a session timer, and no options-ping', () => {
    const [f] = ofRule(lint('passthru.ios', 'isr-12.4-20T', [profile('cucm'), profile('legacy-pbx')]), 'no-liveness');
    expect(f!.message).toContain('cucm to legacy-pbx');
    expect(f!.message).toContain('never cleaned up');
  });
});

describe('formatFindings', () => {
  it('prints file:line for findings with a line, file alone otherwise, then the totals', () => {
    const text = formatFindings(
      lint('pre-xz.ios', 'isr-12.4-11T', [profile('cucm')]),
      'experiments/configs/pre-xz.ios',
    );
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^experiments\/configs\/pre-xz\.ios: error \[pre-xz-refresh\] 12\.4\(11\)T answers/);
    expect(lines[1]).toMatch(/^experiments\/configs\/pre-xz\.ios: warning \[midcall-none\] /);
    expect(lines[2]).toMatch(
      /^experiments\/configs\/pre-xz\.ios:8: note \[options-ping-unused\] options-ping 120 never runs/,
    );
    expect(lines[3]).toBe('1 error, 1 warning, 1 note');
  });

  it('counts and sorts whatever it is given', () => {
    const text = formatFindings(
      [
        { severity: 'note', rule: 'b', message: 'n' },
        { severity: 'error', rule: 'z', message: 'e2', line: 3 },
        { severity: 'error', rule: 'a', message: 'e1' },
      ],
      'x.ios',
    );
    expect(text).toBe(
      ['x.ios: error [a] e1', 'x.ios:3: error [z] e2', 'x.ios: note [b] n', '2 errors, 0 warnings, 1 note'].join('\n'),
    );
    expect(formatFindings([], 'x.ios')).toBe('0 errors, 0 warnings, 0 notes');
  });
});

describe('determinism', () => {
  const all = () => endpointIds().map((id) => profile(id));

  it('the same findings in the same order whatever the order (or repetition) of the profiles', () => {
    const forward = lint('min-se-90.ios', 'isr-12.4-20T', all());
    const backward = lint('min-se-90.ios', 'isr-12.4-20T', [...all().reverse(), profile('cucm')]);
    expect(backward).toEqual(forward);
    expect(forward.length).toBeGreaterThan(3);
  });

  it('sorted by severity, then rule, then message', () => {
    const found = lint('passthru.ios', 'isr-12.4-20T', all());
    const rank = { error: 0, warning: 1, note: 2 } as const;
    const keys = found.map((f) => [rank[f.severity], f.rule, f.message] as const);
    const sorted = [...keys].sort(
      (a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0),
    );
    expect(keys).toEqual(sorted);
    expect(new Set(found.map((f) => f.severity))).toEqual(new Set(['error', 'warning', 'note']));
  });

  it('does not modify its input', () => {
    const i = input('pre-xz.ios', 'isr-12.4-11T', all());
    const before = structuredClone(i);
    lintConfiguration(i);
    expect(i).toEqual(before);
  });
});

describe('session-refresh: 15.1(2)T session refresh, per pair (C9)', () => {
  it('names what the border element does for each pair, and a timer-less pair is no longer without liveness', () => {
    const found = lint('session-refresh.ios', 'isr-15.1-2T', [profile('cucm'), profile('legacy-pbx')]);
    const notes = ofRule(found, 'session-refresh').map((f) => f.message);
    expect(notes).toHaveLength(4);
    expect(notes.find((m) => m.includes('calls from legacy-pbx to legacy-pbx'))).toContain(
      "the border element refreshes the callee's leg itself (rows 13-15) (assumed: which leg)",
    );
    expect(notes.find((m) => m.includes('calls from cucm to cucm'))).toMatch(
      /passes their refreshes across \(rows 1-4\)$/,
    );
    expect(ofRule(found, 'no-liveness')).toEqual([]);
    expect(
      ofRule(lint('passthru.ios', 'isr-15.1-2T', [profile('cucm'), profile('legacy-pbx')]), 'session-refresh'),
    ).toEqual([]);
  });
});
