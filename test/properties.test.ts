// Properties over generated input (fast-check, fixed seed so CI is reproducible):
// - small valid experiments of every kind run without error and keep every invariant (the tests
//   run with CUBESIM_CHECK=1, so a violation throws), and every offered call is accounted for;
// - the same seed gives the same fingerprint;
// - configuration text, JSON configurations and experiment files, random or mutated from the
//   shipped ones, give a result or an InputError, never another kind of error.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseIosConfig } from '../src/config/ios.ts';
import { loadConfigText, parseJsonConfig } from '../src/config/json.ts';
import { checkAgainstPlatform } from '../src/config/validate.ts';
import { InputError } from '../src/errors.ts';
import { loadExperiment, loadPlatform, type LoadedExperiment } from '../src/experiment/load.ts';
import { jsonErrorOffset } from '../src/schema-errors.ts';
import type { DefectTable } from '../src/elements/models.ts';
import { readJson, run } from './helpers.ts';

const SEED = 4028;
const ROOT = process.cwd();
const CONFIGS = join(ROOT, 'experiments/configs');
const TMP = mkdtempSync(join(tmpdir(), 'cubesim-prop-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const PROFILES = readdirSync(join(ROOT, 'models/endpoints'))
  .map((f) => f.replace(/\.json$/, ''))
  .sort();
const DEFECTS = Object.keys(readJson<DefectTable>(join(ROOT, 'models/defects.json')).defects).sort();

/** Configurations each platform's release accepts (pre-xz.ios only before 12.4(15)XZ). */
const CONFIGS_FOR: Record<string, string[]> = {
  'isr-12.4-11T': ['pre-xz.ios', 'no-midcall.ios'],
  'isr-12.4-20T': ['passthru.ios', 'no-midcall.ios', 'min-se-90.ios', 'no-midcall-min-se-90.ios'],
  'asr1000-xe-2.5': ['passthru.ios', 'no-midcall.ios', 'min-se-90.ios', 'no-midcall-min-se-90.ios'],
  'isr-15.1-2T': ['passthru.ios', 'no-midcall.ios', 'min-se-90.ios', 'no-midcall-min-se-90.ios'],
  'isr-15.1-3T': ['passthru.ios', 'no-midcall.ios', 'min-se-90.ios', 'no-midcall-min-se-90.ios'],
};

let written = 0;
/** Writes an experiment (an object, or text as it is) to a new temporary file. */
function writeExperiment(value: unknown): string {
  const path = join(TMP, `e${written++}.json`);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

/**
 * Runs `f`; an InputError is an accepted outcome (one line, naming `file` first when given), any
 * other error fails the property.
 */
function resultOrInputError<T>(f: () => T, file?: string): T | InputError {
  try {
    return f();
  } catch (e) {
    if (e instanceof InputError) {
      expect(e.message).not.toMatch(/[\n\r]/);
      if (file !== undefined) expect(e.message.startsWith(`${file}: `)).toBe(true);
      return e;
    }
    throw e;
  }
}

// --- valid experiments ---------------------------------------------------------------------

const probability = fc.double({ min: 0, max: 1, noNaN: true });
const link = fc.record({
  latency: fc.double({ min: 0.001, max: 0.2, noNaN: true }),
  jitter: fc.double({ min: 0, max: 0.05, noNaN: true }),
  loss: fc.double({ min: 0, max: 0.2, noNaN: true }),
});
const holding = fc.oneof(
  fc.record({ distribution: fc.constant('fixed'), value: fc.double({ min: 1, max: 4000, noNaN: true }) }),
  fc.record({ distribution: fc.constant('exponential'), mean: fc.double({ min: 1, max: 2000, noNaN: true }) }),
  fc.record({
    distribution: fc.constant('lognormal'),
    mean: fc.double({ min: 1, max: 2000, noNaN: true }),
    sd: fc.double({ min: 1, max: 2000, noNaN: true }),
  }),
);
const mix = fc.uniqueArray(
  fc.record({ profile: fc.constantFrom(...PROFILES), weight: fc.integer({ min: 1, max: 5 }) }),
  { minLength: 1, maxLength: 3, selector: (m) => m.profile },
);

const validExperiment = fc
  .record({
    platform: fc.constantFrom(...Object.keys(CONFIGS_FOR)),
    configPick: fc.nat(),
    seed: fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.string({ minLength: 1, maxLength: 8 })),
    calls: fc.integer({ min: 5, max: 30 }),
    rate: fc.double({ min: 0.05, max: 2, noNaN: true }),
    holding,
    callers: mix,
    callees: mix,
    features: fc.record({ video: probability, hold: probability, fax: probability, transfer: probability }),
    hangup: fc.constantFrom('caller', 'callee', 'either'),
    h323Share: probability,
    inbound: link,
    outbound: link,
    defects: fc.dictionary(fc.constantFrom(...PROFILES), fc.subarray(DEFECTS)),
    timers: fc.dictionary(
      fc.constantFrom(...PROFILES),
      fc.record(
        { sessionExpires: fc.constantFrom(0, 90, 120, 600, 1800, 3600), minSe: fc.constantFrom(90, 600, 1800) },
        { requiredKeys: [] },
      ),
    ),
  })
  .map((g) => {
    const configs = CONFIGS_FOR[g.platform]!;
    const used = new Set([...g.callers, ...g.callees].map((m) => m.profile));
    const endpoints: Record<string, { defects?: string[]; timer?: object }> = {};
    for (const [id, d] of Object.entries(g.defects)) if (used.has(id) && d.length > 0) endpoints[id] = { defects: d };
    for (const [id, t] of Object.entries(g.timers)) {
      if (!used.has(id) || Object.keys(t).length === 0) continue;
      // RFC 4028 §5: a caller never asks for an interval below its own Min-SE (refused as bad input).
      const base = BASE_TIMERS[id]!;
      const se = t.sessionExpires ?? base.sessionExpires,
        minSe = t.minSe ?? base.minSe;
      endpoints[id] = { ...endpoints[id], timer: se > 0 && se < minSe ? { ...t, sessionExpires: minSe } : t };
    }
    return {
      name: 'property',
      seed: g.seed,
      platform: g.platform,
      config: join(CONFIGS, configs[g.configPick % configs.length]!),
      calls: g.calls,
      workload: {
        arrivals: { rate: g.rate },
        holding: g.holding,
        callers: g.callers,
        callees: g.callees,
        features: {
          video: { probability: g.features.video },
          hold: { probability: g.features.hold },
          fax: { probability: g.features.fax },
          transfer: { probability: g.features.transfer },
        },
        hangup: g.hangup,
        h323Share: g.h323Share,
      },
      network: { inbound: g.inbound, outbound: g.outbound },
      endpoints,
    };
  });

/** Each profile's own Session-Expires and Min-SE, which an override changes one at a time. */
const BASE_TIMERS: Record<string, { sessionExpires: number; minSe: number }> = Object.fromEntries(
  PROFILES.map((id) => [
    id,
    (
      JSON.parse(readFileSync(`models/endpoints/${id}.json`, 'utf8')) as {
        timer: { sessionExpires: number; minSe: number };
      }
    ).timer,
  ]),
);

describe('valid small experiments', () => {
  it('run without error, keep every invariant, and account for every offered call', () => {
    expect(process.env['CUBESIM_CHECK']).toBe('1');
    fc.assert(
      fc.property(validExperiment, (e) => {
        const loaded = loadExperiment(writeExperiment(e));
        const { summary, calls } = run(loaded);
        const c = summary.calls;
        expect(c.offered).toBe(e.calls);
        expect(c.completed + c.rejected + c.dropped + c.active).toBe(c.offered);
        expect(calls).toHaveLength(e.calls);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('a callee that hangs up at once waits for the ACK of its 2xx before its BYE (RFC 3261 §15)', () => {
    // Found by the property above: a BYE sent before the 2xx was acknowledged overtook the late
    // 2xx at the border element, which left the caller's dialog open for ever.
    const loaded = loadExperiment(
      writeExperiment({
        name: 'bye-before-2xx',
        seed: 'A) ',
        platform: 'isr-12.4-11T',
        config: join(CONFIGS, 'pre-xz.ios'),
        calls: 5,
        workload: {
          arrivals: { rate: 0.05 },
          holding: { distribution: 'lognormal', mean: 1, sd: 3.69818995749249 },
          callers: [{ profile: 'cucm' }],
          callees: [{ profile: 'cucm' }],
          hangup: 'callee',
        },
        network: {
          inbound: { latency: 0.0011911636135084613, loss: 5e-324 },
          outbound: { latency: 0.001, jitter: 0.04999999999999953, loss: 0.16810613358393314 },
        },
        endpoints: { cucm: { timer: { sessionExpires: 0 } } },
      }),
    );
    const { summary } = run(loaded);
    expect(summary.calls.completed).toBe(5);
  });

  it('give the same fingerprint for the same seed', () => {
    fc.assert(
      fc.property(validExperiment, (e) => {
        const path = writeExperiment(e);
        const a = run(loadExperiment(path));
        const b = run(loadExperiment(path));
        expect(b.fingerprint).toBe(a.fingerprint);
        expect(b.summary).toEqual(a.summary);
      }),
      { seed: SEED + 1, numRuns: 40 },
    );
  });
});

// --- configuration text ----------------------------------------------------------------------

const SHIPPED_IOS = readdirSync(CONFIGS)
  .filter((f) => f.endsWith('.ios'))
  .sort()
  .map((f) => readFileSync(join(CONFIGS, f), 'utf8'));
const PLATFORMS = Object.keys(CONFIGS_FOR).map((id) => loadPlatform(id, 'test'));

/** Words of the IOS commands the reader knows, to build lines that get past the first word. */
const WORDS = [
  'voice',
  'service',
  'voip',
  'sip',
  'sip-ua',
  'dial-peer',
  'pots',
  'allow-connections',
  'h323',
  'to',
  'midcall-signaling',
  'passthru',
  'media-change',
  'block',
  'preserve-codec',
  'min-se',
  'session-expires',
  'session',
  'refresh',
  'options-ping',
  'protocol',
  'sipv2',
  'target',
  'ipv4:192.0.2.1',
  'destination-pattern',
  'incoming',
  'called-number',
  'voice-class',
  'codec',
  'g711ulaw',
  'description',
  'early-offer',
  'forced',
  'mode',
  'border-element',
  'bind',
  'timers',
  'retry',
  'no',
  'exit',
  'end',
  'conf',
  't',
  'enable',
  '!',
  'Router(config)#',
  'cube#',
  '.',
  '.T',
  '0',
  '1',
  '60',
  '89',
  '90',
  '120',
  '1200',
  '1800',
  '86400',
  '86401',
  '2147483647',
  '2147483648',
  '-1',
  '1e3',
  '',
];
const indent = fc.constantFrom('', ' ', '  ', '   ', '\t');
const wordSoup = fc
  .tuple(indent, fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 6 }))
  .map(([i, words]) => i + words.join(' '));
const seconds = fc.oneof(
  fc.constantFrom('0', '59', '60', '89', '90', '1200', '1201', '1800', '86400', '86401', 'x', '-5', '1.5'),
  fc.nat({ max: 100_000 }).map(String),
);
const protocol = fc.constantFrom('sip', 'h323', 'sipv2', 'pots');
/** Lines of the commands the reader knows, with arguments right or wrong, so that texts get past the first line. */
const commandLine = fc
  .tuple(
    indent,
    fc.constantFrom('', '', '', 'no '),
    fc.oneof(
      fc.constantFrom(
        'voice service voip',
        'sip',
        'sip-ua',
        'exit',
        'end',
        'session refresh',
        'voice-class sip session refresh',
        'mode border-element',
        'early-offer forced',
        'bind control source-interface Gi0/0',
        'codec g711ulaw',
        'description x y',
        'conf t',
        'Router(config)#voice service voip',
        'cube(conf-serv-sip)# min-se 90',
      ),
      fc.tuple(protocol, protocol).map(([a, b]) => `allow-connections ${a} to ${b}`),
      fc
        .constantFrom('passthru', 'passthru media-change', 'block', 'preserve-codec', '', 'x')
        .map((m) => `midcall-signaling ${m}`),
      fc
        .constantFrom('passthru', 'passthru media-change', 'block', 'preserve-codec', '')
        .map((m) => `voice-class sip midcall-signaling ${m}`),
      fc.tuple(seconds, fc.option(seconds)).map(([a, b]) => `min-se ${a}${b === null ? '' : ` session-expires ${b}`}`),
      seconds.map((n) => `options-ping ${n}`),
      fc
        .tuple(
          fc.oneof(fc.nat({ max: 300 }).map(String), fc.constantFrom('0', '2147483648', 'x')),
          fc.constantFrom('voip', 'pots', 'vofr', ''),
        )
        .map(([t, k]) => `dial-peer voice ${t} ${k}`),
      fc.constantFrom(
        'session protocol sipv2',
        'session protocol h323',
        'session target ipv4:192.0.2.20',
        'session target',
        'destination-pattern .T',
        'incoming called-number .',
        'incoming called-number . 9',
      ),
    ),
  )
  .map(([i, no, line]) => i + no + line);
const iosLine = fc.oneof(commandLine, commandLine, wordSoup);

type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'duplicate'; at: number }
  | { op: 'swap'; at: number; with: number }
  | { op: 'insert-line'; at: number; line: string }
  | { op: 'substitute'; at: number; char: string }
  | { op: 'insert-text'; at: number; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({
    op: fc.constant('insert-line' as const),
    at: fc.nat(),
    line: fc.oneof(iosLine, fc.string({ maxLength: 30 })),
  }),
  fc.record({
    op: fc.constant('substitute' as const),
    at: fc.nat(),
    char: fc.oneof(
      fc.constantFrom(' ', '\t', '\n', '\r', '!', '#', '{', '0', '9', 'x'),
      fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
    ),
  }),
  fc.record({
    op: fc.constant('insert-text' as const),
    at: fc.nat(),
    text: fc.string({ maxLength: 12, unit: 'binary' }),
  }),
);

function mutate(text: string, mutations: readonly Mutation[]): string {
  let lines = text.split('\n');
  for (const m of mutations) {
    const i = lines.length === 0 ? 0 : m.at % lines.length;
    switch (m.op) {
      case 'delete':
        lines.splice(i, 1);
        break;
      case 'duplicate':
        if (lines.length > 0) lines.splice(i, 0, lines[i]!);
        break;
      case 'swap':
        if (lines.length > 0) {
          const j = m.with % lines.length;
          [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        }
        break;
      case 'insert-line':
        lines.splice(i, 0, m.line);
        break;
      case 'substitute':
      case 'insert-text': {
        const flat = lines.join('\n');
        const k = flat.length === 0 ? 0 : m.at % flat.length;
        lines = (
          m.op === 'substitute'
            ? flat.slice(0, k) + m.char + flat.slice(k + 1)
            : flat.slice(0, k) + m.text + flat.slice(k)
        ).split('\n');
        break;
      }
    }
  }
  return lines.join('\n');
}

/** A configuration read from text: a config (checked against every platform too) or an InputError. */
function readsOrRefuses(text: string): void {
  const config = resultOrInputError(() => loadConfigText(text, 'fuzz.ios'), 'fuzz.ios');
  if (config instanceof InputError) return;
  for (const p of PLATFORMS) resultOrInputError(() => checkAgainstPlatform(config, p, 'fuzz.ios'), 'fuzz.ios');
}

describe('configuration text', () => {
  it('mutated shipped configurations are read or refused with an InputError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SHIPPED_IOS),
        fc.array(mutation, { minLength: 1, maxLength: 8 }),
        (text, mutations) => {
          const mutated = mutate(text, mutations);
          readsOrRefuses(mutated);
          resultOrInputError(() => parseIosConfig(mutated, 'fuzz.ios'), 'fuzz.ios');
        },
      ),
      { seed: SEED + 2, numRuns: 600 },
    );
  });

  it('lines made of IOS commands and words are read or refused with an InputError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          '',
          'voice service voip\n',
          'voice service voip\n allow-connections sip to sip\n sip\n',
          'dial-peer voice 1 voip\n',
        ),
        fc.array(iosLine, { maxLength: 25 }),
        (head, lines) => {
          const text = head + lines.join('\n');
          readsOrRefuses(text);
          resultOrInputError(() => parseIosConfig(text, 'fuzz.ios'), 'fuzz.ios');
        },
      ),
      { seed: SEED + 3, numRuns: 600 },
    );
  });

  it('random strings are read or refused with an InputError', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 200 }), fc.string({ maxLength: 200, unit: 'binary' }), fc.json()),
        (text) => {
          readsOrRefuses(text);
          resultOrInputError(() => parseIosConfig(text, 'fuzz.ios'), 'fuzz.ios');
        },
      ),
      { seed: SEED + 4, numRuns: 600 },
    );
  });
});

// --- JSON configurations ------------------------------------------------------------------------

/** Values near the configuration's shape, so that generated objects get past the first check. */
const nearConfigValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    'none',
    'passthru',
    'passthru-media-change',
    'block',
    'sip',
    'h323',
    'voip',
    'pots',
    true,
    false,
    null,
    89,
    90,
    1800,
    86400,
    86401,
    60,
    1200,
    0,
    -1,
    1.5,
  ),
);
const nearPeer = fc.dictionary(
  fc.constantFrom(
    'tag',
    'kind',
    'protocol',
    'sessionTarget',
    'destinationPattern',
    'incomingCalledNumber',
    'sessionRefresh',
    'midcallSignaling',
    'tga',
  ),
  nearConfigValue,
);
const nearConfig = fc
  .record(
    {
      allowConnections: fc.oneof(
        fc.array(fc.record({ from: fc.constantFrom('sip', 'h323', 'x'), to: fc.constantFrom('sip', 'h323') }), {
          maxLength: 3,
        }),
        nearConfigValue,
      ),
      midcallSignaling: nearConfigValue,
      minSe: nearConfigValue,
      sessionExpires: nearConfigValue,
      sessionRefresh: nearConfigValue,
      optionsPing: nearConfigValue,
      dialPeers: fc.oneof(
        fc.array(nearPeer, { maxLength: 3 }),
        fc.array(
          fc.record(
            {
              tag: fc.integer({ min: 0, max: 5 }),
              kind: fc.constantFrom('voip', 'pots'),
              midcallSignaling: fc.constantFrom('passthru', 'block', 'passthru-media-change'),
            },
            { requiredKeys: ['tag'] },
          ),
          { maxLength: 3 },
        ),
      ),
      minSE: nearConfigValue,
    },
    { requiredKeys: [] },
  )
  .chain((c) =>
    fc
      .boolean()
      .map((keep) => (keep || 'allowConnections' in c ? c : { ...c, allowConnections: [{ from: 'sip', to: 'sip' }] })),
  );

describe('JSON configurations', () => {
  it('random JSON values are read or refused with an InputError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), nearConfig), (value) => {
        const config = resultOrInputError(() => parseJsonConfig(value, 'fuzz.json'), 'fuzz.json');
        if (!(config instanceof InputError))
          for (const p of PLATFORMS)
            resultOrInputError(() => checkAgainstPlatform(config, p, 'fuzz.json'), 'fuzz.json');
        readsOrRefuses(JSON.stringify(value) ?? '');
      }),
      { seed: SEED + 5, numRuns: 800 },
    );
  });
});

// --- experiment files ---------------------------------------------------------------------------

const QUICKSTART = JSON.parse(readFileSync(join(ROOT, 'experiments/quickstart.json'), 'utf8')) as Record<
  string,
  unknown
>;
QUICKSTART['config'] = join(CONFIGS, 'passthru.ios');

/** Every path (as keys) to a value inside `v`. */
function paths(v: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}
const QUICKSTART_PATHS = paths(QUICKSTART).filter((p) => p.length > 0);

/** Endpoint overrides near the allowed shape: right and wrong fields, values in and out of range. */
const nearOverride = fc.record(
  {
    defects: fc.oneof(
      fc.subarray(DEFECTS),
      fc.array(fc.constantFrom(...DEFECTS, 'no-422-retyr', ''), { maxLength: 3 }),
      nearConfigValue,
    ),
    timer: fc.oneof(
      fc.record(
        {
          sessionExpires: fc.oneof(fc.constantFrom(0, 60, 89, 90, 1800, 86400, 86401, 1.5, -90), nearConfigValue),
          minSe: fc.oneof(fc.constantFrom(0, 89, 90, 1800, 86400, 86401), nearConfigValue),
          requestRefresher: fc.constantFrom('none', 'uac', 'uas', 'both'),
          preferredRefresher: fc.constantFrom('uac', 'uas', 'none'),
          refreshMethod: fc.constantFrom('invite', 'update', 'update-if-allowed', 'update-fallback-invite', 'options'),
          expiryRule: fc.constantFrom('rfc', 'factor-1.1', 'se', 'se-plus-32', 'never'),
          retry422: fc.oneof(fc.boolean(), nearConfigValue),
          max422Retries: fc.oneof(fc.integer({ min: -1, max: 11 }), nearConfigValue),
          refresher: nearConfigValue,
        },
        { requiredKeys: [] },
      ),
      nearConfigValue,
    ),
    allowUpdate: fc.oneof(fc.boolean(), nearConfigValue),
    answersUpdate: fc.constantFrom('ok', '405', '501', 'never', '200'),
    defect: nearConfigValue,
  },
  { requiredKeys: [] },
);

/** The quickstart experiment with values replaced, removed or added at random places. */
const mutatedExperiment = fc
  .array(
    fc.record({
      path: fc.constantFrom(...QUICKSTART_PATHS),
      change: fc.oneof(
        fc.record({
          kind: fc.constant('set' as const),
          value: fc.oneof(
            fc.jsonValue({ maxDepth: 2 }),
            nearConfigValue,
            fc.constantFrom(
              'cucm',
              'jssip',
              'isr-12.4-11T',
              '../../../etc/passwd',
              'configs/nope.ios',
              'fixed',
              'lognormal',
              1e308,
              -0,
            ),
          ),
        }),
        fc.record({ kind: fc.constant('delete' as const) }),
        fc.record({
          kind: fc.constant('add' as const),
          key: fc.constantFrom('endpoints', 'cucm', 'timer', 'defects', 'profile', 'from', 'until', 'calls', 'x'),
          value: fc.jsonValue({ maxDepth: 2 }),
        }),
      ),
    }),
    { minLength: 0, maxLength: 4 },
  )
  .chain((changes) =>
    fc.tuple(
      fc.constant(changes),
      fc.option(fc.dictionary(fc.constantFrom('cucm', 'jssip', 'cucn'), nearOverride, { maxKeys: 2 })),
    ),
  )
  .map(([changes, endpoints]) => {
    const e = structuredClone(QUICKSTART);
    e['calls'] = 5;
    if (endpoints !== null) e['endpoints'] = endpoints;
    for (const { path, change } of changes) {
      let node: unknown = e;
      for (const k of path.slice(0, -1))
        node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[k] : undefined;
      if (node === null || typeof node !== 'object') continue;
      const obj = node as Record<string | number, unknown>;
      const last = path[path.length - 1]!;
      if (change.kind === 'set') obj[last] = change.value;
      else if (change.kind === 'delete') delete obj[last];
      else if (obj[last] !== null && typeof obj[last] === 'object' && !Array.isArray(obj[last]))
        (obj[last] as Record<string, unknown>)[change.key] = change.value;
    }
    return e;
  });

describe('experiment files', () => {
  it('a JSON syntax error is found where JSON.parse finds one (for the line and column in the message)', () => {
    const nearJson = fc
      .tuple(
        fc.json(),
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.constantFrom(
              '',
              ',',
              '}',
              ']',
              '{',
              '[',
              '"',
              ':',
              '\\',
              '\n',
              'x',
              '-',
              '.',
              'e',
              '0',
              ' ',
              'tru',
              '\u0001',
            ),
          ),
          { maxLength: 3 },
        ),
      )
      .map(([text, edits]) =>
        edits.reduce((t, [at, s]) => {
          const k = t.length === 0 ? 0 : at % (t.length + 1);
          return t.slice(0, k) + s + t.slice(k + (s === '' ? 1 : 0));
        }, text),
      );
    fc.assert(
      fc.property(fc.oneof(nearJson, fc.string({ maxLength: 40 })), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        const offset = jsonErrorOffset(text);
        expect(offset === undefined).toBe(valid);
        if (offset !== undefined) expect(offset).toBeLessThanOrEqual(text.length);
      }),
      { seed: SEED + 8, numRuns: 3000 },
    );
  });

  it('random JSON values and text are loaded or refused with an InputError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.string({ maxLength: 80 }), fc.json()), (value) => {
        resultOrInputError(() => loadExperiment(writeExperiment(value)));
      }),
      { seed: SEED + 6, numRuns: 300 },
    );
  });

  it('mutated experiments are loaded or refused with an InputError', () => {
    let loaded = 0;
    fc.assert(
      fc.property(mutatedExperiment, (e) => {
        const r = resultOrInputError<LoadedExperiment>(() => loadExperiment(writeExperiment(e)));
        if (!(r instanceof InputError)) loaded++;
      }),
      { seed: SEED + 7, numRuns: 400 },
    );
    // The mutations leave some experiments valid, so the loading itself is exercised too.
    expect(loaded).toBeGreaterThan(0);
  });
});
