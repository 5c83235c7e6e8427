// A running hash of a run's trajectory (OMNeT++-style fingerprint): fold in what happened, in
// order, and any change of behaviour shows as a different value. Two 32-bit FNV-1a lanes with
// different offsets make accidental equality unlikely enough for regression checks.

const PRIME = 0x01000193;
/** A time's binary64 value as two 32-bit words, high word first whatever the machine's byte order. */
const timeBits = new Float64Array(1);
const timeWords = new Uint32Array(timeBits.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HIGH = LITTLE_ENDIAN ? 1 : 0,
  LOW = 1 - HIGH;

export class Fingerprint {
  private a = 0x811c9dc5;
  private b = 0x2545f491;

  /** Folds in a 32-bit integer, its bytes lowest first (written out: it runs for every message). */
  int(x: number): void {
    let a = this.a,
      b = this.b,
      byte = x & 0xff;
    a = Math.imul(a ^ byte, PRIME);
    b = Math.imul(b ^ byte ^ 0x5a, PRIME);
    byte = (x >>> 8) & 0xff;
    a = Math.imul(a ^ byte, PRIME);
    b = Math.imul(b ^ byte ^ 0x5a, PRIME);
    byte = (x >>> 16) & 0xff;
    a = Math.imul(a ^ byte, PRIME);
    b = Math.imul(b ^ byte ^ 0x5a, PRIME);
    byte = x >>> 24;
    this.a = Math.imul(a ^ byte, PRIME);
    this.b = Math.imul(b ^ byte ^ 0x5a, PRIME);
  }

  /** Folds in a time (the exact binary64 value), high word first. */
  time(t: number): void {
    timeBits[0] = t;
    this.int(timeWords[HIGH]!);
    this.int(timeWords[LOW]!);
  }

  text(s: string): void {
    for (let i = 0; i < s.length; i++) this.int(s.charCodeAt(i));
    this.int(s.length); // "ab" then "c" differs from "a" then "bc"
  }

  get value(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}

/** A 32-bit FNV-1a hash of a string, for folding a text that recurs (a Call-ID) as one integer. */
export function textHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), PRIME);
  return Math.imul(h ^ s.length, PRIME) >>> 0;
}

/** textHash of `a`, `b` and `c` joined by U+0000, without making the joined text. */
export function joinedTextHash(a: string, b: string, c: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < a.length; i++) h = Math.imul(h ^ a.charCodeAt(i), PRIME);
  h = Math.imul(h, PRIME); // the separator: h ^ 0 is h
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b.charCodeAt(i), PRIME);
  h = Math.imul(h, PRIME);
  for (let i = 0; i < c.length; i++) h = Math.imul(h ^ c.charCodeAt(i), PRIME);
  return Math.imul(h ^ (a.length + b.length + c.length + 2), PRIME) >>> 0;
}
