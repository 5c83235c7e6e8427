import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.ts';
import { parseIosConfig } from '../src/config/ios.ts';
import { loadConfigText, parseJsonConfig } from '../src/config/json.ts';
import { platformSchema, type Platform } from '../src/config/platform.ts';
import { checkAgainstPlatform } from '../src/config/validate.ts';
import type { BorderElementConfig } from '../src/config/types.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function platform(id: string): Platform {
  return platformSchema.parse(JSON.parse(readFileSync(join(root, 'models', 'platforms', `${id}.json`), 'utf8')));
}

function errorOf(run: () => unknown): InputError {
  try {
    run();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError, nothing was thrown');
}

/** Drops every `at` (lines vs field paths) and sorts uses, so IOS and JSON results compare. */
function withoutSources(config: BorderElementConfig) {
  return {
    ...config,
    dialPeers: config.dialPeers.map(({ at: _at, ...rest }) => rest),
    uses: config.uses.map((u) => u.command).sort(),
  };
}

const EXAMPLE = `voice service voip
 allow-connections sip to sip
 sip
  midcall-signaling passthru
  min-se 90
  options-ping 120
!
dial-peer voice 10 voip
 session protocol sipv2
 session target ipv4:192.0.2.10
 incoming called-number .
 voice-class sip session refresh
!
dial-peer voice 20 voip
 destination-pattern 9T
 session target ipv4:192.0.2.20
`;

/** Wraps sip-mode lines in the surrounding voice service voip block. */
function sipBlock(...lines: string[]): string {
  return ['voice service voip', ' allow-connections sip to sip', ' sip', ...lines.map((l) => `  ${l}`)].join('\n');
}

describe('parseIosConfig', () => {
  it('reads the example configuration', () => {
    const config = parseIosConfig(EXAMPLE, 'cube.ios');
    expect(config).toEqual({
      allowConnections: [{ from: 'sip', to: 'sip' }],
      midcallSignaling: 'passthru',
      minSe: 90,
      minSeConfigured: true,
      sessionExpires: null,
      sessionRefresh: false,
      optionsPing: 120,
      dialPeers: [
        {
          tag: 10,
          kind: 'voip',
          protocol: 'sip',
          sessionTarget: 'ipv4:192.0.2.10',
          incomingCalledNumber: '.',
          sessionRefresh: true,
          at: { file: 'cube.ios', line: 8 },
        },
        {
          // no `session protocol sipv2`: H.323, the IOS default
          tag: 20,
          kind: 'voip',
          protocol: 'h323',
          destinationPattern: '9T',
          sessionTarget: 'ipv4:192.0.2.20',
          at: { file: 'cube.ios', line: 14 },
        },
      ],
      uses: [
        { command: 'allow-connections', at: { file: 'cube.ios', line: 2 } },
        { command: 'midcall-signaling passthru', at: { file: 'cube.ios', line: 4 } },
        { command: 'min-se', at: { file: 'cube.ios', line: 5 } },
        { command: 'options-ping', at: { file: 'cube.ios', line: 6 } },
        { command: 'voice-class sip session refresh', at: { file: 'cube.ios', line: 12 } },
      ],
    });
  });

  it('accepts prompts, enable / configure terminal / exit / end and a flat body', () => {
    const text = [
      'Router>enable',
      'Router#configure terminal',
      'Router(config)#voice service voip',
      'Router(conf-voi-serv)#allow-connections sip to sip',
      'Router(conf-voi-serv)#sip',
      'Router(conf-serv-sip)#midcall-signaling passthru',
      'Router(conf-serv-sip)#exit',
      'Router(conf-voi-serv)#exit',
      'Router(config)#dial-peer voice 5 voip',
      'Router(config-dial-peer)#session protocol sipv2',
      'Router(config-dial-peer)#end',
      'Router#',
    ].join('\n');
    const config = parseIosConfig(text, 'typed.txt');
    expect(config.midcallSignaling).toBe('passthru');
    expect(config.dialPeers.map((p) => [p.tag, p.protocol])).toEqual([[5, 'sip']]);

    const flat = 'voice service voip\nallow-connections sip to sip\nsip\nmin-se 120\ndial-peer voice 1 voip\n';
    expect(parseIosConfig(flat, 'flat.ios').minSe).toBe(120);
  });

  it('reads min-se with session-expires and records both gated forms', () => {
    const config = parseIosConfig(sipBlock('min-se 90 session-expires 100', 'session refresh'), 'se.ios');
    expect(config.minSe).toBe(90);
    expect(config.sessionExpires).toBe(100);
    expect(config.sessionRefresh).toBe(true);
    expect(config.uses.map((u) => [u.command, u.at.line])).toEqual([
      ['allow-connections', 2],
      ['min-se', 4],
      ['min-se session-expires', 4],
      ['session refresh', 5],
    ]);
  });

  it('sets defaults back with "no"', () => {
    const text = [
      sipBlock('midcall-signaling passthru', 'min-se 90', 'session refresh', 'options-ping 60'),
      '  no midcall-signaling',
      '  no min-se',
      '  no session refresh',
      '  no options-ping',
      'dial-peer voice 7 voip',
      ' session protocol sipv2',
      ' no voice-class sip session refresh',
    ].join('\n');
    const config = parseIosConfig(text, 'no.ios');
    expect(config.midcallSignaling).toBe('none');
    expect(config.minSe).toBe(1800);
    expect(config.sessionExpires).toBeNull();
    expect(config.sessionRefresh).toBe(false);
    expect(config.optionsPing).toBeNull();
    expect(config.dialPeers[0]?.sessionRefresh).toBe(false);
  });

  it('accepts the dial-peer midcall-signaling consumption forms', () => {
    const text = `${sipBlock('bind control source-interface Gi0/0')}\ndial-peer voice 3 voip\n session protocol sipv2\n voice-class sip midcall-signaling passthru media-change\n`;
    const config = parseIosConfig(text, 'dp.ios');
    expect(config.dialPeers[0]?.midcallSignaling).toBe('passthru-media-change');
    expect(config.uses.map((u) => u.command)).toContain('voice-class sip midcall-signaling');
  });

  it('accepts known sip-ua lines and refuses others', () => {
    expect(() => parseIosConfig('sip-ua\n retry invite 2\n timers trying 150\n', 's.ios')).not.toThrow();
    const e = errorOf(() => parseIosConfig('sip-ua\n retry invite 2\n registrar ipv4:192.0.2.1\n', 's.ios'));
    expect(e.where).toBe('line 3');
    expect(e.message).toBe(
      's.ios: line 3: unknown command "registrar ipv4:192.0.2.1" in sip-ua mode; allowed here: timers ..., retry ...',
    );
  });
});

describe('IOS errors', () => {
  it('suggests the closest command for a misspelt one', () => {
    const e = errorOf(() => parseIosConfig(sipBlock('min-se 90', '', 'midcall-signalling passthru'), 'x.ios'));
    expect(e.where).toBe('line 6');
    expect(e.message).toBe(
      'x.ios: line 6: unknown command "midcall-signalling passthru" in sip mode; did you mean "midcall-signaling passthru"?',
    );
  });

  it('names the mode for an unknown mode-level command', () => {
    const e = errorOf(() => parseIosConfig('!\nvoice servce voip\n', 'x.ios'));
    expect(e.message).toBe(
      'x.ios: line 2: unknown command "voice servce voip" in global configuration mode; did you mean "voice service voip"?',
    );
    const other = errorOf(() => parseIosConfig('hostname cube1\n', 'x.ios'));
    expect(other.message).toBe(
      'x.ios: line 1: unknown command "hostname cube1" in global configuration mode; allowed here: voice service voip, dial-peer voice <tag> voip, dial-peer voice <tag> pots, sip-ua',
    );
  });

  it('says where a command belongs when it is indented under the wrong mode', () => {
    const e = errorOf(() => parseIosConfig('voice service voip\n sip\n  allow-connections sip to sip\n', 'x.ios'));
    expect(e.message).toBe(
      'x.ios: line 3: unknown command "allow-connections sip to sip" in sip mode; it belongs under voice service voip',
    );
  });

  it.each([
    [
      'min-se 30',
      'min-se 30 is out of range: allowed 90-86400 seconds (below 90 s only with cubesim emulate/trace --allow-short-session-expires)',
    ],
    ['min-se 0', 'min-se 0 is out of range: allowed 90-86400 seconds'],
    [
      'min-se 1800 session-expires 60',
      'session-expires 60 is out of range: allowed 90-86400 seconds (below 90 s only with cubesim emulate/trace --allow-short-session-expires)',
    ],
    ['min-se 90000', 'min-se 90000 is out of range: allowed 90-86400 seconds'],
    ['options-ping 30', 'options-ping 30 is out of range: allowed 60-1200 seconds'],
    [
      'min-se 200 session-expires 100',
      'session-expires 100 is below min-se 200: session-expires must be at least min-se',
    ],
    ['min-se ninety', 'min-se "ninety" is not a whole number: allowed 90-86400 seconds'],
  ])('refuses "%s"', (line, message) => {
    const e = errorOf(() => parseIosConfig(sipBlock(line), 'r.ios'));
    expect(e.where).toBe('line 4');
    expect(e.message).toBe(`r.ios: line 4: ${message}`);
  });

  it('refuses midcall-signaling without allow-connections sip to sip, at the midcall-signaling line', () => {
    const text =
      'voice service voip\n allow-connections sip to h323\n sip\n  min-se 90\n  midcall-signaling passthru\n';
    const e = errorOf(() => parseIosConfig(text, 'm.ios'));
    expect(e.where).toBe('line 5');
    expect(e.message).toBe(
      'm.ios: line 5: "midcall-signaling passthru" is configured without "allow-connections sip to sip": ' +
        'the Session Refresh with Reinvites feature document makes "allow-connections sip to sip" under voice service voip a prerequisite of midcall-signaling',
    );
  });

  it('refuses midcall-signaling passthru typed under a dial-peer', () => {
    const text = `${sipBlock('min-se 90')}\ndial-peer voice 10 voip\n session protocol sipv2\n midcall-signaling passthru\n`;
    const e = errorOf(() => parseIosConfig(text, 'd.ios'));
    expect(e.where).toBe('line 7');
    expect(e.message).toBe(
      'd.ios: line 7: "midcall-signaling passthru" refused in dial-peer mode: the Session Refresh with Reinvites feature ' +
        '(midcall-signaling passthru) cannot be configured per dial-peer, only under voice service voip / sip ' +
        '(feature document: "on a dial-peer basis is not supported")',
    );
  });

  it('refuses preserve-codec as not modelled', () => {
    const e = errorOf(() => parseIosConfig(sipBlock('midcall-signaling preserve-codec'), 'p.ios'));
    expect(e.message).toBe(
      'p.ios: line 4: "midcall-signaling preserve-codec" needs 15.3(1)T or later and is not modelled by this simulator: ' +
        'allowed midcall-signaling passthru | passthru media-change | block',
    );
  });
});

const EXAMPLE_JSON = {
  allowConnections: [{ from: 'sip', to: 'sip' }],
  midcallSignaling: 'passthru',
  minSe: 90,
  sessionExpires: null,
  sessionRefresh: false,
  optionsPing: 120,
  dialPeers: [
    {
      tag: 10,
      kind: 'voip',
      protocol: 'sip',
      sessionTarget: 'ipv4:192.0.2.10',
      incomingCalledNumber: '.',
      sessionRefresh: true,
    },
    { tag: 20, destinationPattern: '9T', sessionTarget: 'ipv4:192.0.2.20' },
  ],
};

describe('parseJsonConfig', () => {
  it('gives the same configuration as the IOS text', () => {
    const fromJson = parseJsonConfig(EXAMPLE_JSON, 'cube.json');
    const fromIos = parseIosConfig(EXAMPLE, 'cube.ios');
    expect(withoutSources(fromJson)).toEqual(withoutSources(fromIos));
    expect(fromJson.uses.find((u) => u.command === 'min-se')?.at).toEqual({ file: 'cube.json', path: 'minSe' });
    expect(fromJson.dialPeers[1]?.at).toEqual({ file: 'cube.json', path: 'dialPeers.1' });
  });

  it('fills defaults for everything but allowConnections', () => {
    const config = parseJsonConfig({ allowConnections: [] }, 'min.json');
    expect(config).toEqual({
      allowConnections: [],
      midcallSignaling: 'none',
      minSe: 1800,
      minSeConfigured: false,
      sessionExpires: null,
      sessionRefresh: false,
      optionsPing: null,
      dialPeers: [],
      uses: [],
    });
  });

  it('refuses an unknown field with a suggestion', () => {
    const e = errorOf(() => parseJsonConfig({ allowConnections: [], minSE: 90 }, 'u.json'));
    expect(e.where).toBe('field minSE');
    expect(e.message).toBe(
      'u.json: field minSE: unknown field "minSE"; allowed fields: allowConnections, midcallSignaling, minSe, ' +
        'sessionExpires, sessionRefresh, optionsPing, dialPeers; did you mean "minSe"?',
    );
    const nested = errorOf(() =>
      parseJsonConfig({ allowConnections: [], dialPeers: [{ tag: 1, target: 'x' }] }, 'u.json'),
    );
    expect(nested.where).toBe('field dialPeers.0.target');
  });

  it('refuses a value of the wrong type, naming it and what is allowed', () => {
    const e = errorOf(() => parseJsonConfig({ allowConnections: [], minSe: '90' }, 't.json'));
    expect(e.where).toBe('field minSe');
    expect(e.message).toBe('t.json: field minSe: got "90" (a string); allowed: a whole number of seconds 90-86400');
    const tag = errorOf(() => parseJsonConfig({ allowConnections: [], dialPeers: [{ tag: 'ten' }] }, 't.json'));
    expect(tag.message).toBe(
      't.json: field dialPeers.0.tag: got "ten" (a string); allowed: a whole number 1-2147483647',
    );
  });

  it('refuses out-of-range values, a missing allowConnections and a bad enum', () => {
    expect(errorOf(() => parseJsonConfig({ allowConnections: [], minSe: 30 }, 'j')).message).toBe(
      'j: field minSe: got 30; allowed: a whole number of seconds 90-86400 (below 90 s only with cubesim emulate/trace --allow-short-session-expires)',
    );
    expect(
      errorOf(() => parseJsonConfig({ allowConnections: [], minSe: 0 }, 'j', { allowShortSessionExpires: true }))
        .message,
    ).toBe('j: field minSe: got 0; allowed: a whole number of seconds 1-86400');
    expect(errorOf(() => parseJsonConfig({ allowConnections: [], optionsPing: 30 }, 'j')).message).toBe(
      'j: field optionsPing: got 30; allowed: null or a whole number of seconds 60-1200',
    );
    expect(errorOf(() => parseJsonConfig({}, 'j')).message).toBe(
      'j: field allowConnections: required field is missing; allowed: a list of {"from": "sip"|"h323", "to": "sip"|"h323"} (may be empty)',
    );
    expect(errorOf(() => parseJsonConfig({ allowConnections: [{ from: 'sip', to: 'pots' }] }, 'j')).message).toBe(
      'j: field allowConnections.0.to: got "pots"; allowed: "sip" or "h323"',
    );
  });

  it('refuses sessionExpires below minSe (the default 1800 when minSe is not given)', () => {
    const e = errorOf(() => parseJsonConfig({ allowConnections: [], sessionExpires: 100 }, 'j'));
    expect(e.message).toBe(
      'j: field sessionExpires: sessionExpires 100 is below minSe 1800 (the default): sessionExpires must be at least minSe',
    );
  });

  it('refuses midcallSignaling without sip-to-sip connections, and passthru per dial-peer', () => {
    const e = errorOf(() =>
      parseJsonConfig({ allowConnections: [{ from: 'h323', to: 'sip' }], midcallSignaling: 'passthru' }, 'j'),
    );
    expect(e.where).toBe('field midcallSignaling');
    expect(e.message).toContain('allowConnections has no {"from": "sip", "to": "sip"}');
    const dp = errorOf(() =>
      parseJsonConfig(
        { allowConnections: [{ from: 'sip', to: 'sip' }], dialPeers: [{ tag: 1, midcallSignaling: 'passthru' }] },
        'j',
      ),
    );
    expect(dp.where).toBe('field dialPeers.0.midcallSignaling');
    expect(dp.message).toContain('cannot be configured per dial-peer');
  });
});

describe('loadConfigText', () => {
  it('chooses JSON or IOS by the first character', () => {
    const fromJson = loadConfigText(`\n  ${JSON.stringify(EXAMPLE_JSON, null, 2)}`, 'a.json');
    const fromIos = loadConfigText(EXAMPLE, 'a.ios');
    expect(withoutSources(fromJson)).toEqual(withoutSources(fromIos));
  });

  it('reports broken JSON as an InputError', () => {
    const e = errorOf(() => loadConfigText('{\n  "allowConnections": [],\n  "minSe": 90,\n}\n', 'b.json'));
    expect(e.message).toMatch(/^b\.json: (line 4: )?not valid JSON/);
  });
});

describe('checkAgainstPlatform', () => {
  it('refuses midcall-signaling passthru on 12.4(11)T, naming the release and where it came in', () => {
    const config = parseIosConfig(EXAMPLE, 'cube.ios');
    const e = errorOf(() => checkAgainstPlatform(config, platform('isr-12.4-11T'), 'cube.ios'));
    expect(e.where).toBe('line 4');
    expect(e.message).toBe(
      'cube.ios: line 4: "midcall-signaling passthru" is not available in Cisco IOS 12.4(11)T on an ISR 3845 ' +
        '(before 12.4(15)XZ) (release 12.4(11)T); it was introduced in 12.4(15)XZ / 12.4(20)T',
    );
  });

  it('refuses session refresh on 12.4(20)T and accepts it on 15.1(2)T', () => {
    const config = parseIosConfig(sipBlock('midcall-signaling passthru', 'session refresh'), 'sr.ios');
    const e = errorOf(() => checkAgainstPlatform(config, platform('isr-12.4-20T'), 'sr.ios'));
    expect(e.where).toBe('line 5');
    expect(e.message).toContain('"session refresh" is not available in');
    expect(e.message).toContain('(release 12.4(20)T); it was introduced in 15.1(2)T');
    expect(() => checkAgainstPlatform(config, platform('isr-15.1-2T'), 'sr.ios')).not.toThrow();
  });

  it('points at the JSON field for JSON configurations', () => {
    const config = parseJsonConfig({ allowConnections: [{ from: 'sip', to: 'sip' }], sessionRefresh: true }, 'sr.json');
    const e = errorOf(() => checkAgainstPlatform(config, platform('asr1000-xe-2.5'), 'sr.json'));
    expect(e.where).toBe('field sessionRefresh');
    expect(e.message).toContain('it was introduced in 15.1(2)T; no IOS XE release is recorded');
  });

  it('accepts the ready configuration files on the releases they are meant for', () => {
    const load = (name: string) => {
      const file = join(root, 'experiments', 'configs', name);
      return loadConfigText(readFileSync(file, 'utf8'), name);
    };
    const passthru = load('passthru.ios');
    const noMidcall = load('no-midcall.ios');
    const preXz = load('pre-xz.ios');
    expect(passthru.midcallSignaling).toBe('passthru');
    expect(passthru.minSe).toBe(1800);
    expect(noMidcall.midcallSignaling).toBe('none');
    expect(preXz.optionsPing).toBe(120);
    for (const config of [passthru, noMidcall, preXz]) {
      expect(config.dialPeers.map((p) => p.protocol)).toEqual(['sip', 'sip']);
    }
    for (const id of ['isr-12.4-20T', 'isr-15.1-2T', 'asr1000-xe-2.5']) {
      expect(() => checkAgainstPlatform(passthru, platform(id), 'passthru.ios')).not.toThrow();
    }
    expect(() => checkAgainstPlatform(passthru, platform('isr-12.4-11T'), 'passthru.ios')).toThrow(InputError);
    expect(() => checkAgainstPlatform(noMidcall, platform('isr-12.4-11T'), 'no-midcall.ios')).not.toThrow();
    expect(() => checkAgainstPlatform(preXz, platform('isr-12.4-11T'), 'pre-xz.ios')).not.toThrow();
  });
});
