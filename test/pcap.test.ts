// Simulated calls as pcap (src/output/pcap.ts), read back by tshark: every frame is SIP and
// well formed, IP and UDP checksums are good, times and addresses are where the model put them,
// the session-timer headers read as the model sent them, and tshark's SIP statistics count the
// same requests and responses as the model. Also the CLI: trace --format pcap and run --pcap.
// Skipped, saying so, where tshark is not installed (CI installs it).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CarriedMessage } from '../src/elements/call.ts';
import { callsPcap, PCAP_EPOCH, type CarriedCall } from '../src/output/pcap.ts';
import { PARTIES, isPartyName } from '../src/sip/text.ts';
import { load, run, toolPresent } from './helpers.ts';

const TSHARK = (process.env['PATH'] ?? '')
  .split(delimiter)
  .map((d) => join(d, 'tshark'))
  .find((p) => existsSync(p));
const TMP = mkdtempSync(join(tmpdir(), 'cubesim-pcap-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

function tshark(file: string, args: string[]): string {
  // tshark warns on stderr when run as root: ignored.
  return execFileSync(TSHARK!, ['-r', file, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 << 20,
  });
}

interface Captured {
  calls: CarriedCall[];
  messages: CarriedMessage[];
  file: string;
  bytes: Uint8Array;
}
const captured = new Map<string, Captured>();

/** The first `n` calls of an experiment, traced, and the capture of their messages (made once). */
function capture(name: string, n: number, set: string[] = []): Captured {
  const key = JSON.stringify([name, n, set]);
  const done = captured.get(key) ?? makeCapture(name, n, set);
  captured.set(key, done);
  return done;
}

function makeCapture(name: string, n: number, set: string[]): Captured {
  const ran = run(
    load(name, set, { calls: n }),
    Array.from({ length: n }, (_, i) => i),
  );
  const calls = ran.calls.map((c) => ({ index: c.index, carried: c.carried }));
  const bytes = callsPcap(calls);
  const file = join(TMP, `${name}-${n}${set.length > 0 ? '-set' : ''}.pcap`);
  writeFileSync(file, bytes);
  // The frame order: by send time, then call index, then the order sent.
  const rows = calls.flatMap((c) => (c.carried ?? []).map((m) => ({ call: c.index, m })));
  rows.sort((a, b) => a.m.t - b.m.t || a.call - b.call);
  return { calls, messages: rows.map((r) => r.m), file, bytes };
}

/** Requests by method and responses by status code, as tshark's sip,stat prints them. */
function sipStat(text: string): {
  messages: number;
  resent: number;
  requests: Record<string, number>;
  responses: Record<string, number>;
} {
  const requests: Record<string, number> = {},
    responses: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const resp = /^\s+SIP (\d{3}) .*:\s+(\d+) Packets/.exec(line);
    if (resp !== null) responses[resp[1]!] = Number(resp[2]);
    const req = /^\s+([A-Z]+)\s+:\s+(\d+) Packets/.exec(line);
    if (req !== null) requests[req[1]!] = Number(req[2]);
  }
  return {
    messages: Number(/Number of SIP messages: (\d+)/.exec(text)?.[1]),
    resent: Number(/Number of resent SIP messages: (\d+)/.exec(text)?.[1]),
    requests,
    responses,
  };
}

function modelCounts(messages: readonly CarriedMessage[]): {
  requests: Record<string, number>;
  responses: Record<string, number>;
  retransmissions: number;
} {
  const requests: Record<string, number> = {},
    responses: Record<string, number> = {};
  for (const { msg } of messages) {
    if (msg.status === 0) requests[msg.method] = (requests[msg.method] ?? 0) + 1;
    else responses[String(msg.status)] = (responses[String(msg.status)] ?? 0) + 1;
  }
  return { requests, responses, retransmissions: messages.filter((m) => m.msg.retransmission).length };
}

function cubesim(args: string[], cwd = TMP) {
  const r = spawnSync(process.execPath, [join(process.cwd(), 'bin/cubesim.mjs'), ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// Setup, refresh, video, hold, fax and transfer; a call dropped before 12.4(15)XZ; 422; hold
// refused with 488; loss with retransmissions and 408; UPDATE refreshes; OPTIONS pings.
const CASES: Array<[string, number, string[]]> = [
  ['quickstart', 40, []],
  ['pre-xz', 20, []],
  ['teach-f8-422-not-retried', 20, []],
  ['teach-f4-refresh-vs-hold', 20, []],
  ['teach-f10-lossy-refresh', 12, []],
  ['teach-f7-update-unanswered', 10, []],
  ['pre-xz', 6, ['workload.callers=[{"profile":"legacy-pbx"}]', 'workload.callees=[{"profile":"legacy-pbx"}]']],
];

toolPresent('tshark', TSHARK !== undefined);
const title =
  TSHARK === undefined
    ? 'pcap read by tshark (SKIPPED: tshark is not installed; apt-get install tshark)'
    : 'pcap read by tshark';
if (TSHARK === undefined) console.warn(`test/pcap.test.ts: ${title}`);

describe.skipIf(TSHARK === undefined)(title, () => {
  it.each(CASES)(
    '%s, first %i calls %j: every frame SIP, well formed, checksums good, times, addresses and timer headers as sent',
    (name, n, set) => {
      const { messages, file } = capture(name, n, set);
      expect(messages.length).toBeGreaterThan(n);
      expect(tshark(file, ['-Y', 'sip', '-T', 'fields', '-e', 'frame.number']).trim().split('\n')).toHaveLength(
        messages.length,
      );
      expect(tshark(file, ['-Y', '_ws.malformed'])).toBe('');
      const fields = [
        'frame.time_epoch',
        'ip.src',
        'udp.srcport',
        'ip.dst',
        'udp.dstport',
        'ip.checksum.status',
        'udp.checksum.status',
        'sip.Method',
        'sip.Status-Code',
        'sip.Call-ID',
        'sip.CSeq.seq',
        'sip.Session-Expires',
        'sip.Min-SE',
        'sip.resend',
      ];
      const rows = tshark(file, [
        '-o',
        'ip.check_checksum:TRUE',
        '-o',
        'udp.check_checksum:TRUE',
        '-T',
        'fields',
        '-E',
        'separator=/t',
        ...fields.flatMap((f) => ['-e', f]),
      ])
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split('\t'));
      expect(rows).toHaveLength(messages.length);
      let timers = 0;
      rows.forEach((r, i) => {
        const { t, from, to, msg } = messages[i]!;
        if (!isPartyName(from) || !isPartyName(to)) throw new Error(`unknown party ${from} or ${to}`);
        const [time, src, sport, dst, dport, ipOk, udpOk, method, status, callId, cseq, se, minSe, resend] = r;
        const where = `${name} frame ${i + 1}`;
        expect(Math.round((Number(time) - PCAP_EPOCH) * 1e6), where).toBe(Math.round(t * 1e6));
        expect([src, Number(sport), dst, Number(dport)], where).toEqual([
          PARTIES[from].host,
          PARTIES[from].port,
          PARTIES[to].host,
          PARTIES[to].port,
        ]);
        expect([ipOk, udpOk], `${where}: checksum status (1 = good)`).toEqual(['1', '1']);
        expect([method, status, callId, cseq], where).toEqual([
          msg.status === 0 ? msg.method : '',
          msg.status === 0 ? '' : String(msg.status),
          msg.callId,
          String(msg.cseq),
        ]);
        // tshark gives the whole header value: "1800;refresher=uac".
        const [delta = '', ...params] = se!.split(';');
        expect(delta === '' ? 0 : Number(delta), `${where} Session-Expires`).toBe(msg.sessionExpires);
        expect(
          params.find((p) => p.startsWith('refresher='))?.slice('refresher='.length) ?? '',
          `${where} refresher`,
        ).toBe(msg.refresher);
        expect(minSe === '' ? 0 : Number(minSe), `${where} Min-SE`).toBe(msg.minSe);
        if (msg.sessionExpires > 0 || msg.minSe > 0) timers++;
        // What tshark takes for a resend, the model sent as one (tshark misses some: re-sent ACKs).
        if (resend === '1') expect(msg.retransmission, `${where} resent`).toBe(true);
      });
      expect(timers).toBeGreaterThan(0);
    },
  );

  it.each(CASES)('%s, first %i calls %j: tshark -z sip,stat counts what the model sent', (name, n, set) => {
    const { messages, file } = capture(name, n, set);
    const stat = sipStat(tshark(file, ['-q', '-z', 'sip,stat']));
    const own = modelCounts(messages);
    expect(stat.messages).toBe(messages.length);
    expect(stat.requests).toEqual(own.requests);
    expect(stat.responses).toEqual(own.responses);
    // Wireshark's resend detection is a heuristic that does not count a re-sent ACK to a 2xx
    // (RFC 3261 §13.2.2.4) among others; each one it does count is a model retransmission (above).
    expect(stat.resent).toBeLessThanOrEqual(own.retransmissions);
  });

  it('shows the setup 422, a hold refused with 488, lost messages sent again, and OPTIONS', () => {
    const counts = Object.fromEntries(
      CASES.map(([name, n, set]) => [
        `${name}${set.length > 0 ? '+legacy' : ''}`,
        modelCounts(capture(name, n, set).messages),
      ]),
    );
    expect(counts['teach-f8-422-not-retried']!.responses['422']).toBeGreaterThan(0);
    expect(counts['teach-f4-refresh-vs-hold']!.responses['488']).toBeGreaterThan(0);
    expect(counts['teach-f10-lossy-refresh']!.retransmissions).toBeGreaterThan(0);
    expect(counts['teach-f7-update-unanswered']!.requests['UPDATE']).toBeGreaterThan(0);
    expect(counts['pre-xz+legacy']!.requests['OPTIONS']).toBeGreaterThan(0);
  });
});

describe('pcap bytes', () => {
  it('are the same for the same experiment and seed, and start with the libpcap header', () => {
    const a = makeCapture('teach-f10-lossy-refresh', 5, []).bytes;
    const b = makeCapture('teach-f10-lossy-refresh', 5, []).bytes;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect([...a.subarray(0, 4)]).toEqual([0xd4, 0xc3, 0xb2, 0xa1]); // a1b2c3d4, little-endian: microseconds
    expect(new DataView(a.buffer, a.byteOffset).getUint32(20, true)).toBe(1); // Ethernet
  });
});

describe('cubesim trace --format pcap and run --pcap', () => {
  it('writes one call to --out, never over an existing file without --force, and the same bytes each time', () => {
    const out = join(TMP, 'call3.pcap');
    const r = cubesim([
      'trace',
      join(process.cwd(), 'experiments/pre-xz.json'),
      '--call',
      '3',
      '--format',
      'pcap',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^cubesim trace: call 3, \d+ SIP messages, written to .*call3\.pcap\n$/);
    const first = readFileSync(out);
    const again = cubesim([
      'trace',
      join(process.cwd(), 'experiments/pre-xz.json'),
      '--call',
      '3',
      '--format',
      'pcap',
      '--out',
      out,
    ]);
    expect(again.code).toBe(2);
    expect(again.err).toBe(`cubesim: --out: ${out} already exists; give another file name or --force to replace it\n`);
    expect(
      cubesim([
        'trace',
        join(process.cwd(), 'experiments/pre-xz.json'),
        '--call',
        '3',
        '--format',
        'pcap',
        '--out',
        out,
        '--force',
      ]).code,
    ).toBe(0);
    expect(readFileSync(out).equals(first)).toBe(true);
    if (TSHARK !== undefined) {
      const calls = new Set(tshark(out, ['-T', 'fields', '-e', 'sip.Call-ID']).trim().split('\n'));
      expect([...calls].sort()).toEqual(['call-3', 'call-3-out']);
    }
    const missing = cubesim([
      'trace',
      join(process.cwd(), 'experiments/pre-xz.json'),
      '--call',
      '3',
      '--format',
      'pcap',
      '--out',
      join(TMP, 'no/such/folder.pcap'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
  });

  // util-linux `script` gives the command a terminal.
  it.skipIf(!toolPresent('script (util-linux)', existsSync('/usr/bin/script')))(
    'refuses to write a capture to a terminal',
    () => {
      const cmd = `${process.execPath} ${join(process.cwd(), 'bin/cubesim.mjs')} trace ${join(process.cwd(), 'experiments/pre-xz.json')} --call 3 --format pcap`;
      const r = spawnSync('/usr/bin/script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stdout.trim()).toBe(
        'cubesim: --format pcap: a capture is binary, not for the terminal; give --out FILE or redirect the output',
      );
    },
  );

  it('run --pcap N writes calls.pcap with the first N calls into the results folder', () => {
    const out = join(TMP, 'run');
    const r = cubesim([
      'run',
      join(process.cwd(), 'experiments/quickstart.json'),
      '--calls',
      '30',
      '--pcap',
      '4',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`  capture     ${join(out, 'calls.pcap')}\n`);
    const bytes = readFileSync(join(out, 'calls.pcap'));
    const { calls } = capture('quickstart', 30);
    expect(bytes.equals(Buffer.from(callsPcap(calls.filter((c) => c.index < 4))))).toBe(true);
    const bad = cubesim([
      'run',
      join(process.cwd(), 'experiments/quickstart.json'),
      '--calls',
      '30',
      '--pcap',
      'all',
      '--out',
      join(TMP, 'run2'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('cubesim: --pcap: got "all"; allowed: a whole number >= 1\n');
    expect(existsSync(join(TMP, 'run2'))).toBe(false);
  });

  it('run --pcap N of an until-only experiment: any N, the same calls.csv and fingerprint as without --pcap', () => {
    // No number of calls to bound N by: the first N calls are traced by index, with nothing sized by N.
    const e = JSON.parse(readFileSync('experiments/quickstart.json', 'utf8')) as Record<string, unknown>;
    delete e['calls'];
    e['until'] = 240;
    e['config'] = join(process.cwd(), 'experiments/configs/passthru.ios');
    const file = join(TMP, 'until-only.json');
    writeFileSync(file, JSON.stringify(e));
    const plain = cubesim(['run', file, '--out', join(TMP, 'until-plain')]);
    const traced = cubesim(['run', file, '--pcap', '1000000000', '--out', join(TMP, 'until-pcap')]);
    expect(plain.code, plain.err).toBe(0);
    expect(traced.code, traced.err).toBe(0);
    const csv = (dir: string) => readFileSync(join(TMP, dir, 'calls.csv'), 'utf8');
    const fingerprint = (dir: string) =>
      (JSON.parse(readFileSync(join(TMP, dir, 'manifest.json'), 'utf8')) as { fingerprint: string }).fingerprint;
    expect(csv('until-pcap')).toBe(csv('until-plain'));
    expect(csv('until-plain').trim().split('\n').length).toBeGreaterThan(50);
    expect(fingerprint('until-pcap')).toBe(fingerprint('until-plain'));
    expect(readFileSync(join(TMP, 'until-pcap', 'calls.pcap')).length).toBeGreaterThan(24);
    expect(existsSync(join(TMP, 'until-plain', 'calls.pcap'))).toBe(false);
  });
});
