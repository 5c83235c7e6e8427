// Simulated calls as a libpcap capture file, for Wireshark, tshark and sngrep: every SIP message
// of the traced calls as one Ethernet / IPv4 / UDP frame, at its simulated send time.
//
// What the capture shows: what each party put on the wire, as a capture at each sender would
// see it. Retransmissions are there; a message the network lost is there once, at its send time,
// and never arrives (the ladder of `cubesim trace` marks it lost; pcap has no place for that).
// Times: simulated second 0 is PCAP_EPOCH (2020-01-01 00:00:00 UTC), to the microsecond, so the
// same experiment and seed give the same bytes. Each party has its own address (text.ts PARTIES).
//
// Pure: bytes in memory (Uint8Array); the CLI and the results folder write them to a file.

import type { CarriedMessage } from '../elements/call.ts';
import { addressingOf, formatSip, PARTIES, type PartyName, type SipParty } from '../sip/text.ts';

/** Unix time of simulated second 0 in the capture: 2020-01-01T00:00:00Z. */
export const PCAP_EPOCH = 1577836800;

/** One UDP datagram to write. */
export interface UdpPacket {
  /** Simulated send time, seconds. */
  t: number;
  src: { host: string; port: number };
  dst: { host: string; port: number };
  payload: Uint8Array;
}

/** A traced call's messages (Call.carried), with the call's index for ordering. */
export interface CarriedCall {
  readonly index: number;
  readonly carried: readonly CarriedMessage[] | null;
}

const encoder = new TextEncoder();

/**
 * The SIP datagrams of the calls, in time order (ties: lower call index first, then the order
 * the model sent them).
 */
export function sipPackets(
  calls: readonly CarriedCall[],
  parties: Readonly<Record<PartyName, SipParty>> = PARTIES,
): UdpPacket[] {
  const rows: { t: number; call: number; m: CarriedMessage }[] = [];
  for (const c of [...calls].sort((a, b) => a.index - b.index))
    for (const m of c.carried ?? []) rows.push({ t: m.t, call: c.index, m });
  rows.sort((a, b) => a.t - b.t || a.call - b.call); // stable: a call's own order is kept
  return rows.map(({ m }) => {
    const a = addressingOf(m.from, m.to, parties);
    return { t: m.t, src: a.sender, dst: a.receiver, payload: encoder.encode(formatSip(m.msg, a)) };
  });
}

function ipv4(host: string): number[] {
  const parts = host.split('.').map(Number);
  if (parts.length !== 4 || parts.some((x) => !Number.isInteger(x) || x < 0 || x > 255))
    throw new Error(`not an IPv4 address: ${host}`);
  return parts;
}

/** 02:00 followed by the IPv4 address: a locally administered MAC per host (IEEE 802 U/L bit). */
function mac(ip: readonly number[]): number[] {
  return [0x02, 0x00, ...ip];
}

/** RFC 1071 one's-complement sum of 16-bit words, folded, not yet complemented. */
function onesSum(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  for (let i = start; i + 1 < end; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if ((end - start) % 2 === 1) sum += bytes[end - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

const ETH = 14,
  IP = 20,
  UDP = 8;

/**
 * A libpcap file (the classic format: magic a1b2c3d4 written little-endian, microsecond
 * timestamps, link type 1 = Ethernet) with one Ethernet II / IPv4 / UDP frame per packet, IPv4
 * header checksum (RFC 791) and UDP checksum over the pseudo-header (RFC 768) filled in.
 */
export function pcapFile(packets: readonly UdpPacket[], epoch = PCAP_EPOCH): Uint8Array {
  let size = 24;
  for (const p of packets) {
    if (p.payload.length > 65535 - IP - UDP)
      throw new Error(`a datagram of ${p.payload.length} bytes does not fit in one IPv4 packet`);
    size += 16 + ETH + IP + UDP + p.payload.length;
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0xa1b2c3d4, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setInt32(8, 0, true); // thiszone: UTC
  view.setUint32(12, 0, true); // sigfigs
  view.setUint32(16, 65535, true); // snaplen
  view.setUint32(20, 1, true); // LINKTYPE_ETHERNET
  let o = 24;
  let id = 0;
  for (const p of packets) {
    const len = ETH + IP + UDP + p.payload.length;
    const micros = Math.round(p.t * 1e6);
    view.setUint32(o, epoch + Math.floor(micros / 1e6), true);
    view.setUint32(o + 4, micros % 1e6, true);
    view.setUint32(o + 8, len, true);
    view.setUint32(o + 12, len, true);
    o += 16;
    const src = ipv4(p.src.host),
      dst = ipv4(p.dst.host);
    // Ethernet II
    out.set(mac(dst), o);
    out.set(mac(src), o + 6);
    view.setUint16(o + 12, 0x0800);
    const ip = o + ETH;
    // IPv4: version 4, header 5 words, no options; DF, not fragmented; TTL 64; UDP
    out[ip] = 0x45;
    out[ip + 1] = 0;
    view.setUint16(ip + 2, IP + UDP + p.payload.length);
    view.setUint16(ip + 4, id++ & 0xffff);
    view.setUint16(ip + 6, 0x4000);
    out[ip + 8] = 64;
    out[ip + 9] = 17;
    out.set(src, ip + 12);
    out.set(dst, ip + 16);
    view.setUint16(ip + 10, ~onesSum(out, ip, ip + IP) & 0xffff);
    // UDP, checksum over the pseudo-header (source, destination, protocol, UDP length) and the datagram
    const udp = ip + IP;
    const udpLen = UDP + p.payload.length;
    view.setUint16(udp, p.src.port);
    view.setUint16(udp + 2, p.dst.port);
    view.setUint16(udp + 4, udpLen);
    out.set(p.payload, udp + UDP);
    const pseudo = onesSum(out, ip + 12, ip + 20) + 17 + udpLen;
    const sum = ~onesSum(out, udp, udp + udpLen, pseudo) & 0xffff;
    view.setUint16(udp + 6, sum === 0 ? 0xffff : sum); // 0 would mean "no checksum"
    o += len;
  }
  return out;
}

/** The capture of the traced calls' SIP messages. */
export function callsPcap(
  calls: readonly CarriedCall[],
  parties: Readonly<Record<PartyName, SipParty>> = PARTIES,
): Uint8Array {
  return pcapFile(sipPackets(calls, parties));
}
