// Running SIPp from the tests, and reading what it saw: its message log (-trace_msg with
// -message_file) lists every datagram sent and received with a wall-clock timestamp.
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SipMessage } from '../src/sip/message.ts';
import { parseSip } from '../src/sip/text-parse.ts';
import { toSipMessage } from '../src/sip/text-to-message.ts';

export const SIPP_DIR = new URL('../emulation/sipp/', import.meta.url).pathname;

/** Whether SIPp is installed (`sipp -v` exits 99 by design: only its output tells). */
export function sippAvailable(): boolean {
  const r = spawnSync('sipp', ['-v'], { encoding: 'utf8' });
  return r.error === undefined && /SIPp/i.test(`${r.stdout}${r.stderr}`);
}

/** One message in SIPp's log. */
export interface Seen {
  /** Wall-clock seconds (epoch). */
  t: number;
  sent: boolean;
  msg: SipMessage;
  text: string;
}

const HEADER = /^-{10,} (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)\.(\d{1,6})\s*$/m;

/** What a SIPp message log holds: each datagram once, and the repeats of any. */
export interface SippLog {
  /** The messages in order, a datagram repeated word for word (a retransmission) kept once. */
  messages: Seen[];
  /** Every repeat of a datagram already in `messages`, in order: each is a retransmission. */
  repeats: Seen[];
}

/** The messages of a SIPp message log, in order, with the datagrams repeated word for word set apart. */
export function parseSippLog(text: string): SippLog {
  const out: Seen[] = [];
  const repeats: Seen[] = [];
  const seen = new Set<string>();
  const parts = text.split(HEADER);
  // split with groups: [before, date, time, micro, chunk, date, time, micro, chunk, ...]
  for (let i = 1; i + 3 < parts.length; i += 4) {
    const [date, time, micro, chunk] = [parts[i]!, parts[i + 1]!, parts[i + 2]!, parts[i + 3] ?? ''];
    const t = Date.parse(`${date}T${time}`) / 1000 + Number(micro.padEnd(6, '0')) / 1e6;
    const nl = chunk.indexOf('\n', 1);
    const first = chunk.slice(0, nl).trim();
    const sent = first.startsWith('UDP message sent');
    if (!sent && !first.startsWith('UDP message received')) continue;
    const body = chunk.slice(nl + 1).replace(/^(\r?\n)+/, '');
    const dedupe = `${sent} ${body.trim()}`;
    const entry = { t, sent, msg: toSipMessage(parseSip(body)), text: body };
    if (seen.has(dedupe)) {
      repeats.push(entry);
      continue;
    }
    seen.add(dedupe);
    out.push(entry);
  }
  return { messages: out, repeats };
}

export interface SippRun {
  code: number | null;
  output: string;
  messages: Seen[];
  /** Datagrams SIPp sent or received more than once (retransmissions), each repeat once. */
  repeats: Seen[];
}

export interface SippOptions {
  scenario: string;
  /** Our port; the UAS listens on it. */
  port: number;
  /** Where a UAC sends its first request; absent for a UAS. */
  remote?: string;
  key?: Record<string, string | number>;
  set?: Record<string, number>;
  dir: string;
  name: string;
  /** Seconds before SIPp gives up by itself (a failed call, exit 1). */
  timeout: number;
}

/** Starts SIPp with -m 1 -nostdin and a message log; resolves when it exits. */
export function startSipp(o: SippOptions): { done: Promise<SippRun>; kill: () => void } {
  const log = join(o.dir, `${o.name}-messages.log`);
  const args = [
    ...(o.remote !== undefined ? [o.remote, '-s', 'service'] : []),
    '-sf',
    join(SIPP_DIR, o.scenario),
    '-i',
    '127.0.0.1',
    '-bind_local',
    '-p',
    String(o.port),
    '-mp',
    String(o.port + 1000),
    '-m',
    '1',
    '-nostdin',
    '-trace_msg',
    '-message_file',
    log,
    '-timeout',
    `${o.timeout}s`,
    '-timeout_error',
  ];
  for (const [k, v] of Object.entries(o.key ?? {})) args.push('-key', k, String(v));
  for (const [k, v] of Object.entries(o.set ?? {})) args.push('-set', k, String(v));
  const child = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const done = new Promise<SippRun>((resolve) => {
    child.on('exit', (code) => {
      let parsed: SippLog = { messages: [], repeats: [] };
      try {
        parsed = parseSippLog(readFileSync(log, 'utf8'));
      } catch {
        // no log: SIPp did not start (its output says why)
      }
      resolve({ code, output: `sipp ${args.join(' ')}\n${output.slice(-3000)}`, ...parsed });
    });
  });
  return { done, kill: () => child.kill('SIGTERM') };
}

/**
 * Resolves once something is bound to the UDP port (a SIPp UAS or the emulator is listening). On
 * Linux it reads the kernel's socket tables: a probe that binds the port itself could hold it at
 * the moment the awaited process binds, which then fails and never listens (seen under a loaded
 * test run). Elsewhere it falls back to such a probe.
 */
export async function waitForUdpPort(port: number, seconds = 10): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const bound = udpPortInTables(port) ?? (await udpPortRefusesBind(port));
    if (bound) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nothing listens on UDP port ${port} after ${seconds} s`);
}

/** Whether a UDP socket is bound to `port` by the kernel's tables; null where there are none to read. */
function udpPortInTables(port: number): boolean | null {
  const wanted = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let read = false;
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    read = true;
    // Each row after the header: "sl: local_address rem_address ...", local_address as ADDR:PORT in hex.
    for (const line of text.split('\n').slice(1)) {
      const local = line.trim().split(/\s+/)[1];
      if (local?.endsWith(wanted) === true) return true;
    }
  }
  return read ? false : null;
}

/** Whether binding `port` fails (someone holds it): the probe where the kernel's tables cannot be read. */
function udpPortRefusesBind(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(true);
    });
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(false)));
  });
}
