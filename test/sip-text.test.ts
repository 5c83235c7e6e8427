// SIP text both ways (src/sip/text.ts, text-parse.ts, text-to-message.ts):
// - every message the model sends in the shipped experiments (and a few it sends too rarely to
//   count on) is written, read back and written again to the same text, and reading gives back
//   every wire field (purpose and retransmission are not on the wire);
// - the parser takes what RFC 3261 allows (compact and any-case names, folding, lists over
//   several headers, LF line ends, Content-Length in bytes) and refuses the rest with one line;
// - random and mutated text gives a result or a SipSyntaxError, never another error, and what
//   it reads writes back to the same fields (fast-check, fixed seed).
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dialogIdHash, label, newRequest, newResponse, type Method, type SipMessage } from '../src/sip/message.ts';
import { addressingOf, formatSip, PARTIES, type SipAddressing } from '../src/sip/text.ts';
import { SipSyntaxError } from '../src/sip/header-grammar.ts';
import { parseSip } from '../src/sip/text-parse.ts';
import { toSipMessage } from '../src/sip/text-to-message.ts';
import type { CarriedMessage } from '../src/elements/call.ts';
import { load, run } from './helpers.ts';

const SEED = 3261;
const CALLS = 40;

/** The fields of a message that are on the wire. */
function wire(m: SipMessage): Omit<SipMessage, 'purpose' | 'retransmission'> {
  const { purpose: _p, retransmission: _r, ...rest } = m;
  return rest;
}

/** Every message carried in the first CALLS calls of each shipped experiment, plus OPTIONS pings. */
function gather(): CarriedMessage[] {
  const out: CarriedMessage[] = [];
  const traced = Array.from({ length: CALLS }, (_, i) => i);
  const take = (name: string, set: string[] = []) => {
    for (const c of run(load(name, set, { calls: CALLS }), traced).calls) out.push(...(c.carried ?? []));
  };
  for (const f of readdirSync('experiments')
    .filter((x) => x.endsWith('.json'))
    .sort())
    take(f.replace(/\.json$/, ''));
  // Before 12.4(15)XZ, options-ping runs on calls without a session timer: endpoints without one.
  take('pre-xz', ['workload.callers=[{"profile":"legacy-pbx"}]', 'workload.callees=[{"profile":"legacy-pbx"}]']);
  return out;
}

/** Messages the model can send that the shipped experiments rarely show. */
function synthetic(): CarriedMessage[] {
  const invite = newRequest('INVITE', 'refresh', 'call-9', 'a9.1', 'b9.1', 3, 77);
  const busy = newResponse(invite, 500, 'b9.1');
  busy.retryAfter = 7; // RFC 3261 §14.2
  const notAllowed = newResponse(newRequest('UPDATE', 'refresh', 'call-9', 'a9.1', 'b9.1', 4, 78), 405, 'b9.1');
  const odd = newResponse(invite, 599, 'b9.1'); // a status without a reason in the table
  const t38video = newRequest('INVITE', 'fax', 'call-9', 'a9.1', 'b9.1', 5, 79);
  t38video.sdp = { version: 7, audio: 'inactive', video: true, t38: true };
  const refresherOnly = newResponse(invite, 200, 'b9.1');
  refresherOnly.refresher = 'uas';
  // Setup refused by policy (no allow-connections sip to sip), a Require: timer the callee lacks,
  // a REFER the callee does not implement.
  const setup = newRequest('INVITE', 'setup', 'call-8', 'a8.1', '', 1, 80);
  const forbidden = newResponse(setup, 403, '');
  const badExtension = newResponse(setup, 420, 'b8.1');
  const notImplemented = newResponse(newRequest('REFER', 'transfer', 'call-9', 'a9.1', 'b9.1', 6, 81), 501, 'b9.1');
  return [busy, notAllowed, odd, t38video, refresherOnly, forbidden, badExtension, notImplemented].map((msg) => ({
    t: 0,
    from: 'callee',
    to: 'cube-out',
    msg,
    lost: false,
    arrivesAt: 0,
  }));
}

const MESSAGES = [...gather(), ...synthetic()];

describe("formatSip and parseSip on the model's messages", () => {
  it('cover every method and the statuses, SDP changes and timer headers the model produces', () => {
    const seen = new Set<string>();
    for (const { msg: m } of MESSAGES) {
      seen.add(label(m));
      if (m.sdp?.t38) seen.add('t38');
      if (m.sdp?.video) seen.add('video');
      if (m.sdp !== null && m.sdp.audio !== 'sendrecv') seen.add(m.sdp.audio);
      if (m.refresher !== '') seen.add(`refresher=${m.refresher}`);
      if (m.retryAfter >= 0) seen.add('Retry-After');
      if (m.requireTimer) seen.add('Require');
    }
    const methods: Method[] = ['INVITE', 'ACK', 'BYE', 'UPDATE', 'OPTIONS', 'REFER'];
    const statuses = [
      '100 Trying',
      '180 Ringing',
      '200 OK',
      '202 Accepted',
      '403 Forbidden',
      '405 Method Not Allowed',
      '420 Bad Extension',
      '501 Not Implemented',
      '408 Request Timeout',
      '422 Session Interval Too Small',
      '481 Call/Transaction Does Not Exist',
      '488 Not Acceptable Here',
      '491 Request Pending',
      '500 Server Internal Error',
      '503 Service Unavailable',
    ];
    for (const k of [
      ...methods,
      ...statuses,
      't38',
      'video',
      'sendonly',
      'recvonly',
      'refresher=uac',
      'refresher=uas',
      'Retry-After',
    ])
      expect(seen, k).toContain(k);
    expect(MESSAGES.length).toBeGreaterThan(10_000);
  });

  it('write, read and write again to the same text, with every wire field recovered', () => {
    let checked = 0;
    for (const { from, to, msg } of MESSAGES) {
      const a = addressingOf(from, to);
      const text = formatSip(msg, a);
      const back = toSipMessage(parseSip(text), { purpose: msg.purpose, retransmission: msg.retransmission });
      // Not a wire field: the hash of the dialog identifiers, kept on a message once worked out (dialogIdHash).
      dialogIdHash(back);
      dialogIdHash(msg);
      if (JSON.stringify(wire(back)) !== JSON.stringify(wire(msg))) expect(wire(back), text).toEqual(wire(msg));
      if (formatSip(back, a) !== text) expect(formatSip(back, a)).toBe(text);
      expect(back).toEqual(msg);
      checked++;
    }
    expect(checked).toBe(MESSAGES.length);
  });

  it('say what a 420 does not support (RFC 3261 §8.2.2.3) and give 403 its reason phrase', () => {
    const texts = MESSAGES.filter(({ msg }) => msg.status === 420 || msg.status === 403).map(({ from, to, msg }) =>
      formatSip(msg, addressingOf(from, to)),
    );
    expect(texts.find((t) => t.startsWith('SIP/2.0 420 Bad Extension\r\n'))).toMatch(/\r\nUnsupported: timer\r\n/);
    expect(texts.some((t) => t.startsWith('SIP/2.0 403 Forbidden\r\n'))).toBe(true);
  });

  it("give an exact Content-Length, CRLF line ends and the parties' own addresses", () => {
    const setup = MESSAGES.find((m) => m.from === 'caller' && m.msg.method === 'INVITE' && m.msg.sdp !== null)!;
    const text = formatSip(setup.msg, addressingOf('caller', 'cube-in'));
    const [head, body] = text.split('\r\n\r\n') as [string, string];
    expect(head.split('\r\n')[0]).toBe('INVITE sip:cube-in@10.0.1.1:5060 SIP/2.0');
    expect(head).toContain('\r\nVia: SIP/2.0/UDP 10.0.1.10:5060;branch=z9hG4bK');
    expect(head).toContain('\r\nContent-Type: application/sdp\r\n');
    expect(head).toContain(`\r\nContent-Length: ${Buffer.byteLength(body)}`);
    expect(body).toMatch(/^v=0\r\no=caller \d+ \d+ IN IP4 10\.0\.1\.10\r\n/);
    expect(text).not.toMatch(/[^\r]\n/);
    // The response goes back with the request's Via; From stays the caller.
    const ok = MESSAGES.find((m) => m.from === 'cube-in' && m.msg.status === 200 && m.msg.method === 'INVITE')!;
    const okText = formatSip(ok.msg, addressingOf('cube-in', 'caller'));
    expect(okText).toMatch(/^SIP\/2\.0 200 OK\r\nVia: SIP\/2\.0\/UDP 10\.0\.1\.10:5060;branch=/);
    expect(okText).toContain('\r\nFrom: <sip:caller@10.0.1.10:5060>;tag=');
    expect(okText).toContain('\r\nContact: <sip:cube-in@10.0.1.1:5060>\r\n');
  });
});

// A request as SIPp or a softphone might send it: compact forms, odd case, folding, LF ends.
const FOREIGN = [
  'INVITE sip:service@10.0.1.1:5060 SIP/2.0',
  'v: SIP/2.0/UDP 10.0.1.50:5061;branch=z9hG4bK-4711-1-0;rport',
  'VIA: SIP / 2.0 / UDP proxy.example.com;branch=z9hG4bKabc, SIP/2.0/TCP [2001:db8::1]:5070;branch=z9hG4bKdef',
  'f: "Alice, A." <sip:sipp@10.0.1.50:5061>;tag=4711SIPpTag001',
  't: sut <sip:service@10.0.1.1:5060>',
  'i: 1-4711@10.0.1.50',
  'cseq: 1 INVITE',
  'm: sip:sipp@10.0.1.50:5061;transport=udp',
  'k: 100rel,',
  '  timer',
  'Supported: replaces',
  'x: 120;Refresher=UAC',
  'Min-se: 90',
  'Allow: INVITE, ACK, BYE, CANCEL',
  'Allow: UPDATE',
  'Subject: Performance Test',
  'c: application/sdp',
  'l: 133',
  '',
  'v=0',
  'o=user1 53655765 2353687637 IN IP4 10.0.1.50',
  's=-',
  'c=IN IP4 10.0.1.50',
  't=0 0',
  'a=sendonly',
  'm=audio 6000 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  '',
].join('\n');

describe('parseSip on text from elsewhere', () => {
  it('reads compact forms, any case, folded lines, lists over several headers and LF line ends', () => {
    const p = parseSip(FOREIGN);
    expect(p.isRequest).toBe(true);
    expect(p.method).toBe('INVITE');
    expect(p.requestUri).toBe('sip:service@10.0.1.1:5060');
    expect(p.via.map((v) => [v.transport, v.host, v.port, v.branch])).toEqual([
      ['UDP', '10.0.1.50', 5061, 'z9hG4bK-4711-1-0'],
      ['UDP', 'proxy.example.com', 0, 'z9hG4bKabc'],
      ['TCP', '[2001:db8::1]', 5070, 'z9hG4bKdef'],
    ]);
    expect(p.via[0]!.params.has('rport')).toBe(true);
    expect(p.from).toMatchObject({ display: 'Alice, A.', uri: 'sip:sipp@10.0.1.50:5061', tag: '4711SIPpTag001' });
    expect(p.to).toMatchObject({ display: 'sut', uri: 'sip:service@10.0.1.1:5060', tag: '' });
    expect(p.contact.map((c) => [c.uri, c.params.get('transport')])).toEqual([['sip:sipp@10.0.1.50:5061', 'udp']]);
    expect(p.callId).toBe('1-4711@10.0.1.50');
    expect(p.cseq).toEqual({ seq: 1, method: 'INVITE' });
    expect(p.list('Supported')).toEqual(['100rel', 'timer', 'replaces']);
    expect(p.get('supported')).toBe('100rel, timer');
    expect(p.list('allow')).toEqual(['INVITE', 'ACK', 'BYE', 'CANCEL', 'UPDATE']);
    expect(p.get('Subject')).toBe('Performance Test');
    expect(p.headers.map((h) => h.name).slice(0, 6)).toEqual(['Via', 'Via', 'From', 'To', 'Call-ID', 'CSeq']);
    expect(p.first('Min-SE')!.line).toBe(13);
    expect(p.contentLength).toBe(133);
    expect(p.body).toBe(FOREIGN.split('\n\n')[1]);

    const m = toSipMessage(p);
    expect(m).toMatchObject({
      method: 'INVITE',
      status: 0,
      callId: '1-4711@10.0.1.50',
      fromTag: '4711SIPpTag001',
      toTag: '',
      cseq: 1,
      supportedTimer: true,
      requireTimer: false,
      sessionExpires: 120,
      refresher: 'uac',
      minSe: 90,
      allowUpdate: true,
      retryAfter: -1,
      sdp: { version: 2353687637, audio: 'sendonly', video: false, t38: false },
      purpose: 'setup',
      retransmission: false,
    });
    expect(m.branch).toBeLessThan(0); // not one of the model's branches
    expect(toSipMessage(parseSip(formatSip(m, addressingOf('caller', 'cube-in')))).branch).toBe(m.branch);
  });

  it('answers a foreign request with its own Via, From, To, Call-ID and CSeq (RFC 3261 §8.2.6.2)', () => {
    const req = parseSip(FOREIGN);
    const ok = newResponse(toSipMessage(req), 200, 'cube42');
    ok.sessionExpires = 120;
    ok.refresher = 'uac';
    ok.requireTimer = true;
    ok.sdp = { version: 1, audio: 'recvonly', video: false, t38: false };
    const a: SipAddressing = {
      sender: PARTIES['cube-in'],
      receiver: { user: 'sipp', host: '10.0.1.50', port: 5061, mediaPort: 6000 },
    };
    const text = formatSip(ok, a, req);
    const lines = text.split('\r\n');
    expect(lines.slice(0, 8)).toEqual([
      'SIP/2.0 200 OK',
      'Via: SIP/2.0/UDP 10.0.1.50:5061;branch=z9hG4bK-4711-1-0;rport',
      'Via: SIP / 2.0 / UDP proxy.example.com;branch=z9hG4bKabc, SIP/2.0/TCP [2001:db8::1]:5070;branch=z9hG4bKdef',
      'From: "Alice, A." <sip:sipp@10.0.1.50:5061>;tag=4711SIPpTag001',
      'To: sut <sip:service@10.0.1.1:5060>;tag=cube42',
      'Call-ID: 1-4711@10.0.1.50',
      'CSeq: 1 INVITE',
      'Contact: <sip:cube-in@10.0.1.1:5060>',
    ]);
    const back = toSipMessage(parseSip(text));
    expect(wire(back)).toEqual(wire(ok));
  });

  it('takes the body by Content-Length in bytes, drops what follows (RFC 3261 §18.3), and the rest without it', () => {
    const head =
      'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>;tag=2\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n';
    expect(parseSip(`${head}Content-Type: text/plain\r\nContent-Length: 4\r\n\r\nnaïve`).body).toBe('naï'); // ï is two bytes
    expect(parseSip(`${head}Content-Length: 2\r\n\r\nabcdef`).body).toBe('ab');
    expect(parseSip(`${head}\r\nabc`).body).toBe('abc');
    expect(parseSip(`\r\n\r\n${head}\r\n`).headers).toHaveLength(5); // empty lines before the start line (§7.5)
    const p = parseSip(`${head}Retry-After: 18000 (in a meeting);duration=3600\r\n\r\n`);
    expect(toSipMessage(p)).toMatchObject({ method: 'OPTIONS', status: 200, retryAfter: 18000, purpose: 'keepalive' });
  });

  it.each([
    ['', 'line 1: empty message'],
    ['HELLO\r\n\r\n', 'line 1: expected "METHOD uri SIP/2.0" or "SIP/2.0 code reason", got "HELLO"'],
    ['SIP/2.0 99 Odd\r\n', 'line 1: status code 99 is outside 100-699'],
    ['INVITE sip:a@h SIP/3.0\r\n', 'line 1: SIP version "3.0" is not 2.0'],
    [
      '\r\nOPTIONS sip:a@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom <sip:a@h>\r\n',
      'line 4: expected "Name: value", got "From <sip:a@h>"',
    ],
    [
      'OPTIONS sip:a@h SIP/2.0\r\n continued\r\n',
      'line 2: a continuation line (starting with white space) before any header',
    ],
    [
      'OPTIONS sip:a@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: x\r\n',
      'line 5: no CSeq header (RFC 3261 §8.1.1 requires it)',
    ],
    [
      'OPTIONS sip:a@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n',
      'line 3: From: "<" without ">"',
    ],
    [
      'OPTIONS sip:a@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: x\r\nCSeq: 1 BYE\r\n',
      'line 6: CSeq method "BYE" differs from the request method "OPTIONS"',
    ],
    [
      'OPTIONS sip:a@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nl: 9\r\n\r\nv=0\r\n',
      'line 7: Content-Length 9 is more than the 5 bytes of body',
    ],
  ])('refuses %j with one line naming where', (text, message) => {
    expect(() => parseSip(text)).toThrow(SipSyntaxError);
    expect(() => parseSip(text)).toThrow(message);
  });

  it.each([
    [
      'REGISTER sip:h SIP/2.0',
      'REGISTER',
      '',
      'line 1: method "REGISTER" is not one the model knows (INVITE, ACK, BYE, UPDATE, OPTIONS, REFER)',
    ],
    [
      'INVITE sip:a@h SIP/2.0',
      'INVITE',
      'x: 1800;refresher=both\r\n',
      'line 7: Session-Expires: refresher must be uac or uas, got "both" (RFC 4028 §4)',
    ],
    ['INVITE sip:a@h SIP/2.0', 'INVITE', 'Min-SE: ninety\r\n', 'line 7: Min-SE: expected delta-seconds, got "ninety"'],
    [
      'INVITE sip:a@h SIP/2.0',
      'INVITE',
      'Content-Type: application/sdp\r\n\r\nv=0\r\ns=-\r\n',
      'line 9: SDP: no o= line, so no session version',
    ],
  ])('toSipMessage refuses %j with one line naming where', (start, method, more, message) => {
    const text = `${start}\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: x\r\nCSeq: 1 ${method}\r\n${more}${more.includes('\r\n\r\n') ? '' : '\r\n'}`;
    const p = parseSip(text);
    expect(() => toSipMessage(p)).toThrow(SipSyntaxError);
    expect(() => toSipMessage(p)).toThrow(message);
  });
});

// ---- properties ------------------------------------------------------------------------------

type Mutation =
  | { op: 'delete-line' | 'duplicate-line'; at: number }
  | { op: 'swap-lines'; at: number; with: number }
  | { op: 'substitute'; at: number; char: string }
  | { op: 'insert'; at: number; text: string }
  | { op: 'cut'; at: number; length: number }
  | { op: 'case'; upper: boolean };

const sipish = fc.constantFrom(
  '\r\n',
  '\n',
  ' ',
  '\t',
  ':',
  ';',
  ',',
  '<',
  '>',
  '"',
  '\\',
  '=',
  '@',
  'z9hG4bK',
  'tag=',
  ';refresher=uac',
  'Session-Expires: ',
  'x: ',
  'Min-SE: ',
  'Content-Length: ',
  'l: 99',
  'Via: SIP/2.0/UDP ',
  'CSeq: 1 INVITE',
  'SIP/2.0',
  'sip:',
  'v=0',
  'o=a 1 2 IN IP4 h',
  'm=image 0 udptl t38',
  'a=sendonly',
  '0',
  '9999999999',
  '-1',
  'REGISTER',
  'Require: timer',
  'Allow: UPDATE',
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom('delete-line' as const, 'duplicate-line' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('swap-lines' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({
    op: fc.constant('substitute' as const),
    at: fc.nat(),
    char: fc.oneof(
      fc.constantFrom(' ', '\t', '\n', '\r', ':', ';', '<', '"', '0', 'x'),
      fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
    ),
  }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(sipish, fc.string({ maxLength: 12, unit: 'binary' })),
  }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('case' as const), upper: fc.boolean() }),
);

function mutate(text: string, mutations: readonly Mutation[]): string {
  let t = text;
  for (const m of mutations) {
    const lines = t.split('\r\n');
    const i = m.op === 'case' ? 0 : m.at % Math.max(1, lines.length);
    const k = m.op === 'case' ? 0 : m.at % Math.max(1, t.length);
    switch (m.op) {
      case 'delete-line':
        lines.splice(i, 1);
        t = lines.join('\r\n');
        break;
      case 'duplicate-line':
        lines.splice(i, 0, lines[i] ?? '');
        t = lines.join('\r\n');
        break;
      case 'swap-lines': {
        const j = m.with % lines.length;
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        t = lines.join('\r\n');
        break;
      }
      case 'substitute':
        t = t.slice(0, k) + m.char + t.slice(k + 1);
        break;
      case 'insert':
        t = t.slice(0, k) + m.text + t.slice(k);
        break;
      case 'cut':
        t = t.slice(0, k) + t.slice(k + m.length);
        break;
      case 'case':
        t = m.upper ? t.toUpperCase() : t.toLowerCase();
        break;
    }
  }
  return t;
}

/**
 * Reads `text` all the way to the model's fields: anything but a SipSyntaxError (with a one-line
 * message) fails. What is read must write back to text that reads to the same fields.
 */
function readsOrRefuses(text: string): void {
  let m: SipMessage;
  try {
    m = toSipMessage(parseSip(text));
  } catch (e) {
    if (!(e instanceof SipSyntaxError)) throw e;
    expect(e.message).toMatch(/^line \d+: /);
    expect(e.message).not.toMatch(/[\n\r]/);
    return;
  }
  const a = addressingOf('caller', 'cube-in');
  expect(wire(toSipMessage(parseSip(formatSip(m, a))))).toEqual(wire(m));
}

// A sample of each kind of message, as text, to mutate.
const SAMPLES = (() => {
  const byKind = new Map<string, string>();
  for (const { from, to, msg } of MESSAGES) {
    const k = `${label(msg)} ${msg.purpose} ${msg.sdp?.t38} ${msg.sdp?.video} ${msg.refresher}`;
    if (!byKind.has(k)) byKind.set(k, formatSip(msg, addressingOf(from, to)));
  }
  return [...byKind.values(), FOREIGN];
})();

describe('parseSip and toSipMessage on random and mutated text', () => {
  it('mutated messages are read or refused with a SipSyntaxError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SAMPLES), fc.array(mutation, { minLength: 1, maxLength: 6 }), (text, mutations) =>
        readsOrRefuses(mutate(text, mutations)),
      ),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('random text, and random lines after a start line, are refused with a SipSyntaxError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (text) => readsOrRefuses(text)),
      { seed: SEED + 1, numRuns: 500 },
    );
    fc.assert(
      fc.property(
        fc.constantFrom('INVITE sip:a@h SIP/2.0', 'SIP/2.0 200 OK', 'ACK sip:a@h SIP/2.0', 'SIP/2.0 422 x'),
        fc.array(fc.oneof(sipish, fc.string({ maxLength: 30 })), { maxLength: 30 }),
        (start, parts) => readsOrRefuses(`${start}\r\n${parts.join('')}`),
      ),
      { seed: SEED + 2, numRuns: 1000 },
    );
  });
});
