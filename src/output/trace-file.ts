// Whether a file is one `cubesim trace --out` wrote: a text ladder, trace JSON, or a capture of
// simulated calls. `--force` replaces such a file and nothing else.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { PARTIES } from '../sip/text.ts';

/** The first bytes of a file (enough for a ladder's title, a JSON head or a capture's first frame). */
function head(path: string, bytes = 4096): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    return buf.subarray(0, readSync(fd, buf, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

const HOSTS = new Set(Object.values(PARTIES).map((p) => p.host));

/** A libpcap file whose first frame (if any) goes between two of the simulated parties' addresses (pcap.ts). */
function isSimulatedCapture(b: Buffer): boolean {
  if (b.length < 24 || b.readUInt32LE(0) !== 0xa1b2c3d4) return false;
  if (b.length === 24) return true; // no frames: a call that carried nothing
  const ip = 24 + 16 + 14; // file header, record header, Ethernet header
  if (b.length < ip + 20) return false;
  const address = (o: number) => [...b.subarray(o, o + 4)].join('.');
  return HOSTS.has(address(ip + 12)) && HOSTS.has(address(ip + 16));
}

export function isTraceOutput(path: string): boolean {
  const b = head(path, 1 << 16);
  if (isSimulatedCapture(b)) return true;
  const text = b.toString('utf8');
  if (/^call \d+: .* -> CUBE -> /.test(text)) return true;
  if (!text.startsWith('{\n  "call": {')) return false;
  try {
    const j = JSON.parse(readFileSync(path, 'utf8')) as { call?: { callId?: unknown }; entries?: unknown };
    return typeof j.call?.callId === 'string' && Array.isArray(j.entries);
  } catch {
    return false;
  }
}
